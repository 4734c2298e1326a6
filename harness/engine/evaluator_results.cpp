// Verdict names, per-step timings and the statistics across repeated cycles.
#include "harness/engine/evaluator.hpp"

#include <algorithm>
#include <cmath>

namespace phonerig::engine {

std::string_view to_string(Verdict verdict) {
  switch (verdict) {
  case Verdict::pending: return "pending";
  case Verdict::passed: return "passed";
  case Verdict::failed: return "failed";
  case Verdict::missing: return "missing";
  case Verdict::skipped: return "skipped";
  case Verdict::not_reached: return "not reached";
  }
  return "pending";
}

std::optional<std::int64_t> StepOutcome::since_power_on_ns() const {
  if (!at_ns || !power_on_ns) return std::nullopt;
  return *at_ns - *power_on_ns;
}

std::optional<std::int64_t> StepOutcome::duration_ns() const {
  if (!at_ns || !reference_ns) return std::nullopt;
  return *at_ns - *reference_ns;
}

bool PhoneResult::passed() const {
  for (const auto& cycle : cycles) {
    for (const auto& step : cycle) {
      if (step.verdict != Verdict::passed && step.verdict != Verdict::skipped) return false;
    }
  }
  return true;
}

std::vector<StepStatistics> statistics(const PhoneResult& result) {
  std::vector<StepStatistics> out;
  if (result.cycles.empty()) return out;
  // Nearest rank: the smallest value with at least p% of the values at or below it.
  auto rank = [](std::vector<std::int64_t> values, double percent) {
    std::sort(values.begin(), values.end());
    auto n =
        static_cast<std::size_t>(std::ceil(percent / 100.0 * static_cast<double>(values.size())));
    return values[std::max<std::size_t>(n, 1) - 1];
  };
  for (std::size_t i = 0; i < result.cycles.front().size(); ++i) {
    StepStatistics s;
    s.name = result.cycles.front()[i].name;
    s.index = i;
    s.cycles = static_cast<int>(result.cycles.size());
    std::vector<std::int64_t> durations, since;
    for (const auto& cycle : result.cycles) {
      if (i >= cycle.size() || cycle[i].verdict != Verdict::passed) continue;
      ++s.passed;
      if (auto d = cycle[i].duration_ns()) durations.push_back(*d);
      if (auto t = cycle[i].since_power_on_ns()) since.push_back(*t);
    }
    if (!durations.empty()) {
      s.duration_p50_ns = rank(durations, 50);
      s.duration_p95_ns = rank(durations, 95);
      s.duration_max_ns = *std::max_element(durations.begin(), durations.end());
    }
    if (!since.empty()) {
      s.since_power_on_p50_ns = rank(since, 50);
      s.since_power_on_p95_ns = rank(since, 95);
      s.since_power_on_max_ns = *std::max_element(since.begin(), since.end());
    }
    out.push_back(std::move(s));
  }
  return out;
}

} // namespace phonerig::engine
