// The subcommands of the CLI, each a function of its parsed options returning an exit code.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "harness/scenario/lab.hpp"

namespace phonerig::app {

// `phonerig validate [FILE...]`: lab files (the built-in lab when none is given).
int validate(const std::vector<std::string>& files);
// `phonerig events`: the closed list of event kinds and their attributes.
int list_events();

// The lab a subcommand works on: the file named by --lab, or the built-in simulated lab.
// On an error, prints every diagnostic to stderr and returns nullopt (exit 2).
std::optional<scenario::Lab> load_lab_or_report(const std::optional<std::string>& file);

}  // namespace phonerig::app
