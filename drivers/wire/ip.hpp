// IPv4 (RFC 791), UDP (RFC 768) and the TCP header (RFC 9293): enough to follow every
// packet of a phone's boot. L4 checksums are reported, never fatal: captures of
// offloaded sends carry "bad" checksums that the NIC would have filled in.
#pragma once

#include <cstdint>

#include "drivers/wire/address.hpp"
#include "drivers/wire/bytes.hpp"
#include "drivers/wire/link.hpp"

namespace phonerig::wire {

namespace ip_protocol {
inline constexpr std::uint8_t kIcmp = 1;
inline constexpr std::uint8_t kTcp = 6;
inline constexpr std::uint8_t kUdp = 17;
}  // namespace ip_protocol

enum class ChecksumStatus {
  good,
  bad,         // reported, not fatal
  absent,      // UDP checksum 0: the sender did not compute one (RFC 768)
  unverified,  // the datagram is incomplete (a fragment, or cut by the capture)
};
const char* to_string(ChecksumStatus status);

struct Ipv4Header {
  std::uint8_t header_length = 20;  // bytes (IHL x 4)
  std::uint8_t dscp = 0;
  std::uint8_t ecn = 0;
  std::uint16_t total_length = 0;
  std::uint16_t identification = 0;
  bool reserved_flag = false;  // RFC 791 bit 0, must be zero; reported, not fatal
  bool dont_fragment = false;
  bool more_fragments = false;
  std::uint16_t fragment_offset = 0;  // bytes
  std::uint8_t ttl = 64;
  std::uint8_t protocol = 0;
  std::uint16_t checksum = 0;
  ChecksumStatus checksum_status = ChecksumStatus::good;
  Ipv4 src;
  Ipv4 dst;
  Bytes options;
  // Total length 0 with a payload: a TSO/GSO super-packet as captured before segmentation;
  // the payload then runs to the end of the capture.
  bool length_from_capture = false;
  // The capture kept fewer bytes than the packet had on the wire (snap length): the
  // payload is what was kept, and L4 checksums cannot be verified.
  bool truncated = false;

  bool is_fragment() const { return more_fragments || fragment_offset != 0; }
};

struct Ipv4Packet {
  Ipv4Header header;
  Bytes payload;  // cut to total length: Ethernet padding is not payload
  std::size_t payload_offset = 0;
};

// `base` is the offset of data[0] in the enclosing frame, for error offsets.
// `cut_by_capture`: the capture recorded fewer bytes than the frame had (caplen < len), so
// a total length beyond the data is truncation, not malformation.
ParseResult<Ipv4Packet> parse_ipv4(Bytes data, std::size_t base = 0, bool cut_by_capture = false);

struct UdpDatagram {
  std::uint16_t src_port = 0;
  std::uint16_t dst_port = 0;
  std::uint16_t length = 0;
  std::uint16_t checksum = 0;
  ChecksumStatus checksum_status = ChecksumStatus::absent;
  Bytes payload;
  std::size_t payload_offset = 0;
  bool truncated = false;  // the capture kept only part of the payload
};

// `segment` is the IPv4 payload. A UDP length beyond the IPv4 payload length is an error
// (beyond the captured bytes of a truncated capture: a truncated datagram); a UDP length
// shorter than the segment cuts the payload.
ParseResult<UdpDatagram> parse_udp(Bytes segment, const Ipv4Header& ip, std::size_t base = 0);

namespace tcp_flag {
inline constexpr std::uint16_t kFin = 0x001;
inline constexpr std::uint16_t kSyn = 0x002;
inline constexpr std::uint16_t kRst = 0x004;
inline constexpr std::uint16_t kPsh = 0x008;
inline constexpr std::uint16_t kAck = 0x010;
inline constexpr std::uint16_t kUrg = 0x020;
inline constexpr std::uint16_t kEce = 0x040;
inline constexpr std::uint16_t kCwr = 0x080;
}  // namespace tcp_flag

struct TcpSegment {
  std::uint16_t src_port = 0;
  std::uint16_t dst_port = 0;
  std::uint32_t seq = 0;
  std::uint32_t ack = 0;
  std::uint8_t header_length = 20;  // bytes (data offset x 4)
  std::uint16_t flags = 0;          // tcp_flag bits
  std::uint16_t window = 0;
  std::uint16_t checksum = 0;
  std::uint16_t urgent = 0;
  ChecksumStatus checksum_status = ChecksumStatus::unverified;
  Bytes options;
  Bytes payload;
  std::size_t payload_offset = 0;

  bool has(std::uint16_t flag) const { return (flags & flag) != 0; }
};

ParseResult<TcpSegment> parse_tcp(Bytes segment, const Ipv4Header& ip, std::size_t base = 0);

struct Ipv4Build {
  Ipv4 src;
  Ipv4 dst;
  std::uint8_t protocol = ip_protocol::kUdp;
  std::uint8_t ttl = 64;
  std::uint8_t dscp = 0;  // Cisco phones mark SIP signalling CS3 (24)
  std::uint16_t identification = 0;
  bool dont_fragment = false;
};

// IPv4 header (no options, checksum filled) + payload.
ByteVector build_ipv4(const Ipv4Build& ip, Bytes payload);
// UDP header with the pseudo-header checksum + payload (no IPv4 header).
ByteVector build_udp(Ipv4 src, Ipv4 dst, std::uint16_t src_port, std::uint16_t dst_port,
                     Bytes payload);

struct TcpBuild {
  std::uint16_t src_port = 0;
  std::uint16_t dst_port = 0;
  std::uint32_t seq = 0;
  std::uint32_t ack = 0;
  std::uint16_t flags = tcp_flag::kAck;
  std::uint16_t window = 65535;
};
// TCP header (no options) with checksum + payload (no IPv4 header).
ByteVector build_tcp(Ipv4 src, Ipv4 dst, const TcpBuild& tcp, Bytes payload);

// Whole Ethernet frames, for services, the emulated phone and the tests.
ByteVector build_udp_frame(const EthernetHeader& eth, Ipv4Build ip, std::uint16_t src_port,
                           std::uint16_t dst_port, Bytes payload);
ByteVector build_tcp_frame(const EthernetHeader& eth, Ipv4Build ip, const TcpBuild& tcp,
                           Bytes payload);

}  // namespace phonerig::wire
