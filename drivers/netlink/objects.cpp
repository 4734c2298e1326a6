#include "drivers/netlink/objects.hpp"

#include <linux/rtnetlink.h>
#include <netlink/addr.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/route.h>
#include <sys/socket.h>

#include <cerrno>
#include <memory>

#include "drivers/netlink/error.hpp"
#include "drivers/netlink/libnl_ptr.hpp"
#include "drivers/netlink/namespace.hpp"
#include "drivers/netlink/netem_message.hpp"

namespace phonerig::netlink {

namespace {

NlAddrPtr make_addr(wire::Ipv4 address, int prefix_length) {
  auto bytes = address.to_bytes();
  NlAddrPtr addr(nl_addr_build(AF_INET, bytes.data(), bytes.size()));
  if (addr) nl_addr_set_prefixlen(addr.get(), prefix_length);
  return addr;
}

api::Result<AddrPtr> address_object(int index,
                                                                     const LedgerEntry& entry) {
  AddrPtr object(rtnl_addr_alloc());
  NlAddrPtr local = make_addr(entry.prefix->address, entry.prefix->length);
  if (!object || !local) return wire::unexpected(os_error("build", entry.describe(), ENOMEM));
  rtnl_addr_set_ifindex(object.get(), index);
  rtnl_addr_set_family(object.get(), AF_INET);
  rtnl_addr_set_local(object.get(), local.get());  // takes its own reference
  return object;
}

api::Result<RoutePtr> route_object(int index,
                                                                const LedgerEntry& entry) {
  RoutePtr route(rtnl_route_alloc());
  NlAddrPtr destination = make_addr(entry.prefix->address, entry.prefix->length);
  rtnl_nexthop* hop = rtnl_route_nh_alloc();
  if (!route || !destination || hop == nullptr) {
    if (hop != nullptr) rtnl_route_nh_free(hop);
    return wire::unexpected(os_error("build", entry.describe(), ENOMEM));
  }
  rtnl_route_set_family(route.get(), AF_INET);
  rtnl_route_set_table(route.get(), RT_TABLE_MAIN);
  rtnl_route_set_protocol(route.get(), RTPROT_STATIC);
  rtnl_route_set_dst(route.get(), destination.get());
  rtnl_route_nh_set_ifindex(hop, index);
  if (entry.gateway) {
    NlAddrPtr gateway = make_addr(*entry.gateway, 32);
    if (!gateway) {
      rtnl_route_nh_free(hop);
      return wire::unexpected(os_error("build", entry.describe(), ENOMEM));
    }
    rtnl_route_nh_set_gateway(hop, gateway.get());
  }
  rtnl_route_add_nexthop(route.get(), hop);  // the route owns the hop from here
  return route;
}

// A link's index, or nullopt when the link is gone (ENODEV).
api::Result<std::optional<int>> index_if_present(Session& session, const std::string& link) {
  auto index = session.route().link_index(link, session.where());
  if (index) return std::optional<int>(*index);
  if (failed_with(index.error(), ENODEV)) return std::optional<int>();
  return wire::unexpected(index.error());
}

api::Result<Removal> gone_unless(api::Result<bool> removed, std::initializer_list<int> gone) {
  if (removed) return Removal::removed;
  for (int error_number : gone) {
    if (failed_with(removed.error(), error_number)) return Removal::already_gone;
  }
  return wire::unexpected(removed.error());
}

}  // namespace

api::Result<bool> add_address(Session& session, const LedgerEntry& entry) {
  PHONERIG_TRY(int index, session.route().link_index(entry.name, session.where()));
  PHONERIG_TRY(auto address, address_object(index, entry));
  return session.route().run("add", entry.describe(), [&](nl_sock* sock) {
    return rtnl_addr_add(sock, address.get(), NLM_F_EXCL);
  });
}

api::Result<bool> add_route(Session& session, const LedgerEntry& entry) {
  PHONERIG_TRY(int index, session.route().link_index(entry.name, session.where()));
  PHONERIG_TRY(auto route, route_object(index, entry));
  return session.route().run("add", entry.describe(), [&](nl_sock* sock) {
    return rtnl_route_add(sock, route.get(), NLM_F_EXCL);
  });
}

api::Result<Removal> remove_object(Session* session, const LedgerEntry& entry) {
  const std::string object = entry.describe();
  if (entry.kind == ObjectKind::netns) {
    PHONERIG_TRY(bool removed, remove_netns(entry.name));
    return removed ? Removal::removed : Removal::already_gone;
  }
  if (session == nullptr) return api::fail(api::Fault::internal, "remove " + object + ": no session");
  if (entry.kind == ObjectKind::link) {
    LinkPtr link(rtnl_link_alloc());
    if (!link) return wire::unexpected(os_error("remove", object, ENOMEM));
    rtnl_link_set_name(link.get(), entry.name.c_str());
    return gone_unless(session->route().run("remove", object,
                                            [&](nl_sock* sock) {
                                              return rtnl_link_delete(sock, link.get());
                                            }),
                       {ENODEV});
  }
  PHONERIG_TRY(std::optional<int> index, index_if_present(*session, entry.name));
  if (!index) return Removal::already_gone;  // the link went, and with it what was on it
  switch (entry.kind) {
    case ObjectKind::address: {
      PHONERIG_TRY(auto address, address_object(*index, entry));
      return gone_unless(session->route().run("remove", object,
                                              [&](nl_sock* sock) {
                                                return rtnl_addr_delete(sock, address.get(), 0);
                                              }),
                         {EADDRNOTAVAIL, ENODEV});
    }
    case ObjectKind::route: {
      PHONERIG_TRY(auto route, route_object(*index, entry));
      return gone_unless(session->route().run("remove", object,
                                              [&](nl_sock* sock) {
                                                return rtnl_route_delete(sock, route.get(), 0);
                                              }),
                         {ESRCH, ENODEV});
    }
    case ObjectKind::qdisc:
      // Our handle is no longer the root's: the kernel says EINVAL ("Invalid handle") when
      // another qdisc is there, the default one included, and ENOENT when there is none.
      return gone_unless(
          session->route().send(qdisc_delete_request(*index, entry.handle), "remove", object),
          {EINVAL, ENOENT, ENODEV});
    case ObjectKind::netns:
    case ObjectKind::link: break;
  }
  return api::fail(api::Fault::internal, "remove " + object + ": unknown kind");
}

}  // namespace phonerig::netlink
