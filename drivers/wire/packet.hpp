// One captured frame decoded through its link, network and transport layers.
#pragma once

#include <optional>

#include "drivers/wire/ip.hpp"
#include "drivers/wire/link.hpp"

namespace phonerig::wire {

struct Packet {
  LinkFrame link;
  std::optional<Ipv4Packet> ipv4;  // when the link payload is IPv4
  std::optional<UdpDatagram> udp;  // when IPv4 carries a whole (unfragmented) UDP datagram
  std::optional<TcpSegment> tcp;   // when IPv4 carries a TCP segment

  // The innermost payload: UDP or TCP data, else the IPv4 payload, else the link payload.
  Bytes payload() const;
};

// Decodes link, IPv4, UDP and TCP headers. Application payloads are left to the protocol
// codecs. Non-IP frames (CDP, LLDP, ARP, IPv6) decode at the link layer only.
// `wire_length` is the frame's length on the wire (pcap's len); when it exceeds the bytes
// captured, lengths beyond the capture mean truncation (flagged), not a malformed packet.
ParseResult<Packet> decode_packet(LinkType type, Bytes frame, std::size_t wire_length = 0);

}  // namespace phonerig::wire
