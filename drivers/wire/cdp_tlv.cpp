#include "drivers/wire/cdp_tlv.hpp"

#include <array>
#include <stdexcept>
#include <string_view>
#include <type_traits>

namespace phonerig::wire::cdp {

namespace {

constexpr std::size_t kTlvHeader = 4;
constexpr std::size_t kMaxValue = 0xffff - kTlvHeader;

std::string hex16(std::uint16_t v) {
  static constexpr std::array<char, 16> kDigits = {'0', '1', '2', '3', '4', '5', '6', '7',
                                                   '8', '9', 'a', 'b', 'c', 'd', 'e', 'f'};
  std::string out = "0x";
  for (int shift = 12; shift >= 0; shift -= 4) out.push_back(kDigits[(v >> shift) & 0xf]);
  return out;
}

std::string prefix(std::uint16_t type) { return tlv_label(type) + ": "; }

std::string field(std::uint16_t type, std::string_view name) {
  return prefix(type) + std::string(name);
}

// The TLV length (header included) of a value reader, and where its length field sits.
std::size_t tlv_length(const ByteReader& value) { return value.remaining() + kTlvHeader; }
std::size_t length_offset(const ByteReader& value) { return value.offset() - 2; }

Unexpected<ParseError> wrong_length(std::uint16_t type, const ByteReader& value,
                                    std::string_view expected) {
  return parse_error(length_offset(value), prefix(type) + "length " +
                                               std::to_string(tlv_length(value)) + ", expected " +
                                               std::string(expected));
}

ParseResult<bool> expect_length(std::uint16_t type, const ByteReader& value, std::size_t length) {
  if (tlv_length(value) == length) return true;
  return wrong_length(type, value, std::to_string(length));
}

// Addresses / Management address (reference 1.5).
ParseResult<std::vector<Address>> parse_addresses(std::uint16_t type, ByteReader& in) {
  PHONERIG_TRY(std::uint32_t count, in.u32(field(type, "count")));
  // The smallest record is 4 bytes (type, protocol length 0, address length 0): check the
  // count against the data before looping, so a huge count costs nothing.
  if (count > in.remaining() / 4) {
    return parse_error(in.offset() - 4, prefix(type) + "count " + std::to_string(count) +
                                            " needs at least " + std::to_string(count * 4ull) +
                                            " bytes, " + std::to_string(in.remaining()) +
                                            " left");
  }
  std::vector<Address> out;
  out.reserve(count);
  for (std::uint32_t i = 0; i < count; ++i) {
    std::string record = field(type, "address " + std::to_string(i + 1) + " of " +
                                         std::to_string(count) + " ");
    Address a;
    PHONERIG_TRY(a.protocol_type, in.u8(record + "protocol type"));
    PHONERIG_TRY(std::uint8_t protocol_length, in.u8(record + "protocol length"));
    PHONERIG_TRY(Bytes protocol, in.bytes(protocol_length, record + "protocol"));
    PHONERIG_TRY(std::uint16_t address_length, in.u16(record + "address length"));
    PHONERIG_TRY(Bytes address, in.bytes(address_length, record + "address"));
    a.protocol.assign(protocol.begin(), protocol.end());
    a.address.assign(address.begin(), address.end());
    out.push_back(std::move(a));
  }
  if (!in.empty()) {
    return parse_error(in.offset(), prefix(type) + std::to_string(in.remaining()) +
                                        " bytes after the last address");
  }
  return out;
}

template <class T>
ParseResult<Tlv> parse_power_levels(ByteReader& in) {
  constexpr std::uint16_t type = T::kType;
  // request-id u16, management-id u16, n x u32 (Wireshark packet-cdp.c TYPE_POWER_REQUESTED)
  if (tlv_length(in) < 8 || (tlv_length(in) - 8) % 4 != 0) {
    return wrong_length(type, in, "8 + a multiple of 4");
  }
  T out;
  PHONERIG_TRY(out.request_id, in.u16(field(type, "request-id")));
  PHONERIG_TRY(out.management_id, in.u16(field(type, "management-id")));
  while (!in.empty()) {
    PHONERIG_TRY(std::uint32_t mw, in.u32(field(type, "power")));
    out.milliwatts.push_back(mw);
  }
  return Tlv{std::move(out)};
}

ParseResult<Tlv> parse_ip_prefixes(ByteReader& in) {
  constexpr std::uint16_t type = tlv::kIpPrefix;
  IpPrefixes out;
  if (tlv_length(in) == 8) {  // ODR default gateway
    PHONERIG_TRY(out.odr_gateway, read_ipv4(in, field(type, "gateway")));
    return Tlv{std::move(out)};
  }
  if (in.remaining() % 5 != 0) return wrong_length(type, in, "8 or 4 + a multiple of 5");
  while (!in.empty()) {
    IpPrefix p;
    PHONERIG_TRY(p.network, read_ipv4(in, field(type, "prefix")));
    PHONERIG_TRY(p.length, in.u8(field(type, "prefix length")));
    out.prefixes.push_back(p);
  }
  return Tlv{std::move(out)};
}

template <class T>
ParseResult<Tlv> parse_text(ByteReader& in) {
  T out;
  out.value = std::string(as_string_view(in.rest()));
  return Tlv{std::move(out)};
}

template <class T>
ParseResult<Tlv> parse_u8(ByteReader& in, std::uint8_t T::*member) {
  PHONERIG_CHECK(expect_length(T::kType, in, 5));
  T out;
  PHONERIG_TRY(out.*member, in.u8(field(T::kType, "value")));
  return Tlv{out};
}

template <class T>
ParseResult<Tlv> parse_u16(ByteReader& in, std::uint16_t T::*member) {
  PHONERIG_CHECK(expect_length(T::kType, in, 6));
  T out;
  PHONERIG_TRY(out.*member, in.u16(field(T::kType, "value")));
  return Tlv{out};
}

template <class T>
ParseResult<Tlv> parse_u32(ByteReader& in, std::uint32_t T::*member) {
  PHONERIG_CHECK(expect_length(T::kType, in, 8));
  T out;
  PHONERIG_TRY(out.*member, in.u32(field(T::kType, "value")));
  return Tlv{out};
}

void write_addresses(ByteWriter& out, const std::vector<Address>& addresses) {
  out.u32(static_cast<std::uint32_t>(addresses.size()));
  for (const auto& a : addresses) {
    if (a.protocol.size() > 0xff || a.address.size() > 0xffff) {
      throw std::invalid_argument("cdp: address record protocol or address too long");
    }
    out.u8(a.protocol_type).u8(static_cast<std::uint8_t>(a.protocol.size())).bytes(a.protocol);
    out.u16(static_cast<std::uint16_t>(a.address.size())).bytes(a.address);
  }
}

struct ValueWriter {
  ByteWriter& out;

