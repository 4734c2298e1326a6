// The organizationally specific LLDP TLVs (type 127) a phone and its switch exchange:
// LLDP-MED (ANSI/TIA-1057, OUI 00-12-BB), IEEE 802.3 (OUI 00-12-0F) and IEEE 802.1
// (OUI 00-80-C2). Layouts as lldpd's lldp.c and Wireshark's packet-lldp.c decode them.
// Every TLV value starts with OUI (3 bytes) and subtype (1 byte); the layouts below are
// what follows. Other subtypes of these OUIs and other OUIs are kept raw (OrgTlv).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>

#include "drivers/wire/bytes.hpp"

namespace phonerig::wire::lldp {

namespace oui {
inline constexpr std::uint32_t kIeee8021 = 0x0080c2;  // IEEE 802.1 (802.1AB-2005 Annex F)
inline constexpr std::uint32_t kIeee8023 = 0x00120f;  // IEEE 802.3 (802.1AB-2005 Annex G)
inline constexpr std::uint32_t kTiaMed = 0x0012bb;    // TIA TR-41, LLDP-MED (TIA-1057)
}  // namespace oui

// LLDP-MED subtypes (TIA-1057 10.2; lldpd lldp-const.h LLDP_TLV_MED_*).
namespace med_subtype {
inline constexpr std::uint8_t kCapabilities = 1;
inline constexpr std::uint8_t kNetworkPolicy = 2;
inline constexpr std::uint8_t kLocation = 3;
inline constexpr std::uint8_t kExtendedPower = 4;
inline constexpr std::uint8_t kHardwareRevision = 5;  // inventory, 5..11
inline constexpr std::uint8_t kFirmwareRevision = 6;
inline constexpr std::uint8_t kSoftwareRevision = 7;
inline constexpr std::uint8_t kSerialNumber = 8;
inline constexpr std::uint8_t kManufacturer = 9;
inline constexpr std::uint8_t kModel = 10;
inline constexpr std::uint8_t kAssetId = 11;
}  // namespace med_subtype

// LLDP-MED capability bits (TIA-1057 10.2.2).
namespace med_capability {
inline constexpr std::uint16_t kCapabilities = 0x01;
inline constexpr std::uint16_t kNetworkPolicy = 0x02;
inline constexpr std::uint16_t kLocation = 0x04;
inline constexpr std::uint16_t kExtendedPowerPse = 0x08;
inline constexpr std::uint16_t kExtendedPowerPd = 0x10;
inline constexpr std::uint16_t kInventory = 0x20;
}  // namespace med_capability

// LLDP-MED device type (TIA-1057 10.2.2): phones are endpoint class III, switches 4.
namespace med_device_type {
inline constexpr std::uint8_t kNotDefined = 0;
inline constexpr std::uint8_t kEndpointClass1 = 1;
inline constexpr std::uint8_t kEndpointClass2 = 2;
inline constexpr std::uint8_t kEndpointClass3 = 3;
inline constexpr std::uint8_t kNetworkConnectivity = 4;
}  // namespace med_device_type

// Network policy application types (TIA-1057 10.2.3; reference 2.3).
namespace app_type {
inline constexpr std::uint8_t kVoice = 1;
inline constexpr std::uint8_t kVoiceSignaling = 2;
inline constexpr std::uint8_t kGuestVoice = 3;
inline constexpr std::uint8_t kGuestVoiceSignaling = 4;
inline constexpr std::uint8_t kSoftphoneVoice = 5;
inline constexpr std::uint8_t kVideoConferencing = 6;
inline constexpr std::uint8_t kStreamingVideo = 7;
inline constexpr std::uint8_t kVideoSignaling = 8;
}  // namespace app_type

// LLDP-MED capabilities, subtype 1, TLV length 7: u16 capability bits, u8 device type.
struct MedCapabilities {
  std::uint16_t capabilities = 0;  // med_capability bits
  std::uint8_t device_type = 0;    // med_device_type
  bool operator==(const MedCapabilities&) const = default;
};

// LLDP-MED network policy, subtype 2, TLV length 8: one u32 (TIA-1057 10.2.3)
//   app type (8) | U (1) | T (1) | X (1) | VLAN ID (12) | L2 priority (3) | DSCP (6).
// Voice, tagged, VLAN 100, priority 5, DSCP 46 is the word 0x0140c96e.
struct NetworkPolicy {
  std::uint8_t app_type = app_type::kVoice;
  bool unknown = false;       // U: the policy is not defined yet
  bool tagged = false;        // T: 802.1Q tagged with vlan_id (else untagged, priority tag)
  bool reserved = false;      // X: reserved, sent as 0, kept for exact round trips
  std::uint16_t vlan_id = 0;  // 12 bits; 0 = priority-tagged
  std::uint8_t priority = 0;  // 3 bits, 802.1D user priority
  std::uint8_t dscp = 0;      // 6 bits

