// Namespaces made as `ip netns add` makes them, entered with a guard that returns.
#include <sys/stat.h>

#include "drivers/netlink/namespace.hpp"
#include "tests/lab/netlink/netlink_lab.hpp"

namespace phonerig::netlink::lab {
namespace {

class NetlinkNamespace : public NetlinkLab {};

ino_t inode_of(const std::string& path) {
  struct stat info {};
  return ::stat(path.c_str(), &info) == 0 ? info.st_ino : 0;
}

TEST_F(NetlinkNamespace, IsListedByIpNetnsAndGoneWhenItsLeaseIsReleased) {
  api::Lease netns = make_namespace("a");
  ASSERT_TRUE(netns.holds());
  EXPECT_EQ(netns.name(), prefix_ + "a");
  EXPECT_EQ(lines_with(run("ip netns list"), netns.name()).size(), 1u);
  // `ip netns exec` finds it: a fresh namespace has only lo, down.
  std::string links = in(netns, "ip -o link");
  EXPECT_NE(links.find("1: lo: <LOOPBACK>"), std::string::npos) << links;

  ASSERT_TRUE(netns.release());
  EXPECT_FALSE(netns.holds());
  EXPECT_EQ(lines_with(run("ip netns list"), prefix_), std::vector<std::string>{});
  EXPECT_EQ(live_ledger_entries(), "");
}

TEST_F(NetlinkNamespace, GuardEntersTheNamespaceAndReturnsTheThreadToItsOwn) {
  api::Lease netns = make_namespace("guarded");
  const ino_t own = inode_of("/proc/thread-self/ns/net");
  const ino_t target = inode_of(netns_path(netns.name()));
  ASSERT_NE(own, 0u);
  ASSERT_NE(own, target);
  {
    auto guard = NamespaceGuard::enter(netns.name());
    ASSERT_TRUE(guard) << guard.error().message;
    EXPECT_EQ(inode_of("/proc/thread-self/ns/net"), target);
  }
  EXPECT_EQ(inode_of("/proc/thread-self/ns/net"), own);
}

TEST_F(NetlinkNamespace, TakenNameFailsNamingTheNamespaceAndErrno) {
  api::Lease netns = make_namespace("twice");
  auto again = host_->add_namespace("twice");
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().fault, api::Fault::rig);
  EXPECT_EQ(again.error().message,
            "create netns '" + prefix_ + "twice': File exists [EEXIST]");
  EXPECT_EQ(lines_with(run("ip netns list"), prefix_).size(), 1u);  // the first one stays
}

TEST_F(NetlinkNamespace, ControlInAMissingNamespaceFailsNamingIt) {
  auto control = Control::open(io_.get_executor(),
                               ControlOptions{prefix_ + "missing", prefix_, ledger_});
  ASSERT_FALSE(control);
  EXPECT_EQ(control.error().message,
            "open netns '" + prefix_ + "missing': No such file or directory [ENOENT]");
}

TEST_F(NetlinkNamespace, GuardIntoAMissingNamespaceFailsAndLeavesTheThreadWhereItWas) {
  const ino_t own = inode_of("/proc/thread-self/ns/net");
  auto guard = NamespaceGuard::enter(prefix_ + "nowhere");
  ASSERT_FALSE(guard);
  EXPECT_EQ(inode_of("/proc/thread-self/ns/net"), own);
}

}  // namespace
}  // namespace phonerig::netlink::lab
