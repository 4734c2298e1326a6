// Per phone, the registration sequence of DESIGN.md derived from that phone's events: for
// each step its first and last event time, the events that decided it, a short evidence
// line, and what is missing or out of order. A pure function of the events: no clock, no
// I/O. `phonerig analyze` prints it; the scenario step engine builds on it.
//
// The default `registration` expectation (DESIGN.md): the order of steps 1-8, 10 and 11 is
// asserted; 9 (dial rules) and 12-14 (after registration) may come in any order, before or
// after 11. A file counts as fetched over either transport (file_fetch.hpp); signed `.sgn`
// names are accepted; XMLDefault.cnf.xml is the device config of an unprovisioned phone.
// Step 1 (power) comes from switch events: a capture alone never shows it, so without
// them it is "not observed", not "missing". Step 8 (firmware) without any load file
// fetched is "not needed" (the load in the config is the running one).
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "drivers/api/event.hpp"
#include "drivers/wire/address.hpp"
#include "harness/engine/file_fetch.hpp"

namespace phonerig::engine {

enum class Step {
  power,
  boot,
  voice_vlan,
  dhcp,
  ctl,
  itl,
  device_config,
  firmware,
  dial_rules,
  call_manager,
  registration,
  after_registration,
};
inline constexpr std::size_t kStepCount = 12;
inline constexpr std::array<Step, kStepCount> kAllSteps = {
    Step::power, Step::boot,     Step::voice_vlan, Step::dhcp,       Step::ctl,          Step::itl,
    Step::device_config, Step::firmware, Step::dial_rules, Step::call_manager,
    Step::registration, Step::after_registration};

std::string_view step_name(Step step);    // "voice VLAN", "device config"...
std::string_view step_id(Step step);      // "voice_vlan": stable, for JSON and scenarios
std::string_view step_number(Step step);  // "3", "12-14"
// Whether the default expectation asserts the step's place in the order (1-8, 10, 11).
bool order_asserted(Step step);

enum class StepStatus {
  passed,        // it happened (and, for files, was delivered)
  failed,        // it began and did not complete: no ACK, 404 for the config, 403...
  missing,       // nothing of it was seen
  not_needed,    // firmware: no load files fetched
  not_observed,  // power: the events that would show it are not in the input
};
std::string_view to_string(StepStatus status);

struct StepResult {
  Step step = Step::power;
  StepStatus status = StepStatus::missing;
  std::optional<std::int64_t> first_ns;  // of the phone's own evidence
  std::optional<std::int64_t> last_ns;
  std::string evidence;  // short: "DHCP ACK 198.18.0.101 option 150=[198.18.0.10]"
  std::string note;      // why it is missing, failed, not needed or out of order
  bool out_of_order = false;
  std::vector<api::Event> events;  // the events that decided it, in time order
};

struct PhoneTimeline {
  wire::Mac phone;
  std::optional<std::int64_t> first_frame_ns;  // the reference of "time since first frame"
  std::array<StepResult, kStepCount> steps;
  std::vector<FileFetch> files;       // every file the phone fetched, in order
  std::vector<std::string> problems;  // missing, failed, out of order: one line each

  const StepResult& step(Step s) const { return steps[static_cast<std::size_t>(s)]; }
  StepResult& step(Step s) { return steps[static_cast<std::size_t>(s)]; }
  // Every asserted step passed (or was not needed / not observable) and in order.
  bool complete() const;
};

struct TimelineOptions {
  // An HTTP attempt and the TFTP fallback of the same file within this are one fetch.
  std::int64_t fallback_window_ns = 2'000'000'000;
  // When each phone sent its first frame, from Decoder::first_frames(): the boot step even
  // when that frame carried no event.
  std::map<wire::Mac, std::int64_t> first_frames;
  // Switch CDP/LLDP (events without a phone) this long before the phone's first frame
  // still count as the voice VLAN offered to it.
  std::int64_t switch_lookback_ns = 60'000'000'000;
};

// The timeline of one phone. `events` may hold every phone's events, in any order: the
// phone's are those with phone == `phone`; switch announcements with no phone are shared.
PhoneTimeline build_timeline(const wire::Mac& phone, std::span<const api::Event> events,
                             const TimelineOptions& options = {});
// One timeline per phone that has events, by MAC.
std::map<wire::Mac, PhoneTimeline> build_timelines(std::span<const api::Event> events,
                                                   const TimelineOptions& options = {});

}  // namespace phonerig::engine
