// Network namespaces as `ip netns` keeps them (iproute2 ip/ipnetns.c): a namespace is named by
// a bind mount of its nsfs file at /run/netns/NAME, so `ip netns exec` and every other tool
// find it. libnl 3.7 cannot create one (DESIGN.md, "What the machines here have").
//
// Entering a namespace changes the calling thread only (setns(2)); a NamespaceGuard returns
// that thread to where it was. Create and enter on the thread that then does the work.
#pragma once

#include <string>
#include <string_view>

#include "drivers/api/result.hpp"
#include "drivers/netlink/unique_fd.hpp"

namespace phonerig::netlink {

inline constexpr std::string_view kNetnsDir = "/run/netns";

std::string netns_path(std::string_view name);  // "/run/netns/NAME"
bool netns_exists(std::string_view name);

// Creates the namespace as `ip netns add` does: /run/netns made a shared mount point, an
// empty file, unshare(CLONE_NEWNET) on this thread, the thread's nsfs file bind-mounted onto
// it, then back to the thread's own namespace. EEXIST when the name is taken.
api::Result<bool> create_netns(std::string_view name);

// Removes the name as `ip netns delete` does (lazy unmount, unlink); the kernel frees the
// namespace when the last process, socket or fd in it is gone. A missing name is not an
// error: the result says whether anything was removed.
api::Result<bool> remove_netns(std::string_view name);

// An fd on a namespace, for setns(2) and IFLA_NET_NS_FD.
api::Result<UniqueFd> open_netns(std::string_view name);
// An fd on the calling thread's current namespace.
api::Result<UniqueFd> open_current_netns();

class NamespaceGuard {
 public:
  // Moves this thread into the named namespace, or into the one `netns_fd` refers to.
  static api::Result<NamespaceGuard> enter(std::string_view name);
  static api::Result<NamespaceGuard> enter(int netns_fd, std::string_view what);

  NamespaceGuard(NamespaceGuard&&) noexcept = default;
  NamespaceGuard& operator=(NamespaceGuard&&) = delete;
  NamespaceGuard(const NamespaceGuard&) = delete;
  NamespaceGuard& operator=(const NamespaceGuard&) = delete;
  // Returns the thread to its namespace. Should that fail the thread would go on in the
  // wrong namespace, so it terminates the process instead.
  ~NamespaceGuard();

 private:
  NamespaceGuard(UniqueFd original, std::string what)
      : original_(std::move(original)), what_(std::move(what)) {}

  UniqueFd original_;  // invalid once moved from
  std::string what_;
};

}  // namespace phonerig::netlink
