#include "drivers/wire/ip.hpp"

#include <gtest/gtest.h>

#include "drivers/wire/packet.hpp"
#include "tests/support/pcap_file.hpp"

namespace phonerig::wire {
namespace {

using testing::read_pcap;
using testing::vector_path;

const Mac kPhone = *Mac::parse("00:1e:4a:00:00:01");
const Mac kRig = *Mac::parse("02:00:c6:12:00:0a");
const Ipv4 kPhoneIp = *Ipv4::parse("198.18.1.20");
const Ipv4 kRigIp = *Ipv4::parse("198.18.0.10");

ByteVector hex(std::string_view text) { return from_hex(text).value(); }

TEST(Ipv4Udp, BuildsAndDecodesWithGoodChecksums) {
  const std::string payload = "hello phone";
  ByteVector frame = build_udp_frame({kRig, kPhone, {}}, {kRigIp, kPhoneIp}, 69, 50000,
                                     as_bytes(payload));
  auto packet = decode_packet(LinkType::ethernet, frame);
  ASSERT_TRUE(packet) << packet.error().to_string();
  ASSERT_TRUE(packet->ipv4);
  EXPECT_EQ(packet->ipv4->header.src, kRigIp);
  EXPECT_EQ(packet->ipv4->header.dst, kPhoneIp);
  EXPECT_EQ(packet->ipv4->header.checksum_status, ChecksumStatus::good);
  EXPECT_EQ(packet->ipv4->header.total_length, 20 + 8 + payload.size());
  ASSERT_TRUE(packet->udp);
  EXPECT_EQ(packet->udp->src_port, 69);
  EXPECT_EQ(packet->udp->dst_port, 50000);
  EXPECT_EQ(packet->udp->checksum_status, ChecksumStatus::good);
  EXPECT_EQ(as_string_view(packet->payload()), payload);
  EXPECT_EQ(packet->udp->payload_offset, 42u);
}

TEST(Ipv4Udp, ReportsBadUdpChecksumWithoutFailing) {
  ByteVector frame = build_udp_frame({kRig, kPhone, {}}, {kRigIp, kPhoneIp}, 67, 68,
                                     as_bytes("offer"));
  frame[40] ^= 0xff;  // UDP checksum of an offloaded send, as a capture shows it
  auto packet = decode_packet(LinkType::ethernet, frame);
  ASSERT_TRUE(packet);
  EXPECT_EQ(packet->udp->checksum_status, ChecksumStatus::bad);
  EXPECT_EQ(as_string_view(packet->payload()), "offer");
}

TEST(Ipv4Udp, ReportsBadHeaderChecksumWithoutFailing) {
  ByteVector frame = build_udp_frame({kRig, kPhone, {}}, {kRigIp, kPhoneIp}, 67, 68, {});
  frame[24] ^= 0x01;
  auto packet = decode_packet(LinkType::ethernet, frame);
  ASSERT_TRUE(packet);
  EXPECT_EQ(packet->ipv4->header.checksum_status, ChecksumStatus::bad);
}

TEST(Ipv4Udp, AbsentChecksumIsNotBad) {
  ByteVector frame = build_udp_frame({kRig, kPhone, {}}, {kRigIp, kPhoneIp}, 67, 68, {});
  frame[40] = 0;
  frame[41] = 0;
  EXPECT_EQ(decode_packet(LinkType::ethernet, frame)->udp->checksum_status,
            ChecksumStatus::absent);
}

TEST(Ipv4Udp, DecodesFramesLargerThanTheMtu) {
  // A 9000-byte UDP payload: what a capture of a GSO send on a veth shows.
  ByteVector payload(9000, 0x5a);
  ByteVector frame = build_udp_frame({kRig, kPhone, {}}, {kRigIp, kPhoneIp}, 6970, 40000, payload);
  auto packet = decode_packet(LinkType::ethernet, frame);
  ASSERT_TRUE(packet) << packet.error().to_string();
  EXPECT_EQ(packet->udp->payload.size(), 9000u);
  EXPECT_EQ(packet->udp->checksum_status, ChecksumStatus::good);
}

TEST(Ipv4Tcp, DecodesTsoSuperPacketWithZeroTotalLength) {
  ByteVector payload(70000, 0x41);
  ByteVector segment = build_tcp(kRigIp, kPhoneIp, {6970, 40000, 1, 2, tcp_flag::kAck, 512}, payload);
  ByteVector ip = build_ipv4({kRigIp, kPhoneIp, ip_protocol::kTcp}, segment);
  ip[2] = 0;  // total length not filled in before segmentation
  ip[3] = 0;
  ByteVector frame = build_ethernet({kPhone, kRig, {}}, ethertype::kIpv4, ip);
  auto packet = decode_packet(LinkType::ethernet, frame);
  ASSERT_TRUE(packet) << packet.error().to_string();
  EXPECT_TRUE(packet->ipv4->header.length_from_capture);
  ASSERT_TRUE(packet->tcp);
  EXPECT_EQ(packet->tcp->payload.size(), 70000u);
  EXPECT_EQ(packet->tcp->checksum_status, ChecksumStatus::unverified);
}

TEST(Ipv4Tcp, BuildsAndDecodesHeaderFields) {
  ByteVector frame = build_tcp_frame({kRig, kPhone, {}}, {kPhoneIp, kRigIp, 0, 64, 24},
                                     {51778, 5060, 0x11223344, 0x55667788,
                                      tcp_flag::kPsh | tcp_flag::kAck, 29200},
                                     as_bytes("REGISTER"));
  auto packet = decode_packet(LinkType::ethernet, frame);
  ASSERT_TRUE(packet);
  EXPECT_EQ(packet->ipv4->header.dscp, 24);  // CS3, as Cisco phones mark SIP
  ASSERT_TRUE(packet->tcp);
  const TcpSegment& tcp = *packet->tcp;
  EXPECT_EQ(tcp.src_port, 51778);
  EXPECT_EQ(tcp.dst_port, 5060);
  EXPECT_EQ(tcp.seq, 0x11223344u);
  EXPECT_EQ(tcp.ack, 0x55667788u);
  EXPECT_TRUE(tcp.has(tcp_flag::kPsh));
  EXPECT_TRUE(tcp.has(tcp_flag::kAck));
  EXPECT_FALSE(tcp.has(tcp_flag::kSyn));
  EXPECT_EQ(tcp.window, 29200);
  EXPECT_EQ(tcp.checksum_status, ChecksumStatus::good);
  EXPECT_EQ(as_string_view(tcp.payload), "REGISTER");
}

// Real capture: a Cisco 7970 registering over TCP (SCCP); tshark reads seq 580719628,
// ack 3080809074, flags 0x010 on frame 1 and IP checksum status good.
TEST(Ipv4Tcp, DecodesCisco7970TcpCapture) {
  auto pcap = read_pcap(vector_path("sccp_cisco7970_register.pcapng"));
  ASSERT_EQ(pcap.records.size(), 49u);
  auto packet = decode_packet(pcap.link_type, pcap.records[0].bytes);
  ASSERT_TRUE(packet) << packet.error().to_string();
  EXPECT_EQ(packet->link.src, Mac::parse("00:21:55:86:f4:6a"));
  EXPECT_EQ(packet->ipv4->header.src.to_string(), "10.10.224.5");
  EXPECT_EQ(packet->ipv4->header.dst.to_string(), "10.10.223.10");
  EXPECT_EQ(packet->ipv4->header.checksum_status, ChecksumStatus::good);
  ASSERT_TRUE(packet->tcp);
  EXPECT_EQ(packet->tcp->src_port, 51373);
  EXPECT_EQ(packet->tcp->dst_port, 2000);
  EXPECT_EQ(packet->tcp->seq, 580719628u);
  EXPECT_EQ(packet->tcp->ack, 3080809074u);
  EXPECT_EQ(packet->tcp->flags, tcp_flag::kAck);
  for (const auto& record : pcap.records) {
    auto each = decode_packet(pcap.link_type, record.bytes);
    EXPECT_TRUE(each) << each.error().to_string();
  }
}

TEST(Ipv4Udp, DecodesDhcpDoraCapture) {
  auto pcap = read_pcap(vector_path("dhcp_dora_basic.pcap"));
  ASSERT_EQ(pcap.records.size(), 4u);
  auto discover = decode_packet(pcap.link_type, pcap.records[0].bytes);
  ASSERT_TRUE(discover);
  EXPECT_EQ(discover->ipv4->header.src.to_string(), "0.0.0.0");
  EXPECT_EQ(discover->ipv4->header.dst.to_string(), "255.255.255.255");
  EXPECT_EQ(discover->udp->src_port, 68);
  EXPECT_EQ(discover->udp->dst_port, 67);
  EXPECT_EQ(discover->udp->checksum_status, ChecksumStatus::good);
  auto offer = decode_packet(pcap.link_type, pcap.records[1].bytes);
  ASSERT_TRUE(offer);
  EXPECT_EQ(offer->ipv4->header.src.to_string(), "192.168.0.1");
  EXPECT_EQ(offer->udp->src_port, 67);
}

// Real capture (tcpdump CVE-2016-7983 input, Linux cooked): the UDP length claims more
// than the IP payload; tshark says "Bad length value 12336 > IP payload length".
TEST(Ipv4Udp, RejectsUdpLengthBeyondIpPayloadInFuzzedCapture) {
  auto pcap = read_pcap(vector_path("tftp_malformed_heapoverflow.pcap"));
  ASSERT_EQ(pcap.link_type, LinkType::linux_sll);
  ASSERT_EQ(pcap.records.size(), 1u);
  const auto& record = pcap.records[0];
  ASSERT_GT(record.wire_length, record.bytes.size());  // cut by the capture's snap length
  auto packet = decode_packet(pcap.link_type, record.bytes, record.wire_length);
  ASSERT_FALSE(packet);
  // 16 SLL + 20 IPv4 + 4: the UDP length field. IPv4 total length 12336 - 20 header.
  EXPECT_EQ(packet.error(), (ParseError{40, "UDP: length 12336 runs past the IP payload (12316 bytes)"}));
}

TEST(Ipv4Udp, TruncatedCaptureIsFlaggedNotMalformed) {
  ByteVector frame = build_udp_frame({kRig, kPhone, {}}, {kRigIp, kPhoneIp}, 69, 50000,
                                     ByteVector(1000, 1));
  const std::size_t wire_length = frame.size();
  frame.resize(96);  // tcpdump -s 96
  auto packet = decode_packet(LinkType::ethernet, frame, wire_length);
  ASSERT_TRUE(packet) << packet.error().to_string();
  EXPECT_TRUE(packet->ipv4->header.truncated);
  EXPECT_TRUE(packet->udp->truncated);
  EXPECT_EQ(packet->udp->checksum_status, ChecksumStatus::unverified);
  EXPECT_EQ(packet->udp->payload.size(), 96u - 42u);
  // The same bytes with no sign of a snap length are a malformed packet.
  auto strict = decode_packet(LinkType::ethernet, frame);
  ASSERT_FALSE(strict);
  EXPECT_EQ(strict.error(), (ParseError{16, "IPv4: total length 1028 runs past the captured 82 bytes"}));
}

TEST(Ipv4, ReservedFlagIsReportedNotFatal) {
  ByteVector ip = build_ipv4({kRigIp, kPhoneIp, ip_protocol::kUdp},
                             build_udp(kRigIp, kPhoneIp, 67, 68, as_bytes("x")));
  ip[6] |= 0x80;
  auto packet = decode_packet(LinkType::raw, ip);
  ASSERT_TRUE(packet) << packet.error().to_string();
  EXPECT_TRUE(packet->ipv4->header.reserved_flag);
  EXPECT_EQ(packet->ipv4->header.checksum_status, ChecksumStatus::bad);
  ASSERT_TRUE(packet->udp);
}

TEST(Ipv4, LaterFragmentHasNoTransportHeader) {
  ByteVector ip = build_ipv4({kRigIp, kPhoneIp, ip_protocol::kUdp}, ByteVector(16, 0));
  ip[6] = 0x00;
  ip[7] = 0xb9;  // fragment offset 185 x 8 = 1480
  ip[10] = ip[11] = 0;
  auto packet = decode_packet(LinkType::raw, ip);
  ASSERT_TRUE(packet);
  EXPECT_EQ(packet->ipv4->header.fragment_offset, 1480);
  EXPECT_TRUE(packet->ipv4->header.is_fragment());
  EXPECT_FALSE(packet->udp);
}

struct Malformed {
  const char* name;
  const char* hex;  // raw IPv4 packet
  ParseError error;
};

class IpMalformed : public ::testing::TestWithParam<Malformed> {};

TEST_P(IpMalformed, ReportsExactError) {
  const Malformed& m = GetParam();
  auto packet = decode_packet(LinkType::ipv4, hex(m.hex));
  ASSERT_FALSE(packet) << m.name;
  EXPECT_EQ(packet.error(), m.error) << m.name << ": " << packet.error().to_string();
}

// Header: 45 00 LLLL 0000 0000 40 PP 0000 c6120114 c612000a
INSTANTIATE_TEST_SUITE_P(
    Ipv4UdpTcp, IpMalformed,
    ::testing::Values(
        Malformed{"short header", "45 00 0014 0000", {6, "IPv4 flags/fragment offset: needs 2 bytes, 0 left"}},
        Malformed{"ihl below 5", "44 00 0014 0000 0000 40 11 0000 c6120114 c612000a", {0, "IPv4: header length 16 is below the minimum of 20"}},
        Malformed{"options past end", "46 00 0018 0000 0000 40 11 0000 c6120114 c612000a 01", {20, "IPv4 options: needs 4 bytes, 1 left"}},
        Malformed{"total below header", "45 00 0010 0000 0000 40 11 0000 c6120114 c612000a", {2, "IPv4: total length 16 is shorter than the header (20)"}},
        Malformed{"total past capture", "45 00 0040 0000 0000 40 11 0000 c6120114 c612000a", {2, "IPv4: total length 64 runs past the captured 20 bytes"}},
        Malformed{"short destination", "45 00 0014 0000 0000 40 11 0000 c6120114 c612", {16, "IPv4 destination: needs 4 bytes, 2 left"}},
        Malformed{"short udp", "45 00 0018 0000 0000 40 11 0000 c6120114 c612000a 0043 0044", {24, "UDP length: needs 2 bytes, 0 left"}},
        Malformed{"udp length below 8", "45 00 001c 0000 0000 40 11 0000 c6120114 c612000a 0043 0044 0004 0000", {24, "UDP: length 4 is shorter than the 8-byte header"}},
        Malformed{"udp length past payload", "45 00 001c 0000 0000 40 11 0000 c6120114 c612000a 0043 0044 0010 0000", {24, "UDP: length 16 runs past the IP payload (8 bytes)"}},
        Malformed{"short tcp", "45 00 001c 0000 0000 40 06 0000 c6120114 c612000a 13c4 ca42 0000 0001", {28, "TCP acknowledgment number: needs 4 bytes, 0 left"}},
        Malformed{"tcp offset below 5", "45 00 0028 0000 0000 40 06 0000 c6120114 c612000a 13c4 ca42 00000001 00000000 4010 ffff 0000 0000", {32, "TCP: data offset 16 is below the minimum of 20"}},
        Malformed{"tcp options past end", "45 00 0028 0000 0000 40 06 0000 c6120114 c612000a 13c4 ca42 00000001 00000000 6010 ffff 0000 0000", {40, "TCP options: needs 4 bytes, 0 left"}}),
    [](const auto& info) {
      std::string name = info.param.name;
      for (char& c : name) {
        if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
      }
      return name;
    });

}  // namespace
}  // namespace phonerig::wire
