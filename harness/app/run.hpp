// `phonerig run SCENARIO...`: the main job (issue 7). For each scenario: the lab (the
// scenario's own, --lab, or the built-in simulated lab, brought up when it is not and left
// as it was found), capture on the lab's capture interfaces confirmed receiving before any
// port is powered, the services, the step engine fed with the capture's, the services' and
// the switch's events, a live table of phones by steps, and the reports in --out.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace phonerig::app {

struct RunOptions {
  std::vector<std::string> scenarios;
  std::optional<std::string> lab_file;           // overrides each scenario's `lab:`
  std::optional<std::filesystem::path> out;      // default runs/<UTC timestamp>/
  std::optional<std::string> phones;             // "id,model,tag,...": narrows the scenario
  std::optional<int> repeat;                     // overrides each scenario's `repeat`
  std::string instance = "0";                    // the simulated lab's instance
  bool redact = false;                           // mask line passwords in the pcaps
  bool verbose = false;                          // every event on stdout
};

// 0 every assertion held, 1 an assertion failed, 2 a usage or YAML error, 3 the rig failed
// (switch unreachable, interface missing, capture dropped frames). Several scenarios: the
// worst of their codes (3 > 1 > 0; 2 stops before anything runs).
int run(const RunOptions& options);

}  // namespace phonerig::app
