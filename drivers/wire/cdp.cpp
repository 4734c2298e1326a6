#include "drivers/wire/cdp.hpp"

#include "drivers/wire/checksum.hpp"

namespace phonerig::wire::cdp {

namespace {

constexpr std::size_t kTlvHeader = 4;

// The Cisco sum of reference 1.2, not complemented. `skip_checksum` leaves bytes 2-3 out.
std::uint32_t cisco_sum(Bytes pdu, bool skip_checksum) {
  std::uint32_t sum = ones_complement_add(pdu.first(2));
  if (!skip_checksum) sum = ones_complement_add(pdu.subspan(2, 2), sum);
  Bytes body = pdu.subspan(kHeaderSize);  // even offset, so the word pairing is unchanged
  std::size_t even = body.size() & ~std::size_t{1};
  sum = ones_complement_add(body.first(even), sum);
  if (even != body.size()) {
    // Odd last byte: Cisco adds it as a signed char into the low byte of a word; for
    // v >= 0x80 (0x80 included) the borrow leaves 0xff00 + v - 1 (Wireshark: "compensate
    // off-by-one error"). scapy's v <= 0x80 test is wrong for 0x80.
    std::uint8_t v = body.back();
    std::uint32_t word = v < 0x80 ? std::uint32_t{v} : 0xff00u + v - 1u;
    std::uint64_t total = std::uint64_t{sum} + word;
    sum = static_cast<std::uint32_t>((total & 0xffffffffu) + (total >> 32));
  }
  return sum;
}

template <class T>
std::optional<std::string> text(const Packet& p) {
  if (auto v = p.find<T>()) return v->value;
  return std::nullopt;
}

}  // namespace

std::uint16_t compute_checksum(Bytes pdu) { return ones_complement_finish(cisco_sum(pdu, true)); }

bool checksum_valid(Bytes pdu) { return ones_complement_finish(cisco_sum(pdu, false)) == 0; }

ParseResult<Decoded> parse(Bytes pdu, std::size_t base) {
  ByteReader in(pdu, base);
  Decoded out;
  // Header: version u8, TTL u8, checksum u16 (reference 1.1).
  PHONERIG_TRY(out.packet.version, in.u8("CDP version"));
  if (out.packet.version != 1 && out.packet.version != 2) {
    return parse_error(base, "CDP version " + std::to_string(out.packet.version) +
                                 ": not 1 or 2");
  }
  PHONERIG_TRY(out.packet.ttl, in.u8("CDP TTL"));
  PHONERIG_TRY(out.checksum, in.u16("CDP checksum"));
  out.correct_checksum = compute_checksum(pdu);
  out.checksum_good = checksum_valid(pdu);

  // TLVs: type u16 | length u16 (header included, >= 4) | value, up to the PDU end
  // (reference 1.3; lldpd cdp.c rejects a TLV running past the PDU).
  while (!in.empty()) {
    std::size_t start = in.offset();
    PHONERIG_TRY(ByteReader header, in.sub(kTlvHeader, "TLV header"));
    PHONERIG_TRY(std::uint16_t type, header.u16("TLV type"));
    PHONERIG_TRY(std::uint16_t length, header.u16("TLV length"));
    if (length < kTlvHeader || length - kTlvHeader > in.remaining()) {
      std::string what = length < kTlvHeader
                             ? " is less than the 4-byte header"
                             : " runs past the end of the PDU (" +
                                   std::to_string(in.remaining() + kTlvHeader) + " bytes left)";
      return parse_error(start + 2,
                         tlv_label(type) + ": length " + std::to_string(length) + what);
    }
    PHONERIG_TRY(ByteReader value, in.sub(length - kTlvHeader, "TLV value"));
    PHONERIG_TRY(Tlv tlv, parse_tlv(type, value));
    out.packet.tlvs.push_back(std::move(tlv));
  }
  return out;
}

ByteVector build(const Packet& packet) {
  ByteWriter out;
  out.u8(packet.version).u8(packet.ttl).u16(0);
  for (const auto& tlv : packet.tlvs) write_tlv(out, tlv);
  out.put_u16_at(2, compute_checksum(out.view()));
  return out.take();
}

ByteVector build_frame(const Mac& src, const Packet& packet, std::optional<VlanTag> vlan) {
  EthernetHeader eth{kMulticast, src, {}};
  if (vlan) eth.vlans.push_back(*vlan);
  ByteVector pdu = build(packet);
  return build_llc_snap(eth, kSnap, pdu);
}

bool is_cdp(const LinkFrame& link) {
  return link.llc && link.llc->snap && *link.llc->snap == kSnap;
}

const RawTlv* Packet::find_raw(std::uint16_t type) const {
  for (const auto& tlv : tlvs) {
    const auto* raw = std::get_if<RawTlv>(&tlv);
    if (raw != nullptr && raw->type == type) return raw;
  }
  return nullptr;
}

std::optional<std::string> Packet::device_id() const { return text<DeviceId>(*this); }
std::optional<std::string> Packet::port_id() const { return text<PortId>(*this); }
std::optional<std::string> Packet::software_version() const {
  return text<SoftwareVersion>(*this);
}
std::optional<std::string> Packet::platform() const { return text<Platform>(*this); }
std::optional<std::string> Packet::vtp_domain() const { return text<VtpDomain>(*this); }
std::optional<std::string> Packet::system_name() const { return text<SystemName>(*this); }

std::optional<std::uint32_t> Packet::capabilities() const {
  if (auto v = find<Capabilities>()) return v->bits;
  return std::nullopt;
}

std::vector<Ipv4> Packet::addresses() const {
  if (auto v = find<Addresses>()) return v->ipv4();
  return {};
}

std::vector<Ipv4> Packet::management_addresses() const {
  if (auto v = find<ManagementAddresses>()) return v->ipv4();
  return {};
}

std::optional<std::uint16_t> Packet::native_vlan() const {
  if (auto v = find<NativeVlan>()) return v->vlan;
  return std::nullopt;
}

std::optional<std::uint16_t> Packet::voice_vlan() const {
  if (auto v = find<VoipVlanReply>()) return v->vlan;
  return std::nullopt;
}

std::optional<bool> Packet::full_duplex() const {
  if (auto v = find<Duplex>()) return v->full();
  return std::nullopt;
}

std::optional<std::uint16_t> Packet::power_consumption_mw() const {
  if (auto v = find<PowerConsumption>()) return v->milliwatts;
  return std::nullopt;
}

}  // namespace phonerig::wire::cdp
