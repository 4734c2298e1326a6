#include "drivers/wire/ip.hpp"

#include "drivers/wire/checksum.hpp"

namespace phonerig::wire {

const char* to_string(ChecksumStatus status) {
  switch (status) {
    case ChecksumStatus::good: return "good";
    case ChecksumStatus::bad: return "bad";
    case ChecksumStatus::absent: return "absent";
    case ChecksumStatus::unverified: return "unverified";
  }
  return "?";
}

ParseResult<Ipv4Packet> parse_ipv4(Bytes data, std::size_t base, bool cut_by_capture) {
  ByteReader r(data, base);
  Ipv4Packet packet;
  Ipv4Header& h = packet.header;
  PHONERIG_TRY(std::uint8_t version_ihl, r.u8("IPv4 version/IHL"));
  if ((version_ihl >> 4) != 4) {
    return parse_error(base, "IPv4: version " + std::to_string(version_ihl >> 4) + ", expected 4");
  }
  h.header_length = static_cast<std::uint8_t>((version_ihl & 0x0f) * 4);
  if (h.header_length < 20) {
    return parse_error(base, "IPv4: header length " + std::to_string(h.header_length) +
                                 " is below the minimum of 20");
  }
  PHONERIG_TRY(std::uint8_t tos, r.u8("IPv4 DSCP/ECN"));
  h.dscp = tos >> 2;
  h.ecn = tos & 0x3;
  PHONERIG_TRY(h.total_length, r.u16("IPv4 total length"));
  PHONERIG_TRY(h.identification, r.u16("IPv4 identification"));
  PHONERIG_TRY(std::uint16_t flags_fragment, r.u16("IPv4 flags/fragment offset"));
  // RFC 791: the reserved flag must be zero; captures (and tshark) show it set at times,
  // so it is reported, not fatal.
  h.reserved_flag = (flags_fragment & 0x8000) != 0;
  h.dont_fragment = (flags_fragment & 0x4000) != 0;
  h.more_fragments = (flags_fragment & 0x2000) != 0;
  h.fragment_offset = static_cast<std::uint16_t>((flags_fragment & 0x1fff) * 8);
  PHONERIG_TRY(h.ttl, r.u8("IPv4 TTL"));
  PHONERIG_TRY(h.protocol, r.u8("IPv4 protocol"));
  PHONERIG_TRY(h.checksum, r.u16("IPv4 header checksum"));
  PHONERIG_TRY(h.src, read_ipv4(r, "IPv4 source"));
  PHONERIG_TRY(h.dst, read_ipv4(r, "IPv4 destination"));
  PHONERIG_TRY(h.options, r.bytes(h.header_length - 20u, "IPv4 options"));
  h.checksum_status = internet_checksum(data.first(h.header_length)) == 0 ? ChecksumStatus::good
                                                                           : ChecksumStatus::bad;
  std::size_t end = h.total_length;
  if (h.total_length == 0 && data.size() > h.header_length) {
    // TSO/GSO super-packet captured before segmentation: the length field is not filled.
    h.length_from_capture = true;
    end = data.size();
  } else if (h.total_length < h.header_length) {
    return parse_error(base + 2, "IPv4: total length " + std::to_string(h.total_length) +
                                     " is shorter than the header (" +
                                     std::to_string(h.header_length) + ")");
  } else if (h.total_length > data.size() && cut_by_capture) {
    h.truncated = true;
    end = data.size();
  } else if (h.total_length > data.size()) {
    return parse_error(base + 2, "IPv4: total length " + std::to_string(h.total_length) +
                                     " runs past the captured " + std::to_string(data.size()) +
                                     " bytes");
  }
  packet.payload_offset = base + h.header_length;
  packet.payload = data.subspan(h.header_length, end - h.header_length);
  return packet;
}

namespace {
ChecksumStatus transport_checksum(Bytes segment, const Ipv4Header& ip) {
  if (ip.is_fragment() || ip.truncated) return ChecksumStatus::unverified;
  if (segment.size() > 0xffff) return ChecksumStatus::unverified;
  std::uint32_t sum = pseudo_header_sum(ip.src, ip.dst, ip.protocol,
                                        static_cast<std::uint16_t>(segment.size()));
  return ones_complement_finish(ones_complement_add(segment, sum)) == 0 ? ChecksumStatus::good
                                                                        : ChecksumStatus::bad;
}
}  // namespace

ParseResult<UdpDatagram> parse_udp(Bytes segment, const Ipv4Header& ip, std::size_t base) {
  ByteReader r(segment, base);
  UdpDatagram udp;
  PHONERIG_TRY(udp.src_port, r.u16("UDP source port"));
  PHONERIG_TRY(udp.dst_port, r.u16("UDP destination port"));
  PHONERIG_TRY(udp.length, r.u16("UDP length"));
  PHONERIG_TRY(udp.checksum, r.u16("UDP checksum"));
  std::size_t length = udp.length;
  if (length == 0 && ip.length_from_capture) length = segment.size();  // GSO
  std::size_t ip_payload = ip.length_from_capture || !ip.truncated
                               ? segment.size()
                               : std::size_t{ip.total_length} - ip.header_length;
  if (length < 8) {
    return parse_error(base + 4, "UDP: length " + std::to_string(udp.length) +
                                     " is shorter than the 8-byte header");
  }
  if (length > ip_payload) {
    return parse_error(base + 4, "UDP: length " + std::to_string(udp.length) +
                                     " runs past the IP payload (" + std::to_string(ip_payload) +
                                     " bytes)");
  }
  if (length > segment.size()) {
    udp.truncated = true;
    length = segment.size();
  }
  udp.payload = segment.subspan(8, length - 8);
  udp.payload_offset = base + 8;
  if (udp.checksum == 0) {
    udp.checksum_status = ChecksumStatus::absent;
  } else if (udp.truncated) {
    udp.checksum_status = ChecksumStatus::unverified;
  } else {
    udp.checksum_status = transport_checksum(segment.first(length), ip);
  }
  return udp;
}

ParseResult<TcpSegment> parse_tcp(Bytes segment, const Ipv4Header& ip, std::size_t base) {
  ByteReader r(segment, base);
  TcpSegment tcp;
  PHONERIG_TRY(tcp.src_port, r.u16("TCP source port"));
  PHONERIG_TRY(tcp.dst_port, r.u16("TCP destination port"));
  PHONERIG_TRY(tcp.seq, r.u32("TCP sequence number"));
  PHONERIG_TRY(tcp.ack, r.u32("TCP acknowledgment number"));
  PHONERIG_TRY(std::uint16_t offset_flags, r.u16("TCP data offset/flags"));
  tcp.header_length = static_cast<std::uint8_t>((offset_flags >> 12) * 4);
  tcp.flags = offset_flags & 0x01ff;
  PHONERIG_TRY(tcp.window, r.u16("TCP window"));
  PHONERIG_TRY(tcp.checksum, r.u16("TCP checksum"));
  PHONERIG_TRY(tcp.urgent, r.u16("TCP urgent pointer"));
  if (tcp.header_length < 20) {
    return parse_error(base + 12, "TCP: data offset " + std::to_string(tcp.header_length) +
                                      " is below the minimum of 20");
  }
  PHONERIG_TRY(tcp.options, r.bytes(tcp.header_length - 20u, "TCP options"));
  tcp.payload_offset = r.offset();
  tcp.payload = r.rest();
  tcp.checksum_status = transport_checksum(segment, ip);
  return tcp;
}

ByteVector build_ipv4(const Ipv4Build& ip, Bytes payload) {
  ByteWriter w(20 + payload.size());
  w.u8(0x45).u8(static_cast<std::uint8_t>(ip.dscp << 2));
  w.u16(static_cast<std::uint16_t>(20 + payload.size()));
  w.u16(ip.identification).u16(ip.dont_fragment ? 0x4000 : 0);
  w.u8(ip.ttl).u8(ip.protocol).u16(0);
  write_ipv4(w, ip.src);
  write_ipv4(w, ip.dst);
  w.put_u16_at(10, internet_checksum(Bytes(w.view())));
  w.bytes(payload);
  return w.take();
}

ByteVector build_udp(Ipv4 src, Ipv4 dst, std::uint16_t src_port, std::uint16_t dst_port,
                     Bytes payload) {
  ByteWriter w(8 + payload.size());
  auto length = static_cast<std::uint16_t>(8 + payload.size());
  w.u16(src_port).u16(dst_port).u16(length).u16(0).bytes(payload);
  std::uint16_t sum = ones_complement_finish(
      ones_complement_add(Bytes(w.view()), pseudo_header_sum(src, dst, ip_protocol::kUdp, length)));
  w.put_u16_at(6, sum == 0 ? 0xffff : sum);  // 0 means "no checksum" (RFC 768)
  return w.take();
}

ByteVector build_tcp(Ipv4 src, Ipv4 dst, const TcpBuild& tcp, Bytes payload) {
  ByteWriter w(20 + payload.size());
  w.u16(tcp.src_port).u16(tcp.dst_port).u32(tcp.seq).u32(tcp.ack);
  w.u16(static_cast<std::uint16_t>((5 << 12) | (tcp.flags & 0x01ff)));
  w.u16(tcp.window).u16(0).u16(0).bytes(payload);
  auto length = static_cast<std::uint16_t>(w.size());
  w.put_u16_at(16, ones_complement_finish(ones_complement_add(
                       Bytes(w.view()), pseudo_header_sum(src, dst, ip_protocol::kTcp, length))));
  return w.take();
}

ByteVector build_udp_frame(const EthernetHeader& eth, Ipv4Build ip, std::uint16_t src_port,
                           std::uint16_t dst_port, Bytes payload) {
  ip.protocol = ip_protocol::kUdp;
  ByteVector udp = build_udp(ip.src, ip.dst, src_port, dst_port, payload);
  ByteVector packet = build_ipv4(ip, udp);
  return build_ethernet(eth, ethertype::kIpv4, packet);
}

ByteVector build_tcp_frame(const EthernetHeader& eth, Ipv4Build ip, const TcpBuild& tcp,
                           Bytes payload) {
  ip.protocol = ip_protocol::kTcp;
  ByteVector segment = build_tcp(ip.src, ip.dst, tcp, payload);
  ByteVector packet = build_ipv4(ip, segment);
  return build_ethernet(eth, ethertype::kIpv4, packet);
}

}  // namespace phonerig::wire
