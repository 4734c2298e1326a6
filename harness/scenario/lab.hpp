// The validated model of a lab file (DESIGN.md, "The lab file"): what the harness may
// use, where, and which phones it may serve. Built only by load_lab_file/load_lab_text.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
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

// An 802.1Q interface on a trunk NIC of a real rig. The harness uses it under the
// conventional name "<parent>.<vlan>" (device()); creating it is the operator's part
// (`ip link add link eno2 name eno2.100 type vlan id 100`): `serve` and `run` say so when
// it is missing, and `doctor` checks the parent.
struct VlanOnParent {
  std::string parent;  // ifname of the trunk NIC
  std::uint16_t vlan = 0;
  std::string device() const { return parent + "." + std::to_string(vlan); }
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

enum class SnmpAuthProtocol { md5, sha };
enum class SnmpPrivProtocol { des, aes };

struct Snmp {
  SnmpVersion version = SnmpVersion::v2c;
  std::uint16_t port = 161;
  std::optional<Credential> community;  // v2c only, required there
  std::optional<std::string> user;      // v3 only, required there (a name, not a secret)
  std::optional<Credential> auth;       // v3: authNoPriv or authPriv
  std::optional<Credential> priv;       // v3: authPriv, needs auth
  SnmpAuthProtocol auth_protocol = SnmpAuthProtocol::sha;  // v3: SHA (HMAC-SHA-96) or MD5
  SnmpPrivProtocol priv_protocol = SnmpPrivProtocol::aes;  // v3: AES-128 or DES
  int timeout_ms = 1000;  // per try
  int retries = 2;
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
  int min_off_ms = 5000;       // a power cycle holds power off at least this long
  int confirm_timeout_ms = 15000;  // a port must reach the state asked within this
  Position at;
};

// ---- phones: the devices under test. The services issue adds `address` (the DHCP
// reservation) and `lines`; the drivers issue gives `port` its syntax; the engine issue
// gives `tags` their meaning in scenarios ----

struct Line {
  std::string dn;                        // directory number, "1001"; also the SIP user
  std::optional<std::string> auth_name;  // digest user name; defaults to dn
  std::optional<Credential> password;    // a reference; needed when the registrar checks digest
  std::optional<std::string> display_name;
  Position at;

  const std::string& user() const { return auth_name ? *auth_name : dn; }
};

struct Phone {
  std::string id;     // unique in the lab; scenarios name phones by id, model or tag
  wire::Mac mac;      // unique in the lab; the DHCP server answers only these
  std::string model;  // "CP-8851"
  std::optional<std::string> port;  // switch port, "Gi1/0/5"
  std::optional<std::string> load;  // expected firmware load id
  std::optional<wire::Ipv4> address;  // DHCP reservation; else an address from the pool
  std::vector<Line> lines;
  std::vector<std::string> tags;
  Position at;

  // "SEP001E4A000001": the device name CUCM and the phone's files use.
  std::string device_name() const;
};

// ---- services: what phonerig serves, each on, off or external (a real CUCM in the lab:
// the harness captures and asserts only; `external` is a property of the lab, scenarios
// cannot override it). Every service binds to a rig interface that serves (logical name),
// by default the first one; it answers on that interface's address. ----

enum class ServiceMode { on, off, external };
std::string_view to_string(ServiceMode mode);

struct ServiceCommon {
  ServiceMode mode = ServiceMode::on;
  std::optional<std::string> interface;  // a rig interface that serves; default: the first
  bool declared = false;  // written in the lab file (else every setting is the default)
  Position at;

