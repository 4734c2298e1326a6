// The validated model of a lab file (DESIGN.md, "The lab file"): what the harness may
// use, where, and which phones it may serve. Built only by load_lab_file/load_lab_text.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "drivers/api/result.hpp"
#include "drivers/wire/address.hpp"
#include "harness/scenario/credential.hpp"
#include "harness/scenario/diagnostic.hpp"

namespace phonerig::scenario {

// ---- rig: where the harness runs (the foundation issue) ----

enum class InterfaceRole { service, capture, both };
std::string_view to_string(InterfaceRole role);

// An IPv4 host address with its prefix length, as `ip address add` takes it.
struct InterfaceAddress {
  wire::Ipv4 address;
  int prefix_length = 0;

  // "198.18.0.10/24". A prefix below 31 must leave a host address: not the network or
  // broadcast address of its subnet (RFC 3021 makes /31 and /32 the exceptions).
  static api::Result<InterfaceAddress> parse(std::string_view text);
  std::string to_string() const;
  bool operator==(const InterfaceAddress&) const = default;
};

// An interface that already exists on the rig host: a NIC, a SPAN port, a port of the
// simulated switch.
struct ExistingDevice {
  std::string ifname;
  bool operator==(const ExistingDevice&) const = default;
};

// An 802.1Q interface the harness creates on a trunk NIC of a real rig (and removes at
// teardown); its real name comes from the lab instance's ledger.
struct VlanOnParent {
  std::string parent;  // ifname of the trunk NIC
  std::uint16_t vlan = 0;
  bool operator==(const VlanOnParent&) const = default;
};

struct RigInterface {
  std::string name;  // logical: scenarios and the ledger use it
  InterfaceRole role = InterfaceRole::service;
  std::variant<ExistingDevice, VlanOnParent> link;
  std::optional<InterfaceAddress> address;  // only on service (or both) interfaces
  Position at;

  bool serves() const { return role != InterfaceRole::capture; }
  bool captures() const { return role != InterfaceRole::service; }
};

struct Rig {
  std::optional<std::string> netns;  // run the harness inside this network namespace
  std::vector<RigInterface> interfaces;  // at least one serves and one captures
  Position at;

  const RigInterface* find_interface(std::string_view name) const;
};

// ---- switch: minimal schema; the PoE drivers issue adds port naming and the SNMPv3
// auth/priv protocols ----

enum class SnmpVersion { v2c, v3 };
std::string_view to_string(SnmpVersion version);

struct Snmp {
  SnmpVersion version = SnmpVersion::v2c;
  std::optional<Credential> community;  // v2c only, required there
  std::optional<std::string> user;      // v3 only, required there (a name, not a secret)
  std::optional<Credential> auth;       // v3: authNoPriv or authPriv
  std::optional<Credential> priv;       // v3: authPriv, needs auth
};

enum class PoeProfile { rfc3621, cisco, apc_pdu };
std::string_view to_string(PoeProfile profile);

struct SwitchVlans {
  std::uint16_t voice = 0;
  std::uint16_t data = 0;
};

struct SwitchConfig {
  wire::Ipv4 address;  // where its SNMP agent answers
  Snmp snmp;
  PoeProfile profile = PoeProfile::rfc3621;
  std::optional<SwitchVlans> vlans;  // a PDU has none
  Position at;
};

// ---- phones: minimal schema; the services issue adds `lines`, the drivers issue gives
// `port` its syntax, the engine issue gives `tags` their meaning in scenarios ----

struct Phone {
  std::string id;     // unique in the lab; scenarios name phones by id, model or tag
  wire::Mac mac;      // unique in the lab; the DHCP server answers only these
  std::string model;  // "CP-8851"
  std::optional<std::string> port;  // switch port, "Gi1/0/5"
  std::optional<std::string> load;  // expected firmware load id
  std::vector<std::string> tags;
  Position at;
};

// ---- services: each on, off or external (a real CUCM: capture and assert only). The
// services issue adds their settings, lldp and the callmanager group. Unset means that
// issue decides the default. ----

enum class ServiceMode { on, off, external };
std::string_view to_string(ServiceMode mode);

struct Services {
  std::optional<ServiceMode> cdp;
  std::optional<ServiceMode> dhcp;
  std::optional<ServiceMode> tftp;
  std::optional<ServiceMode> http;  // HTTP on 6970
  std::optional<ServiceMode> sip;
};

// ---- sim: the simulated-lab issue fills it (switch knobs, per-phone emulation knobs) ----

struct SimConfig {};

struct Lab {
  std::string file;               // as named to the loader; diagnostics use it
  std::filesystem::path folder;   // base of relative file: credentials
  Rig rig;
  std::optional<SwitchConfig> switch_config;
  std::vector<Phone> phones;
  Services services;
  std::optional<SimConfig> sim;   // present exactly when the lab is simulated

  bool simulated() const { return sim.has_value(); }
  const Phone* find_phone(std::string_view id) const;
  const Phone* find_phone(const wire::Mac& mac) const;
};

}  // namespace phonerig::scenario
