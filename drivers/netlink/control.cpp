#include "drivers/netlink/control.hpp"

#include <net/if.h>
#include <netlink/route/link/veth.h>

#include <cerrno>

#include "drivers/netlink/error.hpp"
#include "drivers/netlink/libnl_ptr.hpp"
#include "drivers/netlink/link_watcher.hpp"
#include "drivers/netlink/namespace.hpp"
#include "drivers/netlink/netem_message.hpp"
#include "drivers/netlink/objects.hpp"
#include "drivers/netlink/owned.hpp"
#include "drivers/netlink/tap.hpp"
#include "drivers/netlink/vlan_message.hpp"

namespace phonerig::netlink {

Control::Control(boost::asio::any_io_executor executor, Naming naming,
                 std::shared_ptr<Ledger> ledger, std::shared_ptr<Session> session)
    : executor_(std::move(executor)),
      naming_(std::move(naming)),
      ledger_(std::move(ledger)),
      session_(std::move(session)) {}

api::Result<std::unique_ptr<Control>> Control::open(boost::asio::any_io_executor executor,
                                                    ControlOptions options) {
  PHONERIG_TRY(Naming naming, Naming::make(std::move(options.prefix)));
  if (!options.netns.empty()) PHONERIG_CHECK(check_netns_name(options.netns));
  PHONERIG_TRY(std::shared_ptr<Ledger> ledger, Ledger::open(std::move(options.ledger)));
  PHONERIG_TRY(std::shared_ptr<Session> session, Session::open(std::move(options.netns)));
  return std::make_unique<Control>(std::move(executor), std::move(naming), std::move(ledger),
                                   std::move(session));
}

LedgerEntry Control::entry(ObjectKind kind, std::string name) const {
  LedgerEntry entry;
  entry.kind = kind;
  entry.netns = kind == ObjectKind::netns ? std::string() : session_->netns();
  entry.name = std::move(name);
  return entry;
}

std::string Control::link_object(std::string_view link) const {
  return "link '" + std::string(link) + "'" + session_->where();
}

api::Result<api::Lease> Control::keep(std::shared_ptr<Session> session, LedgerEntry entry) {
  auto recorded = ledger_->added(entry);
  if (!recorded) {
    (void)remove_object(session.get(), entry);
    return wire::unexpected(std::move(recorded).error());
  }
  return api::Lease(std::make_unique<Owned>(std::move(session), ledger_, std::move(entry)));
}

api::Result<api::Lease> Control::add_namespace(std::string_view name) {
  PHONERIG_TRY(std::string real, naming_.netns(name));
  PHONERIG_CHECK(create_netns(real));
  return keep(nullptr, entry(ObjectKind::netns, real));
}

api::Result<api::Lease> Control::add_veth(std::string_view name, std::string_view peer,
                                          std::string_view peer_netns) {
  PHONERIG_TRY(std::string real, naming_.link(name));
  PHONERIG_TRY(std::string real_peer, naming_.link(peer));
  LedgerEntry created = entry(ObjectKind::link, real);
  created.link_kind = "veth";
  created.peer = real_peer;
  created.peer_netns = peer_netns.empty() ? session_->netns() : std::string(peer_netns);

  LinkPtr link(rtnl_link_veth_alloc());
  if (!link) return wire::unexpected(os_error("create", created.describe(), ENOMEM));
  rtnl_link_set_name(link.get(), real.c_str());
  LinkPtr peer_link(rtnl_link_veth_get_peer(link.get()));
  rtnl_link_set_name(peer_link.get(), real_peer.c_str());
  // The peer is born in its namespace (IFLA_NET_NS_FD inside VETH_INFO_PEER): it never
  // appears anywhere else, not even for a moment.
  UniqueFd peer_ns;
  if (!peer_netns.empty()) {
    PHONERIG_TRY(UniqueFd fd, open_netns(peer_netns));
    peer_ns = std::move(fd);
    rtnl_link_set_ns_fd(peer_link.get(), peer_ns.get());
  }
  PHONERIG_CHECK(session_->route().run(
      "create", created.describe() + " (peer '" + real_peer + "'" + in_netns(created.peer_netns) +
                    ")",
      [&](nl_sock* sock) { return rtnl_link_add(sock, link.get(), NLM_F_CREATE | NLM_F_EXCL); }));
  return keep(session_, std::move(created));
}

api::Result<api::Lease> Control::add_tap(std::string_view name) {
  PHONERIG_TRY(std::string real, naming_.link(name));
  LedgerEntry created = entry(ObjectKind::link, real);
  created.link_kind = "tap";
  PHONERIG_CHECK(create_tap(session_->netns_fd(), real, session_->where()));
  return keep(session_, std::move(created));
}

api::Result<api::Lease> Control::add_vlan(std::string_view name, std::string_view parent,
                                          std::uint16_t vlan_id) {
  PHONERIG_TRY(std::string real, naming_.link(name));
  LedgerEntry created = entry(ObjectKind::link, real);
  created.link_kind = "vlan";
  PHONERIG_TRY(int parent_index, session_->route().link_index(parent, session_->where()));
  PHONERIG_TRY(Bytes request, vlan_link_request(VlanLinkRequest{real, parent_index, vlan_id}));
  PHONERIG_CHECK(session_->route().send(
      request, "create",
      created.describe() + " on '" + std::string(parent) + "' (id " + std::to_string(vlan_id) +
          ")"));
  return keep(session_, std::move(created));
}

api::Result<bool> Control::move_link(api::Lease& link, std::string_view netns) {
  auto* owned = dynamic_cast<Owned*>(link.get());
  if (owned == nullptr || owned->entry().kind != ObjectKind::link) {
    return api::fail(api::Fault::internal,
                     "move " + link.describe() + " to netns '" + std::string(netns) +
                         "': only a link created by this driver can be moved");
  }
  const LedgerEntry before = owned->entry();
  const std::string operation = "move to netns '" + std::string(netns) + "'";
  PHONERIG_TRY(std::shared_ptr<Session> target, Session::open(std::string(netns)));
  const std::shared_ptr<Session> source = owned->session();
  PHONERIG_TRY(int index, source->route().link_index(before.name, in_netns(before.netns)));
  LinkPtr original(rtnl_link_alloc());
  if (!original) return wire::unexpected(os_error(operation, before.describe(), ENOMEM));
  rtnl_link_set_ifindex(original.get(), index);
  LinkPtr changes(rtnl_link_alloc());
  if (!changes) return wire::unexpected(os_error(operation, before.describe(), ENOMEM));
  rtnl_link_set_ns_fd(changes.get(), target->netns_fd());
  PHONERIG_CHECK(source->route().run(operation, before.describe(), [&](nl_sock* sock) {
    return rtnl_link_change(sock, original.get(), changes.get(), 0);
  }));
  LedgerEntry after = before;
  after.netns = std::string(netns);
  // Record the new place before forgetting the old: a crash in between leaves two lines
  // for one link, and cleanup finds one of them already gone.
  auto recorded = ledger_->added(after);
  (void)ledger_->removed(before);
  owned->moved(std::move(target), std::move(after));
  if (!recorded) return wire::unexpected(std::move(recorded).error());
  return true;
}

api::Result<bool> Control::change_link(std::string_view link, std::string_view operation,
                                       const std::function<void(rtnl_link*)>& edit) {
  const std::string object = link_object(link);
  PHONERIG_TRY(int index, session_->route().link_index(link, session_->where()));
  // Only the index of the original matters: the request carries the flags to change
  // (ifi_change) and nothing else of the link's current state.
  LinkPtr original(rtnl_link_alloc());
  if (!original) return wire::unexpected(os_error(operation, object, ENOMEM));
  rtnl_link_set_ifindex(original.get(), index);
  LinkPtr changes(rtnl_link_alloc());
  if (!changes) return wire::unexpected(os_error(operation, object, ENOMEM));
  edit(changes.get());
  return session_->route().run(operation, object, [&](nl_sock* sock) {
    return rtnl_link_change(sock, original.get(), changes.get(), 0);
  });
}

api::Result<bool> Control::set_link_up(std::string_view link, bool up) {
  return change_link(link, up ? "set up" : "set down", [up](rtnl_link* changes) {
    if (up) {
      rtnl_link_set_flags(changes, IFF_UP);
    } else {
      rtnl_link_unset_flags(changes, IFF_UP);
    }
  });
}

api::Result<bool> Control::set_mtu(std::string_view link, std::uint32_t mtu) {
  return change_link(link, "set mtu " + std::to_string(mtu) + " of",
                     [mtu](rtnl_link* changes) { rtnl_link_set_mtu(changes, mtu); });
}

api::Result<bool> Control::set_offloads(std::string_view link, const api::Offloads& offloads) {
  PHONERIG_CHECK(write_offloads(session_->ioctl_fd(), link, offloads, session_->where()));
  return true;
}

api::Result<OffloadState> Control::offloads(std::string_view link) {
  return read_offloads(session_->ioctl_fd(), link, session_->where());
}

api::Result<int> Control::link_index(std::string_view link) {
  return session_->route().link_index(link, session_->where());
}

api::Result<UniqueFd> Control::attach_tap(std::string_view name) {
  return netlink::attach_tap(session_->netns_fd(), name, session_->where());
}

api::Result<api::Lease> Control::add_address(std::string_view link, api::Ipv4Prefix address) {
  LedgerEntry created = entry(ObjectKind::address, std::string(link));
  if (address.length < 0 || address.length > 32) {
    return wire::unexpected(config_error("add", created.describe(), "prefix length over 32"));
  }
  created.prefix = address;
  PHONERIG_CHECK(netlink::add_address(*session_, created));
  return keep(session_, std::move(created));
}

api::Result<api::Lease> Control::add_route(api::Ipv4Prefix destination,
                                           std::optional<wire::Ipv4> gateway,
                                           std::string_view link) {
  LedgerEntry created = entry(ObjectKind::route, std::string(link));
  if (destination.length < 0 || destination.length > 32) {
    return wire::unexpected(config_error("add", created.describe(), "prefix length over 32"));
  }
  created.prefix = destination;
  created.gateway = gateway;
  PHONERIG_CHECK(netlink::add_route(*session_, created));
  return keep(session_, std::move(created));
}

api::Result<api::Lease> Control::add_netem(std::string_view link, const api::Netem& netem) {
  LedgerEntry created = entry(ObjectKind::qdisc, std::string(link));
  created.handle = kNetemHandle;
  PHONERIG_TRY(int index, session_->route().link_index(link, session_->where()));
  PHONERIG_TRY(Bytes request, netem_qdisc_request(NetemQdiscRequest{index, kNetemHandle, netem}));
  PHONERIG_CHECK(session_->route().send(request, "add", created.describe()));
  return keep(session_, std::move(created));
}

api::Result<api::Lease> Control::watch_links(EventHandler on_event) {
  PHONERIG_TRY(std::shared_ptr<LinkWatcher> watcher,
               LinkWatcher::start(executor_, session_->netns_fd(), session_->where(),
                                  std::move(on_event)));
  return api::Lease(std::make_unique<WatchLease>(std::move(watcher), session_->where()));
}

}  // namespace phonerig::netlink
