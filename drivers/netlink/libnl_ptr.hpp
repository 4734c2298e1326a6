// One owner per libnl object (STYLE.md 9): unique_ptr with the object's put function.
#pragma once

#include <netlink/addr.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/route.h>

#include <memory>

namespace phonerig::netlink {

struct LibnlPut {
  void operator()(nl_addr* p) const { nl_addr_put(p); }
  void operator()(rtnl_addr* p) const { rtnl_addr_put(p); }
  void operator()(rtnl_link* p) const { rtnl_link_put(p); }
  void operator()(rtnl_route* p) const { rtnl_route_put(p); }
};

using NlAddrPtr = std::unique_ptr<nl_addr, LibnlPut>;
using AddrPtr = std::unique_ptr<rtnl_addr, LibnlPut>;
using LinkPtr = std::unique_ptr<rtnl_link, LibnlPut>;
using RoutePtr = std::unique_ptr<rtnl_route, LibnlPut>;

}  // namespace phonerig::netlink
