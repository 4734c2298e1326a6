#include "drivers/netlink/session.hpp"

#include <sys/socket.h>

#include <cerrno>
#include <optional>

#include "drivers/netlink/error.hpp"
#include "drivers/netlink/namespace.hpp"

namespace phonerig::netlink {

std::string in_netns(const std::string& netns) {
  return netns.empty() ? std::string() : " in netns '" + netns + "'";
}

std::string Session::where() const { return in_netns(name_); }

api::Result<std::shared_ptr<Session>> Session::open(std::string netns) {
  std::optional<NamespaceGuard> inside;
  if (!netns.empty()) {
    PHONERIG_TRY(NamespaceGuard guard, NamespaceGuard::enter(netns));
    inside.emplace(std::move(guard));
  }
  PHONERIG_TRY(RouteSocket route, RouteSocket::open());
  UniqueFd ioctl(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (!ioctl.valid()) {
    return wire::unexpected(os_error("open", "ethtool ioctl socket" + in_netns(netns), errno));
  }
  PHONERIG_TRY(UniqueFd here, open_current_netns());
  return std::make_shared<Session>(std::move(route), std::move(ioctl), std::move(here),
                                   std::move(netns));
}

}  // namespace phonerig::netlink
