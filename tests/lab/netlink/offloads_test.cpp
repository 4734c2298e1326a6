// Offloads through the ethtool ioctl, checked with `ethtool -k`.
#include "tests/lab/netlink/netlink_lab.hpp"

namespace phonerig::netlink::lab {
namespace {

class NetlinkOffloads : public NetlinkLab {};

const char* const kFeatures[] = {"rx-checksumming", "tx-checksumming",
                                 "tcp-segmentation-offload", "generic-segmentation-offload",
                                 "generic-receive-offload"};

TEST_F(NetlinkOffloads, AllOffShowsOffInEthtoolAndTurnBackOn) {
  api::Lease netns = make_namespace("offl");
  auto control = control_in(netns);
  auto veth = control->add_veth("o0", "o1", "");
  ASSERT_TRUE(veth) << veth.error().message;
  const std::string link = prefix_ + "o0";

  ASSERT_TRUE(control->set_offloads(link, api::Offloads::all_off()));
  std::string shown = in(netns, "ethtool -k " + link);
  for (const char* feature : kFeatures) {
    EXPECT_EQ(lines_with(shown, std::string(feature) + ": off").size(), 1u)
        << feature << "\n" << shown;
  }
  auto state = control->offloads(link);
  ASSERT_TRUE(state);
  EXPECT_EQ(*state, OffloadState{});

  api::Offloads on;
  on.tx_checksum = on.rx_checksum = on.tso = on.gso = on.gro = true;
  auto set = control->set_offloads(link, on);
  ASSERT_TRUE(set) << set.error().message;
  shown = in(netns, "ethtool -k " + link);
  for (const char* feature : kFeatures) {
    EXPECT_EQ(lines_with(shown, std::string(feature) + ": on").size(), 1u)
        << feature << "\n" << shown;
  }
}

TEST_F(NetlinkOffloads, UnsetFeaturesAreLeftAsTheyAre) {
  api::Lease netns = make_namespace("offp");
  auto control = control_in(netns);
  auto veth = control->add_veth("p0", "p1", "");
  ASSERT_TRUE(veth) << veth.error().message;
  const std::string link = prefix_ + "p0";
  auto before = control->offloads(link);
  ASSERT_TRUE(before) << before.error().message;
  api::Offloads gro_only;
  gro_only.gro = !before->gro;
  ASSERT_TRUE(control->set_offloads(link, gro_only));
  OffloadState expected = *before;
  expected.gro = !before->gro;
  EXPECT_EQ(control->offloads(link).value(), expected);
}

TEST_F(NetlinkOffloads, OnAMissingLinkFailNamingTheFeatureAndErrno) {
  api::Lease netns = make_namespace("offm");
  auto control = control_in(netns);
  auto set = control->set_offloads(prefix_ + "gone", api::Offloads::all_off());
  ASSERT_FALSE(set);
  EXPECT_EQ(set.error().message, "count features (SIOCETHTOOL GSSET_INFO) of link '" + prefix_ +
                                     "gone' in netns '" + netns.name() +
                                     "': No such device [ENODEV]");
}

}  // namespace
}  // namespace phonerig::netlink::lab
