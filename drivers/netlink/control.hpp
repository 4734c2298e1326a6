// LinkControl on libnl-route 3.7 and our own netlink messages where libnl has no setter
// (DESIGN.md, "What the machines here have"): one namespace's links, every object created
// held by a lease, named with the run's prefix and recorded in the ledger.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "drivers/api/link_control.hpp"
#include "drivers/netlink/ledger.hpp"
#include "drivers/netlink/naming.hpp"
#include "drivers/netlink/offloads.hpp"
#include "drivers/netlink/session.hpp"
#include "drivers/netlink/unique_fd.hpp"

struct rtnl_link;

namespace phonerig::netlink {

struct ControlOptions {
  std::string netns;             // the namespace to act in (real name); empty: the caller's own
  std::string prefix;            // the run's prefix, given to every name created (Naming)
  std::filesystem::path ledger;  // JSON lines; created when missing, appended to otherwise
};

class Control final : public api::LinkControl {
 public:
  // Opens the sockets inside options.netns (entering it on this thread and returning).
  static api::Result<std::unique_ptr<Control>> open(boost::asio::any_io_executor executor,
                                                    ControlOptions options);

  api::Result<api::Lease> add_namespace(std::string_view name) override;
  api::Result<api::Lease> add_veth(std::string_view name, std::string_view peer,
                                   std::string_view peer_netns) override;
  api::Result<api::Lease> add_tap(std::string_view name) override;
  api::Result<api::Lease> add_vlan(std::string_view name, std::string_view parent,
                                   std::uint16_t vlan_id) override;
  api::Result<bool> move_link(api::Lease& link, std::string_view netns) override;
  api::Result<bool> set_link_up(std::string_view link, bool up) override;
  api::Result<bool> set_mtu(std::string_view link, std::uint32_t mtu) override;
  api::Result<bool> set_offloads(std::string_view link, const api::Offloads& offloads) override;
  api::Result<api::Lease> add_address(std::string_view link, api::Ipv4Prefix address) override;
  api::Result<api::Lease> add_route(api::Ipv4Prefix destination,
                                    std::optional<wire::Ipv4> gateway,
                                    std::string_view link) override;
  api::Result<api::Lease> add_netem(std::string_view link, const api::Netem& netem) override;
  api::Result<api::Lease> watch_links(EventHandler on_event) override;

  // Beyond the interface: a queue fd on a TAP of this namespace (real name), the offloads
  // a link has now, and a link's index.
  api::Result<UniqueFd> attach_tap(std::string_view name);
  api::Result<OffloadState> offloads(std::string_view link);
  api::Result<int> link_index(std::string_view link);

  const Naming& naming() const { return naming_; }
  const std::string& netns() const { return session_->netns(); }
  const std::filesystem::path& ledger_path() const { return ledger_->path(); }

  Control(boost::asio::any_io_executor executor, Naming naming, std::shared_ptr<Ledger> ledger,
          std::shared_ptr<Session> session);

 private:
  // Records a created object and wraps it in a lease; if recording fails the object is
  // removed again, so nothing exists that the ledger does not know.
  api::Result<api::Lease> keep(std::shared_ptr<Session> session, LedgerEntry entry);
  api::Result<bool> change_link(std::string_view link, std::string_view operation,
                                const std::function<void(rtnl_link*)>& edit);
  LedgerEntry entry(ObjectKind kind, std::string name) const;
  std::string link_object(std::string_view link) const;

  boost::asio::any_io_executor executor_;
  Naming naming_;
  std::shared_ptr<Ledger> ledger_;
  std::shared_ptr<Session> session_;
};

}  // namespace phonerig::netlink
