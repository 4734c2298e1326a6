// The 802.1Q tag the kernel reported beside a received frame goes back into its bytes where
// a capture shows it (IEEE 802.1Q: after the source MAC). The socket half (receive_raw on a
// veth) is exercised by the discovery, simulated switch and phone tests in namespaces.
#include "drivers/services/common/packet_io.hpp"

#include <gtest/gtest.h>

namespace phonerig::services {
namespace {

wire::ByteVector untagged() {
  wire::ByteVector frame = {0x01, 0x00, 0x0c, 0xcc, 0xcc, 0xcc,   // dst
                            0x00, 0x1e, 0x4a, 0x00, 0x00, 0x01,   // src
                            0x08, 0x00, 0x45, 0x00};              // type, payload
  return frame;
}

TEST(PacketIo, ATagGoesBackAfterTheSourceMacWithItsPriorityAndDei) {
  wire::VlanTag tag;
  tag.pcp = 5;
  tag.dei = true;
  tag.vid = 100;
  const auto frame = untagged();
  const auto tagged = with_tag(frame, tag);
  ASSERT_EQ(tagged.size(), frame.size() + 4);
  EXPECT_EQ(wire::ByteVector(tagged.begin(), tagged.begin() + 12),
            wire::ByteVector(frame.begin(), frame.begin() + 12));
  // TPID 0x8100, TCI = 101 1 000001100100
  EXPECT_EQ(wire::ByteVector(tagged.begin() + 12, tagged.begin() + 16),
            (wire::ByteVector{0x81, 0x00, 0xb0, 0x64}));
  EXPECT_EQ(wire::ByteVector(tagged.begin() + 16, tagged.end()),
            wire::ByteVector(frame.begin() + 12, frame.end()));
  auto link = wire::parse_link(wire::LinkType::ethernet, tagged);
  ASSERT_TRUE(link.has_value());
  ASSERT_EQ(link->vlans.size(), 1u);
  EXPECT_EQ(link->vlans[0], tag);
  EXPECT_EQ(link->ethertype, 0x0800);
}

TEST(PacketIo, AnotherTpidIsKeptAndNoTagLeavesTheFrameAsItIs) {
  wire::VlanTag tag;
  tag.tpid = 0x88a8;
  tag.vid = 10;
  const auto tagged = with_tag(untagged(), tag);
  EXPECT_EQ(tagged[12], 0x88);
  EXPECT_EQ(tagged[13], 0xa8);
  EXPECT_EQ(with_tag(untagged(), std::nullopt), untagged());
  // Too short to hold two MACs: nothing to put a tag after.
  const wire::ByteVector runt = {1, 2, 3};
  EXPECT_EQ(with_tag(runt, tag), runt);
}

}  // namespace
}  // namespace phonerig::services
