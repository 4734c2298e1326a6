// CDP and LLDP-MED as a Cisco access switch speaks them on an access port (reference 1.6,
// 1.9, 2.2-2.4), and what the phones on its ports announce, kept for the neighbour tables
// (CISCO-CDP-MIB cdpCacheTable, LLDP-MIB lldpRemTable).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "drivers/wire/address.hpp"
#include "drivers/wire/bytes.hpp"
#include "lab/sim/switch/port.hpp"

namespace phonerig::sim::sw {

// What the switch says about itself.
struct Identity {
  std::string device_id = "lab-sw1";            // CDP Device ID, LLDP system name
  std::string platform = "cisco WS-C3850-48P";  // CDP Platform
  std::string software_version =
      "Cisco IOS Software, IOS-XE Software, Catalyst L3 Switch Software (CAT3K_CAA-UNIVERSALK9-M), "
      "Version 16.12.4, RELEASE SOFTWARE (fc5)";
  wire::Mac mac{{0x02, 0x00, 0x5e, 0x10, 0x00, 0x00}};  // base MAC; port N sends from base + N
  std::uint32_t power_available_mw = 15400;     // CDP Power Available, per port (802.3af class 0)
  std::uint8_t cdp_holdtime = 180;              // seconds (reference 1.7)
  std::uint16_t lldp_ttl = 120;                 // seconds (reference 2.1)
  std::uint8_t voice_priority = 5;              // LLDP-MED voice: CoS 5, DSCP EF (reference 3)
  std::uint8_t voice_dscp = 46;
  std::uint8_t signaling_priority = 3;          // voice signaling: CoS 3, DSCP CS3
  std::uint8_t signaling_dscp = 24;
};

// The MAC a port's own frames (CDP, LLDP) come from: the base MAC plus the port number in
// its last two octets.
wire::Mac port_mac(const Identity& identity, const PortConfig& port);

// The CDP v2 frame out of an access port (802.3 LLC/SNAP to 01:00:0c:cc:cc:cc): Device ID,
// Port ID GigabitEthernet1/0/N, Capabilities (switch, IGMP), Software version, Platform,
// Native VLAN (the data VLAN), Duplex full, VoIP VLAN Reply (when the port has a voice VLAN),
// Trust bitmap 0, Untrusted CoS 0, Power Available echoing the phone's last request id.
wire::ByteVector build_cdp(const Identity& identity, const PortConfig& port,
                           std::uint16_t power_request_id = 0);

// The LLDP frame out of an access port (to 01:80:c2:00:00:0e): Chassis ID (MAC), Port ID
// (interface name Gi1/0/N), TTL, port description, system name and description, capabilities
// (bridge), IEEE 802.1 port VLAN ID (data VLAN), LLDP-MED capabilities (network connectivity),
// network policies voice and voice signaling (tagged in the voice VLAN, when there is one),
// extended power (PSE, primary).
wire::ByteVector build_lldp(const Identity& identity, const PortConfig& port);

// One neighbour heard on a port.
struct Neighbour {
  std::string protocol;          // "cdp" or "lldp"
  wire::Mac src;                 // the frame's source MAC
  std::string device_id;         // CDP Device ID; LLDP chassis ID (MAC as text, else bytes)
  std::string port_id;           // CDP Port ID; LLDP Port ID as text
  std::string platform;          // CDP Platform; LLDP-MED model
  std::string software_version;  // CDP Software version; LLDP-MED software revision
  std::string system_name;       // CDP System name; LLDP system name
  std::optional<wire::Ipv4> address;  // CDP Addresses / LLDP management address
  std::optional<std::uint32_t> capabilities;
  std::optional<std::uint16_t> power_request_id;  // CDP Power Requested
  std::optional<std::uint32_t> power_requested_mw;
  bool voice_vlan_query = false;  // CDP VoIP VLAN Query present
  Time heard{};
  std::chrono::seconds holdtime{0};  // CDP TTL, LLDP TTL; 0 = forget
};

enum class Discovery { none, cdp, lldp };

// Which discovery protocol an untagged frame carries (by destination and envelope).
Discovery discovery_kind(wire::Bytes untagged_frame);

// The neighbour a CDP or LLDP frame announces, or nothing when it does not decode.
std::optional<Neighbour> parse_neighbour(wire::Bytes untagged_frame, Time now);

}  // namespace phonerig::sim::sw