  template <std::uint16_t T>
  void operator()(const TextTlv<T>& v) { out.bytes(v.value); }
  template <std::uint16_t T>
  void operator()(const AddressesTlv<T>& v) { write_addresses(out, v.addresses); }
  template <std::uint16_t T>
  void operator()(const PowerLevels<T>& v) {
    out.u16(v.request_id).u16(v.management_id);
    for (std::uint32_t mw : v.milliwatts) out.u32(mw);
  }
  void operator()(const Capabilities& v) { out.u32(v.bits); }
  void operator()(const IpPrefixes& v) {
    if (v.odr_gateway) {
      if (!v.prefixes.empty()) {
        throw std::invalid_argument("cdp: IP prefix TLV with both a gateway and prefixes");
      }
      write_ipv4(out, *v.odr_gateway);
      return;
    }
    for (const auto& p : v.prefixes) {
      write_ipv4(out, p.network);
      out.u8(p.length);
    }
  }
  void operator()(const NativeVlan& v) { out.u16(v.vlan); }
  void operator()(const Duplex& v) { out.u8(v.value); }
  void operator()(const VoipVlanReply& v) { out.u8(v.data).u16(v.vlan); }
  void operator()(const VoipVlanQuery& v) { out.u8(v.data).u16(v.vlan).bytes(v.trailing); }
  void operator()(const PowerConsumption& v) { out.u16(v.milliwatts); }
  void operator()(const Mtu& v) { out.u32(v.bytes); }
  void operator()(const TrustBitmap& v) { out.u8(v.bits); }
  void operator()(const UntrustedCos& v) { out.u8(v.cos); }
  void operator()(const SparePairPoe& v) { out.u8(v.bits); }
  void operator()(const RawTlv& v) { out.bytes(v.value); }
};

}  // namespace

const char* tlv_name(std::uint16_t type) {
  switch (type) {
    case tlv::kDeviceId: return "Device ID";
    case tlv::kAddresses: return "Addresses";
    case tlv::kPortId: return "Port ID";
    case tlv::kCapabilities: return "Capabilities";
    case tlv::kSoftwareVersion: return "Software version";
    case tlv::kPlatform: return "Platform";
    case tlv::kIpPrefix: return "IP prefix";
    case tlv::kProtocolHello: return "Protocol hello";
    case tlv::kVtpDomain: return "VTP management domain";
    case tlv::kNativeVlan: return "Native VLAN";
    case tlv::kDuplex: return "Duplex";
    case tlv::kVoipVlanReply: return "VoIP VLAN Reply";
    case tlv::kVoipVlanQuery: return "VoIP VLAN Query";
    case tlv::kPowerConsumption: return "Power consumption";
    case tlv::kMtu: return "MTU";
    case tlv::kTrustBitmap: return "Trust bitmap";
    case tlv::kUntrustedCos: return "Untrusted port CoS";
    case tlv::kSystemName: return "System name";
    case tlv::kSystemOid: return "System OID";
    case tlv::kManagementAddress: return "Management address";
    case tlv::kLocation: return "Location";
    case tlv::kPowerRequested: return "Power Requested";
    case tlv::kPowerAvailable: return "Power Available";
    case tlv::kSparePairPoe: return "Spare pair PoE";
    default: return "unknown";
  }
}

std::string tlv_label(std::uint16_t type) {
  return "TLV " + hex16(type) + " " + tlv_name(type);
}

Address Address::ipv4(Ipv4 ip) {
  Address a;
  auto bytes = ip.to_bytes();
  a.address.assign(bytes.begin(), bytes.end());
  return a;
}

std::optional<Ipv4> Address::as_ipv4() const {
  if (protocol_type != address_protocol::kNlpid || protocol.size() != 1 ||
      protocol[0] != address_protocol::kNlpidIp || address.size() != 4) {
    return std::nullopt;
  }
  return Ipv4::from_bytes(address);
}

std::uint16_t tlv_type(const Tlv& tlv) {
  return std::visit(
      [](const auto& v) -> std::uint16_t {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, RawTlv>) {
          return v.type;
        } else {
          return T::kType;
        }
      },
      tlv);
}

