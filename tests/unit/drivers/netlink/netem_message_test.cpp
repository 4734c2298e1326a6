// The netem qdisc requests, byte for byte against what tc sends. The kernels here have no
// netem (DESIGN.md, "What the machines here have"), so these bytes are the test of record.
#include "drivers/netlink/netem_message.hpp"

#include <gtest/gtest.h>

#include <bit>

namespace phonerig::netlink {
namespace {

using namespace std::chrono_literals;

// iproute2 6.1.0 (tc), captured with `strace -e trace=sendmsg -e write=3`, device at
// ifindex 3, Linux 6.18 x86-64 (/proc/net/psched: 000003e8 00000040 000f4240 3b9aca00,
// so 64 ns per tick).
//
// `tc qdisc add dev nlp-a root netem loss 1% delay 10ms 2ms duplicate 2% corrupt 3%`:
//   nlmsghdr  len 88, RTM_NEWQDISC (36), REQUEST|ACK|EXCL|CREATE, seq 0x6b071943
//   tcmsg     ifindex 3, handle 0, parent TC_H_ROOT
//   TCA_KIND (1) "netem\0"
//   TCA_OPTIONS (2) { tc_netem_qopt { latency 156250 ticks (10 ms), limit 1000,
//                     loss 0x028f5c29 (1%), gap 0, duplicate 0x051eb852 (2%),
//                     jitter 31250 ticks (2 ms) },
//                     TCA_NETEM_CORRUPT (4) { probability 0x07ae147b (3%), correlation 0 } }
const Bytes kTcNetemAll = {
    0x58, 0x00, 0x00, 0x00, 0x24, 0x00, 0x05, 0x06, 0x43, 0x19, 0x07, 0x6b, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff,
    0x00, 0x00, 0x00, 0x00, 0x0a, 0x00, 0x01, 0x00, 0x6e, 0x65, 0x74, 0x65, 0x6d, 0x00, 0x00, 0x00,
    0x28, 0x00, 0x02, 0x00, 0x5a, 0x62, 0x02, 0x00, 0xe8, 0x03, 0x00, 0x00, 0x29, 0x5c, 0x8f, 0x02,
    0x00, 0x00, 0x00, 0x00, 0x52, 0xb8, 0x1e, 0x05, 0x12, 0x7a, 0x00, 0x00, 0x0c, 0x00, 0x04, 0x00,
    0x7b, 0x14, 0xae, 0x07, 0x00, 0x00, 0x00, 0x00,
};

// `tc qdisc add dev nlp-a root handle 1: netem delay 100ms`: handle 0x00010000, latency
// 1562500 ticks, limit 1000, no TCA_NETEM_CORRUPT.
const Bytes kTcNetemDelayHandle1 = {
    0x4c, 0x00, 0x00, 0x00, 0x24, 0x00, 0x05, 0x06, 0x43, 0x19, 0x07, 0x6b, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0xff, 0xff, 0xff, 0xff,
    0x00, 0x00, 0x00, 0x00, 0x0a, 0x00, 0x01, 0x00, 0x6e, 0x65, 0x74, 0x65, 0x6d, 0x00, 0x00, 0x00,
    0x1c, 0x00, 0x02, 0x00, 0x84, 0xd7, 0x17, 0x00, 0xe8, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

// `tc qdisc del dev nlp-a root handle 1:`: RTM_DELQDISC (37), REQUEST|ACK, seq 0x6b071944.
const Bytes kTcQdiscDelete = {
    0x24, 0x00, 0x00, 0x00, 0x25, 0x00, 0x05, 0x00, 0x44, 0x19, 0x07, 0x6b, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0xff, 0xff, 0xff, 0xff,
    0x00, 0x00, 0x00, 0x00,
};

class NetlinkNetemBytes : public ::testing::Test {
 protected:
  void SetUp() override {
    if constexpr (std::endian::native != std::endian::little) {
      GTEST_SKIP() << "the captured bytes are little-endian; netlink is in host order";
    }
  }
};

TEST_F(NetlinkNetemBytes, MatchesTheBytesTcSendsForLossDelayJitterDuplicateAndCorrupt) {
  api::Netem netem;
  netem.loss_percent = 1;
  netem.delay = 10ms;
  netem.jitter = 2ms;
  netem.duplicate_percent = 2;
  netem.corrupt_percent = 3;
  auto request = netem_qdisc_request(NetemQdiscRequest{3, 0, netem, 0x6b071943});
  ASSERT_TRUE(request) << request.error().message;
  EXPECT_EQ(*request, kTcNetemAll);
}

TEST_F(NetlinkNetemBytes, MatchesTheBytesTcSendsForADelayWithAHandle) {
  api::Netem netem;
  netem.delay = 100ms;
  auto request = netem_qdisc_request(NetemQdiscRequest{3, 0x00010000, netem, 0x6b071943});
  ASSERT_TRUE(request) << request.error().message;
  EXPECT_EQ(*request, kTcNetemDelayHandle1);
}

TEST_F(NetlinkNetemBytes, MatchesTheBytesTcSendsToDeleteTheRootQdisc) {
  EXPECT_EQ(qdisc_delete_request(3, 0x00010000, 0x6b071944), kTcQdiscDelete);
}

TEST(NetlinkNetemProbability, ScalesPercentToTheFull32BitRangeAndRoundsAsTcDoes) {
  EXPECT_EQ(netem_probability(0), 0u);
  EXPECT_EQ(netem_probability(1), 0x028f5c29u);
  EXPECT_EQ(netem_probability(2), 0x051eb852u);
  EXPECT_EQ(netem_probability(3), 0x07ae147bu);
  EXPECT_EQ(netem_probability(100), 0xffffffffu);
}

TEST(NetlinkPschedTicks, CountsSixtyFourNanosecondTicksRoundingDown) {
  EXPECT_EQ(psched_ticks(10ms), 156250u);
  EXPECT_EQ(psched_ticks(2ms), 31250u);
  EXPECT_EQ(psched_ticks(1us), 15u);  // tc: (unsigned)(1 * 15.625)
  EXPECT_EQ(psched_ticks(63ns), 0u);
}

TEST(NetlinkNetemRequest, RejectsAPercentageOutsideZeroToHundred) {
  api::Netem netem;
  netem.loss_percent = 100.5;
  auto request = netem_qdisc_request(NetemQdiscRequest{3, 0, netem});
  ASSERT_FALSE(request);
  EXPECT_EQ(request.error().fault, api::Fault::config);
  EXPECT_EQ(request.error().message,
            "build netem qdisc on ifindex 3: loss 100.500000% is outside 0-100");
}

TEST(NetlinkNetemRequest, RejectsJitterWithoutDelay) {
  api::Netem netem;
  netem.jitter = 1ms;
  auto request = netem_qdisc_request(NetemQdiscRequest{3, 0, netem});
  ASSERT_FALSE(request);
  EXPECT_EQ(request.error().message, "build netem qdisc on ifindex 3: jitter needs a delay");
}

TEST(NetlinkNetemRequest, RejectsADelayBeyondThirtyTwoBitTicks) {
  api::Netem netem;
  netem.delay = std::chrono::seconds(275);
  auto request = netem_qdisc_request(NetemQdiscRequest{3, 0, netem});
  ASSERT_FALSE(request);
  EXPECT_EQ(request.error().message,
            "build netem qdisc on ifindex 3: delay and jitter fit in 32-bit scheduler ticks: "
            "at most 274 s");
}

}  // namespace
}  // namespace phonerig::netlink
