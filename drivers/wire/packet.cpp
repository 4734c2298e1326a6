#include "drivers/wire/packet.hpp"

namespace phonerig::wire {

Bytes Packet::payload() const {
  if (udp) return udp->payload;
  if (tcp) return tcp->payload;
  if (ipv4) return ipv4->payload;
  return link.payload;
}

ParseResult<Packet> decode_packet(LinkType type, Bytes frame, std::size_t wire_length) {
  Packet packet;
  PHONERIG_TRY(packet.link, parse_link(type, frame));
  if (packet.link.llc || packet.link.ethertype != ethertype::kIpv4) return packet;
  PHONERIG_TRY(packet.ipv4, parse_ipv4(packet.link.payload, packet.link.payload_offset,
                                              wire_length > frame.size()));
  const Ipv4Header& ip = packet.ipv4->header;
  // A later fragment has no transport header; a first fragment's is incomplete.
  if (ip.is_fragment()) return packet;
  if (ip.protocol == ip_protocol::kUdp) {
    PHONERIG_TRY(packet.udp, parse_udp(packet.ipv4->payload, ip, packet.ipv4->payload_offset));
  } else if (ip.protocol == ip_protocol::kTcp) {
    PHONERIG_TRY(packet.tcp, parse_tcp(packet.ipv4->payload, ip, packet.ipv4->payload_offset));
  }
  return packet;
}

}  // namespace phonerig::wire
