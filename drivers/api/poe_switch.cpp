#include "drivers/api/poe_switch.hpp"

namespace phonerig::api {

std::string_view to_string(PoeDetection detection) {
  switch (detection) {
    case PoeDetection::disabled: return "disabled";
    case PoeDetection::searching: return "searching";
    case PoeDetection::delivering_power: return "deliveringPower";
    case PoeDetection::fault: return "fault";
    case PoeDetection::test: return "test";
    case PoeDetection::other_fault: return "otherFault";
  }
  return "unknown";
}

std::optional<PoeDetection> parse_poe_detection(std::string_view text) {
  for (int value = 1; value <= 6; ++value) {
    const auto detection = static_cast<PoeDetection>(value);
    if (to_string(detection) == text) return detection;
  }
  return std::nullopt;
}

}  // namespace phonerig::api
