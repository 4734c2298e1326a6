// The core's forwarding: per-VLAN learning, flooding, aging, link state, the tag each port
// kind puts on, and mirror (SPAN) copies tagged as on a trunk.
#include "lab/sim/switch/switch_core.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "tests/unit/lab/sim/switch/sim_switch_test_support.hpp"

namespace phonerig::sim::sw {
namespace {

using namespace testing;
using ::testing::ElementsAre;
using ::testing::UnorderedElementsAre;

TEST(SimSwitchForwarding, FloodsAnUnknownDataFrameWithinTheDataVlan) {
  SwitchCore core(lab_config());
  auto out = core.ingress(kPhone2, udp_frame(mac(2), mac(9)), std::nullopt, at(1));
  // Phone 1 (access), trunk (native), rig VLAN 10; not the voice rig port, not back to phone 2.
  // Phone 1 is mirrored, so the mirror port has a copy.
  EXPECT_THAT(ports_of(out), UnorderedElementsAre(kPhone1, kTrunk, kRigData, kMirror));
  for (const auto& o : out) {
    if (o.port == kMirror) {
      EXPECT_EQ(tag_of(o.bytes)->vid, kData);
    } else {
      EXPECT_FALSE(tag_of(o.bytes)) << "port " << o.port;
    }
    EXPECT_EQ(o.due, at(1));
  }
  EXPECT_EQ(core.counters().flooded, 1u);
}

TEST(SimSwitchForwarding, FloodsVoiceFramesTaggedToPhonesAndTrunkUntaggedToTheRig) {
  SwitchCore core(lab_config());
  auto out = core.ingress(kPhone1, udp_frame(mac(1), wire::Mac::broadcast()), tag(kVoice, 5), at(1));
  EXPECT_THAT(ports_of(out), UnorderedElementsAre(kPhone2, kTrunk, kRigVoice, kMirror));
  EXPECT_EQ(tag_of(to(out, kPhone2)[0].bytes)->vid, kVoice);
  EXPECT_EQ(tag_of(to(out, kPhone2)[0].bytes)->pcp, 5);
  EXPECT_EQ(tag_of(to(out, kTrunk)[0].bytes)->vid, kVoice);
  EXPECT_FALSE(tag_of(to(out, kRigVoice)[0].bytes));
  EXPECT_EQ(tag_of(to(out, kMirror)[0].bytes)->vid, kVoice);
}

TEST(SimSwitchForwarding, TagInTheBytesWorksLikeTheAuxTag) {
  SwitchCore a(lab_config());
  SwitchCore b(lab_config());
  auto via_aux = a.ingress(kPhone1, udp_frame(mac(1), mac(9)), tag(kVoice, 5), at(1));
  auto via_bytes = b.ingress(kPhone1, udp_frame(mac(1), mac(9), tag(kVoice, 5)), std::nullopt, at(1));
  ASSERT_EQ(via_aux.size(), via_bytes.size());
  for (std::size_t i = 0; i < via_aux.size(); ++i) {
    EXPECT_EQ(via_aux[i].port, via_bytes[i].port);
    EXPECT_EQ(via_aux[i].bytes, via_bytes[i].bytes);
  }
}

TEST(SimSwitchForwarding, DropsAnAccessFrameTaggedWithAForeignVlan) {
  SwitchCore core(lab_config());
  EXPECT_TRUE(core.ingress(kPhone1, udp_frame(mac(1), mac(9)), tag(200), at(1)).empty());
  EXPECT_EQ(core.counters().dropped_vlan, 1u);
}

TEST(SimSwitchForwarding, PriorityTaggedFrameGoesToTheDataVlan) {
  SwitchCore core(lab_config());
  auto out = core.ingress(kPhone2, udp_frame(mac(2), mac(9)), tag(0, 5), at(1));
  EXPECT_THAT(ports_of(out), UnorderedElementsAre(kPhone1, kTrunk, kRigData, kMirror));
}

TEST(SimSwitchForwarding, LearnsTheSourceAndForwardsTheReplyToOnePort) {
  SwitchCore core(lab_config());
  core.ingress(kPhone2, udp_frame(mac(2), mac(3)), tag(kVoice), at(1));
  auto reply = core.ingress(kRigVoice, udp_frame(mac(3), mac(2)), std::nullopt, at(2));
  ASSERT_THAT(ports_of(reply), ElementsAre(kPhone2));
  EXPECT_EQ(tag_of(reply[0].bytes)->vid, kVoice);
  // And the rig's MAC is learned too: phone 2 -> rig is unicast.
  auto again = core.ingress(kPhone2, udp_frame(mac(2), mac(3)), tag(kVoice), at(3));
  EXPECT_THAT(ports_of(again), ElementsAre(kRigVoice));
}

TEST(SimSwitchForwarding, LearnsPerVlan) {
  SwitchCore core(lab_config());
  core.ingress(kPhone2, udp_frame(mac(2), mac(3)), tag(kVoice), at(1));
  // The same MAC is unknown in the data VLAN: flooded there.
  auto out = core.ingress(kRigData, udp_frame(mac(3), mac(2)), std::nullopt, at(2));
  EXPECT_THAT(ports_of(out), UnorderedElementsAre(kPhone1, kPhone2, kTrunk, kMirror));
}

TEST(SimSwitchForwarding, NeverSendsBackToTheIngressPort) {
  SwitchCore core(lab_config());
  core.ingress(kPhone2, udp_frame(mac(2), mac(3)), std::nullopt, at(1));
  // mac(4) on the same port talks to mac(2): filtered.
  EXPECT_TRUE(core.ingress(kPhone2, udp_frame(mac(4), mac(2)), std::nullopt, at(2)).empty());
  EXPECT_EQ(core.counters().filtered, 1u);
}

TEST(SimSwitchForwarding, ForgetsAMacAfterTheAgingTime) {
  auto config = lab_config();
  config.aging = std::chrono::seconds(300);
  SwitchCore core(config);
  core.ingress(kPhone2, udp_frame(mac(2), mac(3)), std::nullopt, at(0));
  EXPECT_THAT(ports_of(core.ingress(kRigData, udp_frame(mac(3), mac(2)), std::nullopt, at(299))),
              ElementsAre(kPhone2));
  auto out = core.ingress(kRigData, udp_frame(mac(3), mac(2)), std::nullopt, at(300));
  EXPECT_THAT(ports_of(out), UnorderedElementsAre(kPhone1, kPhone2, kTrunk, kMirror));
  core.tick(at(1000));
  EXPECT_EQ(core.mac_table().size(), 0u);
}

TEST(SimSwitchForwarding, AMacThatMovesIsLearnedOnItsNewPort) {
  SwitchCore core(lab_config());
  core.ingress(kPhone2, udp_frame(mac(2), mac(3)), std::nullopt, at(1));
  core.ingress(kPhone1, udp_frame(mac(2), mac(3)), std::nullopt, at(2));
  auto out = core.ingress(kRigData, udp_frame(mac(3), mac(2)), std::nullopt, at(3));
  EXPECT_THAT(ports_of(out), UnorderedElementsAre(kPhone1, kMirror));
}

TEST(SimSwitchForwarding, LinkDownStopsTrafficBothWaysAndForgetsItsMacs) {
  SwitchCore core(lab_config());
  core.ingress(kPhone2, udp_frame(mac(2), mac(3)), std::nullopt, at(1));
  core.set_link(kPhone2, false, at(2));
  EXPECT_FALSE(core.link_up(kPhone2));
  EXPECT_TRUE(core.ingress(kPhone2, udp_frame(mac(2), mac(3)), std::nullopt, at(3)).empty());
  EXPECT_EQ(core.counters().dropped_link, 1u);
  auto out = core.ingress(kRigData, udp_frame(mac(3), mac(2)), std::nullopt, at(4));
  EXPECT_THAT(ports_of(out), UnorderedElementsAre(kPhone1, kTrunk, kMirror));
  core.set_link(kPhone2, true, at(5));
  EXPECT_TRUE(core.link_up(kPhone2));
}

TEST(SimSwitchForwarding, MirrorCopiesFramesSentToAMirroredPortOnce) {
  SwitchCore core(lab_config());
  core.ingress(kPhone1, udp_frame(mac(1), mac(3)), tag(kVoice, 5), at(1));
  auto out = core.ingress(kRigVoice, udp_frame(mac(3), mac(1)), std::nullopt, at(2));
  EXPECT_THAT(ports_of(out), UnorderedElementsAre(kPhone1, kMirror));
  auto copy = to(out, kMirror);
  ASSERT_EQ(copy.size(), 1u);
  EXPECT_EQ(tag_of(copy[0].bytes)->vid, kVoice);
  EXPECT_EQ(core.counters().mirrored, 2u);
}

TEST(SimSwitchForwarding, TrafficBetweenUnmirroredPortsIsNotMirrored) {
  SwitchCore core(lab_config());
  core.ingress(kPhone2, udp_frame(mac(2), mac(3)), tag(kVoice), at(1));
  auto out = core.ingress(kRigVoice, udp_frame(mac(3), mac(2)), std::nullopt, at(2));
  EXPECT_THAT(ports_of(out), ElementsAre(kPhone2));
}

TEST(SimSwitchForwarding, MirrorPortIngressIsDropped) {
  SwitchCore core(lab_config());
  EXPECT_TRUE(core.ingress(kMirror, udp_frame(mac(7), mac(9)), std::nullopt, at(1)).empty());
}

TEST(SimSwitchForwarding, RejectsAVoiceVlanEqualToTheDataVlan) {
  auto config = lab_config();
  config.ports[kPhone1].voice_vlan = kData;
  EXPECT_THROW(SwitchCore{config}, std::invalid_argument);
}

TEST(SimSwitchForwarding, FindsPortsByEveryName) {
  SwitchCore core(lab_config());
  EXPECT_EQ(core.find_port("sw-p2"), kPhone2);
  EXPECT_EQ(core.find_port("Gi1/0/2"), kPhone2);
  EXPECT_EQ(core.find_port("GigabitEthernet1/0/47"), kTrunk);
  EXPECT_FALSE(core.find_port("Gi1/0/9"));
}

}  // namespace
}  // namespace phonerig::sim::sw
