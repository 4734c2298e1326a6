#include "drivers/wire/link.hpp"

#include <gtest/gtest.h>

#include "drivers/wire/packet.hpp"
#include "tests/support/pcap_file.hpp"

namespace phonerig::wire {
namespace {

using testing::read_pcap;
using testing::vector_path;

const Mac kPhone = *Mac::parse("00:1e:4a:00:00:01");
const Mac kSwitch = *Mac::parse("00:00:5e:00:53:01");

ByteVector hex(std::string_view text) { return from_hex(text).value(); }

TEST(LinkParse, DecodesEthernetII) {
  const ByteVector payload = {0x45, 0, 0, 0};
  ByteVector frame = build_ethernet({kSwitch, kPhone, {}}, ethertype::kIpv4, payload);
  ASSERT_EQ(frame.size(), 60u);  // padded to the Ethernet minimum
  auto link = parse_link(LinkType::ethernet, frame);
  ASSERT_TRUE(link) << link.error().to_string();
  EXPECT_EQ(link->dst, kSwitch);
  EXPECT_EQ(link->src, kPhone);
  EXPECT_EQ(link->ethertype, ethertype::kIpv4);
  EXPECT_TRUE(link->vlans.empty());
  EXPECT_EQ(link->payload_offset, 14u);
  EXPECT_EQ(link->payload.size(), 46u);  // Ethernet II has no length: padding stays
}

TEST(LinkParse, DecodesVoiceVlanTag) {
  // Voice VLAN 100, PCP 5: 81 00 a0 64 (reference section 3).
  VlanTag voice{ethertype::kVlan, 5, false, 100};
  ByteVector frame = build_ethernet({Mac::broadcast(), kPhone, {voice}}, ethertype::kIpv4, {});
  EXPECT_EQ(to_hex(Bytes(frame).subspan(12, 6)), "8100a0640800");
  auto link = parse_link(LinkType::ethernet, frame);
  ASSERT_TRUE(link);
  ASSERT_EQ(link->vlans.size(), 1u);
  EXPECT_EQ(link->vlans[0], voice);
  EXPECT_EQ(link->ethertype, ethertype::kIpv4);
  EXPECT_EQ(link->payload_offset, 18u);
}

TEST(LinkParse, DecodesQinQAndDei) {
  ByteVector frame = build_ethernet(
      {Mac::broadcast(), kPhone, {{ethertype::kQinQ, 1, true, 4000}, {ethertype::kVlan, 3, false, 7}}},
      ethertype::kArp, {});
  auto link = parse_link(LinkType::ethernet, frame);
  ASSERT_TRUE(link);
  ASSERT_EQ(link->vlans.size(), 2u);
  EXPECT_EQ(link->vlans[0], (VlanTag{ethertype::kQinQ, 1, true, 4000}));
  EXPECT_EQ(link->vlans[1].vid, 7);
  EXPECT_EQ(link->ethertype, ethertype::kArp);
}

TEST(LinkParse, DecodesLlcSnapAndCutsPadding) {
  const ByteVector pdu = {0x02, 0xb4, 0x00, 0x00};
  ByteVector frame = build_llc_snap({*Mac::parse("01:00:0c:cc:cc:cc"), kSwitch, {}},
                                    Snap{0x00000c, 0x2000}, pdu);
  EXPECT_EQ(frame.size(), 60u);
  EXPECT_EQ(to_hex(Bytes(frame).subspan(12, 10)), "000caaaa0300000c2000");
  auto link = parse_link(LinkType::ethernet, frame);
  ASSERT_TRUE(link);
  EXPECT_EQ(link->ethertype, 0);
  ASSERT_TRUE(link->llc);
  ASSERT_TRUE(link->llc->snap);
  EXPECT_EQ(link->llc->snap->oui, 0x00000cu);
  EXPECT_EQ(link->llc->snap->pid, 0x2000);
  EXPECT_EQ(to_hex(link->payload), "02b40000");
  EXPECT_EQ(link->payload_offset, 22u);
}

// Real capture: CDP from a Cisco WS-C2970G inside an 802.1Q tag (VLAN 1), 802.3 + SNAP.
TEST(LinkParse, DecodesTaggedCdpFromCisco2970Capture) {
  auto pcap = read_pcap(vector_path("cdp_8021q_cisco2970.pcap"));
  ASSERT_EQ(pcap.records.size(), 1u);
  auto link = parse_link(pcap.link_type, pcap.records[0].bytes);
  ASSERT_TRUE(link) << link.error().to_string();
  ASSERT_EQ(link->vlans.size(), 1u);
  EXPECT_EQ(link->vlans[0].vid, 1);
  ASSERT_TRUE(link->llc && link->llc->snap);
  EXPECT_EQ(link->llc->snap->pid, 0x2000);
  EXPECT_EQ(link->payload.size(), 375u);  // odd-length PDU, per the capture's README
  EXPECT_EQ(link->payload[0], 0x02);      // CDP version 2
}

TEST(LinkParse, DecodesLinuxCookedCapture) {
  const ByteVector ip = {0x45, 0x00};
  ByteVector frame = build_linux_sll(4, kPhone, ethertype::kIpv4, ip);
  auto link = parse_link(LinkType::linux_sll, frame);
  ASSERT_TRUE(link);
  EXPECT_EQ(link->sll_packet_type, 4);
  EXPECT_EQ(link->src, kPhone);
  EXPECT_FALSE(link->dst);
  EXPECT_EQ(link->ethertype, ethertype::kIpv4);
  EXPECT_EQ(link->payload_offset, 16u);
}

TEST(LinkParse, DecodesLinuxCookedV2WithVlan) {
  // SLL2: protocol 0x8100, reserved, ifindex 3, ARPHRD 1, packet type 0, addr len 6.
  ByteVector frame = hex("8100 0000 00000003 0001 00 06 001e4a000001 0000 a064 0800 4500");
  auto link = parse_link(LinkType::linux_sll2, frame);
  ASSERT_TRUE(link) << link.error().to_string();
  EXPECT_EQ(link->src, kPhone);
  ASSERT_EQ(link->vlans.size(), 1u);
  EXPECT_EQ(link->vlans[0].vid, 100);
  EXPECT_EQ(link->ethertype, ethertype::kIpv4);
  EXPECT_EQ(link->payload_offset, 24u);
}

TEST(LinkParse, DecodesRawIp) {
  const ByteVector v4 = {0x45, 0x00};
  const ByteVector v6 = {0x60, 0x00};
  EXPECT_EQ(parse_link(LinkType::raw, v4)->ethertype, ethertype::kIpv4);
  EXPECT_EQ(parse_link(LinkType::raw, v6)->ethertype, ethertype::kIpv6);
  EXPECT_EQ(parse_link(LinkType::ipv4, v4)->ethertype, ethertype::kIpv4);
}

// Malformed link-layer inputs, each with its exact error.
struct Malformed {
  const char* name;
  LinkType type;
  const char* hex;
  ParseError error;
};

class LinkMalformed : public ::testing::TestWithParam<Malformed> {};

TEST_P(LinkMalformed, ReportsExactError) {
  const Malformed& m = GetParam();
  ByteVector frame = hex(m.hex);
  auto link = parse_link(m.type, frame);
  ASSERT_FALSE(link) << m.name;
  EXPECT_EQ(link.error(), m.error) << m.name << ": " << link.error().to_string();
}

INSTANTIATE_TEST_SUITE_P(
    AllLinkTypes, LinkMalformed,
    ::testing::Values(
        Malformed{"empty", LinkType::ethernet, "", {0, "Ethernet destination: needs 6 bytes, 0 left"}},
        Malformed{"short source", LinkType::ethernet, "ffffffffffff 0011", {6, "Ethernet source: needs 6 bytes, 2 left"}},
        Malformed{"no type", LinkType::ethernet, "ffffffffffff 001e4a000001 08", {12, "Ethernet type/length: needs 2 bytes, 1 left"}},
        Malformed{"truncated tag", LinkType::ethernet, "ffffffffffff 001e4a000001 8100 a0", {14, "802.1Q tag control: needs 2 bytes, 1 left"}},
        Malformed{"five tags", LinkType::ethernet,
                  "ffffffffffff 001e4a000001 8100 0001 8100 0002 8100 0003 8100 0004 8100 0005 0800",
                  {28, "802.1Q: more than 4 stacked VLAN tags"}},
        Malformed{"802.3 length past end", LinkType::ethernet, "01000ccccccc 001e4a000001 0040 aaaa03", {12, "802.3 length 64 runs past the end (3 bytes left)"}},
        Malformed{"short SNAP", LinkType::ethernet, "01000ccccccc 001e4a000001 0005 aaaa03 0000", {17, "SNAP OUI: needs 3 bytes, 2 left"}},
        Malformed{"I-format LLC", LinkType::ethernet, "01000ccccccc 001e4a000001 0004 4242 00 00", {16, "LLC: two-byte I/S-format control 0x00 is not supported"}},
        Malformed{"short SLL", LinkType::linux_sll, "0000 0001 0006 001e4a00", {6, "SLL address: needs 8 bytes, 4 left"}},
        Malformed{"short SLL2", LinkType::linux_sll2, "0800 0000", {2, "SLL2 reserved and interface index: needs 6 bytes, 2 left"}},
        Malformed{"raw empty", LinkType::raw, "", {0, "raw IP: empty packet"}},
        Malformed{"raw version 5", LinkType::raw, "50", {0, "raw IP: version 5 is not IPv4 or IPv6"}},
        Malformed{"ipv4 link with v6", LinkType::ipv4, "60", {0, "raw IP: version 6 is not IPv4"}}),
    [](const auto& info) {
      std::string name = info.param.name;
      for (char& c : name) {
        if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
      }
      return name;
    });

TEST(LinkParse, RejectsUnknownLinkType) {
  const ByteVector frame = {0};
  auto link = parse_link(static_cast<LinkType>(9999), frame);
  ASSERT_FALSE(link);
  EXPECT_EQ(link.error(), (ParseError{0, "link type 9999 is not supported"}));
}

}  // namespace
}  // namespace phonerig::wire
