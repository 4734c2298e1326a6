// 802.1Q interfaces on a trunk link. The machines here have no 802.1Q module, so the create
// test skips, printing the kernel's answer; the request's bytes are unit-tested.
#include <cerrno>

#include "tests/lab/netlink/netlink_lab.hpp"

namespace phonerig::netlink::lab {
namespace {

class NetlinkVlan : public NetlinkLab {};

TEST_F(NetlinkVlan, InterfaceOnATrunkShowsItsIdAndProtocolAndGoesWithItsLease) {
  api::Lease netns = make_namespace("vlan");
  auto control = control_in(netns);
  auto trunk = control->add_veth("trunk", "far", "");
  ASSERT_TRUE(trunk) << trunk.error().message;
  auto vlan = control->add_vlan("v100", prefix_ + "trunk", 100);
  if (!vlan && failed_with(vlan.error(), EOPNOTSUPP)) {
    GTEST_SKIP() << "this kernel has no 802.1Q VLAN devices (no 8021q module): "
                 << vlan.error().message;
  }
  ASSERT_TRUE(vlan) << vlan.error().message;
  const std::string name = prefix_ + "v100";
  std::string shown = in(netns, "ip -d link show " + name);
  EXPECT_NE(shown.find(name + "@" + prefix_ + "trunk"), std::string::npos) << shown;
  EXPECT_NE(shown.find("vlan protocol 802.1Q id 100"), std::string::npos) << shown;

  ASSERT_TRUE(vlan->release());
  EXPECT_EQ(lines_with(in(netns, "ip -o link"), name), std::vector<std::string>{});
}

TEST_F(NetlinkVlan, MissingTrunkFailsNamingIt) {
  api::Lease netns = make_namespace("vlanm");
  auto control = control_in(netns);
  auto vlan = control->add_vlan("v5", prefix_ + "none", 5);
  ASSERT_FALSE(vlan);
  EXPECT_EQ(vlan.error().message, "look up link '" + prefix_ + "none' in netns '" + netns.name() +
                                      "': No such device [ENODEV]");
}

// lo refuses VLANs everywhere (NETIF_F_VLAN_CHALLENGED), and kernels without 802.1Q refuse
// the kind: EOPNOTSUPP either way, and nothing recorded.
TEST_F(NetlinkVlan, RefusedCreateNamesTheVlanAndLeavesNothingInTheLedger) {
  api::Lease netns = make_namespace("vlanl");
  auto control = control_in(netns);
  auto vlan = control->add_vlan("v7", "lo", 7);
  ASSERT_FALSE(vlan);
  EXPECT_EQ(vlan.error().message.rfind("create vlan link '" + prefix_ + "v7' in netns '" +
                                           netns.name() +
                                           "' on 'lo' (id 7): Operation not supported "
                                           "[EOPNOTSUPP]",
                                       0),
            0u)
      << vlan.error().message;
  EXPECT_EQ(live_ledger_entries(), "netns '" + netns.name() + "'; ");
}

}  // namespace
}  // namespace phonerig::netlink::lab
