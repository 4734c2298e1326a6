// Offloads through the ethtool ioctl, checked with `ethtool -k`.
#include "tests/lab/netlink/netlink_lab.hpp"

#include <sys/socket.h>

#include "drivers/netlink/offloads.hpp"
#include "tests/support/netns.hpp"

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

// What the simulated switch and phones use on their own veths: every group off, the VLAN
// tag offloads included, with what cannot change left as it is.
TEST_F(NetlinkOffloads, FeaturesOffAlsoTurnsOffTheVlanTagOffloads) {
  api::Lease netns = make_namespace("offv");
  auto control = control_in(netns);
  auto veth = control->add_veth("v0", "v1", "");
  ASSERT_TRUE(veth) << veth.error().message;
  const std::string link = prefix_ + "v0";
  int fd = -1;
  {
    testing::NetnsGuard inside(netns.name());
    fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  }
  ASSERT_GE(fd, 0);
  auto off = features_off(fd, link, kOffPatterns, "");
  ::close(fd);
  ASSERT_TRUE(off) << off.error().message;
  const std::string shown = in(netns, "ethtool -k " + link);
  for (const char* feature : kFeatures) {
    EXPECT_EQ(lines_with(shown, std::string(feature) + ": off").size(), 1u)
        << feature << "\n" << shown;
  }
  for (const char* feature : {"rx-vlan-offload", "tx-vlan-offload"}) {
    EXPECT_EQ(lines_with(shown, std::string(feature) + ": off").size(), 1u)
        << feature << "\n" << shown;
  }
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
