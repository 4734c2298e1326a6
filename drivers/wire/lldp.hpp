// LLDP (IEEE 802.1AB) with the LLDP-MED TLVs a phone uses (lldp_med.hpp). The LLDPDU is
// the payload of an Ethernet frame with EtherType 0x88cc: a sequence of TLVs, each a u16
// header (type: top 7 bits, length: low 9 bits) and `length` value bytes. Chassis ID,
// Port ID and TTL come first, in that order; End (type 0, length 0) closes the PDU and
// whatever follows it (frame padding) is ignored.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "drivers/wire/address.hpp"
#include "drivers/wire/bytes.hpp"
#include "drivers/wire/lldp_med.hpp"

namespace phonerig::wire::lldp {

// TLV types (IEEE 802.1AB-2009 table 8-1).
namespace tlv_type {
inline constexpr std::uint8_t kEnd = 0;
inline constexpr std::uint8_t kChassisId = 1;
inline constexpr std::uint8_t kPortId = 2;
inline constexpr std::uint8_t kTtl = 3;
inline constexpr std::uint8_t kPortDescription = 4;
inline constexpr std::uint8_t kSystemName = 5;
inline constexpr std::uint8_t kSystemDescription = 6;
inline constexpr std::uint8_t kSystemCapabilities = 7;
inline constexpr std::uint8_t kManagementAddress = 8;
inline constexpr std::uint8_t kOrganizational = 127;
}  // namespace tlv_type

inline constexpr std::size_t kMaxTlvLength = 511;  // 9-bit length field

// Nearest bridge group address (802.1AB 7.1): the one phones and switches use.
inline constexpr Mac kNearestBridge{{0x01, 0x80, 0xc2, 0x00, 0x00, 0x0e}};
inline constexpr Mac kNearestNonTpmrBridge{{0x01, 0x80, 0xc2, 0x00, 0x00, 0x03}};
inline constexpr Mac kNearestCustomerBridge{{0x01, 0x80, 0xc2, 0x00, 0x00, 0x00}};

// Chassis ID subtypes (802.1AB 8.5.2.2).
namespace chassis_subtype {
inline constexpr std::uint8_t kChassisComponent = 1;
inline constexpr std::uint8_t kInterfaceAlias = 2;
inline constexpr std::uint8_t kPortComponent = 3;
inline constexpr std::uint8_t kMacAddress = 4;
inline constexpr std::uint8_t kNetworkAddress = 5;  // IANA address family + address
inline constexpr std::uint8_t kInterfaceName = 6;
inline constexpr std::uint8_t kLocal = 7;
}  // namespace chassis_subtype

// Port ID subtypes (802.1AB 8.5.3.2).
namespace port_subtype {
inline constexpr std::uint8_t kInterfaceAlias = 1;
inline constexpr std::uint8_t kPortComponent = 2;
inline constexpr std::uint8_t kMacAddress = 3;
inline constexpr std::uint8_t kNetworkAddress = 4;  // IANA address family + address
inline constexpr std::uint8_t kInterfaceName = 5;
inline constexpr std::uint8_t kAgentCircuitId = 6;
inline constexpr std::uint8_t kLocal = 7;
}  // namespace port_subtype

// IANA address family numbers used by network-address IDs and management addresses.
namespace address_family {
inline constexpr std::uint8_t kIpv4 = 1;
inline constexpr std::uint8_t kIpv6 = 2;
inline constexpr std::uint8_t kIeee802 = 6;  // a MAC address
}  // namespace address_family

// System capability bits (802.1AB 8.5.8.1).
namespace capability {
inline constexpr std::uint16_t kOther = 0x0001;
inline constexpr std::uint16_t kRepeater = 0x0002;
inline constexpr std::uint16_t kBridge = 0x0004;
inline constexpr std::uint16_t kWlanAccessPoint = 0x0008;
inline constexpr std::uint16_t kRouter = 0x0010;
inline constexpr std::uint16_t kTelephone = 0x0020;
inline constexpr std::uint16_t kDocsis = 0x0040;
inline constexpr std::uint16_t kStationOnly = 0x0080;
inline constexpr std::uint16_t kCVlan = 0x0100;
inline constexpr std::uint16_t kSVlan = 0x0200;
inline constexpr std::uint16_t kTpmr = 0x0400;
}  // namespace capability

// Chassis ID (type 1, 802.1AB 8.5.2): subtype, then 1..255 bytes whose meaning the
// subtype gives.
struct ChassisId {
  std::uint8_t subtype = chassis_subtype::kMacAddress;
  ByteVector id;

  static ChassisId mac(const Mac& mac);
  static ChassisId network_address(Ipv4 address);
  static ChassisId local(std::string_view text);
  std::optional<Mac> as_mac() const;    // subtype 4 with 6 bytes
  std::optional<Ipv4> as_ipv4() const;  // subtype 5, family 1, 4 bytes
  std::string as_text() const;          // the bytes as they are
  bool operator==(const ChassisId&) const = default;
};

// Port ID (type 2, 802.1AB 8.5.3): subtype, then 1..255 bytes.
struct PortId {
  std::uint8_t subtype = port_subtype::kInterfaceName;
  ByteVector id;

