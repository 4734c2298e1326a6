#include "drivers/netlink/naming.hpp"

#include <random>

#include "drivers/netlink/error.hpp"

namespace phonerig::netlink {

namespace {

constexpr std::size_t kMaxPrefix = 10;
constexpr std::size_t kMaxNetnsName = 255;  // NAME_MAX

bool is_space(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

}  // namespace

api::Result<bool> check_link_name(std::string_view name) {
  auto bad = [&](std::string why) {
    return wire::unexpected(config_error("name", "link '" + std::string(name) + "'", why));
  };
  if (name.empty()) return bad("the name is empty");
  if (name.size() > kMaxLinkName) {
    return bad("the name has " + std::to_string(name.size()) + " characters, the kernel takes " +
               std::to_string(kMaxLinkName));
  }
  if (name == "." || name == "..") return bad("'.' and '..' are not names");
  for (char c : name) {
    if (c == '/' || c == ':' || is_space(c) || c == '\0') {
      return bad("the kernel refuses '/', ':', NUL and whitespace in interface names");
    }
  }
  return true;
}

api::Result<bool> check_netns_name(std::string_view name) {
  auto bad = [&](std::string why) {
    return wire::unexpected(config_error("name", "netns '" + std::string(name) + "'", why));
  };
  if (name.empty()) return bad("the name is empty");
  if (name.size() > kMaxNetnsName) return bad("the name is longer than 255 characters");
  if (name == "." || name == "..") return bad("'.' and '..' are not names");
  if (name.find('/') != std::string_view::npos || name.find('\0') != std::string_view::npos) {
    return bad("a namespace name is a file name under /run/netns: no '/' or NUL");
  }
  return true;
}

api::Result<Naming> Naming::make(std::string prefix) {
  if (prefix.empty() || prefix.size() > kMaxPrefix) {
    return wire::unexpected(config_error("name", "prefix '" + prefix + "'",
                                        "a prefix has 1-10 characters"));
  }
  for (char c : prefix) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    if (!ok) {
      return wire::unexpected(
          config_error("name", "prefix '" + prefix + "'", "a prefix uses only a-z, 0-9 and '-'"));
    }
  }
  return Naming(std::move(prefix));
}

std::string Naming::random_prefix(std::string_view stem) {
  static constexpr std::string_view kDigits = "0123456789abcdefghijklmnopqrstuvwxyz";
  std::random_device device;
  std::uniform_int_distribution<std::size_t> pick(0, kDigits.size() - 1);
  std::string prefix(stem);
  for (int i = 0; i < 4; ++i) prefix += kDigits[pick(device)];
  return prefix + "-";
}

api::Result<std::string> Naming::link(std::string_view logical) const {
  std::string real = prefix_ + std::string(logical);
  PHONERIG_CHECK(check_link_name(real));
  return real;
}

api::Result<std::string> Naming::netns(std::string_view logical) const {
  std::string real = prefix_ + std::string(logical);
  PHONERIG_CHECK(check_netns_name(real));
  return real;
}

}  // namespace phonerig::netlink
