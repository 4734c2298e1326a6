// CDP TLVs as typed values (reference section 1.3-1.6; Wireshark packet-cdp.c, lldpd cdp.c).
// Every TLV the phone/switch exchange uses has its own small struct; anything else is kept
// as a RawTlv so a PDU decodes and re-encodes to the same bytes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "drivers/wire/address.hpp"
#include "drivers/wire/bytes.hpp"

namespace phonerig::wire::cdp {

// TLV type codes (reference 1.3, Wireshark packet-cdp.c TYPE_*).
namespace tlv {
inline constexpr std::uint16_t kDeviceId = 0x0001;
inline constexpr std::uint16_t kAddresses = 0x0002;
inline constexpr std::uint16_t kPortId = 0x0003;
inline constexpr std::uint16_t kCapabilities = 0x0004;
inline constexpr std::uint16_t kSoftwareVersion = 0x0005;
inline constexpr std::uint16_t kPlatform = 0x0006;
inline constexpr std::uint16_t kIpPrefix = 0x0007;
inline constexpr std::uint16_t kProtocolHello = 0x0008;  // kept raw
inline constexpr std::uint16_t kVtpDomain = 0x0009;
inline constexpr std::uint16_t kNativeVlan = 0x000a;
inline constexpr std::uint16_t kDuplex = 0x000b;
inline constexpr std::uint16_t kVoipVlanReply = 0x000e;
inline constexpr std::uint16_t kVoipVlanQuery = 0x000f;
inline constexpr std::uint16_t kPowerConsumption = 0x0010;
inline constexpr std::uint16_t kMtu = 0x0011;
inline constexpr std::uint16_t kTrustBitmap = 0x0012;
inline constexpr std::uint16_t kUntrustedCos = 0x0013;
inline constexpr std::uint16_t kSystemName = 0x0014;
inline constexpr std::uint16_t kSystemOid = 0x0015;  // kept raw
inline constexpr std::uint16_t kManagementAddress = 0x0016;
inline constexpr std::uint16_t kLocation = 0x0017;  // kept raw
inline constexpr std::uint16_t kPowerRequested = 0x0019;
inline constexpr std::uint16_t kPowerAvailable = 0x001a;
inline constexpr std::uint16_t kPhoneUnknown1c = 0x001c;  // 78xx/88xx send 00 02 00; kept raw
inline constexpr std::uint16_t kSparePairPoe = 0x001f;
}  // namespace tlv

// "Device ID", "VoIP VLAN Reply", ... as in reference 1.3; "unknown" otherwise.
const char* tlv_name(std::uint16_t type);
// "TLV 0x000e VoIP VLAN Reply": how errors name a TLV.
std::string tlv_label(std::uint16_t type);

// Capabilities TLV 0x0004 bits (reference 1.4, tshark cdp.capabilities.*).
namespace capability {
inline constexpr std::uint32_t kRouter = 0x001;
inline constexpr std::uint32_t kTransparentBridge = 0x002;
inline constexpr std::uint32_t kSourceRouteBridge = 0x004;
inline constexpr std::uint32_t kSwitch = 0x008;
inline constexpr std::uint32_t kHost = 0x010;
inline constexpr std::uint32_t kIgmp = 0x020;
inline constexpr std::uint32_t kRepeater = 0x040;
inline constexpr std::uint32_t kVoipPhone = 0x080;
inline constexpr std::uint32_t kRemotelyManaged = 0x100;
inline constexpr std::uint32_t kCvtaStpDispute = 0x200;  // CVTA / STP dispute / VT camera
inline constexpr std::uint32_t kTwoPortMacRelay = 0x400;
inline constexpr std::uint32_t kAccessSwitch = kSwitch | kIgmp;                 // 0x28
inline constexpr std::uint32_t kIpPhone = kHost | kVoipPhone | kTwoPortMacRelay;  // 0x490
}  // namespace capability

// Spare pair PoE TLV 0x001f bits (reference 1.3, tshark cdp.spare_poe_tlv.*).
namespace spare_pair {
inline constexpr std::uint8_t kPse4Wire = 0x01;
inline constexpr std::uint8_t kPdSparePairArchitecture = 0x02;
inline constexpr std::uint8_t kPdRequestsSparePair = 0x04;
inline constexpr std::uint8_t kPseSparePairOn = 0x08;
}  // namespace spare_pair

// Address record protocol types (reference 1.5).
namespace address_protocol {
inline constexpr std::uint8_t kNlpid = 1;
inline constexpr std::uint8_t kIeee8022 = 2;
inline constexpr std::uint8_t kNlpidIp = 0xcc;  // NLPID protocol byte for IPv4
}  // namespace address_protocol

// ASCII TLVs (Device ID, Port ID, Software version, Platform, VTP domain, System name).
// Kept byte for byte: no NUL stripping, multi-line software versions stay multi-line.
template <std::uint16_t Type>
struct TextTlv {
  static constexpr std::uint16_t kType = Type;
  std::string value;
  bool operator==(const TextTlv&) const = default;
};
using DeviceId = TextTlv<tlv::kDeviceId>;
using PortId = TextTlv<tlv::kPortId>;
using SoftwareVersion = TextTlv<tlv::kSoftwareVersion>;
using Platform = TextTlv<tlv::kPlatform>;
using VtpDomain = TextTlv<tlv::kVtpDomain>;
using SystemName = TextTlv<tlv::kSystemName>;

// One record of an Addresses TLV (reference 1.5): protocol type u8 | protocol length u8 |
// protocol | address length u16 | address. Records of other protocols (IPv6 over 802.2,
// CLNS, ...) are kept as they came.
struct Address {
  std::uint8_t protocol_type = address_protocol::kNlpid;
  ByteVector protocol{address_protocol::kNlpidIp};
  ByteVector address;

