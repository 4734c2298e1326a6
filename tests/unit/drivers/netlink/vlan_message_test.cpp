// The 802.1Q link request, byte for byte against what iproute2 sends. The kernels here have
// no 802.1Q module, so these bytes are the test of record (DESIGN.md, "What the machines
// here have"); the lab test sends them where the kernel can take them.
#include "drivers/netlink/vlan_message.hpp"

#include <gtest/gtest.h>

#include <bit>

#include "drivers/netlink/error.hpp"

namespace phonerig::netlink {
namespace {

// iproute2 6.1.0, `ip link add link nlp-a name nlp-a.100 type vlan id 100` with nlp-a at
// ifindex 3, captured with `strace -e trace=sendmsg -e write=3` (Linux 6.18, x86-64):
//   nlmsghdr   len 80, RTM_NEWLINK (16), REQUEST|ACK|EXCL|CREATE (0x605), seq 0x6b071942
//   ifinfomsg  all zero
//   IFLA_LINK (5)       u32 3
//   IFLA_IFNAME (3)     "nlp-a.100\0", padded to 4
//   IFLA_LINKINFO (18)  { IFLA_INFO_KIND (1) "vlan" (no NUL), IFLA_INFO_DATA (2) {
//                         IFLA_VLAN_ID (1) u16 100, padded } }
const Bytes kIpLinkAddVlan100 = {
    0x50, 0x00, 0x00, 0x00, 0x10, 0x00, 0x05, 0x06, 0x42, 0x19, 0x07, 0x6b, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x08, 0x00, 0x05, 0x00, 0x03, 0x00, 0x00, 0x00, 0x0e, 0x00, 0x03, 0x00, 0x6e, 0x6c, 0x70, 0x2d,
    0x61, 0x2e, 0x31, 0x30, 0x30, 0x00, 0x00, 0x00, 0x18, 0x00, 0x12, 0x00, 0x08, 0x00, 0x01, 0x00,
    0x76, 0x6c, 0x61, 0x6e, 0x0c, 0x00, 0x02, 0x00, 0x06, 0x00, 0x01, 0x00, 0x64, 0x00, 0x00, 0x00,
};

class NetlinkVlanRequest : public ::testing::Test {
 protected:
  void SetUp() override {
    if constexpr (std::endian::native != std::endian::little) {
      GTEST_SKIP() << "the captured bytes are little-endian; netlink is in host order";
    }
  }
};

TEST_F(NetlinkVlanRequest, MatchesTheBytesIpLinkAddSends) {
  auto request = vlan_link_request(VlanLinkRequest{"nlp-a.100", 3, 100, 0x6b071942});
  ASSERT_TRUE(request) << request.error().message;
  EXPECT_EQ(*request, kIpLinkAddVlan100);
}

TEST_F(NetlinkVlanRequest, LeavesSequenceZeroForTheSocketToNumber) {
  auto request = vlan_link_request(VlanLinkRequest{"nlp-a.100", 3, 100});
  ASSERT_TRUE(request);
  Bytes expected = kIpLinkAddVlan100;
  std::fill(expected.begin() + 8, expected.begin() + 12, 0);
  EXPECT_EQ(*request, expected);
}

TEST_F(NetlinkVlanRequest, PutsTheIdAsLittleEndianU16InIflaVlanId) {
  auto request = vlan_link_request(VlanLinkRequest{"t.4094", 7, 4094});
  ASSERT_TRUE(request);
  const Bytes& bytes = *request;
  // IFLA_VLAN_ID is the last attribute: 06 00 01 00, then the id, then 2 bytes of padding.
  ASSERT_GE(bytes.size(), 8u);
  const Bytes tail(bytes.end() - 8, bytes.end());
  EXPECT_EQ(tail, (Bytes{0x06, 0x00, 0x01, 0x00, 0xfe, 0x0f, 0x00, 0x00}));
  EXPECT_EQ(bytes[36], 7);  // IFLA_LINK value
}

TEST_F(NetlinkVlanRequest, RejectsTheNullVidAndTheReservedVid) {
  for (std::uint16_t id : {0, 4095}) {
    auto request = vlan_link_request(VlanLinkRequest{"trunk.x", 3, id});
    ASSERT_FALSE(request);
    EXPECT_EQ(request.error().fault, api::Fault::config);
    EXPECT_EQ(request.error().message,
              "build vlan link 'trunk.x': VLAN id " + std::to_string(id) +
                  " is outside 1-4094 (IEEE 802.1Q table 9-2)");
  }
}

TEST_F(NetlinkVlanRequest, RejectsANameLongerThanTheKernelTakes) {
  auto request = vlan_link_request(VlanLinkRequest{"sixteen-chars-xx", 3, 100});
  ASSERT_FALSE(request);
  EXPECT_EQ(request.error().message,
            "name link 'sixteen-chars-xx': the name has 16 characters, the kernel takes 15");
}

TEST_F(NetlinkVlanRequest, RejectsAMissingParent) {
  auto request = vlan_link_request(VlanLinkRequest{"v100", 0, 100});
  ASSERT_FALSE(request);
  EXPECT_EQ(request.error().message, "build vlan link 'v100': no parent link index");
}

}  // namespace
}  // namespace phonerig::netlink
