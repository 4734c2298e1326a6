#include "drivers/wire/link.hpp"

namespace phonerig::wire {

namespace {

// IEEE 802.1Q / 802.1ad tags, outermost first, starting at a TPID already read.
ParseResult<bool> read_tags(ByteReader& r, std::uint16_t& type, std::vector<VlanTag>& vlans) {
  while (type == ethertype::kVlan || type == ethertype::kQinQ) {
    if (vlans.size() == kMaxVlanTags) {
      return parse_error(r.offset() - 2, "802.1Q: more than " + std::to_string(kMaxVlanTags) +
                                             " stacked VLAN tags");
    }
    PHONERIG_TRY(std::uint16_t tci, r.u16("802.1Q tag control"));
    vlans.push_back(VlanTag{type, static_cast<std::uint8_t>(tci >> 13), (tci & 0x1000) != 0,
                            static_cast<std::uint16_t>(tci & 0x0fff)});
    PHONERIG_TRY(type, r.u16("802.1Q inner type/length"));
  }
  return true;
}

// IEEE 802.2 LLC (+ SNAP when DSAP = SSAP = 0xAA).
ParseResult<Llc> read_llc(ByteReader& r) {
  Llc llc;
  PHONERIG_TRY(llc.dsap, r.u8("LLC DSAP"));
  PHONERIG_TRY(llc.ssap, r.u8("LLC SSAP"));
  PHONERIG_TRY(llc.control, r.u8("LLC control"));
  // U-format control fields are one byte (low bits 11); I/S-format are two.
  if ((llc.control & 0x03) != 0x03) {
    return parse_error(r.offset() - 1, "LLC: two-byte I/S-format control 0x" +
                                           to_hex(Bytes(&llc.control, 1)) + " is not supported");
  }
  if (llc.dsap == 0xaa && llc.ssap == 0xaa) {
    Snap snap;
    PHONERIG_TRY(snap.oui, r.u24("SNAP OUI"));
    PHONERIG_TRY(snap.pid, r.u16("SNAP protocol id"));
    llc.snap = snap;
  }
  return llc;
}

// After the MACs (or the cooked header): tags, then EtherType or 802.3 length + LLC.
ParseResult<bool> read_type_and_payload(ByteReader& r, std::uint16_t type, LinkFrame& frame,
                                        bool length_allowed) {
  PHONERIG_CHECK(read_tags(r, type, frame.vlans));
  if (type >= ethertype::kMinEthertype || !length_allowed) {
    frame.ethertype = type;
    frame.payload_offset = r.position();
    frame.payload = r.rest();
    return true;
  }
  // IEEE 802.3 length: LLC header + data; what follows is padding. A length beyond the
  // captured bytes is an error; a GSO frame never uses the 802.3 length form.
  std::size_t length_at = r.offset() - 2;
  if (type > r.remaining()) {
    return parse_error(length_at, "802.3 length " + std::to_string(type) + " runs past the end (" +
                                      std::to_string(r.remaining()) + " bytes left)");
  }
  PHONERIG_TRY(ByteReader body, r.sub(type, "802.3 payload"));
  PHONERIG_TRY(frame.llc, read_llc(body));
  frame.payload_offset = r.position() - type + body.position();
  frame.payload = body.rest();
  return true;
}

}  // namespace

ParseResult<LinkFrame> parse_link(LinkType type, Bytes bytes) {
  LinkFrame frame;
  frame.link_type = type;
  ByteReader r(bytes);
  switch (type) {
    case LinkType::ethernet: {
      PHONERIG_TRY(frame.dst, read_mac(r, "Ethernet destination"));
      PHONERIG_TRY(frame.src, read_mac(r, "Ethernet source"));
      PHONERIG_TRY(std::uint16_t type_or_length, r.u16("Ethernet type/length"));
      PHONERIG_CHECK(read_type_and_payload(r, type_or_length, frame, true));
      return frame;
    }
    case LinkType::linux_sll: {
      // packet type(2) ARPHRD(2) address length(2) address(8) protocol(2)
      PHONERIG_TRY(std::uint16_t packet_type, r.u16("SLL packet type"));
      frame.sll_packet_type = packet_type;
      PHONERIG_CHECK(r.skip(2, "SLL ARPHRD type"));
      PHONERIG_TRY(std::uint16_t address_length, r.u16("SLL address length"));
      PHONERIG_TRY(Bytes address, r.bytes(8, "SLL address"));
      if (address_length == 6) frame.src = Mac::from_bytes(address.first(6));
      PHONERIG_TRY(std::uint16_t protocol, r.u16("SLL protocol"));
      // Protocol 0x0004: an IEEE 802.2 LLC frame follows (no length field).
      if (protocol == 0x0004) {
        PHONERIG_TRY(frame.llc, read_llc(r));
        frame.payload_offset = r.position();
        frame.payload = r.rest();
        return frame;
      }
      PHONERIG_CHECK(read_type_and_payload(r, protocol, frame, false));
      return frame;
    }
    case LinkType::linux_sll2: {
      // protocol(2) reserved(2) ifindex(4) ARPHRD(2) packet type(1) address length(1) address(8)
      PHONERIG_TRY(std::uint16_t protocol, r.u16("SLL2 protocol"));
      PHONERIG_CHECK(r.skip(6, "SLL2 reserved and interface index"));
      PHONERIG_CHECK(r.skip(2, "SLL2 ARPHRD type"));
      PHONERIG_TRY(std::uint8_t packet_type, r.u8("SLL2 packet type"));
      frame.sll_packet_type = packet_type;
      PHONERIG_TRY(std::uint8_t address_length, r.u8("SLL2 address length"));
      PHONERIG_TRY(Bytes address, r.bytes(8, "SLL2 address"));
      if (address_length == 6) frame.src = Mac::from_bytes(address.first(6));
      if (protocol == 0x0004) {
        PHONERIG_TRY(frame.llc, read_llc(r));
        frame.payload_offset = r.position();
        frame.payload = r.rest();
        return frame;
      }
      PHONERIG_CHECK(read_type_and_payload(r, protocol, frame, false));
      return frame;
    }
    case LinkType::raw:
    case LinkType::ipv4: {
      if (bytes.empty()) return parse_error(0, "raw IP: empty packet");
      unsigned version = bytes[0] >> 4;
      if (version == 4) {
        frame.ethertype = ethertype::kIpv4;
      } else if (version == 6 && type == LinkType::raw) {
        frame.ethertype = ethertype::kIpv6;
      } else {
        return parse_error(0, "raw IP: version " + std::to_string(version) + " is not IPv4" +
                                  (type == LinkType::raw ? " or IPv6" : ""));
      }
      frame.payload = bytes;
      return frame;
    }
  }
  return parse_error(0, "link type " + std::to_string(static_cast<std::uint32_t>(type)) +
                            " is not supported");
}

namespace {
void write_header(ByteWriter& w, const EthernetHeader& header) {
  write_mac(w, header.dst);
  write_mac(w, header.src);
  for (const VlanTag& tag : header.vlans) {
    w.u16(tag.tpid);
    w.u16(static_cast<std::uint16_t>((tag.pcp & 0x7) << 13 | (tag.dei ? 0x1000 : 0) |
                                     (tag.vid & 0x0fff)));
  }
}

void pad(ByteWriter& w) {
  if (w.size() < kMinFrameWithoutFcs) w.zeros(kMinFrameWithoutFcs - w.size());
}
}  // namespace

ByteVector build_ethernet(const EthernetHeader& header, std::uint16_t type, Bytes payload) {
  ByteWriter w(18 + 4 * header.vlans.size() + payload.size());
  write_header(w, header);
  w.u16(type).bytes(payload);
  pad(w);
  return w.take();
}

ByteVector build_llc_snap(const EthernetHeader& header, Snap snap, Bytes payload) {
  ByteWriter w(26 + 4 * header.vlans.size() + payload.size());
  write_header(w, header);
  w.u16(static_cast<std::uint16_t>(8 + payload.size()));
  w.u8(0xaa).u8(0xaa).u8(0x03).u24(snap.oui).u16(snap.pid).bytes(payload);
  pad(w);
  return w.take();
}

ByteVector build_linux_sll(std::uint16_t packet_type, const Mac& address, std::uint16_t protocol,
                           Bytes payload) {
  ByteWriter w(16 + payload.size());
  w.u16(packet_type).u16(1 /* ARPHRD_ETHER */).u16(6);
  write_mac(w, address);
  w.zeros(2).u16(protocol).bytes(payload);
  return w.take();
}

}  // namespace phonerig::wire
