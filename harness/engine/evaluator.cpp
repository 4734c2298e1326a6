#include "harness/engine/evaluator.hpp"

#include <algorithm>
#include <cstdio>

namespace phonerig::engine {

namespace {

constexpr std::int64_t kNsPerMs = 1'000'000;

std::int64_t ns(Millis ms) {
  return static_cast<std::int64_t>(ms.count()) * kNsPerMs;
}

std::string seconds(std::int64_t ns_value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f s", static_cast<double>(ns_value) / 1e9);
  return text;
}

// "30 s", "1.5 s": a deadline as the scenario wrote it.
std::string span(Millis ms) {
  if (ms.count() % 1000 == 0) return std::to_string(ms.count() / 1000) + " s";
  return seconds(ns(ms));
}

bool is_kind(const api::Event& e, std::string_view kind) {
  return e.kind == kind;
}

} // namespace

struct Evaluator::PhoneState {
  PhonePlan plan;
  std::vector<api::Event> history; // this phone's events, in time order
  int cycle = 0;
  std::size_t cursor = 0;
  bool done = false;
  std::vector<std::vector<StepOutcome>> cycles;
  std::optional<std::int64_t> power_on_ns;
  // When the switch acknowledged the power-on set (power.on). The confirmation
  // (deliveringPower) is polled and may be read after the phone's first frames: what the
  // phone did from here on counts for steps measured from power-on, though deadlines
  // still count from the confirmation (DESIGN.md, "Events").
  std::optional<std::int64_t> power_applied_ns;
  std::int64_t cycle_start_ns = 0;
  std::int64_t previous_ns = 0;
  std::vector<std::optional<std::int64_t>> completion; // per step, this cycle
  // The current action step's state.
  std::optional<std::int64_t> dispatched_ns;
  std::optional<std::string> action_error;
  std::optional<std::int64_t> wake_ns; // when the current step may next be decided

  std::vector<StepOutcome>& results() { return cycles[static_cast<std::size_t>(cycle)]; }