  static PortId mac(const Mac& mac);
  static PortId interface_name(std::string_view name);
  static PortId local(std::string_view text);
  std::optional<Mac> as_mac() const;    // subtype 3 with 6 bytes
  std::optional<Ipv4> as_ipv4() const;  // subtype 4, family 1, 4 bytes
  std::string as_text() const;
  bool operator==(const PortId&) const = default;
};

// Types 4, 5, 6 (802.1AB 8.5.5-8.5.7): strings kept byte for byte (some devices send a
// trailing NUL).
struct PortDescription {
  std::string text;
  bool operator==(const PortDescription&) const = default;
};
struct SystemName {
  std::string text;
  bool operator==(const SystemName&) const = default;
};
struct SystemDescription {
  std::string text;
  bool operator==(const SystemDescription&) const = default;
};

// Type 7, length 4 (802.1AB 8.5.8): u16 system capabilities, u16 enabled capabilities.
struct SystemCapabilities {
  std::uint16_t capabilities = 0;
  std::uint16_t enabled = 0;
  bool operator==(const SystemCapabilities&) const = default;
};

// Management address (type 8, 802.1AB 8.5.9): address string length (1 + address), address
// subtype (IANA family), address (1..31 bytes), interface numbering subtype (1 unknown,
// 2 ifIndex, 3 system port number), u32 interface number, OID length (0..128), OID.
struct ManagementAddress {
  std::uint8_t address_subtype = address_family::kIpv4;
  ByteVector address;
  std::uint8_t interface_subtype = 1;
  std::uint32_t interface_number = 0;
  ByteVector oid;

  static ManagementAddress ipv4(Ipv4 address, std::uint8_t interface_subtype = 1,
                                std::uint32_t interface_number = 0);
  std::optional<Ipv4> as_ipv4() const;  // family 1, 4 bytes
  bool operator==(const ManagementAddress&) const = default;
};

// A TLV this codec does not type: reserved types 9..126 and the repeats of Chassis ID,
// Port ID or TTL after the first three TLVs (real devices send repeated TTLs).
struct RawTlv {
  std::uint8_t type = 0;
  ByteVector value;
  bool operator==(const RawTlv&) const = default;
};

using Tlv = std::variant<PortDescription, SystemName, SystemDescription, SystemCapabilities,
                         ManagementAddress, MedCapabilities, NetworkPolicy, Location,
                         ExtendedPower, Inventory, MacPhy, PowerViaMdi, PortVlanId, OrgTlv,
                         RawTlv>;

struct Packet {
  ChassisId chassis_id;
  PortId port_id;
  std::uint16_t ttl = 120;  // seconds; 0 = forget this neighbour (802.1AB 8.5.4)
  std::vector<Tlv> tlvs;    // the optional TLVs in wire order
  bool end_tlv = true;      // End present; a PDU without it is accepted when its TLVs fill it
  bool operator==(const Packet&) const = default;
};

// The first optional TLV of type T, or nullptr.
template <class T>
const T* find(const Packet& packet) {
  for (const Tlv& tlv : packet.tlvs) {
    if (const T* found = std::get_if<T>(&tlv)) return found;
  }
  return nullptr;
}
// Every optional TLV of type T, in wire order.
template <class T>
std::vector<T> find_all(const Packet& packet) {
  std::vector<T> out;
  for (const Tlv& tlv : packet.tlvs) {
    if (const T* found = std::get_if<T>(&tlv)) out.push_back(*found);
  }
  return out;
}
// The network policy for one application type (voice: app_type::kVoice), if sent.
std::optional<NetworkPolicy> find_policy(const Packet& packet, std::uint8_t app_type);
// An LLDP-MED inventory string (med_subtype::kSoftwareRevision ...), if sent.
std::optional<std::string> find_inventory(const Packet& packet, std::uint8_t subtype);

// Decodes an LLDPDU (the EtherType 0x88cc payload). Bytes after End are ignored; build()
// gives back the bytes up to and including End. Errors name the TLV ("TLV 3 TTL: length 3,
// expected 2") at offsets within `lldpdu`.
ParseResult<Packet> parse(Bytes lldpdu);

// Encodes the LLDPDU. Throws std::invalid_argument when a value does not fit its field
// (a TLV over 511 bytes, a 13-bit VLAN ID): a programmer error, never a peer's.
ByteVector build(const Packet& packet);
// An Ethernet II frame to the LLDP group address, zero-padded to 60 bytes.
ByteVector build_frame(const Mac& src, const Packet& packet, const Mac& dst = kNearestBridge);

// "TLV 2 Port ID", "TLV 127 LLDP-MED Network Policy": how errors name a TLV.
std::string tlv_name(std::uint8_t type);

}  // namespace phonerig::wire::lldp