  static Address ipv4(Ipv4 ip);
  // The IPv4 address when this is an NLPID 0xcc record of 4 bytes.
  std::optional<Ipv4> as_ipv4() const;
  bool operator==(const Address&) const = default;
};

// Addresses 0x0002 and Management address 0x0016: u32 count, then the records.
template <std::uint16_t Type>
struct AddressesTlv {
  static constexpr std::uint16_t kType = Type;
  std::vector<Address> addresses;

  std::vector<Ipv4> ipv4() const {
    std::vector<Ipv4> out;
    for (const auto& a : addresses) {
      if (auto ip = a.as_ipv4()) out.push_back(*ip);
    }
    return out;
  }
  bool operator==(const AddressesTlv&) const = default;
};
using Addresses = AddressesTlv<tlv::kAddresses>;
using ManagementAddresses = AddressesTlv<tlv::kManagementAddress>;

struct Capabilities {  // 0x0004, u32 (length 8)
  static constexpr std::uint16_t kType = tlv::kCapabilities;
  std::uint32_t bits = 0;
  bool has(std::uint32_t bit) const { return (bits & bit) == bit; }
  bool operator==(const Capabilities&) const = default;
};

struct IpPrefix {
  Ipv4 network;
  std::uint8_t length = 0;
  bool operator==(const IpPrefix&) const = default;
};

// 0x0007: a 4-byte value is one ODR default gateway, otherwise n x (IPv4, prefix length)
// (Wireshark packet-cdp.c TYPE_IP_PREFIX). Set one of the two, not both.
struct IpPrefixes {
  static constexpr std::uint16_t kType = tlv::kIpPrefix;
  std::optional<Ipv4> odr_gateway;
  std::vector<IpPrefix> prefixes;
  bool operator==(const IpPrefixes&) const = default;
};

struct NativeVlan {  // 0x000a, u16 (length 6)
  static constexpr std::uint16_t kType = tlv::kNativeVlan;
  std::uint16_t vlan = 0;
  bool operator==(const NativeVlan&) const = default;
};

struct Duplex {  // 0x000b, u8 0 half / 1 full (length 5)
  static constexpr std::uint16_t kType = tlv::kDuplex;
  static constexpr std::uint8_t kHalf = 0x00;
  static constexpr std::uint8_t kFull = 0x01;
  std::uint8_t value = kFull;
  bool full() const { return value != kHalf; }  // Wireshark: any non-zero is "Full"
  bool operator==(const Duplex&) const = default;
};

// 0x000e, switch -> phone: data u8 (switches send 0x01) + voice VLAN u16 (length 7).
struct VoipVlanReply {
  static constexpr std::uint16_t kType = tlv::kVoipVlanReply;
  std::uint8_t data = 0x01;
  std::uint16_t vlan = 0;
  bool operator==(const VoipVlanReply&) const = default;
};

// 0x000f, phone -> switch: data u8 + VLAN u16 (length >= 7); any further bytes kept raw.
struct VoipVlanQuery {
  static constexpr std::uint16_t kType = tlv::kVoipVlanQuery;
  std::uint8_t data = 0;
  std::uint16_t vlan = 0;
  ByteVector trailing;
  bool operator==(const VoipVlanQuery&) const = default;
};

struct PowerConsumption {  // 0x0010, u16 mW (length 6)
  static constexpr std::uint16_t kType = tlv::kPowerConsumption;
  std::uint16_t milliwatts = 0;
  bool operator==(const PowerConsumption&) const = default;
};

struct Mtu {  // 0x0011, u32 (length 8; Wireshark, not scapy's u16)
  static constexpr std::uint16_t kType = tlv::kMtu;
  std::uint32_t bytes = 0;
  bool operator==(const Mtu&) const = default;
};

struct TrustBitmap {  // 0x0012, u8 (length 5)
  static constexpr std::uint16_t kType = tlv::kTrustBitmap;
  std::uint8_t bits = 0;
  bool operator==(const TrustBitmap&) const = default;
};

struct UntrustedCos {  // 0x0013, u8 (length 5)
  static constexpr std::uint16_t kType = tlv::kUntrustedCos;
  std::uint8_t cos = 0;
  bool operator==(const UntrustedCos&) const = default;
};

// Power Requested 0x0019 (phone) and Power Available 0x001a (switch, echoing request_id):
// request-id u16, management-id u16, n x u32 mW.
template <std::uint16_t Type>
struct PowerLevels {
  static constexpr std::uint16_t kType = Type;
  std::uint16_t request_id = 0;
  std::uint16_t management_id = 0;
  std::vector<std::uint32_t> milliwatts;
  bool operator==(const PowerLevels&) const = default;
};
using PowerRequested = PowerLevels<tlv::kPowerRequested>;
using PowerAvailable = PowerLevels<tlv::kPowerAvailable>;

struct SparePairPoe {  // 0x001f, u8 spare_pair bits (length 5)
  static constexpr std::uint16_t kType = tlv::kSparePairPoe;
  std::uint8_t bits = 0;
  bool has(std::uint8_t bit) const { return (bits & bit) == bit; }
  bool operator==(const SparePairPoe&) const = default;
};

// Any other TLV (protocol hello 0x0008, 0x001c, System OID, ...), value bytes as sent.
// A RawTlv with a known type is written as is: a way to build malformed PDUs in tests.
struct RawTlv {
  std::uint16_t type = 0;
  ByteVector value;
  bool operator==(const RawTlv&) const = default;
};

using Tlv = std::variant<DeviceId, Addresses, PortId, Capabilities, SoftwareVersion, Platform,
                         IpPrefixes, VtpDomain, NativeVlan, Duplex, VoipVlanReply, VoipVlanQuery,
                         PowerConsumption, Mtu, TrustBitmap, UntrustedCos, SystemName,
                         ManagementAddresses, PowerRequested, PowerAvailable, SparePairPoe, RawTlv>;

// The type code a TLV is written with.
std::uint16_t tlv_type(const Tlv& tlv);

// Decodes one TLV value. `value` spans the value bytes (after the 4-byte header) with its
// absolute base; length errors point at the TLV's length field, value errors at the byte.
ParseResult<Tlv> parse_tlv(std::uint16_t type, ByteReader value);

// Appends one TLV (header + value). Throws std::invalid_argument for a value that cannot be
// encoded (over 65531 bytes, an address protocol over 255 bytes, gateway and prefixes both).
void write_tlv(ByteWriter& out, const Tlv& tlv);

}  // namespace phonerig::wire::cdp
