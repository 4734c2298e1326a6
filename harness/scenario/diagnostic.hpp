// What the YAML loaders report: every problem found, each as file:line:col: message.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "drivers/api/result.hpp"
#include "drivers/wire/expected.hpp"

namespace phonerig::scenario {

// A place in a YAML file, counted from 1 as editors count. Line 0 means the file as a
// whole (it could not be read, or it is empty).
struct Position {
  int line = 0;
  int column = 0;
  bool operator==(const Position&) const = default;
};

struct Diagnostic {
  std::string file;  // as the loader was given it
  Position at;
  std::string message;

  // "lab/sim.yaml:12:7: message", or "lab/sim.yaml: message" for the whole file.
  std::string to_string() const;
};

std::ostream& operator<<(std::ostream& out, const Diagnostic& diagnostic);

using Diagnostics = std::vector<Diagnostic>;

// A validated model, or every problem found in the file (not only the first), in file
// order.
template <class T>
using LoadResult = wire::Expected<T, Diagnostics>;

// One diagnostic per line, each ending in '\n': what the CLI prints.
std::string to_string(const Diagnostics& diagnostics);

// The same, as one api::Error of Fault::config, for callers that speak api::Result.
api::Error to_error(const Diagnostics& diagnostics);

}  // namespace phonerig::scenario
