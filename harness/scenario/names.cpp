#include "harness/scenario/names.hpp"

namespace phonerig::scenario {

namespace {

constexpr std::size_t kMaxIdentifierLength = 64;
constexpr std::size_t kMaxFileNameLength = 255;  // NAME_MAX

bool is_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}
bool is_printable_ascii(char c) { return c > ' ' && c < 0x7f; }

}  // namespace

std::optional<std::string> ifname_problem(std::string_view name) {
  if (name.empty()) return "an interface name must not be empty";
  if (name.size() > kMaxIfnameLength) {
    return "interface name '" + std::string(name) + "' has " + std::to_string(name.size()) +
           " characters; Linux allows at most " + std::to_string(kMaxIfnameLength);
  }
  if (name == "." || name == "..") return "'" + std::string(name) + "' is not an interface name";
  for (char c : name) {
    if (c == '/' || c == ':' || !is_printable_ascii(c)) {
      return "interface name '" + std::string(name) +
             "' may not contain '/', ':', whitespace or non-printable characters";
    }
  }
  return std::nullopt;
}

std::optional<std::string> netns_problem(std::string_view name) {
  if (name.empty()) return "a namespace name must not be empty";
  if (name.size() > kMaxFileNameLength) return "a namespace name has at most 255 characters";
  if (name == "." || name == "..") return "'" + std::string(name) + "' is not a namespace name";
  for (char c : name) {
    if (c == '/' || !is_printable_ascii(c)) {
      return "namespace name '" + std::string(name) +
             "' may not contain '/', whitespace or non-printable characters";
    }
  }
  return std::nullopt;
}

std::optional<std::string> identifier_problem(std::string_view name) {
  if (name.empty()) return "a name must not be empty";
  if (name.size() > kMaxIdentifierLength) {
    return "'" + std::string(name) + "' is longer than " + std::to_string(kMaxIdentifierLength) +
           " characters";
  }
  if (!is_alnum(name[0])) {
    return "'" + std::string(name) + "' must start with a letter or digit";
  }
  for (char c : name) {
    if (!is_alnum(c) && c != '_' && c != '-' && c != '.') {
      return "'" + std::string(name) + "' may contain only letters, digits, '_', '-' and '.'";
    }
  }
  return std::nullopt;
}

}  // namespace phonerig::scenario
