#include "harness/report/run_report.hpp"

#include <array>
#include <cstdio>
#include <utility>

namespace phonerig::report {
namespace {

constexpr std::array<std::pair<RunResult, std::string_view>, 3> kRunResults = {{
    {RunResult::passed, "passed"},
    {RunResult::failed, "failed"},
    {RunResult::rig_error, "rig_error"},
}};

constexpr std::array<std::pair<StepResult, std::string_view>, 5> kStepResults = {{
    {StepResult::passed, "passed"},
    {StepResult::failed, "failed"},
    {StepResult::missing, "missing"},
    {StepResult::not_reached, "not_reached"},
    {StepResult::skipped, "skipped"},
}};

}  // namespace

std::string_view to_string(RunResult result) {
  for (const auto& [value, name] : kRunResults) {
    if (value == result) return name;
  }
  return "?";
}

std::optional<RunResult> parse_run_result(std::string_view text) {
  for (const auto& [value, name] : kRunResults) {
    if (name == text) return value;
  }
  return std::nullopt;
}

std::string_view to_string(StepResult result) {
  for (const auto& [value, name] : kStepResults) {
    if (value == result) return name;
  }
  return "?";
}

std::optional<StepResult> parse_step_result(std::string_view text) {
  for (const auto& [value, name] : kStepResults) {
    if (name == text) return value;
  }
  return std::nullopt;
}

bool is_failure(StepResult result) {
  return result == StepResult::failed || result == StepResult::missing;
}

const StepReport* first_failure(const PhoneReport& phone) {
  const StepReport* first = nullptr;
  std::optional<std::int64_t> first_at;
  for (const auto& step : phone.steps) {
    if (!is_failure(step.result)) continue;
    const std::optional<std::int64_t> at =
        step.result == StepResult::failed ? step.ended_ms : step.deadline_ms;
    if (first == nullptr || (at && (!first_at || *at < *first_at))) {
      first = &step;
      first_at = at;
    }
  }
  return first;
}

std::optional<std::int64_t> StepReport::duration_ms() const {
  if (!started_ms || !ended_ms) return std::nullopt;
  return *ended_ms - *started_ms;
}

void ResultCounts::add(StepResult result) {
  switch (result) {
    case StepResult::passed: ++passed; break;
    case StepResult::failed: ++failed; break;
    case StepResult::missing: ++missing; break;
    case StepResult::not_reached: ++not_reached; break;
    case StepResult::skipped: ++skipped; break;
  }
}

ResultCounts count_steps(const PhoneReport& phone) {
  ResultCounts counts;
  for (const auto& step : phone.steps) counts.add(step.result);
  return counts;
}

ResultCounts count_steps(const RunReport& report) {
  ResultCounts counts;
  for (const auto& phone : report.phones) {
    for (const auto& step : phone.steps) counts.add(step.result);
  }
  return counts;
}

std::string evidence_line(const api::Event& event) { return api::to_string(event); }

std::string format_ms(std::optional<std::int64_t> ms) {
  if (!ms) return "-";
  const std::int64_t value = *ms;
  const std::int64_t magnitude = value < 0 ? -value : value;
  char text[48];
  if (magnitude < 1000) {
    std::snprintf(text, sizeof text, "%lld ms", static_cast<long long>(value));
  } else {
    std::snprintf(text, sizeof text, "%.3f s", static_cast<double>(value) / 1000.0);
  }
  return text;
}

}  // namespace phonerig::report
