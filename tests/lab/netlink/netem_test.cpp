// netem as a root qdisc. The machines here have no netem, so the create test skips, printing
// the kernel's answer; the request's bytes are unit-tested.
#include <cerrno>

#include "tests/lab/netlink/netlink_lab.hpp"

namespace phonerig::netlink::lab {
namespace {

using namespace std::chrono_literals;

class NetlinkNetem : public NetlinkLab {};

TEST_F(NetlinkNetem, QdiscShowsInTcAndReleasingRestoresTheDefault) {
  api::Lease netns = make_namespace("netem");
  auto control = control_in(netns);
  auto veth = control->add_veth("n0", "n1", "");
  ASSERT_TRUE(veth) << veth.error().message;
  const std::string link = prefix_ + "n0";
  api::Netem netem;
  netem.loss_percent = 1;
  netem.delay = 10ms;
  netem.jitter = 2ms;
  netem.duplicate_percent = 2;
  netem.corrupt_percent = 3;
  auto qdisc = control->add_netem(link, netem);
  if (!qdisc && failed_with(qdisc.error(), ENOENT)) {
    GTEST_SKIP() << "this kernel has no netem qdisc (no sch_netem module): "
                 << qdisc.error().message;
  }
  ASSERT_TRUE(qdisc) << qdisc.error().message;
  std::string shown = in(netns, "tc qdisc show dev " + link);
  EXPECT_NE(shown.find("qdisc netem 7072: root"), std::string::npos) << shown;
  EXPECT_NE(shown.find("delay 10ms  2ms"), std::string::npos) << shown;
  EXPECT_NE(shown.find("loss 1%"), std::string::npos) << shown;
  EXPECT_NE(shown.find("duplicate 2%"), std::string::npos) << shown;
  EXPECT_NE(shown.find("corrupt 3%"), std::string::npos) << shown;

  ASSERT_TRUE(qdisc->release());
  shown = in(netns, "tc qdisc show dev " + link);
  EXPECT_EQ(shown.find("netem"), std::string::npos) << shown;
}

TEST_F(NetlinkNetem, OnAMissingLinkFailsNamingIt) {
  api::Lease netns = make_namespace("netemm");
  auto control = control_in(netns);
  auto qdisc = control->add_netem(prefix_ + "none", api::Netem{});
  ASSERT_FALSE(qdisc);
  EXPECT_EQ(qdisc.error().message, "look up link '" + prefix_ + "none' in netns '" +
                                       netns.name() + "': No such device [ENODEV]");
}

// What the ledger says was there but is not (the kernel's default qdisc is back) is
// already gone for cleanup, not an error. Runs with or without netem in the kernel.
TEST_F(NetlinkNetem, CleanupCountsANetemNoLongerThereAsAlreadyGone) {
  api::Lease netns = make_namespace("netemg");
  auto control = control_in(netns);
  auto veth = control->add_veth("g0", "g1", "");
  ASSERT_TRUE(veth) << veth.error().message;
  ASSERT_TRUE(control->set_link_up(prefix_ + "g0", true));
  LedgerEntry stale;
  stale.kind = ObjectKind::qdisc;
  stale.netns = netns.name();
  stale.name = prefix_ + "g0";
  stale.handle = 0x70720000;
  auto ledger = Ledger::open(ledger_);
  ASSERT_TRUE(ledger && (*ledger)->added(stale));

  auto report = cleanup_ledger(ledger_);
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_EQ(report->already_gone, 1u);
  EXPECT_EQ(report->removed, 2u);  // the veth and the namespace, which are there
}

}  // namespace
}  // namespace phonerig::netlink::lab
