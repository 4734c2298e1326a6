// Shared by the simulated switch's unit tests: a small lab (two phones' access ports, a
// trunk, a rig port per VLAN, a mirror port), frame builders and output filters.
#pragma once

#include <chrono>
#include <optional>
#include <vector>

#include "drivers/wire/ip.hpp"
#include "drivers/wire/link.hpp"
#include "lab/sim/switch/switch_core.hpp"
#include "lab/sim/switch/tagging.hpp"

namespace phonerig::sim::sw::testing {

inline constexpr Vlan kData = 10;
inline constexpr Vlan kVoice = 100;

// Port indexes of lab_config().
inline constexpr PortIndex kPhone1 = 0;  // Gi1/0/1 access 10, voice 100, mirrored
inline constexpr PortIndex kPhone2 = 1;  // Gi1/0/2 access 10, voice 100
inline constexpr PortIndex kTrunk = 2;   // Gi1/0/47 trunk, native 10
inline constexpr PortIndex kRigData = 3;   // Gi1/0/45 rig VLAN 10
inline constexpr PortIndex kRigVoice = 4;  // Gi1/0/46 rig VLAN 100
inline constexpr PortIndex kMirror = 5;    // Gi1/0/48 mirror

inline Time at(double seconds) {
  return Time{} + std::chrono::duration_cast<Time::duration>(
                      std::chrono::duration<double>(seconds));
}

inline Config lab_config(bool announce = false) {
  Config c;
  c.announce = announce;
  c.seed = 42;
  PortConfig phone1{"sw-p1", 1, PortKind::access, kData, kVoice, std::nullopt, {}, true, true};
  PortConfig phone2{"sw-p2", 2, PortKind::access, kData, kVoice, std::nullopt, {}, false, true};
  PortConfig trunk{"sw-trunk", 47, PortKind::trunk, 1, std::nullopt, kData, {}, false, true};
  PortConfig rig_data{"sw-rig10", 45, PortKind::rig, kData, std::nullopt, std::nullopt, {}, false, true};
  PortConfig rig_voice{"sw-rig100", 46, PortKind::rig, kVoice, std::nullopt, std::nullopt, {}, false, true};
  PortConfig mirror{"sw-span", 48, PortKind::mirror, 1, std::nullopt, std::nullopt, {}, false, true};
  c.ports = {phone1, phone2, trunk, rig_data, rig_voice, mirror};
  return c;
}

inline wire::Mac mac(std::uint8_t last) { return wire::Mac{{0x02, 0, 0, 0, 0, last}}; }

// A UDP frame from `src` to `dst` with an optional 802.1Q tag in its bytes.
inline wire::ByteVector udp_frame(const wire::Mac& src, const wire::Mac& dst,
                                  std::optional<wire::VlanTag> tag = std::nullopt,
                                  std::size_t payload = 32) {
  wire::EthernetHeader eth{dst, src, {}};
  if (tag) eth.vlans.push_back(*tag);
  wire::Ipv4Build ip;
  ip.src = *wire::Ipv4::parse("198.18.0.10");
  ip.dst = *wire::Ipv4::parse("198.18.0.1");
  wire::ByteVector data(payload, 0x5a);
  return wire::build_udp_frame(eth, ip, 5060, 5060, data);
}

inline wire::VlanTag tag(Vlan vid, std::uint8_t pcp = 0) {
  return wire::VlanTag{wire::ethertype::kVlan, pcp, false, vid};
}

// The outputs to one port.
inline std::vector<Output> to(const std::vector<Output>& out, PortIndex port) {
  std::vector<Output> mine;
  for (const auto& o : out) {
    if (o.port == port) mine.push_back(o);
  }
  return mine;
}

inline std::vector<PortIndex> ports_of(const std::vector<Output>& out) {
  std::vector<PortIndex> ports;
  for (const auto& o : out) ports.push_back(o.port);
  return ports;
}

// The 802.1Q tag in a frame's bytes, if any.
inline std::optional<wire::VlanTag> tag_of(const wire::ByteVector& bytes) {
  auto link = wire::parse_link(wire::LinkType::ethernet, bytes);
  if (!link || link->vlans.empty()) return std::nullopt;
  return link->vlans.front();
}

}  // namespace phonerig::sim::sw::testing
