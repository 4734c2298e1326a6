#include "drivers/wire/lldp.hpp"

#include <iterator>
#include <stdexcept>

#include "drivers/wire/link.hpp"

namespace phonerig::wire::lldp {

namespace {

// IEEE 802.1AB 8.5.2 / 8.5.3: a 1..255 byte ID after the subtype; subtypes 1..7 are
// defined, 0 and 8..255 reserved.
constexpr std::size_t kMinIdTlvLength = 2;
constexpr std::size_t kMaxIdTlvLength = 256;
constexpr std::uint8_t kMaxIdSubtype = 7;
// 802.1AB 8.5.9: address string 2..32 (subtype + 1..31 bytes), OID 0..128; TLV 9..167.
constexpr std::size_t kMinManagementLength = 9;
constexpr std::size_t kMaxManagementLength = 167;
constexpr std::size_t kMinAddressString = 2;
constexpr std::size_t kMaxAddressString = 32;
constexpr std::size_t kMaxOid = 128;

struct TlvHeader {
  std::uint8_t type = 0;
  std::uint16_t length = 0;
  std::size_t offset = 0;  // of the header
};

std::string str(std::size_t n) { return std::to_string(n); }
std::string byte_count(std::size_t n) { return str(n) + (n == 1 ? " byte" : " bytes"); }

// 802.1AB 8.4: type = top 7 bits, length = low 9 bits of a u16.
ParseResult<TlvHeader> read_header(ByteReader& reader) {
  TlvHeader header;
  header.offset = reader.offset();
  PHONERIG_TRY(std::uint16_t word, reader.u16("TLV header"));
  header.type = static_cast<std::uint8_t>(word >> 9);
  header.length = static_cast<std::uint16_t>(word & kMaxTlvLength);
  return header;
}

ParseResult<ByteReader> take_value(ByteReader& reader, const TlvHeader& header) {
  if (header.length > reader.remaining()) {
    return parse_error(header.offset, tlv_name(header.type) + ": length " + str(header.length) +
                                          " runs past the end, " +
                                          byte_count(reader.remaining()) + " left");
  }
  return reader.sub(header.length, "TLV value");
}

Unexpected<ParseError> wrong_length(const TlvHeader& header, std::size_t expected) {
  return parse_error(header.offset, tlv_name(header.type) + ": length " + str(header.length) +
                                        ", expected " + str(expected));
}

// The next TLV must be the mandatory `type` (802.1AB 8.2: Chassis ID, Port ID, TTL first).
ParseResult<ByteReader> expect_tlv(ByteReader& reader, std::uint8_t type, TlvHeader& header) {
  if (reader.empty()) {
    return parse_error(reader.offset(), tlv_name(type) + " expected, found the end of the PDU");
  }
  PHONERIG_TRY(header, read_header(reader));
  if (header.type != type) {
    return parse_error(header.offset,
                       tlv_name(type) + " expected, found type " + str(header.type));
  }
  return take_value(reader, header);
}

template <class Id>
ParseResult<Id> parse_id(ByteReader value, const TlvHeader& header) {
  if (header.length < kMinIdTlvLength || header.length > kMaxIdTlvLength) {
    return parse_error(header.offset, tlv_name(header.type) + ": length " + str(header.length) +
                                          " is outside 2..256");
  }
  Id id;
  std::size_t subtype_at = value.offset();
  PHONERIG_TRY(id.subtype, value.u8("subtype"));
  if (id.subtype == 0 || id.subtype > kMaxIdSubtype) {
    return parse_error(subtype_at, tlv_name(header.type) + ": reserved subtype " + str(id.subtype));
  }
  Bytes rest = value.rest();
  id.id.assign(rest.begin(), rest.end());
  return id;
}

ParseResult<ManagementAddress> parse_management(ByteReader value, const TlvHeader& header) {
  const std::string name = tlv_name(header.type);
  if (header.length < kMinManagementLength || header.length > kMaxManagementLength) {
    return parse_error(header.offset,
                       name + ": length " + str(header.length) + " is outside 9..167");
  }
  ManagementAddress out;
  std::size_t at = value.offset();
  PHONERIG_TRY(std::uint8_t string_length, value.u8(name + " address string length"));
  if (string_length < kMinAddressString || string_length > kMaxAddressString) {
    return parse_error(at, name + ": address string length " + str(string_length) +
                               " is outside 2..32");
  }
  PHONERIG_TRY(out.address_subtype, value.u8(name + " address subtype"));
  PHONERIG_TRY(Bytes address, value.bytes(string_length - 1u, name + " address"));
  out.address.assign(address.begin(), address.end());
  PHONERIG_TRY(out.interface_subtype, value.u8(name + " interface subtype"));
  PHONERIG_TRY(out.interface_number, value.u32(name + " interface number"));
  at = value.offset();
  PHONERIG_TRY(std::uint8_t oid_length, value.u8(name + " OID length"));
  if (oid_length > kMaxOid) {
    return parse_error(at, name + ": OID length " + str(oid_length) + " exceeds 128");
  }
  PHONERIG_TRY(Bytes oid, value.bytes(oid_length, name + " OID"));
  out.oid.assign(oid.begin(), oid.end());
  if (!value.empty()) {
    return parse_error(value.offset(),
                       name + ": " + byte_count(value.remaining()) + " after the OID");
  }
  return out;
}

// One optional TLV (every type but End) whose value is `value`.
ParseResult<Tlv> parse_optional(ByteReader value, const TlvHeader& header) {
  switch (header.type) {
    case tlv_type::kPortDescription:
      return Tlv{PortDescription{std::string(as_string_view(value.rest()))}};
    case tlv_type::kSystemName:
      return Tlv{SystemName{std::string(as_string_view(value.rest()))}};
    case tlv_type::kSystemDescription:
      return Tlv{SystemDescription{std::string(as_string_view(value.rest()))}};
    case tlv_type::kSystemCapabilities: {
      if (header.length != 4) return wrong_length(header, 4);
      SystemCapabilities caps;
      PHONERIG_TRY(caps.capabilities, value.u16("system capabilities"));
      PHONERIG_TRY(caps.enabled, value.u16("enabled capabilities"));
      return Tlv{caps};
    }
    case tlv_type::kManagementAddress: {
      PHONERIG_TRY(ManagementAddress address, parse_management(value, header));
      return Tlv{std::move(address)};
    }
    case tlv_type::kOrganizational: {
      PHONERIG_TRY(OrgSpecific org, detail::parse_organizational(value, header.offset));
      return std::visit([](auto&& typed) { return Tlv{std::move(typed)}; }, std::move(org));
    }
    default: {
      // Reserved types, and repeats of Chassis ID, Port ID and TTL: kept as they are.
      Bytes raw = value.rest();
      return Tlv{RawTlv{header.type, ByteVector(raw.begin(), raw.end())}};
    }
  }
}

void put_tlv(ByteWriter& writer, std::uint8_t type, Bytes value) {
  if (value.size() > kMaxTlvLength) {
    throw std::invalid_argument("lldp: " + tlv_name(type) + ": value of " + str(value.size()) +
                                " bytes exceeds 511");
  }
  writer.u16(static_cast<std::uint16_t>((type << 9) | value.size()));
  writer.bytes(value);
}

void put_id(ByteWriter& writer, std::uint8_t type, std::uint8_t subtype, const ByteVector& id) {
  if (id.empty() || id.size() > kMaxIdTlvLength - 1) {
    throw std::invalid_argument("lldp: " + tlv_name(type) + ": ID of " + str(id.size()) +
                                " bytes is outside 1..255");
  }
  if (subtype == 0 || subtype > kMaxIdSubtype) {
    throw std::invalid_argument("lldp: " + tlv_name(type) + ": reserved subtype " + str(subtype));
  }
  ByteWriter value;
  value.u8(subtype).bytes(id);
  put_tlv(writer, type, value.view());
}

ByteVector management_value(const ManagementAddress& address) {
  if (address.address.empty() || address.address.size() > kMaxAddressString - 1 ||
      address.oid.size() > kMaxOid) {
    throw std::invalid_argument("lldp: management address of " + str(address.address.size()) +
                                " bytes (1..31) or OID of " + str(address.oid.size()) +
                                " bytes (0..128)");
  }
  ByteWriter value;
  value.u8(static_cast<std::uint8_t>(address.address.size() + 1))
      .u8(address.address_subtype)
      .bytes(address.address)
      .u8(address.interface_subtype)
      .u32(address.interface_number)
      .u8(static_cast<std::uint8_t>(address.oid.size()))
      .bytes(address.oid);
  return value.take();
}

// Writes one optional TLV.
struct TlvWriter {
  ByteWriter& writer;

