// TAP devices: persistent, attached by fd, removed with their lease.
#include <unistd.h>

#include <array>

#include "tests/lab/netlink/netlink_lab.hpp"

namespace phonerig::netlink::lab {
namespace {

class NetlinkTap : public NetlinkLab {};

TEST_F(NetlinkTap, IsCreatedPersistentInItsNamespaceAndRemovedWithItsLease) {
  api::Lease netns = make_namespace("tap");
  auto control = control_in(netns);
  auto tap = control->add_tap("voice");
  ASSERT_TRUE(tap) << tap.error().message;
  const std::string name = prefix_ + "voice";
  std::string shown = in(netns, "ip -d link show " + name);
  EXPECT_NE(shown.find("tun type tap"), std::string::npos) << shown;
  EXPECT_NE(shown.find("persist on"), std::string::npos) << shown;
  EXPECT_EQ(lines_with(run("ip -o link"), prefix_), std::vector<std::string>{});

  ASSERT_TRUE(tap->release());
  EXPECT_EQ(lines_with(in(netns, "ip -o link"), name), std::vector<std::string>{});
}

TEST_F(NetlinkTap, AttachedQueueGivesCarrierAndItsFramesReachTheLink) {
  api::Lease netns = make_namespace("tapq");
  auto control = control_in(netns);
  auto tap = control->add_tap("q");
  ASSERT_TRUE(tap) << tap.error().message;
  const std::string name = prefix_ + "q";
  ASSERT_TRUE(control->set_link_up(name, true));
  EXPECT_NE(in(netns, "ip link show " + name).find("NO-CARRIER"), std::string::npos);

  auto queue = control->attach_tap(name);
  ASSERT_TRUE(queue) << queue.error().message;
  std::string shown = in(netns, "ip link show " + name);
  EXPECT_NE(shown.find("LOWER_UP"), std::string::npos) << shown;

  // A broadcast frame of an unknown EtherType (0x88b5, IEEE 802 local experimental).
  std::array<std::uint8_t, 60> frame{};
  std::fill(frame.begin(), frame.begin() + 6, 0xff);
  frame[6] = 0x02;
  frame[12] = 0x88;
  frame[13] = 0xb5;
  ASSERT_EQ(::write(queue->get(), frame.data(), frame.size()),
            static_cast<ssize_t>(frame.size()));
  std::string received = in(netns, "cat /sys/class/net/" + name + "/statistics/rx_packets");
  EXPECT_EQ(received, "1\n");

  queue->reset();
  EXPECT_NE(in(netns, "ip link show " + name).find("NO-CARRIER"), std::string::npos);
}

TEST_F(NetlinkTap, TakenNameFailsWithEbusyNamingTheTap) {
  api::Lease netns = make_namespace("tapdup");
  auto control = control_in(netns);
  auto tap = control->add_tap("t");
  ASSERT_TRUE(tap) << tap.error().message;
  auto again = control->add_tap("t");
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().message, "create (TUNSETIFF) tap link '" + prefix_ + "t' in netns '" +
                                       netns.name() + "': Device or resource busy [EBUSY]");
}

}  // namespace
}  // namespace phonerig::netlink::lab
