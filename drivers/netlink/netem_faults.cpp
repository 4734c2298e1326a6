#include "drivers/netlink/netem_faults.hpp"

#include <chrono>
#include <utility>

namespace phonerig::netlink {

api::Result<api::Netem> to_netem(const api::Faults& faults) {
  if (auto why = faults.invalid()) return api::fail(api::Fault::config, *why);
  if (faults.reorder_percent > 0) {
    return api::fail(api::Fault::config,
                     "reorder on a real rig's netem is not built; the simulated switch reorders");
  }
  api::Netem netem;
  netem.loss_percent = faults.loss_percent;
  netem.delay = std::chrono::duration_cast<std::chrono::microseconds>(faults.delay);
  netem.duplicate_percent = faults.duplicate_percent;
  netem.corrupt_percent = faults.corrupt_percent;
  return netem;
}

NetemFaults::NetemFaults(api::LinkControl& control,
                         std::map<std::uint16_t, std::string> interfaces)
    : control_(control), interfaces_(std::move(interfaces)) {}

NetemFaults::~NetemFaults() { (void)clear(); }

api::Result<const std::string*> NetemFaults::interface_of(const api::FaultScope& scope) const {
  if (scope.kind == api::FaultScope::Kind::port) {
    return api::fail(api::Fault::config,
                     scope.to_string() +
                         ": a real rig impairs only its own interfaces; scope the fault by "
                         "vlan (netem on the rig's interface on that VLAN), or use the "
                         "simulated switch for per-port faults");
  }
  auto it = interfaces_.find(scope.vlan);
  if (it == interfaces_.end()) {
    return api::fail(api::Fault::config,
                     scope.to_string() +
                         ": the rig has no interface on this VLAN (a service interface with "
                         "vlan: " + std::to_string(scope.vlan) +
                         ", or one named voice or data for the switch's VLANs)");
  }
  return &it->second;
}

api::Result<bool> NetemFaults::set_faults(const api::FaultScope& scope,
                                          const api::Faults& faults) {
  PHONERIG_TRY(const std::string* interface, interface_of(scope));
  PHONERIG_TRY(api::Netem netem, to_netem(faults));
  if (auto it = active_.find(scope.vlan); it != active_.end()) {
    auto released = it->second.lease.release();
    if (!released) return released;
    active_.erase(it);
  }
  if (!faults.any()) return true;
  PHONERIG_TRY(api::Lease lease, control_.add_netem(*interface, netem));
  active_[scope.vlan] = Active{faults, std::move(lease)};
  return true;
}

api::Result<api::Faults> NetemFaults::faults(const api::FaultScope& scope) const {
  PHONERIG_CHECK(interface_of(scope));
  auto it = active_.find(scope.vlan);
  return it == active_.end() ? api::Faults{} : it->second.faults;
}

api::Result<bool> NetemFaults::flap_link(const std::string& port, const api::LinkFlap&) {
  return api::fail(api::Fault::config,
                   "port " + port +
                       ": a link flap on a real switch's port is not built (it needs the "
                       "simulated switch)");
}

api::Result<bool> NetemFaults::clear() {
  api::Result<bool> first = true;
  for (auto& [vlan, active] : active_) {
    auto released = active.lease.release();
    if (!released && first) first = released;
  }
  active_.clear();
  return first;
}

}  // namespace phonerig::netlink
