// Link layers a phone's boot can be captured on: Ethernet II, IEEE 802.3 with LLC/SNAP,
// 802.1Q/802.1ad tags, Linux cooked capture v1 (SLL) and v2 (SLL2), and raw IPv4.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "drivers/wire/address.hpp"
#include "drivers/wire/bytes.hpp"

namespace phonerig::wire {

// pcap LINKTYPE_* values (tcpdump.org linktypes).
enum class LinkType : std::uint32_t {
  ethernet = 1,      // LINKTYPE_ETHERNET
  raw = 101,         // LINKTYPE_RAW: IPv4 or IPv6, version nibble decides
  linux_sll = 113,   // LINKTYPE_LINUX_SLL
  ipv4 = 228,        // LINKTYPE_IPV4
  linux_sll2 = 276,  // LINKTYPE_LINUX_SLL2
};

namespace ethertype {
inline constexpr std::uint16_t kIpv4 = 0x0800;
inline constexpr std::uint16_t kArp = 0x0806;
inline constexpr std::uint16_t kVlan = 0x8100;   // IEEE 802.1Q C-tag
inline constexpr std::uint16_t kQinQ = 0x88a8;   // IEEE 802.1ad S-tag
inline constexpr std::uint16_t kIpv6 = 0x86dd;
inline constexpr std::uint16_t kLldp = 0x88cc;   // IEEE 802.1AB
// Below this a type/length field is an IEEE 802.3 length (IEEE 802.3 clause 3.2.6).
inline constexpr std::uint16_t kMinEthertype = 0x0600;
}  // namespace ethertype

inline constexpr std::size_t kMaxVlanTags = 4;
inline constexpr std::size_t kMinFrameWithoutFcs = 60;

// IEEE 802.1Q tag: TPID, then TCI = PCP(3) | DEI(1) | VID(12).
struct VlanTag {
  std::uint16_t tpid = ethertype::kVlan;
  std::uint8_t pcp = 0;
  bool dei = false;
  std::uint16_t vid = 0;
  bool operator==(const VlanTag&) const = default;
};

struct Snap {
  std::uint32_t oui = 0;   // 24 bits: 00-00-0c Cisco
  std::uint16_t pid = 0;   // 0x2000 CDP
  bool operator==(const Snap&) const = default;
};

// IEEE 802.2 LLC header (DSAP, SSAP, control), with SNAP when DSAP = SSAP = 0xaa.
struct Llc {
  std::uint8_t dsap = 0xaa;
  std::uint8_t ssap = 0xaa;
  std::uint8_t control = 0x03;  // UI
  std::optional<Snap> snap;
  bool operator==(const Llc&) const = default;
};

struct LinkFrame {
  LinkType link_type = LinkType::ethernet;
  std::optional<Mac> dst;              // absent on cooked and raw link types
  std::optional<Mac> src;              // cooked: the link-layer address when it is 6 bytes
  std::vector<VlanTag> vlans;          // outermost first
  std::uint16_t ethertype = 0;         // 0 for IEEE 802.3 frames: see llc
  std::optional<Llc> llc;
  std::optional<std::uint16_t> sll_packet_type;  // 0 to us, 1 broadcast, 2 multicast, 3 other, 4 outgoing
  Bytes payload;                       // after every header; 802.3 frames: cut to the length
  std::size_t payload_offset = 0;      // of payload within the frame
};

// Decodes the link-layer headers. Frames larger than any MTU (GSO super-frames in
// captures of offloaded sends) decode: the payload is whatever follows the headers.
ParseResult<LinkFrame> parse_link(LinkType type, Bytes frame);

struct EthernetHeader {
  Mac dst;
  Mac src;
  std::vector<VlanTag> vlans;  // outermost first
};

// Ethernet II frame, zero-padded to 60 bytes (no FCS).
ByteVector build_ethernet(const EthernetHeader& header, std::uint16_t ethertype, Bytes payload);
// IEEE 802.3 frame with an LLC/SNAP header (AA AA 03 + OUI + PID), zero-padded to 60 bytes;
// the length field counts LLC + SNAP + payload, never the padding.
ByteVector build_llc_snap(const EthernetHeader& header, Snap snap, Bytes payload);
// Linux cooked v1 header (16 bytes) + payload, as a capture on "any" records it.
ByteVector build_linux_sll(std::uint16_t packet_type, const Mac& address, std::uint16_t protocol,
                           Bytes payload);

}  // namespace phonerig::wire
