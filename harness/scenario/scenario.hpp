// The validated model of a scenario file (issue 7, "Scenarios"; the reference is
// scenarios/README.md): which phones, how many times, and the steps, as the engine's step
// specs (harness/engine/steps.hpp: plain values, api and wire types only). Built only by
// load_scenario_file/load_scenario_text; errors carry file:line:col like the lab loader's.
//
//   name: cold boot registration
//   phones: all
//   steps:
//     - registration
#pragma once

#include "harness/engine/steps.hpp"
#include "harness/scenario/diagnostic.hpp"
#include "harness/scenario/lab.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace phonerig::scenario {

struct Scenario {
  std::string file;             // as named to the loader
  std::filesystem::path folder; // base of `lab:`
  std::string name;             // default: the file name without .yaml
  std::string description;
  engine::PhoneSelector phones; // default: all
  int repeat = 1;               // 1..10000; `run --repeat` overrides
  // A lab file this scenario needs (a simulated-lab variant: option 66 only, a relay...),
  // absolute, resolved against the scenario's folder. `run --lab` overrides it.
  std::optional<std::filesystem::path> lab;
  std::vector<engine::StepSpec> steps;
};

// Reads and validates the file at `path`. Every problem found, in file order.
LoadResult<Scenario> load_scenario_file(const std::filesystem::path& path);
// `name` is what diagnostics call the file; `lab:` resolves against `folder`, or, when
// empty, against the folder part of `name`.
LoadResult<Scenario> load_scenario_text(std::string_view text, std::string name,
                                        std::filesystem::path folder = {});

// What a YAML file is, by its top-level keys: a scenario has `steps`, a lab has `rig`.
enum class FileKind { lab, scenario, unknown };
FileKind detect_text_kind(std::string_view text);
FileKind detect_file_kind(const std::filesystem::path& path); // unknown when unreadable

// What can only be checked with the lab the scenario will run on: every name of every
// `phones:` selector is a phone id, model or tag of `lab`; {load} is used only where each
// phone it may apply to has an expected load; `vlan: voice|data` only where the lab's
// switch defines the VLANs. Diagnostics point into the scenario file.
Diagnostics check_against_lab(const Scenario& scenario, const Lab& lab);

// What engine::plan() needs of a lab: each phone's id, MAC, model, port, tags and expected
// load (the phone's own, else services.loads for its model), and the VLANs.
std::vector<engine::PhoneFacts> phone_facts(const Lab& lab);
engine::LabFacts lab_facts(const Lab& lab);

} // namespace phonerig::scenario
