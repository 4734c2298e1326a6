#include "drivers/netlink/tap.hpp"

#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <sys/ioctl.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "drivers/netlink/error.hpp"
#include "drivers/netlink/namespace.hpp"
#include "drivers/netlink/naming.hpp"

namespace phonerig::netlink {

namespace {

constexpr const char* kTunDevice = "/dev/net/tun";

api::Result<UniqueFd> open_queue(int netns_fd, std::string_view name, std::string_view where,
                                 int flags, std::string_view operation) {
  PHONERIG_CHECK(check_link_name(name));
  const std::string object = "tap link '" + std::string(name) + "'" + std::string(where);
  UniqueFd fd;
  {
    PHONERIG_TRY(NamespaceGuard inside, NamespaceGuard::enter(netns_fd, object));
    fd.reset(::open(kTunDevice, O_RDWR | O_CLOEXEC));
    if (!fd.valid()) {
      return wire::unexpected(os_error(std::string(operation) + " (open /dev/net/tun)", object,
                                       errno));
    }
  }
  ifreq request{};
  std::memcpy(request.ifr_name, name.data(), name.size());
  request.ifr_flags = static_cast<short>(flags);  // IFF_TUN_EXCL is bit 15
  if (::ioctl(fd.get(), TUNSETIFF, &request) != 0) {
    return wire::unexpected(os_error(std::string(operation) + " (TUNSETIFF)", object, errno));
  }
  return fd;
}

}  // namespace

api::Result<bool> create_tap(int netns_fd, std::string_view name, std::string_view where) {
  PHONERIG_TRY(UniqueFd fd, open_queue(netns_fd, name, where, IFF_TAP | IFF_NO_PI | IFF_TUN_EXCL,
                                       "create"));
  if (::ioctl(fd.get(), TUNSETPERSIST, 1) != 0) {
    return wire::unexpected(os_error("create (TUNSETPERSIST)",
                                     "tap link '" + std::string(name) + "'" + std::string(where),
                                     errno));
  }
  return true;
}

api::Result<UniqueFd> attach_tap(int netns_fd, std::string_view name, std::string_view where) {
  return open_queue(netns_fd, name, where, IFF_TAP | IFF_NO_PI, "attach");
}

}  // namespace phonerig::netlink
