#include "harness/scenario/yaml_reader.hpp"

#include <algorithm>

namespace phonerig::scenario::detail {

namespace {

std::string with_path(const std::string& path, std::string_view message) {
  if (path.empty()) return std::string(message);
  return path + ": " + std::string(message);
}

std::string child_path(const std::string& parent, std::string_view key) {
  return parent.empty() ? std::string(key) : parent + '.' + std::string(key);
}

// Edit distance counting a swap of neighbours as one edit (optimal string alignment),
// for "did you mean": keys are short, so the quadratic table is fine.
std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.size()][b.size()];
}

std::string unknown_key_message(std::string_view key,
                                std::initializer_list<std::string_view> allowed) {
  std::string message = "unknown key '" + std::string(key) + "'";
  if (allowed.size() == 0) return message + " (no keys are defined here yet)";
  message += " (allowed: " + join(allowed) + ")";
  // Suggest only near misses: one edit, or two in a longer key ("lldp" is not a "cdp").
  std::string_view best;
  std::size_t best_distance = key.size() >= 6 ? 3 : 2;
  for (auto candidate : allowed) {
    std::size_t distance = edit_distance(key, candidate);
    if (distance < best_distance) {
      best = candidate;
      best_distance = distance;
    }
  }
  if (!best.empty()) message += "; did you mean '" + std::string(best) + "'?";
  return message;
}

bool is_plain(const YAML::Node& node) {
  // yaml-cpp tags plain scalars "?", quoted ones "!"; an explicit !!int is also an integer.
  return node.Tag() == "?" || node.Tag() == "tag:yaml.org,2002:int";
}

}  // namespace

Position position_of(const YAML::Mark& mark) {
  if (mark.is_null()) return Position{};
  return Position{mark.line + 1, mark.column + 1};
}

Field Field::document(const YAML::Node& root) {
  return Field{root, root.Mark(), root.Mark(), std::string()};
}

void Checker::error(Position at, std::string message) {
  diagnostics_.push_back(Diagnostic{file_, at, std::move(message)});
}

void Checker::error(const Field& field, std::string_view message) {
  error(position_of(field.mark), with_path(field.path, message));
}

void Checker::error_at_owner(const Field& field, std::string_view message) {
  error(position_of(field.owner), with_path(field.path, message));
}

Diagnostics Checker::take() {
  std::stable_sort(diagnostics_.begin(), diagnostics_.end(),
                   [](const Diagnostic& a, const Diagnostic& b) {
                     if (a.at.line != b.at.line) return a.at.line < b.at.line;
                     return a.at.column < b.at.column;
                   });
  return std::move(diagnostics_);
}

std::optional<Field> Mapping::get(std::string_view key) const {
  for (std::size_t i = 0; i < keys_.size(); ++i) {
    if (keys_[i] == key) return values_[i];
  }
  return std::nullopt;
}

bool Mapping::require(Checker& checker, std::string_view key) const {
  if (has(key)) return true;
  checker.error_at_owner(self_, "missing required key '" + std::string(key) + "'");
  return false;
}

std::optional<Mapping> read_mapping(Checker& checker, const Field& field,
                                    std::initializer_list<std::string_view> allowed) {
  if (!field.node.IsMap()) {
    checker.error(field, "expected a mapping, got " + describe(field.node));
    return std::nullopt;
  }
  Mapping mapping;
  mapping.self_ = field;
  std::vector<std::pair<std::string, YAML::Mark>> seen;  // every string key, allowed or not
  for (auto it = field.node.begin(); it != field.node.end(); ++it) {
    const YAML::Node key = it->first;
    const YAML::Node value = it->second;
    if (!key.IsScalar()) {
      checker.error(Field{key, key.Mark(), key.Mark(), field.path},
                    "keys must be strings, got " + describe(key));
      continue;
    }
    const std::string& name = key.Scalar();
    auto first = std::find_if(seen.begin(), seen.end(),
                              [&](const auto& entry) { return entry.first == name; });
    if (first != seen.end()) {
      checker.error(Field{key, key.Mark(), key.Mark(), field.path},
                    "duplicate key '" + name + "' (first at line " +
                        std::to_string(position_of(first->second).line) + ")");
      continue;
    }
    seen.emplace_back(name, key.Mark());
    if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
      checker.error(Field{key, key.Mark(), key.Mark(), field.path},
                    unknown_key_message(name, allowed));
      continue;
    }
    YAML::Mark value_mark = value.IsNull() ? key.Mark() : value.Mark();
    mapping.keys_.push_back(name);
    mapping.values_.push_back(Field{value, value_mark, key.Mark(), child_path(field.path, name)});
  }
  return mapping;
}

