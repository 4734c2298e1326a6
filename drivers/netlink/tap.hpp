// TAP devices through /dev/net/tun (Documentation/networking/tuntap.rst), which netlink
// cannot create. A TAP is made in the namespace its /dev/net/tun fd was opened in, so both
// calls enter the namespace for the open and return.
#pragma once

#include <string_view>

#include "drivers/api/result.hpp"
#include "drivers/netlink/unique_fd.hpp"

namespace phonerig::netlink {

// A persistent TAP (IFF_TAP | IFF_NO_PI, TUNSETPERSIST): it stays after the fd closes, and
// goes with RTM_DELLINK like any link. EBUSY when a TAP of that name exists (IFF_TUN_EXCL).
api::Result<bool> create_tap(int netns_fd, std::string_view name, std::string_view where);

// An fd on the TAP's queue: frames written to it are received by the link, frames the link
// sends are read from it. While it is open the link has carrier.
api::Result<UniqueFd> attach_tap(int netns_fd, std::string_view name, std::string_view where);

}  // namespace phonerig::netlink
