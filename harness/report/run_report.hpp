// The reports' own input model: what one `phonerig run` found, per phone and step, as plain
// values. The step engine's verdicts are mapped to it by the app (harness/app), so the
// writers (junit.hpp, report_json.hpp, report_html.hpp, live_table.hpp) depend on nothing
// but api and wire, and a test can build a report by hand.
//
// Times of steps are milliseconds since the phone's power-on was confirmed (DESIGN.md,
// "Events": the port reaching deliveringPower), the reference every deadline counts from.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "drivers/api/event.hpp"
#include "drivers/wire/address.hpp"

namespace phonerig::report {

// The run's verdict; the exit code of issue 7 follows it (0, 1, 3).
enum class RunResult { passed, failed, rig_error };
std::string_view to_string(RunResult result);
std::optional<RunResult> parse_run_result(std::string_view text);

enum class StepResult {
  passed,       // its expectation held within its deadline
  failed,       // it began (or was forbidden and happened) and did not hold
  missing,      // nothing of it was seen before its deadline
  not_reached,  // the run stopped (an earlier step failed, the rig failed) before it
  skipped,      // not applicable: optional and absent, not selected, firmware not needed
};
std::string_view to_string(StepResult result);
std::optional<StepResult> parse_step_result(std::string_view text);
// failed and missing are failures; passed, not_reached and skipped are not.
bool is_failure(StepResult result);

// Per step statistics over the cycles of a repeated scenario (`--repeat N`).
struct StepStats {
  std::int64_t p50_ms = 0;  // of the step's completion time since power-on
  std::int64_t p95_ms = 0;
  std::int64_t max_ms = 0;
  std::size_t count = 0;    // cycles in which the step completed
  bool operator==(const StepStats&) const = default;
};

struct StepReport {
  std::string name;  // as the scenario or the registration expansion names it: "DHCP"
  std::string kind;  // the step's kind: "power", "expect", "registration.dhcp", "absent"...
  StepResult result = StepResult::missing;
  std::optional<std::int64_t> started_ms;   // since power-on confirmed
  std::optional<std::int64_t> ended_ms;     // since power-on confirmed
  std::optional<std::int64_t> deadline_ms;  // since power-on confirmed
  std::string reason;                       // why it failed, is missing, was skipped
  std::vector<api::Event> evidence;         // the events that decided it, in time order
  std::optional<StepStats> stats;           // repeated runs only

  std::optional<std::int64_t> duration_ms() const;
};

struct PhoneReport {
  std::string id;  // the lab file's phone id; also the pcap file's stem
  std::optional<wire::Mac> mac;
  std::string model;  // "CP-8845"
  std::string port;   // switch port: "Gi1/0/3"
  RunResult result = RunResult::passed;
  std::vector<StepReport> steps;
  std::string pcap;  // relative to the report folder ("pcap/phone1.pcap"); empty: none
};

struct RunReport {
  std::string scenario_name;
  std::string scenario_file;
  std::int64_t started_unix_ms = 0;
  std::int64_t duration_ms = 0;
  RunResult result = RunResult::passed;
  int exit_code = 0;
  std::string lab;  // the lab's name ("sim") or file
  std::uint64_t capture_dropped = 0;
  unsigned repeat = 1;
  std::string rig_error;  // what failed on the rig when result == rig_error
  std::vector<PhoneReport> phones;
};

struct ResultCounts {
  std::size_t passed = 0, failed = 0, missing = 0, not_reached = 0, skipped = 0;
  std::size_t total() const { return passed + failed + missing + not_reached + skipped; }
  void add(StepResult result);
};
ResultCounts count_steps(const PhoneReport& phone);
ResultCounts count_steps(const RunReport& report);

// The step that went wrong first in time, as the summaries name it: a failed step at its
// deciding event, a missing one at its deadline; plan order breaks ties and ranks a failure
// with no time last. A step listed late in the plan (the end-of-run "no load requested"
// check) can go wrong before the steps listed above it, which then miss because of it.
// nullptr: no failure.
const StepReport* first_failure(const PhoneReport& phone);

// One line of evidence as the reports print it (api::to_string of the event):
// "1795000000.123456789 capture 00:1e:4a:00:00:01 dhcp.ack yiaddr=198.18.0.101 ...".
std::string evidence_line(const api::Event& event);

// "1.234 s", "850 ms", "-": a duration or a time since power-on for people.
std::string format_ms(std::optional<std::int64_t> ms);

}  // namespace phonerig::report
