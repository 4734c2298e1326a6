// The steps of a scenario as the engine runs them (issue 7, "Scenarios"): plain values,
// api and wire types only, so the scenario loader (harness/scenario) can build them from
// YAML and the evaluator (evaluator.hpp) can run them without knowing YAML.
//
// Two levels:
//   StepSpec   what a scenario file says: selectors, `registration` as one step, file
//              patterns with {mac}/{device}/{load}, VLANs by role (voice, data).
//   PhonePlan  what one phone runs: plan() selects the phones, expands `registration` into
//              the sequence of DESIGN.md ("The registration sequence") with its deadlines,
//              substitutes the placeholders and resolves VLAN roles.
#pragma once

#include "drivers/api/event.hpp"
#include "drivers/api/fault_injector.hpp"
#include "drivers/api/result.hpp"
#include "drivers/wire/address.hpp"

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace phonerig::engine {

using Millis = std::chrono::milliseconds;

// Where a deadline counts from: the previous step's completion, or the phone's power-on
// confirmed (DESIGN.md, "Events": the port reaching deliveringPower).
enum class After { previous, power_on };

// The pseudo-kinds a match may name besides the closed list of api kinds.
inline constexpr std::string_view kKindRequested = "requested"; // tftp.rrq or http.get
inline constexpr std::string_view kKindFetched = "fetched";     // tftp.done or http.status 2xx
// tcp.established to port 5060/5061, or a SIP request over UDP (no connection to see).
inline constexpr std::string_view kKindSipConnect = "sip.connect";
inline constexpr std::string_view kKindAny = "*"; // any event

// What an expect or absent step looks for among one phone's events. Every field set must
// hold. Text comparisons ignore case; patterns take '*' (any run of characters).
struct EventMatch {
  std::string kind;                       // an api kind, or one of the pseudo-kinds above
  std::optional<api::EventSource> origin; // capture, service, switch, link
  // File name patterns, any of which may match (tftp `file`, http `path`). A leading '/'
  // is ignored and a signed name (`X.sgn`) matches the pattern of X. Placeholders:
  // {mac} (001E4A000001), {device} (SEP001E4A000001), {load} (the phone's expected load).
  std::vector<std::string> files;
  std::optional<std::string> method; // SIP method; for a response, the CSeq method
  std::optional<int> status;         // SIP or HTTP status code
  bool from_phone = false;           // Ethernet source is the phone's own MAC
  std::vector<int> option_present;   // DHCP options present in the message
  std::vector<int> option_absent;
  std::vector<std::pair<int, std::string>> option_equal; // code, value pattern
  // 802.1Q VLAN of the frame: a number, 0 untagged, kAnyTag any tag.
  std::optional<int> vlan;
  std::optional<std::string> vlan_role; // "voice" or "data" before plan() resolves it
  std::optional<wire::Ipv4> src;
  std::optional<wire::Ipv4> dst;
  std::vector<std::pair<std::string, std::string>> attrs; // attribute, value pattern

  static constexpr int kAnyTag = -1;
};

struct Expect {
  EventMatch match;
  Millis within{30'000};
  After after = After::previous;
  bool optional = false; // not seen in time: `skipped`, and the phone goes on
};

// Nothing matching may happen in the window [reference, reference + within]. Without
// `within` the window ends where the step is reached (the previous step's completion):
// "no load was requested between power-on and here". The sequence waits for the window
// to close; the step after an absent step counts `previous` from the step before it.
struct Absent {
  EventMatch match;
  std::optional<Millis> within;
  After after = After::previous;
};

enum class PowerAction { on, off, cycle };
std::string_view to_string(PowerAction action);

// The caller is asked to power the phone's port; the step passes when the switch
// confirms (port.detection deliveringPower or power.on for on/cycle, disabled or
// power.off for off: EvaluatorOptions) within `confirm_within` of the request.
struct Power {
  PowerAction action = PowerAction::cycle;
  Millis confirm_within{60'000};
};

struct Wait {
  Millis duration{0};
};

enum class ServiceOp { stop, start, drop_address, restore_address };
std::string_view to_string(ServiceOp op);

// A lab-wide action: done once, when every phone has reached it (a barrier).
struct ServiceAction {
  ServiceOp op = ServiceOp::stop;
  std::vector<std::string> services; // stop/start: cdp, dhcp, tftp, http, sip
  std::optional<wire::Ipv4> address; // drop_address/restore_address
};

// A lab-wide fault (a barrier too): impairments of a port or VLAN, or a link flap of a
// port. `clear` is Faults{}.
struct FaultAction {
  std::optional<std::string> port;
  std::optional<int> vlan;
  std::optional<std::string> vlan_role; // "voice" or "data" before plan() resolves it
  api::Faults faults;
  std::optional<api::LinkFlap> flap;
  bool clear = false;
};

// The step ids of the registration sequence, as `skip:` names them (timeline.hpp's
// step_id(), `register` being step 11).
inline constexpr std::array<std::string_view, 12> kRegistrationStepIds = {
    "power",         "boot",     "voice_vlan", "dhcp",         "ctl",      "itl",
    "device_config", "firmware", "dial_rules", "call_manager", "register", "after_registration"};

struct Registration {
  std::optional<PowerAction> power = PowerAction::cycle; // nullopt: the phone is powered
  std::vector<std::string> skip;                         // ids of kRegistrationStepIds
  bool expect_firmware_upgrade = false; // load fetched, reboot, second pass, new load seen
  bool expect_default_config = false;   // XMLDefault.cnf.xml instead of SEP<MAC>.cnf.xml
};

// Which phones: every one, or those whose id, model or one of whose tags is named.
struct PhoneSelector {
  bool all = true;
  std::vector<std::string> names;
  int line = 0; // where the scenario file wrote it, for diagnostics
  int column = 0;
};

struct StepSpec;
// Members (expect and absent only) share the group's reference and may pass in any order.
struct AnyOrder {
  std::vector<StepSpec> members;
};

struct StepSpec {
  std::string name; // empty: described from the step
  int line = 0;     // in the scenario file
  int column = 0;
  std::optional<PhoneSelector> phones; // per-phone steps only; narrows the scenario's
  std::variant<Expect, Absent, Power, Wait, ServiceAction, FaultAction, AnyOrder, Registration>
      what;
};

// ---- plans ----

// What plan() needs of a lab phone (harness/app fills it from scenario::Phone).
struct PhoneFacts {
  std::string id;
  wire::Mac mac;
  std::string model;
  std::optional<std::string> port;
  std::optional<std::string> load; // the load the phone should run (lab phone or model)
  std::vector<std::string> tags;

  std::string device_name() const { return "SEP" + mac.to_cisco(); }
};

struct LabFacts {
  std::optional<int> voice_vlan;
  std::optional<int> data_vlan;
};

// An action resolved for the caller: faults name their scope.
struct ResolvedFault {
  std::optional<api::FaultScope> scope; // impairments (or clear)
  api::Faults faults;
  std::optional<std::pair<std::string, api::LinkFlap>> flap; // port, flap
};

struct ConfirmPower {
  PowerAction action = PowerAction::cycle;
  Millis within{60'000};
};

struct PlannedStep {
  std::string name; // "11 register", "expect sip.response 200 to REGISTER"
  int line = 0;
  std::size_t index = 0; // in the phone's plan
  std::variant<Expect, Absent, ConfirmPower, Wait, ServiceAction, ResolvedFault> what;
  // Members of one any_order group share an id (>= 0); -1: not in a group.
  int group = -1;
  // Lab-wide actions: the same id (>= 0) in every phone's plan, in the same order.
  int barrier = -1;
  // The reference is this earlier step's completion instead of `after` (the registration
  // expansion: dial rules and files after registration count from the device config).
  std::optional<std::size_t> reference_step;
};

struct PhonePlan {
  PhoneFacts phone;
  std::vector<PlannedStep> steps;
};

// The plan of every phone `phones` selects, in lab order. Errors (Fault::config): a
// selector naming no phone, {load} where a phone has no expected load, a VLAN role the
// lab does not define. (A power step for a phone without a port fails at run time, as
// the rig's: Actions::power returns the error.)
api::Result<std::vector<PhonePlan>> plan(const std::vector<StepSpec>& steps,
                                         const PhoneSelector& phones,
                                         const std::vector<PhoneFacts>& lab_phones,
                                         const LabFacts& lab);

// Inline: the scenario loader checks selectors against a lab without linking the engine.
inline bool selects(const PhoneSelector& selector, const PhoneFacts& phone) {
  if (selector.all) return true;
  auto same = [](std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
      auto lower = [](char c) {
        return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
      };
      if (lower(a[i]) != lower(b[i])) return false;
    }
    return true;
  };
  for (const auto& name : selector.names) {
    if (same(name, phone.id) || same(name, phone.model)) return true;
    for (const auto& tag : phone.tags) {
      if (same(name, tag)) return true;
    }
  }
  return false;
}

// ---- matching (steps_match.cpp) ----

// Whether `event` satisfies `match` (placeholders already substituted) for `phone`.
bool matches(const EventMatch& match, const api::Event& event, const wire::Mac& phone);
// Whether `event` is an attempt at what `match` looks for that came out otherwise: the
// same kind family and file or SIP method, another status or attribute. A failed step
// names it ("saw 403 at 12.4 s").
bool near_miss(const EventMatch& match, const api::Event& event, const wire::Mac& phone);
// "sip.response 200 to REGISTER", "SEP001E4A000001.cnf.xml fetched"
std::string describe(const EventMatch& match);
// "403 Forbidden", "tftp.error 1 File not found": what an event says, briefly.
std::string summarize(const api::Event& event);
// Glob with '*', ignoring case.
bool glob_match(std::string_view pattern, std::string_view text);

} // namespace phonerig::engine
