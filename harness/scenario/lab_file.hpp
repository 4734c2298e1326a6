// Loading a lab file (DESIGN.md, "The lab file"): YAML in, a validated Lab out, or every
// problem found as file:line:col: message (counted from 1). Never throws on bad input.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "harness/scenario/diagnostic.hpp"
#include "harness/scenario/lab.hpp"

namespace phonerig::scenario {

// Reads and validates the file at `path`. Diagnostics name the file as `path` was written;
// relative file: credentials resolve against the file's folder.
LoadResult<Lab> load_lab_file(const std::filesystem::path& path);

// Validates lab YAML held in memory (the built-in lab/sim.yaml, tests). `name` is what
// diagnostics call the file. Relative file: credentials resolve against `folder`, or, when
// it is empty, against the folder part of `name` (made absolute now, so a later change
// of working directory does not move them).
LoadResult<Lab> load_lab_text(std::string_view text, std::string name,
                              std::filesystem::path folder = {});

}  // namespace phonerig::scenario
