// Fault injection per port and per VLAN: each impairment, deterministic under a fixed seed,
// and link flaps driven by tick().
#include "lab/sim/switch/switch_core.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <bit>

#include "drivers/wire/cdp.hpp"
#include "tests/unit/lab/sim/switch/sim_switch_test_support.hpp"

namespace phonerig::sim::sw {
namespace {

using namespace testing;
using ::testing::ElementsAre;
using ::testing::UnorderedElementsAre;
using std::chrono::milliseconds;

// A core where rig VLAN 100 -> phone 2 is learned unicast (no mirror copy, one output).
SwitchCore learned_core(std::uint64_t seed = 42) {
  auto config = lab_config();
  config.seed = seed;
  SwitchCore core(config);
  core.ingress(kPhone2, udp_frame(mac(2), mac(3)), tag(kVoice), at(0));
  return core;
}

api::Faults only_loss(double p) {
  api::Faults f;
  f.loss_percent = p;
  return f;
}

// The outputs of `n` frames rig -> phone 2, one every millisecond, each numbered in its
// last payload byte.
std::vector<Output> send_many(SwitchCore& core, int n) {
  std::vector<Output> all;
  for (int i = 0; i < n; ++i) {
    auto frame = udp_frame(mac(3), mac(2));
    frame[frame.size() - 1] = static_cast<std::uint8_t>(i);
    auto out = core.ingress(kRigVoice, frame, std::nullopt, at(1) + milliseconds(i));
    all.insert(all.end(), out.begin(), out.end());
  }
  return all;
}

TEST(SimSwitchFaults, FullLossOnAPortDropsEverythingInAndOut) {
  auto core = learned_core();
  ASSERT_TRUE(core.set_faults(api::FaultScope::of_port("Gi1/0/2"), only_loss(100)));
  EXPECT_TRUE(send_many(core, 10).empty());
  EXPECT_TRUE(core.ingress(kPhone2, udp_frame(mac(2), mac(3)), tag(kVoice), at(2)).empty());
  EXPECT_EQ(core.fault_counters().lost, 11u);
}

TEST(SimSwitchFaults, TwentyPercentLossIsTheSameUnderTheSameSeed) {
  auto a = learned_core(7);
  auto b = learned_core(7);
  auto c = learned_core(8);
  for (auto* core : {&a, &b, &c}) {
    ASSERT_TRUE(core->set_faults(api::FaultScope::of_port("sw-p2"), only_loss(20)));
  }
  auto out_a = send_many(a, 1000);
  auto out_b = send_many(b, 1000);
  auto out_c = send_many(c, 1000);
  EXPECT_GT(out_a.size(), 740u);
  EXPECT_LT(out_a.size(), 860u);
  ASSERT_EQ(out_a.size(), out_b.size());
  for (std::size_t i = 0; i < out_a.size(); ++i) EXPECT_EQ(out_a[i].bytes, out_b[i].bytes);
  // Another seed loses other frames.
  bool differs = out_a.size() != out_c.size();
  for (std::size_t i = 0; !differs && i < out_a.size(); ++i) differs = out_a[i].bytes != out_c[i].bytes;
  EXPECT_TRUE(differs);
}

TEST(SimSwitchFaults, VlanLossLeavesOtherVlansAlone) {
  SwitchCore core(lab_config());
  ASSERT_TRUE(core.set_faults(api::FaultScope::of_vlan(kVoice), only_loss(100)));
  EXPECT_TRUE(core.ingress(kPhone2, udp_frame(mac(2), mac(3)), tag(kVoice), at(1)).empty());
  EXPECT_THAT(ports_of(core.ingress(kPhone2, udp_frame(mac(2), mac(3)), std::nullopt, at(1))),
              UnorderedElementsAre(kPhone1, kTrunk, kRigData, kMirror));
  ASSERT_TRUE(core.set_faults(api::FaultScope::of_vlan(kVoice), api::Faults{}));
  EXPECT_FALSE(core.ingress(kPhone2, udp_frame(mac(2), mac(3)), tag(kVoice), at(2)).empty());
}

TEST(SimSwitchFaults, DelayMakesFramesDueLater) {
  auto core = learned_core();
  api::Faults f;
  f.delay = milliseconds(50);
  ASSERT_TRUE(core.set_faults(api::FaultScope::of_vlan(kVoice), f));
  auto out = core.ingress(kRigVoice, udp_frame(mac(3), mac(2)), std::nullopt, at(1));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].due, at(1) + milliseconds(50));
  EXPECT_EQ(core.fault_counters().delayed, 1u);
}