  void begin_cycle(std::int64_t at) {
    cycles.emplace_back();
    auto& list = cycles.back();
    for (const auto& step : plan.steps) {
      StepOutcome r;
      r.name = step.name;
      r.line = step.line;
      r.index = step.index;
      r.cycle = cycle;
      r.group = step.group;
      list.push_back(std::move(r));
    }
    cursor = 0;
    cycle_start_ns = at;
    completion.assign(plan.steps.size(), std::nullopt);
    dispatched_ns.reset();
    action_error.reset();
  }
};

namespace {

using PhoneState = Evaluator::PhoneState;

// A decision about one step, or nothing yet (then `wake` says when to look again).
struct Decision {
  Verdict verdict = Verdict::pending;
  std::optional<std::int64_t> at;
  std::vector<api::Event> evidence;
  std::string reason;
  bool rig = false;
  std::optional<std::int64_t> wake;
  std::optional<std::int64_t> reference;
  std::optional<std::int64_t> deadline;
};

std::string from_words(const PlannedStep& step, After after, const PhonePlan& plan) {
  if (step.reference_step) return "of step '" + plan.steps[*step.reference_step].name + "'";
  return after == After::power_on ? "of power-on" : "of the previous step";
}

std::int64_t reference_of(const PhoneState& p, const PlannedStep& step, After after) {
  if (step.reference_step && p.completion[*step.reference_step]) {
    return *p.completion[*step.reference_step];
  }
  if (after == After::power_on) return p.power_on_ns.value_or(p.cycle_start_ns);
  return p.previous_ns;
}

// Where a step's window opens: its reference, or, when that is the power-on confirmation,
// the moment the power was applied (the confirmation can be read after the phone's first
// frames).
std::int64_t window_start(const PhoneState& p, std::int64_t reference) {
  if (p.power_on_ns && p.power_applied_ns && reference == *p.power_on_ns &&
      *p.power_applied_ns < reference) {
    return *p.power_applied_ns;
  }
  return reference;
}

// "at 12.4 s" since power-on when known, else since the step's reference.
std::string when(const PhoneState& p, std::int64_t t, std::int64_t reference) {
  if (p.power_on_ns && t >= *p.power_on_ns) return "at " + seconds(t - *p.power_on_ns);
  return seconds(t - reference) + " after the reference";
}

Decision decide_expect(const PhoneState& p, const PlannedStep& step, const Expect& e,
                       std::int64_t horizon) {
  Decision d;
  const std::int64_t r = reference_of(p, step, e.after);
  const std::int64_t deadline = r + ns(e.within);
  const std::int64_t from = window_start(p, r);
  d.reference = r;
  d.deadline = deadline;
  const auto& mac = p.plan.phone.mac;
  for (const auto& ev : p.history) {
    if (ev.time_ns < from) continue;
    if (ev.time_ns > deadline || ev.time_ns > horizon) break;
    if (matches(e.match, ev, mac)) {
      d.verdict = Verdict::passed;
      d.at = ev.time_ns;
      d.evidence.push_back(ev);
      return d;
    }
  }
  if (horizon < deadline) {
    d.wake = deadline;
    return d;
  }
  const api::Event* last_miss = nullptr;
  for (const auto& ev : p.history) {
    if (ev.time_ns < from) continue;
    if (ev.time_ns > deadline) break;
    if (near_miss(e.match, ev, mac)) {
      d.evidence.push_back(ev);
      last_miss = &ev;
    }
  }
  d.at = deadline;
  std::string expected = p.plan.phone.id + ": expected " + describe(e.match) + " within " +
                         span(e.within) + " " + from_words(step, e.after, p.plan);
  if (e.optional) {
    d.verdict = Verdict::skipped;
    d.reason = expected + "; optional, not seen";
  } else if (last_miss != nullptr) {
    d.verdict = Verdict::failed;
    d.reason = expected + "; saw " + summarize(*last_miss) + " " + when(p, last_miss->time_ns, r);
  } else {
    d.verdict = Verdict::missing;
    d.reason = expected + "; nothing seen";
  }
  return d;
}

Decision decide_absent(const PhoneState& p, const PlannedStep& step, const Absent& a,
                       std::int64_t horizon) {
  Decision d;
  const std::int64_t r = reference_of(p, step, a.after);
  const std::int64_t end = a.within ? r + ns(*a.within) : p.previous_ns;
  d.reference = r;
  d.deadline = end;
  const std::int64_t from = window_start(p, r);
  for (const auto& ev : p.history) {
    if (ev.time_ns < from) continue;
    if (ev.time_ns > end || ev.time_ns > horizon) break;
    if (matches(a.match, ev, p.plan.phone.mac)) {
      d.verdict = Verdict::failed;
      d.at = ev.time_ns;
      d.evidence.push_back(ev);
      d.reason =
          p.plan.phone.id + ": expected no " + describe(a.match) +
          (a.within ? " within " + span(*a.within) + " " + from_words(step, a.after, p.plan)
                    : std::string(a.after == After::power_on ? " since power-on" : " here")) +
          "; saw " + summarize(ev) + " " + when(p, ev.time_ns, r);
      return d;
    }
  }
  if (horizon < end) {
    d.wake = end;
    return d;
  }
  d.verdict = Verdict::passed;
  d.at = std::max(end, r);
  return d;
}

} // namespace

Evaluator::Evaluator(std::vector<PhonePlan> plans, int repeat, Actions& actions,
                     EvaluatorOptions options)
    : repeat_(std::max(1, repeat)), actions_(actions), options_(options) {
  for (auto& plan : plans) {
    auto state = std::make_unique<PhoneState>();
    state->plan = std::move(plan);
    phones_.push_back(std::move(state));
  }
}

Evaluator::~Evaluator() = default;

void Evaluator::start(std::int64_t now_ns) {
  now_ = now_ns;
  started_ = true;
  for (auto& p : phones_) {
    p->previous_ns = now_ns;
    p->begin_cycle(now_ns);
  }
  advance(now_ns);
}

void Evaluator::on_event(const api::Event& event) {
  if (!event.phone) return;
  for (auto& p : phones_) {
    if (p->plan.phone.mac != *event.phone) continue;
    auto& h = p->history;
    // Usually appended; an event late within the reorder window goes into its place.
    auto at = std::upper_bound(h.begin(), h.end(), event.time_ns,
                               [](std::int64_t t, const api::Event& e) { return t < e.time_ns; });
    h.insert(at, event);
  }
}

void Evaluator::power_failed(const wire::Mac& phone, std::string why) {
  for (auto& p : phones_) {
    if (p->plan.phone.mac == phone && p->dispatched_ns) p->action_error = why;
  }
}

void Evaluator::advance(std::int64_t now_ns) {
  if (!started_) return;
  now_ = std::max(now_, now_ns);
  // Phones run until each waits for time, an event or a barrier; a barrier done lets
  // the phones waiting at it go on.
  do {
    for (auto& p : phones_)
      run_phone(*p);
  } while (run_barriers());
}

void Evaluator::run_phone(PhoneState& p) {
  const std::int64_t horizon = now_ - options_.reorder_window_ns;
  p.wake_ns.reset();
  while (!p.done) {
    if (p.cursor >= p.plan.steps.size()) {
      if (p.cycle + 1 >= repeat_) {
        p.done = true;
        break;
      }
      ++p.cycle;
      p.begin_cycle(p.previous_ns);
      continue;
    }
    const PlannedStep& step = p.plan.steps[p.cursor];
    auto& results = p.results();

    auto record = [&](std::size_t index, Decision& d) {
      StepOutcome& r = results[index];
      r.verdict = d.verdict;
      r.at_ns = d.at;
      r.reference_ns = d.reference;
      r.deadline_ns = d.deadline;
      r.evidence = std::move(d.evidence);
      r.reason = std::move(d.reason);
      r.rig = d.rig;
      r.power_on_ns = p.power_on_ns;
    };
    auto end_cycle_after = [&](std::size_t index) {
      for (std::size_t i = index; i < results.size(); ++i) {
        if (results[i].verdict != Verdict::pending) continue;
        // An `absent` counted from power-on that the phone already broke before the cycle
        // ended is failed, not unreached: what it forbids happened (a crash during a load
        // download nobody asked for misses every later step, but the load request was the
        // first thing that went wrong). Unbroken so far, it stays unreached: its window
        // would have run on.
        const auto* a = std::get_if<Absent>(&p.plan.steps[i].what);
        if (a != nullptr && a->after == After::power_on) {
          Decision d = decide_absent(p, p.plan.steps[i], *a, horizon);
          if (d.verdict == Verdict::failed) {
            record(i, d);
            continue;
          }
        }
        results[i].verdict = Verdict::not_reached;
      }
      p.cursor = p.plan.steps.size();
    };

    if (step.group >= 0) {
      std::size_t end = p.cursor;
      while (end < p.plan.steps.size() && p.plan.steps[end].group == step.group)
        ++end;
      bool all = true;
      bool failed = false;
      std::int64_t latest = p.previous_ns;
      for (std::size_t i = p.cursor; i < end; ++i) {
        if (results[i].verdict != Verdict::pending) {
          if (results[i].verdict == Verdict::failed || results[i].verdict == Verdict::missing)
            failed = true;
          continue;
        }
        const PlannedStep& member = p.plan.steps[i];
        Decision d = std::holds_alternative<Expect>(member.what)
                         ? decide_expect(p, member, std::get<Expect>(member.what), horizon)
                         : decide_absent(p, member, std::get<Absent>(member.what), horizon);
        if (d.verdict == Verdict::pending) {
          all = false;
          if (d.wake && (!p.wake_ns || *d.wake < *p.wake_ns)) p.wake_ns = d.wake;
          continue;
        }
        if (d.verdict == Verdict::failed || d.verdict == Verdict::missing) failed = true;
        if (d.verdict == Verdict::passed && std::holds_alternative<Expect>(member.what)) {
          p.completion[i] = d.at;
        }
        record(i, d);
      }
      if (!all) break;
      for (std::size_t i = p.cursor; i < end; ++i) {
        if (p.completion[i]) latest = std::max(latest, *p.completion[i]);
      }
      p.previous_ns = latest;
      if (failed) {
        end_cycle_after(end);
      } else {
        p.cursor = end;
      }
      continue;
    }

    Decision d;
    bool advances_previous = true;
    if (const auto* e = std::get_if<Expect>(&step.what)) {
      d = decide_expect(p, step, *e, horizon);
      if (d.verdict == Verdict::skipped) advances_previous = false;
    } else if (const auto* a = std::get_if<Absent>(&step.what)) {
      d = decide_absent(p, step, *a, horizon);
      advances_previous = false;
    } else if (const auto* w = std::get_if<Wait>(&step.what)) {
      d.reference = p.previous_ns;
      d.deadline = p.previous_ns + ns(w->duration);
      if (horizon >= *d.deadline) {
        d.verdict = Verdict::passed;
        d.at = d.deadline;
      } else {
        d.wake = d.deadline;
      }
    } else if (const auto* c = std::get_if<ConfirmPower>(&step.what)) {
      if (!p.dispatched_ns) {
        p.dispatched_ns = now_;
        p.action_error.reset();
        auto requested = actions_.power(p.plan.phone, c->action);
        if (!requested) p.action_error = requested.error().message;
      }
      const std::int64_t sent = *p.dispatched_ns;
      d.reference = sent;
      d.deadline = sent + ns(c->within);
      auto on_event = [&](const api::Event& ev) {
        if (options_.confirm_by_detection) {
          return is_kind(ev, "port.detection") && ev.string_attr("status") == "deliveringPower";
        }
        return is_kind(ev, "power.on");
      };
      auto off_event = [&](const api::Event& ev) {
        if (is_kind(ev, "power.off")) return true;
        if (!is_kind(ev, "port.detection")) return false;
        auto status = ev.string_attr("status");
        return status == "disabled" || status == "searching";
      };
      const bool want_on = c->action != PowerAction::off;
      bool off_seen = c->action != PowerAction::cycle; // a cycle goes off before on
      const api::Event* off_first = nullptr;
      std::optional<std::int64_t> applied;
      for (const auto& ev : p.history) {
        if (ev.time_ns < sent) continue;
        if (ev.time_ns > horizon) break;
        if (!off_seen && off_event(ev)) {
          off_seen = true;
          off_first = &ev;
          continue;
        }
        if (off_seen && want_on && is_kind(ev, "power.on")) applied = ev.time_ns;
        if (off_seen && (want_on ? on_event(ev) : off_event(ev))) {
          d.verdict = Verdict::passed;
          d.at = ev.time_ns;
          if (off_first != nullptr) d.evidence.push_back(*off_first);
          d.evidence.push_back(ev);
          break;
        }
      }
      const std::string what = p.plan.phone.id + ": power " + std::string(to_string(c->action)) +
                               (p.plan.phone.port ? " on port " + *p.plan.phone.port : "");
      if (d.verdict == Verdict::passed) {
        p.power_on_ns = want_on ? d.at : std::nullopt;
        p.power_applied_ns = want_on ? applied : std::nullopt;
      } else if (p.action_error) {
        d.verdict = Verdict::failed;
        d.rig = true;
        d.at = now_;
        d.reason = what + " failed: " + *p.action_error;
      } else if (horizon >= *d.deadline) {
        d.verdict = Verdict::missing;
        d.rig = true;
        d.at = d.deadline;
        d.reason = what + " not confirmed within " + span(c->within) + " (no " +
                   (want_on ? (options_.confirm_by_detection ? "port.detection deliveringPower"
                                                             : "power.on")
                            : "power.off") +
                   " event)";
      } else {
        d.wake = d.deadline;
      }
    } else {
      break; // a barrier: run_barriers() decides it
    }

    if (d.verdict == Verdict::pending) {
      if (d.wake && (!p.wake_ns || *d.wake < *p.wake_ns)) p.wake_ns = d.wake;
      break;
    }
    const Verdict verdict = d.verdict;
    if (advances_previous && d.at) {
      p.previous_ns = *d.at;
      p.completion[p.cursor] = d.at;
    }
    record(p.cursor, d);
    p.dispatched_ns.reset();
    ++p.cursor;
    if (verdict == Verdict::failed || verdict == Verdict::missing) end_cycle_after(p.cursor);
  }
}

bool Evaluator::run_barriers() {
  bool progressed = false;
  for (auto& waiting : phones_) {
    if (waiting->done || waiting->cursor >= waiting->plan.steps.size()) continue;
    const PlannedStep& step = waiting->plan.steps[waiting->cursor];
    if (step.barrier < 0) continue;
    const int cycle = waiting->cycle;
    const int barrier = step.barrier;
    // Every phone is at this barrier of this cycle, or past it.
    bool everyone = true;
    std::vector<PhoneState*> here;
    for (auto& p : phones_) {
      if (p->done || p->cycle > cycle) continue;
      if (p->cycle < cycle) {
        everyone = false;
        break;
      }
      if (p->cursor < p->plan.steps.size() && p->plan.steps[p->cursor].barrier == barrier) {
        here.push_back(p.get());
        continue;
      }
      std::size_t index = 0;
      while (index < p->plan.steps.size() && p->plan.steps[index].barrier != barrier)
        ++index;
      if (p->cursor < index) {
        everyone = false;
        break;
      }
    }
    if (!everyone) continue;
    api::Result<bool> done = true;
    if (barriers_done_.insert({cycle, barrier}).second) {
      if (const auto* s = std::get_if<ServiceAction>(&step.what)) {
        done = actions_.service(*s);
      } else if (const auto* f = std::get_if<ResolvedFault>(&step.what)) {
        if (f->scope) done = actions_.set_faults(*f->scope, f->faults);
        if (done && f->flap) done = actions_.flap_link(f->flap->first, f->flap->second);
      }
    }
    for (PhoneState* p : here) {
      StepOutcome& r = p->results()[p->cursor];
      r.reference_ns = p->previous_ns;
      r.at_ns = now_;
      r.power_on_ns = p->power_on_ns;
      if (done) {
        r.verdict = Verdict::passed;
        p->previous_ns = now_;
        p->completion[p->cursor] = now_;
        ++p->cursor;
      } else {
        r.verdict = Verdict::failed;
        r.rig = true;
        r.reason = p->plan.phone.id + ": " + r.name + " failed: " + done.error().message;
        ++p->cursor;
        for (std::size_t i = p->cursor; i < p->results().size(); ++i) {
          p->results()[i].verdict = Verdict::not_reached;
        }
        p->cursor = p->plan.steps.size();
      }
    }
    progressed = true;
  }
  return progressed;
}

void Evaluator::stop(std::int64_t now_ns, const std::string& why) {
  now_ = std::max(now_, now_ns);
  for (auto& p : phones_) {
    if (p->done || !started_) continue;
    auto& results = p->results();
    bool first = true;
    for (auto& r : results) {
      if (r.verdict != Verdict::pending) continue;
      if (first) {
        r.verdict = Verdict::missing;
        r.at_ns = now_;
        r.reason = p->plan.phone.id + ": " + r.name + ": " + why;
        first = false;
      } else {
        r.verdict = Verdict::not_reached;
      }
    }
    p->done = true;
  }
}

std::optional<std::int64_t> Evaluator::next_deadline() const {
  if (done()) return std::nullopt;
  std::optional<std::int64_t> next;
  auto consider = [&](std::int64_t t) {
    if (!next || t < *next) next = t;
  };
  for (const auto& p : phones_) {
    if (p->done) continue;
    if (p->wake_ns) consider(*p->wake_ns + options_.reorder_window_ns);
    // Events not yet settled: decide about them once the reorder window has passed.
    if (!p->history.empty() && p->history.back().time_ns > now_ - options_.reorder_window_ns) {
      consider(p->history.back().time_ns + options_.reorder_window_ns);
    }
  }
  return next;
}

bool Evaluator::done() const {
  if (!started_) return false;
  return std::all_of(phones_.begin(), phones_.end(), [](const auto& p) { return p->done; });
}

bool Evaluator::passed() const {
  for (const auto& r : results()) {
    if (!r.passed()) return false;
  }
  return done();
}

bool Evaluator::rig_failed() const {
  for (const auto& p : phones_) {
    for (const auto& cycle : p->cycles) {
      for (const auto& r : cycle) {
        if (r.rig) return true;
      }
    }
  }
  return false;
}

std::vector<PhoneResult> Evaluator::results() const {
  std::vector<PhoneResult> out;
  for (const auto& p : phones_)
    out.push_back(PhoneResult{p->plan.phone, p->cycles});
  return out;
}

std::vector<std::vector<StepStatistics>> Evaluator::statistics() const {
  std::vector<std::vector<StepStatistics>> out;
  for (const auto& r : results())
    out.push_back(engine::statistics(r));
  return out;
}

} // namespace phonerig::engine
