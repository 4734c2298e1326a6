// 802.1Q at the switch's edge (IEEE 802.1Q 6.9, reference section 3): which VLAN a frame
// arriving on a port belongs to, which ports carry a VLAN, and the bytes sent out of a port,
// tagged or not by its kind.
#pragma once

#include <optional>

#include "drivers/wire/bytes.hpp"
#include "drivers/wire/link.hpp"
#include "lab/sim/switch/port.hpp"

namespace phonerig::sim::sw {

// A frame inside the switch: its bytes without any 802.1Q tag (dst, src, type/length, ...)
// and the tag it came with, if any.
struct Frame {
  wire::ByteVector bytes;
  std::optional<wire::VlanTag> tag;

  wire::Mac dst() const;
  wire::Mac src() const;
};

inline constexpr std::size_t kEthernetHeader = 14;

// The frame as the switch sees it. On a veth the kernel strips the tag into PACKET_AUXDATA
// (DESIGN.md, "What the machines here have"): `aux` is that tag, and the bytes are then
// untagged; without `aux` the first 802.1Q tag in the bytes is taken out. Nothing for a
// frame shorter than an Ethernet header, or a tagged one cut inside its tag.
std::optional<Frame> normalize(wire::Bytes bytes, std::optional<wire::VlanTag> aux);

// The VLAN of a frame arriving on `port`, or nothing when the port drops it:
//  access: untagged or priority-tagged (VID 0) -> data VLAN; VID = voice VLAN -> voice;
//          any other VID -> drop;
//  trunk:  untagged or VID 0 -> native VLAN (drop without one); VID allowed -> VID;
//  rig:    untagged or VID 0 -> its VLAN; any other VID -> drop;
//  mirror: drop (a SPAN destination takes no ingress traffic).
std::optional<Vlan> classify(const PortConfig& port, const std::optional<wire::VlanTag>& tag);

// Whether frames of `vlan` go out of `port` in normal forwarding (never true for a mirror).
bool carries(const PortConfig& port, Vlan vlan);

// Whether `port` sends `vlan` tagged: the voice VLAN of an access port, every VLAN but the
// native one on a trunk, every VLAN on a mirror port ("as on a trunk", without a native).
bool sends_tagged(const PortConfig& port, Vlan vlan);

// The bytes to send out of `port` for a frame of `vlan`: an 802.1Q tag (TPID 0x8100, the
// frame's own priority, VID = vlan) inserted after the source MAC when the port sends the
// VLAN tagged, else the bytes untagged, zero-padded to 60 bytes (IEEE 802.3 minimum, no FCS).
wire::ByteVector encode(const PortConfig& port, Vlan vlan, const Frame& frame);

}  // namespace phonerig::sim::sw