TEST(SimSwitchFaults, DuplicateSendsTwoCopies) {
  auto core = learned_core();
  api::Faults f;
  f.duplicate_percent = 100;
  ASSERT_TRUE(core.set_faults(api::FaultScope::of_port("sw-rig100"), f));
  auto out = core.ingress(kRigVoice, udp_frame(mac(3), mac(2)), std::nullopt, at(1));
  ASSERT_THAT(ports_of(out), ElementsAre(kPhone2, kPhone2));
  EXPECT_EQ(out[0].bytes, out[1].bytes);
}

TEST(SimSwitchFaults, PartialDuplicationIsDeterministic) {
  auto a = learned_core(3);
  auto b = learned_core(3);
  api::Faults f;
  f.duplicate_percent = 30;
  a.set_faults(api::FaultScope::of_port("sw-p2"), f);
  b.set_faults(api::FaultScope::of_port("sw-p2"), f);
  auto out_a = send_many(a, 500);
  auto out_b = send_many(b, 500);
  EXPECT_GT(out_a.size(), 600u);
  EXPECT_LT(out_a.size(), 700u);
  ASSERT_EQ(out_a.size(), out_b.size());
  for (std::size_t i = 0; i < out_a.size(); ++i) EXPECT_EQ(out_a[i].bytes, out_b[i].bytes);
}

TEST(SimSwitchFaults, CorruptFlipsOneBitAfterTheEthernetHeader) {
  auto core = learned_core();
  api::Faults f;
  f.corrupt_percent = 100;
  ASSERT_TRUE(core.set_faults(api::FaultScope::of_port("sw-p2"), f));
  auto sent = udp_frame(mac(3), mac(2));
  auto out = core.ingress(kRigVoice, sent, std::nullopt, at(1));
  ASSERT_EQ(out.size(), 1u);
  // Out of phone 2 voice is tagged: compare without the 4 tag bytes.
  auto got = normalize(out[0].bytes, std::nullopt)->bytes;
  ASSERT_EQ(got.size(), sent.size());
  int flipped = 0;
  for (std::size_t i = 0; i < sent.size(); ++i) {
    const auto diff = static_cast<unsigned>(got[i] ^ sent[i]);
    if (diff != 0) {
      EXPECT_GE(i, kEthernetHeader);
      flipped += std::popcount(diff);
    }
  }
  EXPECT_EQ(flipped, 1);
  // The same seed flips the same bit.
  auto again = learned_core();
  again.set_faults(api::FaultScope::of_port("sw-p2"), f);
  EXPECT_EQ(again.ingress(kRigVoice, sent, std::nullopt, at(1))[0].bytes, out[0].bytes);
}