  void operator()(const PortDescription& tlv) {
    put_tlv(writer, tlv_type::kPortDescription, as_bytes(tlv.text));
  }
  void operator()(const SystemName& tlv) {
    put_tlv(writer, tlv_type::kSystemName, as_bytes(tlv.text));
  }
  void operator()(const SystemDescription& tlv) {
    put_tlv(writer, tlv_type::kSystemDescription, as_bytes(tlv.text));
  }
  void operator()(const SystemCapabilities& tlv) {
    ByteWriter value;
    value.u16(tlv.capabilities).u16(tlv.enabled);
    put_tlv(writer, tlv_type::kSystemCapabilities, value.view());
  }
  void operator()(const ManagementAddress& tlv) {
    put_tlv(writer, tlv_type::kManagementAddress, management_value(tlv));
  }
  void operator()(const RawTlv& tlv) {
    bool typed =
        tlv.type == tlv_type::kEnd ||
        (tlv.type >= tlv_type::kPortDescription && tlv.type <= tlv_type::kManagementAddress) ||
        tlv.type >= tlv_type::kOrganizational;
    if (typed) {
      throw std::invalid_argument("lldp: raw TLV of type " + str(tlv.type) +
                                  " would not decode as raw; use its typed struct");
    }
    put_tlv(writer, tlv.type, tlv.value);
  }
  template <class Org>
  void operator()(const Org& tlv) {
    put_tlv(writer, tlv_type::kOrganizational, detail::organizational_value(OrgSpecific{tlv}));
  }
};

template <class Id>
std::optional<Ipv4> id_ipv4(const Id& id, std::uint8_t subtype) {
  if (id.subtype != subtype || id.id.size() != 5 || id.id[0] != address_family::kIpv4) {
    return std::nullopt;
  }
  return Ipv4::from_bytes(Bytes(id.id).subspan(1));
}

ByteVector family_and_ipv4(Ipv4 address) {
  ByteWriter out;
  out.u8(address_family::kIpv4);
  write_ipv4(out, address);
  return out.take();
}

}  // namespace

ChassisId ChassisId::mac(const Mac& mac) {
  return ChassisId{chassis_subtype::kMacAddress, ByteVector(mac.octets.begin(), mac.octets.end())};
}
ChassisId ChassisId::network_address(Ipv4 address) {
  return ChassisId{chassis_subtype::kNetworkAddress, family_and_ipv4(address)};
}
ChassisId ChassisId::local(std::string_view text) {
  return ChassisId{chassis_subtype::kLocal, ByteVector(text.begin(), text.end())};
}
std::optional<Mac> ChassisId::as_mac() const {
  if (subtype != chassis_subtype::kMacAddress || id.size() != 6) return std::nullopt;
  return Mac::from_bytes(id);
}
std::optional<Ipv4> ChassisId::as_ipv4() const {
  return id_ipv4(*this, chassis_subtype::kNetworkAddress);
}
std::string ChassisId::as_text() const { return std::string(as_string_view(id)); }

PortId PortId::mac(const Mac& mac) {
  return PortId{port_subtype::kMacAddress, ByteVector(mac.octets.begin(), mac.octets.end())};
}
PortId PortId::interface_name(std::string_view name) {
  return PortId{port_subtype::kInterfaceName, ByteVector(name.begin(), name.end())};
}
PortId PortId::local(std::string_view text) {
  return PortId{port_subtype::kLocal, ByteVector(text.begin(), text.end())};
}
std::optional<Mac> PortId::as_mac() const {
  if (subtype != port_subtype::kMacAddress || id.size() != 6) return std::nullopt;
  return Mac::from_bytes(id);
}
std::optional<Ipv4> PortId::as_ipv4() const {
  return id_ipv4(*this, port_subtype::kNetworkAddress);
}
std::string PortId::as_text() const { return std::string(as_string_view(id)); }

ManagementAddress ManagementAddress::ipv4(Ipv4 address, std::uint8_t interface_subtype,
                                          std::uint32_t interface_number) {
  auto octets = address.to_bytes();
  return ManagementAddress{address_family::kIpv4, ByteVector(octets.begin(), octets.end()),
                           interface_subtype, interface_number, {}};
}
std::optional<Ipv4> ManagementAddress::as_ipv4() const {
  if (address_subtype != address_family::kIpv4 || address.size() != 4) return std::nullopt;
  return Ipv4::from_bytes(address);
}

std::optional<NetworkPolicy> find_policy(const Packet& packet, std::uint8_t app_type) {
  for (const NetworkPolicy& policy : find_all<NetworkPolicy>(packet)) {
    if (policy.app_type == app_type) return policy;
  }
  return std::nullopt;
}

std::optional<std::string> find_inventory(const Packet& packet, std::uint8_t subtype) {
  for (const Inventory& item : find_all<Inventory>(packet)) {
    if (item.subtype == subtype) return item.value;
  }
  return std::nullopt;
}

std::string tlv_name(std::uint8_t type) {
  // Indexed by type, 802.1AB-2009 table 8-1.
  static constexpr const char* kNames[] = {"End",
                                           "Chassis ID",
                                           "Port ID",
                                           "TTL",
                                           "Port Description",
                                           "System Name",
                                           "System Description",
                                           "System Capabilities",
                                           "Management Address"};
  std::string name = "TLV " + str(type);
  if (type < std::size(kNames)) return name + " " + kNames[type];
  if (type == tlv_type::kOrganizational) return name + " Organizationally Specific";
  return name + " (reserved)";
}

ParseResult<Packet> parse(Bytes lldpdu) {
  ByteReader reader(lldpdu);
  Packet packet;
  TlvHeader header;

  PHONERIG_TRY(ByteReader chassis, expect_tlv(reader, tlv_type::kChassisId, header));
  PHONERIG_TRY(packet.chassis_id, parse_id<ChassisId>(chassis, header));
  PHONERIG_TRY(ByteReader port, expect_tlv(reader, tlv_type::kPortId, header));
  PHONERIG_TRY(packet.port_id, parse_id<PortId>(port, header));
  PHONERIG_TRY(ByteReader ttl, expect_tlv(reader, tlv_type::kTtl, header));
  if (header.length != 2) return wrong_length(header, 2);
  PHONERIG_TRY(packet.ttl, ttl.u16("TTL"));

  packet.end_tlv = false;
  while (!reader.empty()) {
    PHONERIG_TRY(header, read_header(reader));
    if (header.type == tlv_type::kEnd) {
      // 802.1AB 8.5.1: End has length 0; what follows it is padding.
      if (header.length != 0) return wrong_length(header, 0);
      packet.end_tlv = true;
      break;
    }
    PHONERIG_TRY(ByteReader value, take_value(reader, header));
    PHONERIG_TRY(Tlv tlv, parse_optional(value, header));
    packet.tlvs.push_back(std::move(tlv));
  }
  return packet;
}

ByteVector build(const Packet& packet) {
  ByteWriter writer;
  put_id(writer, tlv_type::kChassisId, packet.chassis_id.subtype, packet.chassis_id.id);
  put_id(writer, tlv_type::kPortId, packet.port_id.subtype, packet.port_id.id);
  ByteWriter ttl;
  ttl.u16(packet.ttl);
  put_tlv(writer, tlv_type::kTtl, ttl.view());
  for (const Tlv& tlv : packet.tlvs) std::visit(TlvWriter{writer}, tlv);
  if (packet.end_tlv) writer.u16(0);
  return writer.take();
}

ByteVector build_frame(const Mac& src, const Packet& packet, const Mac& dst) {
  ByteVector lldpdu = build(packet);
  return build_ethernet(EthernetHeader{dst, src, {}}, ethertype::kLldp, lldpdu);
}

}  // namespace phonerig::wire::lldp
