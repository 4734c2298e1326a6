// api::FaultInjector for a real rig, on netem (tc-netem(8)). A real rig can impair only what
// crosses its own interfaces, so a fault is scoped by VLAN and becomes a netem root qdisc
// on the rig's interface on that VLAN, removed again when the fault is cleared or this
// object goes. A root qdisc shapes what the rig sends on that interface: the services'
// answers to the phones, not the phones' frames to the rig (that direction would need an
// IFB device with an ingress redirect, not built). Per-port faults, reorder and link flaps
// need the simulated switch: they are refused as Fault::config, with the reason.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "drivers/api/fault_injector.hpp"
#include "drivers/api/link_control.hpp"

namespace phonerig::netlink {

// The netem that makes `faults`; Fault::config for what netem cannot do here (reorder) or
// for invalid values.
api::Result<api::Netem> to_netem(const api::Faults& faults);

class NetemFaults final : public api::FaultInjector {
 public:
  // `interfaces`: VLAN id -> the real name of the rig's interface on that VLAN. `control`
  // acts in the rig's namespace and outlives this object.
  NetemFaults(api::LinkControl& control, std::map<std::uint16_t, std::string> interfaces);
  ~NetemFaults() override;  // removes every netem it added
  NetemFaults(const NetemFaults&) = delete;
  NetemFaults& operator=(const NetemFaults&) = delete;

  api::Result<bool> set_faults(const api::FaultScope& scope, const api::Faults& faults) override;
  api::Result<api::Faults> faults(const api::FaultScope& scope) const override;
  api::Result<bool> flap_link(const std::string& port, const api::LinkFlap& flap) override;

  // Removes every netem this object added; the first error, after trying them all.
  api::Result<bool> clear();

 private:
  api::Result<const std::string*> interface_of(const api::FaultScope& scope) const;

  struct Active {
    api::Faults faults;
    api::Lease lease;
  };
  api::LinkControl& control_;
  std::map<std::uint16_t, std::string> interfaces_;
  std::map<std::uint16_t, Active> active_;
};

}  // namespace phonerig::netlink