TEST(SimSwitchFaults, ReorderHoldsSomeFramesBackSoLaterOnesPass) {
  auto core = learned_core(11);
  api::Faults f;
  f.reorder_percent = 25;
  f.reorder_gap = milliseconds(10);
  ASSERT_TRUE(core.set_faults(api::FaultScope::of_port("sw-p2"), f));
  auto out = send_many(core, 200);
  ASSERT_EQ(out.size(), 200u);
  int held = 0;
  bool overtaken = false;
  for (std::size_t i = 0; i < out.size(); ++i) {
    const auto sent_at = at(1) + milliseconds(static_cast<int>(i));
    if (out[i].due == sent_at + milliseconds(10)) ++held;
    else EXPECT_EQ(out[i].due, sent_at);
    if (i + 1 < out.size() && out[i + 1].due < out[i].due) overtaken = true;
  }
  EXPECT_GT(held, 30);
  EXPECT_LT(held, 70);
  EXPECT_TRUE(overtaken);
  EXPECT_EQ(core.fault_counters().reordered, static_cast<std::uint64_t>(held));
  auto same = learned_core(11);
  same.set_faults(api::FaultScope::of_port("sw-p2"), f);
  auto out2 = send_many(same, 200);
  for (std::size_t i = 0; i < out.size(); ++i) EXPECT_EQ(out[i].due, out2[i].due);
}

TEST(SimSwitchFaults, LinkFlapTakesThePortDownThenUpAndAnnounces) {
  SwitchCore core(lab_config(true));
  core.tick(at(0));
  ASSERT_TRUE(core.flap_link("Gi1/0/2", api::LinkFlap{milliseconds(1000), milliseconds(0), 1}));
  EXPECT_EQ(core.next_wakeup(), Time::min());
  core.tick(at(10));
  EXPECT_FALSE(core.link_up(kPhone2));
  EXPECT_EQ(core.next_wakeup(), at(11));
  EXPECT_TRUE(core.ingress(kPhone2, udp_frame(mac(2), mac(3)), std::nullopt, at(10.5)).empty());
  auto up = core.tick(at(11));
  EXPECT_TRUE(core.link_up(kPhone2));
  EXPECT_EQ(to(up, kPhone2).size(), 2u);  // CDP and LLDP at link-up
}

TEST(SimSwitchFaults, RepeatedFlapsFollowThePeriod) {
  SwitchCore core(lab_config());
  ASSERT_TRUE(core.flap_link("sw-p1", api::LinkFlap{milliseconds(500), milliseconds(2000), 3}));
  std::vector<bool> seen;
  for (int tenth = 0; tenth <= 70; tenth += 5) {
    core.tick(at(tenth / 10.0));
    seen.push_back(core.link_up(kPhone1));
  }
  // Down at 0, 2, 4 s for 0.5 s each, then up for good.
  EXPECT_THAT(seen, ElementsAre(false, true, true, true, false, true, true, true, false, true,
                                true, true, true, true, true));
}

TEST(SimSwitchFaults, RejectsBadValuesAndUnknownScopes) {
  SwitchCore core(lab_config());
  EXPECT_FALSE(core.set_faults(api::FaultScope::of_port("Gi1/0/9"), only_loss(1)));
  EXPECT_FALSE(core.set_faults(api::FaultScope::of_port("sw-p1"), only_loss(120)));
  EXPECT_FALSE(core.set_faults(api::FaultScope::of_vlan(4095), only_loss(1)));
  EXPECT_FALSE(core.flap_link("sw-p1", api::LinkFlap{milliseconds(0), milliseconds(0), 1}));
  EXPECT_FALSE(core.flap_link("sw-p1", api::LinkFlap{milliseconds(500), milliseconds(100), 2}));
  auto error = core.set_faults(api::FaultScope::of_port("Gi1/0/9"), only_loss(1)).error();
  EXPECT_EQ(error.fault, api::Fault::config);
  EXPECT_EQ(error.message, "faults: no switch port Gi1/0/9");
}

TEST(SimSwitchFaults, ReadsBackWhatWasSet) {
  SwitchCore core(lab_config());
  api::Faults f;
  f.loss_percent = 20;
  f.delay = milliseconds(30);
  ASSERT_TRUE(core.set_faults(api::FaultScope::of_port("sw-p1"), f));
  EXPECT_EQ(core.faults(api::FaultScope::of_port("Gi1/0/1")).value(), f);
  EXPECT_EQ(core.faults(api::FaultScope::of_vlan(kVoice)).value(), api::Faults{});
}

}  // namespace
}  // namespace phonerig::sim::sw