std::optional<std::vector<Field>> read_sequence(Checker& checker, const Field& field) {
  if (!field.node.IsSequence()) {
    checker.error(field, "expected a sequence, got " + describe(field.node));
    return std::nullopt;
  }
  std::vector<Field> items;
  std::size_t index = 0;
  for (auto it = field.node.begin(); it != field.node.end(); ++it, ++index) {
    const YAML::Node item = *it;
    // An empty item has no mark of its own worth showing; the sequence's is the best.
    YAML::Mark mark = item.IsNull() ? field.mark : item.Mark();
    items.push_back(Field{item, mark, mark, field.path + '[' + std::to_string(index) + ']'});
  }
  return items;
}

std::optional<std::string> read_string(Checker& checker, const Field& field) {
  if (!field.node.IsScalar()) {
    checker.error(field, "expected a string, got " + describe(field.node));
    return std::nullopt;
  }
  if (field.node.Scalar().empty()) {
    checker.error(field, "expected a non-empty string");
    return std::nullopt;
  }
  return field.node.Scalar();
}

std::optional<long long> read_integer(Checker& checker, const Field& field, long long min,
                                      long long max) {
  std::string expected = "expected an integer " + std::to_string(min) + ".." + std::to_string(max);
  if (!field.node.IsScalar()) {
    checker.error(field, expected + ", got " + describe(field.node));
    return std::nullopt;
  }
  const std::string& text = field.node.Scalar();
  if (!is_plain(field.node)) {
    checker.error(field, expected + ", got the quoted string \"" + text + "\"");
    return std::nullopt;
  }
  std::string_view digits = text;
  bool negative = !digits.empty() && digits[0] == '-';
  if (negative) digits.remove_prefix(1);
  bool decimal = !digits.empty() && digits.size() <= 18 &&
                 std::all_of(digits.begin(), digits.end(),
                             [](char c) { return c >= '0' && c <= '9'; }) &&
                 !(digits.size() > 1 && digits[0] == '0');
  if (!decimal) {
    checker.error(field, expected + ", got '" + text + "'");
    return std::nullopt;
  }
  long long value = std::stoll(std::string(digits));
  if (negative) value = -value;
  if (value < min || value > max) {
    checker.error(field, expected + ", got " + text);
    return std::nullopt;
  }
  return value;
}

std::optional<std::size_t> read_choice(Checker& checker, const Field& field,
                                       std::initializer_list<std::string_view> names) {
  std::string expected = "expected one of " + join(names);
  if (!field.node.IsScalar()) {
    checker.error(field, expected + ", got " + describe(field.node));
    return std::nullopt;
  }
  const std::string& text = field.node.Scalar();
  std::size_t index = 0;
  for (auto name : names) {
    if (text == name) return index;
    ++index;
  }
  checker.error(field, expected + ", got '" + text + "'");
  return std::nullopt;
}

std::string describe(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map: return "a mapping";
    case YAML::NodeType::Sequence: return "a sequence";
    case YAML::NodeType::Scalar: return "a string";
    case YAML::NodeType::Null: return "nothing";
    case YAML::NodeType::Undefined: return "nothing";
  }
  return "nothing";
}

std::string join(std::initializer_list<std::string_view> names) {
  std::string text;
  for (auto name : names) {
    if (!text.empty()) text += ", ";
    text += name;
  }
  return text;
}

}  // namespace phonerig::scenario::detail
