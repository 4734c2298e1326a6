// A port of the simulated switch as a Cisco access switch configures it (reference section 3):
// an access port with a voice VLAN, a trunk, an untagged per-VLAN port for the rig, or a
// mirror (SPAN) destination.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace phonerig::sim::sw {

using Time = std::chrono::steady_clock::time_point;
using PortIndex = std::size_t;
using Vlan = std::uint16_t;

inline constexpr Vlan kMaxVlan = 4094;  // 0 = priority tag, 4095 reserved (IEEE 802.1Q 9.6)

enum class PortKind {
  access,  // `switchport access vlan A` + `switchport voice vlan V`: A untagged, V tagged
  trunk,   // every allowed VLAN tagged, the native VLAN (if any) untagged
  rig,     // one VLAN, untagged: the rig's service interface on that VLAN
  mirror,  // SPAN destination: copies of the mirrored ports' frames, every one tagged
};

struct PortConfig {
  std::string name;           // the veth's name, for the shell and errors
  int number = 0;             // N of GigabitEthernet1/0/N (CDP Port ID, LLDP port name)
  PortKind kind = PortKind::access;
  Vlan vlan = 1;              // access: data VLAN; rig: its VLAN; trunk: unused
  std::optional<Vlan> voice_vlan;   // access only
  std::optional<Vlan> native_vlan;  // trunk only: untagged frames belong to it
  std::vector<Vlan> allowed;        // trunk only: empty = every VLAN
  bool mirrored = false;      // frames in and out of this port are copied to the mirror ports
  bool link_up = true;

  std::string cisco_name() const { return "GigabitEthernet1/0/" + std::to_string(number); }
  std::string short_name() const { return "Gi1/0/" + std::to_string(number); }
};

}  // namespace phonerig::sim::sw
