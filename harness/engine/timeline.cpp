#include "harness/engine/timeline.hpp"

#include <algorithm>
#include <set>

#include "harness/engine/timeline_steps.hpp"

namespace phonerig::engine {

using namespace detail;

namespace {
bool is_kind(const api::Event& e, std::string_view kind) { return e.kind == kind; }
}  // namespace

std::string_view step_name(Step step) {
  constexpr std::array<std::string_view, kStepCount> names = {
      "power", "boot", "voice VLAN", "DHCP", "CTL", "ITL", "device config", "firmware",
      "dial rules", "call manager", "register", "after registration"};
  return names[static_cast<std::size_t>(step)];
}

std::string_view step_id(Step step) {
  constexpr std::array<std::string_view, kStepCount> ids = {
      "power", "boot", "voice_vlan", "dhcp", "ctl", "itl", "device_config", "firmware",
      "dial_rules", "call_manager", "register", "after_registration"};
  return ids[static_cast<std::size_t>(step)];
}

std::string_view step_number(Step step) {
  constexpr std::array<std::string_view, kStepCount> numbers = {
      "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12-14"};
  return numbers[static_cast<std::size_t>(step)];
}

bool order_asserted(Step step) {
  return step != Step::dial_rules && step != Step::after_registration;
}

std::string_view to_string(StepStatus status) {
  switch (status) {
    case StepStatus::passed: return "passed";
    case StepStatus::failed: return "failed";
    case StepStatus::missing: return "missing";
    case StepStatus::not_needed: return "not needed";
    case StepStatus::not_observed: return "not observed";
  }
  return "missing";
}

bool PhoneTimeline::complete() const {
  for (const auto& s : steps) {
    if (s.out_of_order) return false;
    if (s.status == StepStatus::failed || s.status == StepStatus::missing) return false;
  }
  return true;
}

PhoneTimeline build_timeline(const wire::Mac& phone, std::span<const api::Event> events,
                             const TimelineOptions& options) {
  Events mine;
  Events shared;
  for (const auto& e : events) {
    if (e.phone == phone) {
      mine.push_back(e);
    } else if (!e.phone && (is_kind(e, "cdp.rx") || is_kind(e, "lldp.rx"))) {
      shared.push_back(e);
    }
  }
  auto by_time = [](const api::Event& a, const api::Event& b) { return a.time_ns < b.time_ns; };
  std::stable_sort(mine.begin(), mine.end(), by_time);
  std::stable_sort(shared.begin(), shared.end(), by_time);

  PhoneTimeline t;
  t.phone = phone;
  for (std::size_t i = 0; i < kStepCount; ++i) t.steps[i].step = kAllSteps[i];
  t.files = collect_fetches(mine, phone, options.fallback_window_ns);

  power_step(t.step(Step::power), mine);
  boot_step(t.step(Step::boot), mine, phone, options);
  t.first_frame_ns = t.step(Step::boot).first_ns;
  voice_vlan_step(t.step(Step::voice_vlan), mine, shared, phone, t.first_frame_ns, options);
  dhcp_step(t.step(Step::dhcp), mine);
  file_step(t.step(Step::ctl), t.files, {FileRole::ctl}, false,
            "no request for CTLSEP<MAC>.tlv");
  file_step(t.step(Step::itl), t.files, {FileRole::itl}, false,
            "no request for ITLSEP<MAC>.tlv");
  file_step(t.step(Step::device_config), t.files,
            {FileRole::device_config, FileRole::default_config}, true,
            "no request for SEP<MAC>.cnf.xml or XMLDefault.cnf.xml");
  file_step(t.step(Step::firmware), t.files, {FileRole::firmware}, true, "");
  if (t.step(Step::firmware).events.empty()) {
    t.step(Step::firmware).status = StepStatus::not_needed;
    t.step(Step::firmware).note = "no load files fetched (the configured load is running)";
  }
  file_step(t.step(Step::dial_rules), t.files, {FileRole::dial_rules}, true,
            "no dial rules file fetched");
  call_manager_step(t.step(Step::call_manager), mine);
  register_step(t.step(Step::registration), mine);
  file_step(t.step(Step::after_registration), t.files,
            {FileRole::softkeys, FileRole::ringtones, FileRole::localization}, true,
            "no softkey, ringtone or locale file fetched");
  for (auto& s : t.steps) std::stable_sort(s.events.begin(), s.events.end(), by_time);

  check_order(t);
  for (const auto& s : t.steps) {
    std::string head = "step " + std::string(step_number(s.step)) + " " + std::string(step_name(s.step));
    if (s.status == StepStatus::missing || s.status == StepStatus::failed) {
      t.problems.push_back(head + ": " + std::string(to_string(s.status)) +
                           (s.note.empty() ? "" : " (" + s.note + ")"));
    } else if (s.out_of_order) {
      t.problems.push_back(head + ": out of order (" + s.note + ")");
    }
  }
  return t;
}

std::map<wire::Mac, PhoneTimeline> build_timelines(std::span<const api::Event> events,
                                                   const TimelineOptions& options) {
  std::set<wire::Mac> phones;
  for (const auto& e : events) {
    if (e.phone) phones.insert(*e.phone);
  }
  std::map<wire::Mac, PhoneTimeline> out;
  for (const auto& phone : phones) out.emplace(phone, build_timeline(phone, events, options));
  return out;
}

}  // namespace phonerig::engine
