#include "drivers/power/confirm.hpp"

namespace phonerig::power {

api::PoeDetection wanted_after(bool on) {
  return on ? api::PoeDetection::delivering_power : api::PoeDetection::disabled;
}

bool satisfies(const api::PortStatus& status, api::PoeDetection wanted, bool accept_searching) {
  if (wanted == api::PoeDetection::disabled) {
    return !status.admin_on && status.detection == api::PoeDetection::disabled;
  }
  if (wanted == api::PoeDetection::delivering_power && accept_searching) {
    return status.admin_on && (status.detection == api::PoeDetection::delivering_power ||
                               status.detection == api::PoeDetection::searching);
  }
  return status.detection == wanted;
}

ConfirmStep confirm_step(const std::vector<api::PortStatus>& statuses, api::PoeDetection wanted,
                         bool accept_searching, std::chrono::steady_clock::time_point now,
                         std::chrono::steady_clock::time_point deadline) {
  if (unreached(statuses, wanted, accept_searching).empty()) return ConfirmStep::done;
  return now >= deadline ? ConfirmStep::timed_out : ConfirmStep::poll_again;
}

std::vector<std::string> unreached(const std::vector<api::PortStatus>& statuses,
                                   api::PoeDetection wanted, bool accept_searching) {
  std::vector<std::string> out;
  for (const auto& s : statuses) {
    if (!satisfies(s, wanted, accept_searching)) {
      out.push_back(s.port + " (" + std::string(api::to_string(s.detection)) +
                    (s.admin_on ? ", admin on)" : ", admin off)"));
    }
  }
  return out;
}

std::chrono::milliseconds hold_remaining(std::chrono::steady_clock::time_point off_acked,
                                         std::chrono::steady_clock::time_point now,
                                         std::chrono::milliseconds min_off) {
  const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(now - off_acked);
  if (elapsed >= min_off) return std::chrono::milliseconds(0);
  // Round up: a hold of 4999.6 ms must not end at 4999.
  const auto remaining = min_off - (now - off_acked);
  return std::chrono::ceil<std::chrono::milliseconds>(remaining);
}

}  // namespace phonerig::power
