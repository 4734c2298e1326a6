// Real names of what a run creates: a per-run prefix before every logical name, so parallel
// tests and lab instances never collide (DESIGN.md, "The simulated lab": "Names carry a short
// per-instance prefix"), and interface names within the kernel's 15 characters.
#pragma once

#include <string>
#include <string_view>

#include "drivers/api/result.hpp"

namespace phonerig::netlink {

inline constexpr std::size_t kMaxLinkName = 15;  // IFNAMSIZ - 1

// An interface name the kernel takes (dev_valid_name): 1-15 bytes, not "." or "..", no '/',
// ':' or whitespace.
api::Result<bool> check_link_name(std::string_view name);
// A name `ip netns` takes: a file name under /run/netns.
api::Result<bool> check_netns_name(std::string_view name);

class Naming {
 public:
  // A prefix of 1-10 characters from [a-z0-9-], leaving room for a logical name.
  static api::Result<Naming> make(std::string prefix);
  // `stem` (letters) followed by 4 random base-36 characters and '-': "nl4f2a-".
  static std::string random_prefix(std::string_view stem);

  api::Result<std::string> link(std::string_view logical) const;
  api::Result<std::string> netns(std::string_view logical) const;
  const std::string& prefix() const { return prefix_; }

 private:
  explicit Naming(std::string prefix) : prefix_(std::move(prefix)) {}
  std::string prefix_;
};

}  // namespace phonerig::netlink
