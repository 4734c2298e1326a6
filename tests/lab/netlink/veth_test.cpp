// veth pairs born in their namespaces, link state, MTU, and moving a link.
#include "tests/lab/netlink/netlink_lab.hpp"

namespace phonerig::netlink::lab {
namespace {

class NetlinkVeth : public NetlinkLab {};

TEST_F(NetlinkVeth, PairIsBornWithOneEndInEachNamespaceAndNoneInTheHost) {
  api::Lease left = make_namespace("left");
  api::Lease right = make_namespace("right");
  auto control = control_in(left);
  ASSERT_TRUE(control);
  auto veth = control->add_veth("l0", "r0", right.name());
  ASSERT_TRUE(veth) << veth.error().message;
  EXPECT_EQ(veth->name(), prefix_ + "l0");

  std::string here = in(left, "ip -d link show " + prefix_ + "l0");
  EXPECT_NE(here.find(prefix_ + "l0@"), std::string::npos) << here;
  EXPECT_NE(here.find("veth"), std::string::npos) << here;
  std::string there = in(right, "ip -d link show " + prefix_ + "r0");
  EXPECT_NE(there.find(prefix_ + "r0@"), std::string::npos) << there;
  EXPECT_EQ(lines_with(run("ip -o link"), prefix_), std::vector<std::string>{});

  ASSERT_TRUE(veth->release());
  EXPECT_NE(in(left, "ip -o link").find("lo:"), std::string::npos);
  EXPECT_EQ(lines_with(in(left, "ip -o link"), prefix_), std::vector<std::string>{});
  EXPECT_EQ(lines_with(in(right, "ip -o link"), prefix_), std::vector<std::string>{});
}

TEST_F(NetlinkVeth, GoesUpAndDownAndTakesAnMtu) {
  api::Lease netns = make_namespace("updown");
  auto control = control_in(netns);
  auto veth = control->add_veth("a", "b", "");
  ASSERT_TRUE(veth) << veth.error().message;
  const std::string a = prefix_ + "a";
  const std::string b = prefix_ + "b";

  ASSERT_TRUE(control->set_link_up(a, true));
  ASSERT_TRUE(control->set_link_up(b, true));
  ASSERT_TRUE(control->set_mtu(a, 1400));
  std::string shown = in(netns, "ip -d link show " + a);
  EXPECT_NE(shown.find("mtu 1400"), std::string::npos) << shown;
  EXPECT_NE(shown.find("state UP"), std::string::npos) << shown;
  EXPECT_NE(shown.find("LOWER_UP"), std::string::npos) << shown;

  ASSERT_TRUE(control->set_link_up(a, false));
  shown = in(netns, "ip -d link show " + a);
  EXPECT_NE(shown.find("state DOWN"), std::string::npos) << shown;
  shown = in(netns, "ip -d link show " + b);
  EXPECT_NE(shown.find("NO-CARRIER"), std::string::npos) << shown;
}

TEST_F(NetlinkVeth, MovesIntoAnotherNamespaceAndItsLeaseFollows) {
  api::Lease from = make_namespace("from");
  api::Lease to = make_namespace("to");
  auto control = control_in(from);
  auto veth = control->add_veth("mv", "stay", "");
  ASSERT_TRUE(veth) << veth.error().message;

  auto moved = control->move_link(*veth, to.name());
  ASSERT_TRUE(moved) << moved.error().message;
  EXPECT_EQ(lines_with(in(from, "ip -o link"), prefix_ + "mv"), std::vector<std::string>{});
  EXPECT_EQ(lines_with(in(to, "ip -o link"), prefix_ + "mv").size(), 1u);
  EXPECT_EQ(veth->describe(), "veth link '" + prefix_ + "mv' in netns '" + to.name() + "'");
  EXPECT_EQ(live_ledger_entries(), "netns '" + from.name() + "'; netns '" + to.name() +
                                       "'; veth link '" + prefix_ + "mv' in netns '" + to.name() +
                                       "'; ");

  ASSERT_TRUE(veth->release());  // removed where it is now, and its peer with it
  EXPECT_EQ(lines_with(in(to, "ip -o link"), prefix_), std::vector<std::string>{});
  EXPECT_EQ(lines_with(in(from, "ip -o link"), prefix_), std::vector<std::string>{});
}

TEST_F(NetlinkVeth, ErrorsNameTheLinkTheOperationAndErrno) {
  api::Lease netns = make_namespace("errors");
  auto control = control_in(netns);
  auto mtu = control->set_mtu(prefix_ + "nope", 1400);
  ASSERT_FALSE(mtu);
  EXPECT_EQ(mtu.error().message, "look up link '" + prefix_ + "nope' in netns '" + netns.name() +
                                     "': No such device [ENODEV]");

  auto first = control->add_veth("dup", "dup-peer", "");
  ASSERT_TRUE(first) << first.error().message;
  auto second = control->add_veth("dup", "other", "");
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().fault, api::Fault::rig);
  EXPECT_EQ(second.error().message.rfind("create veth link '" + prefix_ + "dup' in netns '" +
                                             netns.name() + "' (peer '" + prefix_ +
                                             "other' in netns '" + netns.name() +
                                             "'): File exists [EEXIST]",
                                         0),
            0u)
      << second.error().message;

  auto long_name = control->add_veth("much-too-long", "p", "");
  ASSERT_FALSE(long_name);
  EXPECT_EQ(long_name.error().fault, api::Fault::config);
}

}  // namespace
}  // namespace phonerig::netlink::lab
