// The step engine (issue 7): walks every selected phone through its plan (steps.hpp) and
// decides each step's verdict from the events, with its timing and the events that
// decided it. Pure: no sockets, no clock reads, no threads. Time comes in as `now`
// (CLOCK_REALTIME ns, the clock of api::Event::time_ns); actions go out through Actions.
//
// How `phonerig run` feeds it (one io_context, one strand):
//   1. plans = engine::plan(scenario.steps, scenario.phones, facts of the lab's phones,
//      lab VLANs); Evaluator ev(plans, repeat, actions, options) where `actions` wraps the
//      PoeSwitch, the service shells and the FaultInjector.
//   2. Start capture and wait until it is receiving; then ev.start(realtime_ns()).
//   3. Every event, as it comes (decoder output with source capture, service events, switch
//      events): ev.on_event(e). The switch side must emit, with `phone` set to the port's
//      phone MAC, power.on/power.off when a set is acknowledged and port.detection when the
//      detection status is read (polled after a power request until deliveringPower): the
//      power steps wait for them. Events without a phone are ignored.
//   4. After a batch of events, and whenever a timer set to ev.next_deadline() fires:
//      ev.advance(realtime_ns()). advance() calls Actions when a step is reached; a power
//      request that fails later (async) is reported with ev.power_failed(mac, why).
//   5. Until ev.done(); then ev.results() and ev.statistics() go to the reports. SIGINT:
//      ev.stop(now, "interrupted"). Exit code: 3 when any result has rig = true, else 1
//      when !ev.passed(), else 0.
//
// Lab-wide steps (service, fault) are done once, when every phone has reached them or left
// the cycle; if every phone failed before one, it is not done: teardown must restore the
// services and clear the faults the run changed, whatever the engine reached.
//
// Verdicts: an expect step passes at the first matching event in its window [reference,
// reference + within]; when the window closes without one it is `failed` if an attempt
// was seen (a near miss: 403 for the 200, a 404 for the file), else `missing`; an optional
// step is `skipped`. A step that fails ends the phone's cycle: the steps after it are
// `not_reached`. Events may arrive out of order by up to `reorder_window`: nothing is
// decided about a time until `now - reorder_window` has passed it.
#pragma once

#include "drivers/api/event.hpp"
#include "drivers/api/fault_injector.hpp"
#include "drivers/api/result.hpp"
#include "harness/engine/steps.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace phonerig::engine {

// What the engine asks of the rig. Each call returns once the request is made; an error
// there fails the step as the rig's (Fault::rig), not the phone's.
class Actions {
public:
  virtual ~Actions() = default;
  // Power the phone's port. Confirmation comes back as events (see above).
  virtual api::Result<bool> power(const PhoneFacts& phone, PowerAction action) = 0;
  // stop/start each named service, or drop/restore the address. Done once for the lab.
  virtual api::Result<bool> service(const ServiceAction& action) = 0;
  virtual api::Result<bool> set_faults(const api::FaultScope& scope, const api::Faults& faults) = 0;
  virtual api::Result<bool> flap_link(const std::string& port, const api::LinkFlap& flap) = 0;
};

enum class Verdict { pending, passed, failed, missing, skipped, not_reached };
std::string_view to_string(Verdict verdict);

struct StepOutcome {
  std::string name;
  int line = 0;
  std::size_t index = 0; // in the phone's plan
  int cycle = 0;         // from 0
  int group = -1;
  Verdict verdict = Verdict::pending;
  std::optional<std::int64_t> reference_ns; // where its deadline counted from
  std::optional<std::int64_t> deadline_ns;
  std::optional<std::int64_t> at_ns;       // the deciding event, the action, the end of a window
  std::optional<std::int64_t> power_on_ns; // the phone's power-on confirmed, when known
  std::vector<api::Event> evidence;        // the events that decided it
  std::string reason;                      // failed, missing, skipped: one line naming the phone
  bool rig = false;                        // an action of the rig failed (power, service, fault)

  std::optional<std::int64_t> since_power_on_ns() const;
  std::optional<std::int64_t> duration_ns() const; // at - reference
};

struct PhoneResult {
  PhoneFacts phone;
  std::vector<std::vector<StepOutcome>> cycles; // one list per repeat, in plan order

  bool passed() const; // every step of every cycle passed or was skipped
};

// Per planned step, across the cycles that passed it (nearest-rank percentiles).
struct StepStatistics {
  std::string name;
  std::size_t index = 0;
  int passed = 0;
  int cycles = 0;
  std::int64_t duration_p50_ns = 0, duration_p95_ns = 0, duration_max_ns = 0;
  std::optional<std::int64_t> since_power_on_p50_ns, since_power_on_p95_ns, since_power_on_max_ns;
};

struct EvaluatorOptions {
  std::int64_t reorder_window_ns = 250'000'000;
  // Power-on confirmed is port.detection deliveringPower (a PoE switch); false: power.on,
  // the set acknowledged (a PDU outlet: DESIGN.md, "Events").
  bool confirm_by_detection = true;
};

class Evaluator {
public:
  Evaluator(std::vector<PhonePlan> plans, int repeat, Actions& actions,
            EvaluatorOptions options = {});
  ~Evaluator();
  Evaluator(const Evaluator&) = delete;
  Evaluator& operator=(const Evaluator&) = delete;

  // The run begins: capture is receiving. Runs the first steps (may call Actions).
  void start(std::int64_t now_ns);
  // An event of any phone; events of no planned phone are ignored.
  void on_event(const api::Event& event);
  // Decides what `now` allows, calls Actions for the steps reached.
  void advance(std::int64_t now_ns);
  // A power request made through Actions failed after it was accepted.
  void power_failed(const wire::Mac& phone, std::string why);
  // Ends the run: pending steps become `missing` with `why`, the rest `not_reached`.
  void stop(std::int64_t now_ns, const std::string& why);

  // When advance() next has something to decide (absolute ns); nullopt when done.
  std::optional<std::int64_t> next_deadline() const;
  bool done() const;
  bool passed() const;
  bool rig_failed() const;
  std::vector<PhoneResult> results() const;
  // Per phone (in plan order), per planned step.
  std::vector<std::vector<StepStatistics>> statistics() const;

  struct PhoneState;

private:
  void run_phone(PhoneState& phone);
  bool run_barriers();

  std::vector<std::unique_ptr<PhoneState>> phones_;
  int repeat_;
  Actions& actions_;
  EvaluatorOptions options_;
  std::int64_t now_ = 0;
  bool started_ = false;
  std::set<std::pair<int, int>> barriers_done_; // (cycle, barrier)
};

// The statistics of one phone's result (Evaluator::statistics() for each phone).
std::vector<StepStatistics> statistics(const PhoneResult& result);

} // namespace phonerig::engine