  std::uint32_t word() const;  // precondition: every field within its width
  static NetworkPolicy from_word(std::uint32_t word);
  bool operator==(const NetworkPolicy&) const = default;
};

// LLDP-MED location identification, subtype 3: format (1 coordinate, 2 civic, 3 ELIN)
// then the location data, kept raw (TIA-1057 10.2.4).
struct Location {
  std::uint8_t format = 0;
  ByteVector data;
  bool operator==(const Location&) const = default;
};

namespace power_type {  // TIA-1057 10.2.5, bits 7-6 of the first byte
inline constexpr std::uint8_t kPse = 0;
inline constexpr std::uint8_t kPd = 1;
}  // namespace power_type
namespace power_source {  // bits 5-4: meaning depends on the power type
inline constexpr std::uint8_t kUnknown = 0;
inline constexpr std::uint8_t kPsePrimary = 1;  // PSE
inline constexpr std::uint8_t kPseBackup = 2;   // PSE
inline constexpr std::uint8_t kPdFromPse = 1;   // PD
inline constexpr std::uint8_t kPdLocal = 2;     // PD
inline constexpr std::uint8_t kPdPseAndLocal = 3;
}  // namespace power_source
namespace power_priority {  // bits 3-0
inline constexpr std::uint8_t kUnknown = 0;
inline constexpr std::uint8_t kCritical = 1;
inline constexpr std::uint8_t kHigh = 2;
inline constexpr std::uint8_t kLow = 3;
}  // namespace power_priority

// LLDP-MED extended power via MDI, subtype 4, TLV length 7 (TIA-1057 10.2.5):
// type (2 bits) | source (2) | priority (4), then u16 power in units of 0.1 W.
struct ExtendedPower {
  std::uint8_t power_type = power_type::kPd;
  std::uint8_t source = power_source::kUnknown;
  std::uint8_t priority = power_priority::kUnknown;
  std::uint16_t power_tenths_watt = 0;  // 63 = 6.3 W
  bool operator==(const ExtendedPower&) const = default;
};

// LLDP-MED inventory, subtypes 5..11 (TIA-1057 10.2.6): an ASCII string (<= 32 bytes
// per the standard; longer strings from real devices are accepted).
struct Inventory {
  std::uint8_t subtype = med_subtype::kSoftwareRevision;
  std::string value;
  bool operator==(const Inventory&) const = default;
};

// IEEE 802.3 subtypes (802.1AB-2005 Annex G, now IEEE 802.3 clause 79).
namespace dot3_subtype {
inline constexpr std::uint8_t kMacPhy = 1;
inline constexpr std::uint8_t kPowerViaMdi = 2;
inline constexpr std::uint8_t kLinkAggregation = 3;  // deprecated, kept raw
inline constexpr std::uint8_t kMaximumFrameSize = 4;  // kept raw
}  // namespace dot3_subtype

// IEEE 802.3 MAC/PHY configuration/status, subtype 1, TLV length 9.
struct MacPhy {
  std::uint8_t autonegotiation = 0;     // bit 0 supported, bit 1 enabled
  std::uint16_t advertised = 0;         // PMD auto-negotiation advertised capability
  std::uint16_t operational_mau = 0;    // RFC 4836 dot3MauType, 16 = 100BASE-TX FD
  bool operator==(const MacPhy&) const = default;
};

// The 802.3at extension of Power via MDI (TLV length 12 and more).
struct Dot3atPower {
  std::uint8_t type_source_priority = 0;  // bit 7 type 1/2, bit 6 PSE/PD, 5-4 source, 1-0 priority
  std::uint16_t pd_requested = 0;         // 0.1 W
  std::uint16_t pse_allocated = 0;        // 0.1 W
  bool operator==(const Dot3atPower&) const = default;
};

// IEEE 802.3 Power via MDI, subtype 2: TLV length 7 (802.1AB-2005 Annex G), 12 (802.3at)
// or more (802.3bt: 29; the bytes after the 802.3at fields are kept raw). Reference 2.4.
struct PowerViaMdi {
  std::uint8_t mdi_support = 0;     // bit 0 PSE port, bit 1 supported, bit 2 enabled, bit 3 pairs
  std::uint8_t pse_power_pair = 1;  // 1 signal, 2 spare
  std::uint8_t power_class = 1;     // 1..5 = class 0..4
  std::optional<Dot3atPower> dot3at;
  ByteVector extension;  // after the 802.3at fields; only with dot3at
  bool operator==(const PowerViaMdi&) const = default;
};

namespace dot1_subtype {  // 802.1AB-2005 Annex F
inline constexpr std::uint8_t kPortVlanId = 1;
}  // namespace dot1_subtype

// IEEE 802.1 Port VLAN ID, subtype 1, TLV length 6 (802.1AB-2005 Annex F).
struct PortVlanId {
  std::uint16_t vlan_id = 0;  // 0 = the port does not support port-based VLANs
  bool operator==(const PortVlanId&) const = default;
};

// Any other organizationally specific TLV, kept raw (IEEE 802.1AB 8.6).
struct OrgTlv {
  std::uint32_t oui = 0;  // 24 bits
  std::uint8_t subtype = 0;
  ByteVector info;        // the information string after OUI and subtype
  bool operator==(const OrgTlv&) const = default;
};

using OrgSpecific = std::variant<MedCapabilities, NetworkPolicy, Location, ExtendedPower,
                                 Inventory, MacPhy, PowerViaMdi, PortVlanId, OrgTlv>;

namespace detail {
// Decodes the value of a type 127 TLV; `value` spans exactly that value and
// `header_offset` is where its TLV header starts (the offset of length errors).
ParseResult<OrgSpecific> parse_organizational(ByteReader value, std::size_t header_offset);
// "TLV 127 LLDP-MED Network Policy", "TLV 127 IEEE 802.3 MAC/PHY": how errors name it.
std::string organizational_name(std::uint32_t oui, std::uint8_t subtype);
// The TLV value: OUI, subtype and information string. Throws std::invalid_argument for a
// field wider than its bits (a programmer error).
ByteVector organizational_value(const OrgSpecific& tlv);
}  // namespace detail

}  // namespace phonerig::wire::lldp
