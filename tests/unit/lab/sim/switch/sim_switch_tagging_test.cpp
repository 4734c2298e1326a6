// 802.1Q at the switch's edge: which VLAN a frame belongs to on each port kind, and the tag
// each port kind puts on or takes off (reference section 3).
#include "lab/sim/switch/tagging.hpp"

#include <gtest/gtest.h>

#include "tests/unit/lab/sim/switch/sim_switch_test_support.hpp"

namespace phonerig::sim::sw {
namespace {

using namespace testing;

PortConfig port(PortIndex i) { return lab_config().ports[i]; }

TEST(SimSwitchTagging, NormalizeTakesTheTagOutOfTheBytes) {
  auto bytes = udp_frame(mac(1), mac(2), tag(kVoice, 5));
  auto frame = normalize(bytes, std::nullopt);
  ASSERT_TRUE(frame);
  ASSERT_TRUE(frame->tag);
  EXPECT_EQ(frame->tag->vid, kVoice);
  EXPECT_EQ(frame->tag->pcp, 5);
  EXPECT_EQ(frame->bytes.size(), bytes.size() - 4);
  EXPECT_EQ(frame->bytes[12], 0x08);  // IPv4 follows the MACs
  EXPECT_EQ(frame->bytes[13], 0x00);
  EXPECT_EQ(frame->src(), mac(1));
  EXPECT_EQ(frame->dst(), mac(2));
}

TEST(SimSwitchTagging, NormalizeTakesTheAuxDataTagAndKeepsTheBytes) {
  auto bytes = udp_frame(mac(1), mac(2));
  auto frame = normalize(bytes, tag(kVoice, 5));
  ASSERT_TRUE(frame);
  EXPECT_EQ(frame->bytes, bytes);
  ASSERT_TRUE(frame->tag);
  EXPECT_EQ(frame->tag->vid, kVoice);
}

TEST(SimSwitchTagging, NormalizeRejectsRunts) {
  wire::ByteVector runt(13, 0);
  EXPECT_FALSE(normalize(runt, std::nullopt));
  wire::ByteVector cut_tag(16, 0);
  cut_tag[12] = 0x81;
  EXPECT_FALSE(normalize(cut_tag, std::nullopt));
}

TEST(SimSwitchTagging, AccessPortPutsUntaggedAndPriorityTaggedInTheDataVlan) {
  EXPECT_EQ(classify(port(kPhone1), std::nullopt), kData);
  EXPECT_EQ(classify(port(kPhone1), tag(0, 5)), kData);
}

TEST(SimSwitchTagging, AccessPortAcceptsTheVoiceVlanTagged) {
  EXPECT_EQ(classify(port(kPhone1), tag(kVoice, 5)), kVoice);
}

TEST(SimSwitchTagging, AccessPortDropsAnyOtherTag) {
  EXPECT_FALSE(classify(port(kPhone1), tag(kData)));
  EXPECT_FALSE(classify(port(kPhone1), tag(200)));
}

TEST(SimSwitchTagging, TrunkTakesTaggedVlansAndUntaggedInTheNative) {
  EXPECT_EQ(classify(port(kTrunk), tag(kVoice)), kVoice);
  EXPECT_EQ(classify(port(kTrunk), tag(300)), 300);
  EXPECT_EQ(classify(port(kTrunk), std::nullopt), kData);
  auto no_native = port(kTrunk);
  no_native.native_vlan.reset();
  EXPECT_FALSE(classify(no_native, std::nullopt));
  auto pruned = port(kTrunk);
  pruned.allowed = {kVoice};
  EXPECT_FALSE(classify(pruned, tag(300)));
  EXPECT_EQ(classify(pruned, tag(kVoice)), kVoice);
}

TEST(SimSwitchTagging, RigPortTakesOnlyUntaggedFrames) {
  EXPECT_EQ(classify(port(kRigVoice), std::nullopt), kVoice);
  EXPECT_FALSE(classify(port(kRigVoice), tag(kVoice)));
}

TEST(SimSwitchTagging, MirrorPortTakesNothing) {
  EXPECT_FALSE(classify(port(kMirror), std::nullopt));
  EXPECT_FALSE(classify(port(kMirror), tag(kData)));
}

TEST(SimSwitchTagging, AccessPortSendsDataUntaggedAndVoiceTaggedKeepingPriority) {
  auto frame = *normalize(udp_frame(mac(1), mac(2), tag(kVoice, 5)), std::nullopt);
  auto voice = encode(port(kPhone1), kVoice, frame);
  auto t = tag_of(voice);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->vid, kVoice);
  EXPECT_EQ(t->pcp, 5);
  auto data = encode(port(kPhone1), kData, frame);
  EXPECT_FALSE(tag_of(data));
  EXPECT_EQ(data, frame.bytes);
}

TEST(SimSwitchTagging, TrunkTagsAllButTheNativeVlan) {
  auto frame = *normalize(udp_frame(mac(1), mac(2)), std::nullopt);
  EXPECT_FALSE(tag_of(encode(port(kTrunk), kData, frame)));
  EXPECT_EQ(tag_of(encode(port(kTrunk), kVoice, frame))->vid, kVoice);
}

TEST(SimSwitchTagging, MirrorTagsEveryVlanIncludingTheData) {
  auto frame = *normalize(udp_frame(mac(1), mac(2)), std::nullopt);
  EXPECT_EQ(tag_of(encode(port(kMirror), kData, frame))->vid, kData);
  EXPECT_EQ(tag_of(encode(port(kMirror), kVoice, frame))->vid, kVoice);
}

TEST(SimSwitchTagging, UntaggingPadsToTheEthernetMinimum) {
  wire::ByteVector tagged(60, 0);
  for (int i = 0; i < 6; ++i) tagged[static_cast<std::size_t>(i)] = 0xff;
  tagged[6] = 0x02;
  tagged[12] = 0x81;
  tagged[14] = 0x00;
  tagged[15] = kVoice;
  tagged[16] = 0x08;
  tagged[17] = 0x06;
  auto frame = *normalize(tagged, std::nullopt);
  EXPECT_EQ(frame.bytes.size(), 56u);
  EXPECT_EQ(encode(port(kRigVoice), kVoice, frame).size(), 60u);
}

TEST(SimSwitchTagging, CarriesFollowsThePortKind) {
  EXPECT_TRUE(carries(port(kPhone1), kData));
  EXPECT_TRUE(carries(port(kPhone1), kVoice));
  EXPECT_FALSE(carries(port(kPhone1), 300));
  EXPECT_TRUE(carries(port(kTrunk), 300));
  EXPECT_TRUE(carries(port(kRigData), kData));
  EXPECT_FALSE(carries(port(kRigData), kVoice));
  EXPECT_FALSE(carries(port(kMirror), kData));
  EXPECT_FALSE(carries(port(kTrunk), 0));
  EXPECT_FALSE(carries(port(kTrunk), 4095));
}

}  // namespace
}  // namespace phonerig::sim::sw