  bool served() const { return mode == ServiceMode::on; }
};

// CDP and LLDP-MED announcer, for labs whose switch does not announce the voice VLAN.
struct CdpService : ServiceCommon {
  std::string device_id = "phonerig";
  std::string port_id = "phonerig";
  int interval_s = 60;  // CDP's default message interval
  bool lldp = true;     // also send LLDP-MED network policy
  std::uint32_t power_available_mw = 15400;
};

struct AddressRange {
  wire::Ipv4 first;
  wire::Ipv4 last;
};

struct DhcpService : ServiceCommon {
  std::uint32_t lease_s = 3600;
  std::vector<wire::Ipv4> routers;
  std::vector<wire::Ipv4> dns;
  std::optional<std::string> domain;
  std::optional<AddressRange> pool;        // for phones without an address
  std::vector<wire::Ipv4> tftp_servers;    // option 150; default: the tftp service's address
  std::optional<std::string> option66;     // option 66, one server name or address
  bool send_option150 = true;              // false: a lab that offers option 66 only
  std::optional<std::filesystem::path> lease_file;  // default: a file in the run folder
};

struct TftpService : ServiceCommon {
  std::optional<std::filesystem::path> root;  // files served besides the generated ones
  std::uint16_t port = 69;
};

struct HttpService : ServiceCommon {
  std::uint16_t port = 6970;
  int missing_status = 404;  // or 503, as CUCM answers
};

struct SipService : ServiceCommon {
  std::uint16_t port = 5060;
  bool udp = true;
  bool tcp = true;
  bool digest = false;       // challenge REGISTERs; lines then need a password
  std::string realm = "phonerig";
  std::optional<int> granted_expires;  // CUCM grants 120 s to a phone asking 3600
  int min_expires = 60;
  int max_expires = 7200;
};

// A member of the phones' CallManager group (cnf.xml); the phone tries them by priority.
struct CallManager {
  std::string name;
  wire::Ipv4 address;
  std::uint16_t sip_port = 5060;
  int priority = 0;  // lower first
  Position at;
};

struct Services {
  CdpService cdp = [] {
    CdpService off;
    off.mode = ServiceMode::off;  // a Cisco switch announces the voice VLAN itself
    return off;
  }();
  DhcpService dhcp;
  TftpService tftp;
  HttpService http;  // HTTP on 6970
  SipService sip;
  // Default: one member, the SIP service's address and port.
  std::vector<CallManager> callmanager_group;
  // Load id per phone model that the generated configs name (`loads: {CP-8851: sip88xx..}`);
  // a phone's own `load` wins.
  std::vector<std::pair<std::string, std::string>> loads;
  Position at;
};

// ---- sim: the simulated lab (lab/sim/README.md, "The lab file's `sim` section"):
// layout, the switch's knobs and faults, and per phone id the emulated phone's knobs ----

enum class SimLayout { direct, relayed };
std::string_view to_string(SimLayout layout);

// A fault the simulated switch applies from `lab up` on (scenarios change them later).
struct SimFault {
  std::optional<std::string> port;    // scope: a port, "Gi1/0/2"
  std::optional<std::uint16_t> vlan;  // or a VLAN
  double loss_percent = 0;
  int delay_ms = 0;
  double duplicate_percent = 0;
  double corrupt_percent = 0;
  double reorder_percent = 0;
  Position at;
};

struct SimSwitch {
  bool announce = true;  // CDP / LLDP-MED out of access ports, as a Cisco switch
  int cdp_interval_s = 60;
  std::uint32_t seed = 1;
  std::vector<SimFault> faults;
};

// The emulated phone's knobs (phone.json keys, lab/sim/phone/README.md); unset: the
// phone's default (or phone_defaults').
struct SimPhoneKnobs {
  std::optional<std::string> running_load;
  std::optional<std::string> inactive_load;
  std::optional<int> boot_delay_ms;
  std::optional<std::vector<std::string>> skip;  // ctl, itl, firmware, dial_rules, ...
  std::optional<bool> http;
  std::optional<bool> ignore_option_150;
  std::optional<bool> voip_vlan_query;
  std::optional<std::string> password_override;  // deliberately wrong: not a secret
  std::optional<bool> udp_transport;
  std::optional<bool> crash_during_firmware;
  std::optional<bool> cdp;
  std::optional<bool> softkeys_after_register;
  std::optional<bool> short_timers;
  std::optional<std::uint32_t> seed;
  Position at;

  // `over`'s set knobs replace these.
  SimPhoneKnobs overlaid(const SimPhoneKnobs& over) const;
};

struct SimPhone {
  std::string id;  // a phone of the phones section
  SimPhoneKnobs knobs;
  Position at;     // of the id
};

// The simulated switch has one stack member: its phone ports are "Gi1/0/N", N 1..480.
inline constexpr int kSimMaxPort = 480;
// N of "Gi1/0/N" (also "GigabitEthernet1/0/N"), nullopt for anything else.
std::optional<int> sim_port_number(std::string_view port);

struct SimConfig {
  SimLayout layout = SimLayout::direct;
  SimSwitch switch_knobs;
  SimPhoneKnobs phone_defaults;
  std::vector<SimPhone> phones;  // file order
  Position at;

  // phone_defaults overlaid with the phone's own knobs.
  SimPhoneKnobs knobs_for(std::string_view phone_id) const;
};

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
  // The rig's own service interface on each VLAN, by real name, where a real rig's faults
  // go (netem): a trunk interface (parent + vlan) is on its VLAN; an existing device named
  // "voice" or "data" is on the switch's voice or data VLAN.
  std::map<std::uint16_t, std::string> rig_interfaces_by_vlan() const;
};

}  // namespace phonerig::scenario
