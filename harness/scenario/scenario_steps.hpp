// Internal to harness/scenario: the readers of a scenario's `phones:` selector and of its
// steps (scenario_steps.cpp). Each reports to the Checker and returns what it could read.
#pragma once

#include "harness/engine/steps.hpp"
#include "harness/scenario/yaml_reader.hpp"

#include <optional>
#include <vector>

namespace phonerig::scenario::detail {

// `all`, one name, or a list of names (phone ids, models or tags).
std::optional<engine::PhoneSelector> read_selector(Checker& checker, const Field& field);
std::vector<engine::StepSpec> read_steps(Checker& checker, const Field& field);
// "30s", "500ms", "2m", "1.5s", "1h": a positive duration.
std::optional<engine::Millis> read_duration(Checker& checker, const Field& field);

} // namespace phonerig::scenario::detail