ParseResult<Tlv> parse_tlv(std::uint16_t type, ByteReader value) {
  ByteReader& in = value;
  switch (type) {
    case tlv::kDeviceId: return parse_text<DeviceId>(in);
    case tlv::kPortId: return parse_text<PortId>(in);
    case tlv::kSoftwareVersion: return parse_text<SoftwareVersion>(in);
    case tlv::kPlatform: return parse_text<Platform>(in);
    case tlv::kVtpDomain: return parse_text<VtpDomain>(in);
    case tlv::kSystemName: return parse_text<SystemName>(in);
    case tlv::kAddresses: {
      PHONERIG_TRY(auto list, parse_addresses(type, in));
      return Tlv{Addresses{std::move(list)}};
    }
    case tlv::kManagementAddress: {
      PHONERIG_TRY(auto list, parse_addresses(type, in));
      return Tlv{ManagementAddresses{std::move(list)}};
    }
    case tlv::kCapabilities: return parse_u32(in, &Capabilities::bits);
    case tlv::kIpPrefix: return parse_ip_prefixes(in);
    case tlv::kNativeVlan: return parse_u16(in, &NativeVlan::vlan);
    case tlv::kDuplex: return parse_u8(in, &Duplex::value);
    case tlv::kVoipVlanReply: {
      PHONERIG_CHECK(expect_length(type, in, 7));
      VoipVlanReply out;
      PHONERIG_TRY(out.data, in.u8(field(type, "data")));
      PHONERIG_TRY(out.vlan, in.u16(field(type, "voice VLAN")));
      return Tlv{out};
    }
    case tlv::kVoipVlanQuery: {
      if (tlv_length(in) < 7) return wrong_length(type, in, "at least 7");
      VoipVlanQuery out;
      PHONERIG_TRY(out.data, in.u8(field(type, "data")));
      PHONERIG_TRY(out.vlan, in.u16(field(type, "VLAN")));
      Bytes rest = in.rest();
      out.trailing.assign(rest.begin(), rest.end());
      return Tlv{std::move(out)};
    }
    case tlv::kPowerConsumption: return parse_u16(in, &PowerConsumption::milliwatts);
    case tlv::kMtu: return parse_u32(in, &Mtu::bytes);
    case tlv::kTrustBitmap: return parse_u8(in, &TrustBitmap::bits);
    case tlv::kUntrustedCos: return parse_u8(in, &UntrustedCos::cos);
    case tlv::kPowerRequested: return parse_power_levels<PowerRequested>(in);
    case tlv::kPowerAvailable: return parse_power_levels<PowerAvailable>(in);
    case tlv::kSparePairPoe: return parse_u8(in, &SparePairPoe::bits);
    default: {
      Bytes raw = in.rest();
      return Tlv{RawTlv{type, ByteVector(raw.begin(), raw.end())}};
    }
  }
}

void write_tlv(ByteWriter& out, const Tlv& tlv) {
  std::uint16_t type = tlv_type(tlv);
  std::size_t start = out.size();
  out.u16(type).u16(0);
  std::visit(ValueWriter{out}, tlv);
  std::size_t length = out.size() - start;
  if (length - kTlvHeader > kMaxValue) {
    throw std::invalid_argument(prefix(type) + "value of " + std::to_string(length - kTlvHeader) +
                                " bytes does not fit the 16-bit length");
  }
  out.put_u16_at(start + 2, static_cast<std::uint16_t>(length));
}

}  // namespace phonerig::wire::cdp
