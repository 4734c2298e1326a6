// The subcommands of the CLI, each a function of its parsed options returning an exit code.
#pragma once

#include <string>
#include <vector>

namespace phonerig::app {

// `phonerig validate [FILE...]`: lab files (the built-in lab when none is given).
int validate(const std::vector<std::string>& files);
// `phonerig events`: the closed list of event kinds and their attributes.
int list_events();

}  // namespace phonerig::app
