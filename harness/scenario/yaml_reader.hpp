// Internal to harness/scenario: the strict reading of YAML nodes that every section of
// the lab file (and later the scenario file) shares. yaml-cpp is a private dependency of
// this library, so only its own .cpp files include this header.
//
// Every read reports what is wrong to the Checker, with the node's position, and
// returns nullopt; callers carry on so that one load reports every problem in the file.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstddef>
#include <filesystem>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/scenario/diagnostic.hpp"

namespace phonerig::scenario::detail {

// yaml-cpp counts from 0; diagnostics count from 1.
Position position_of(const YAML::Mark& mark);

// A node with what is needed to report on it.
struct Field {
  YAML::Node node;
  // Where to point at the value. For an empty value this is its key: yaml-cpp marks an
  // empty value at the token after it, often on a later line.
  YAML::Mark mark;
  // The key (or the sequence item) that introduced the node: "missing key" errors go here.
  YAML::Mark owner;
  std::string path;  // "rig.interfaces[1].vlan"; empty for the document itself

  static Field document(const YAML::Node& root);
};

class Checker {
 public:
  Checker(std::string file, std::filesystem::path folder)
      : file_(std::move(file)), folder_(std::move(folder)) {}

  void error(Position at, std::string message);
  // "path: message" at the field's value.
  void error(const Field& field, std::string_view message);
  // "path: message" at the key that introduced the field.
  void error_at_owner(const Field& field, std::string_view message);

  const std::filesystem::path& folder() const { return folder_; }
  std::size_t error_count() const { return diagnostics_.size(); }
  // Everything reported, in file order (a stable sort: checks that span a section come
  // after the section's own).
  Diagnostics take();

 private:
  std::string file_;
  std::filesystem::path folder_;
  Diagnostics diagnostics_;
};

// A mapping that passed read_mapping: each key written once, all of them allowed.
class Mapping {
 public:
  // The value of `key` if written (the first one when it was written twice).
  std::optional<Field> get(std::string_view key) const;
  bool has(std::string_view key) const { return get(key).has_value(); }
  const Field& self() const { return self_; }

  // Reports "missing required key" at the mapping's owner unless `key` is present.
  bool require(Checker& checker, std::string_view key) const;

 private:
  friend std::optional<Mapping> read_mapping(Checker&, const Field&,
                                             std::initializer_list<std::string_view>);
  Field self_;
  std::vector<std::string> keys_;
  std::vector<Field> values_;
};

// Reports each key that is not a string, each duplicate (with the line of the first:
// yaml-cpp itself keeps the first silently) and each key not in `allowed` (listing the
// allowed ones). Returns nullopt only when the node is not a mapping (reported).
std::optional<Mapping> read_mapping(Checker& checker, const Field& field,
                                    std::initializer_list<std::string_view> allowed);

std::optional<std::vector<Field>> read_sequence(Checker& checker, const Field& field);

// A scalar with some text. The message on failure never repeats the value: credential
// fields are read through here.
std::optional<std::string> read_string(Checker& checker, const Field& field);

// A plain decimal scalar in min..max: "100", not "0100", "0x64" or the string "100".
std::optional<long long> read_integer(Checker& checker, const Field& field, long long min,
                                      long long max);

// The index in `names` of the scalar's text.
std::optional<std::size_t> read_choice(Checker& checker, const Field& field,
                                       std::initializer_list<std::string_view> names);

// "a mapping", "a sequence", "a string", "nothing": for "expected X, got Y".
std::string describe(const YAML::Node& node);

// "a, b, c"
std::string join(std::initializer_list<std::string_view> names);

}  // namespace phonerig::scenario::detail
