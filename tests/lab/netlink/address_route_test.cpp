// IPv4 addresses and routes on veths inside test namespaces (198.18.0.0/15 only).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include "drivers/netlink/namespace.hpp"
#include "tests/lab/netlink/netlink_lab.hpp"

namespace phonerig::netlink::lab {
namespace {

class NetlinkAddressRoute : public NetlinkLab {
 protected:
  // rig: 198.18.0.1/24 on r0, phone: 198.18.0.2/24 on p0, both up.
  void SetUp() override {
    NetlinkLab::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    rig_ = make_namespace("rig");
    phone_ = make_namespace("phone");
    rig_control_ = control_in(rig_);
    phone_control_ = control_in(phone_);
    ASSERT_TRUE(rig_control_ && phone_control_);
    auto veth = rig_control_->add_veth("r0", "p0", phone_.name());
    ASSERT_TRUE(veth) << veth.error().message;
    veth_ = std::move(*veth);
    r0_ = prefix_ + "r0";
    p0_ = prefix_ + "p0";
    ASSERT_TRUE(rig_control_->set_link_up(r0_, true));
    ASSERT_TRUE(phone_control_->set_link_up(p0_, true));
  }

  // Ours first, then the base checks that nothing is left.
  void TearDown() override {
    veth_ = api::Lease();
    rig_control_.reset();
    phone_control_.reset();
    phone_ = api::Lease();
    rig_ = api::Lease();
    NetlinkLab::TearDown();
  }

  api::Lease rig_, phone_, veth_;
  std::unique_ptr<Control> rig_control_, phone_control_;
  std::string r0_, p0_;
};

TEST_F(NetlinkAddressRoute, AddressShowsInIpAddrAndGoesWithItsLease) {
  auto address = rig_control_->add_address(r0_, prefix("198.18.0.1", 24));
  ASSERT_TRUE(address) << address.error().message;
  EXPECT_EQ(address->name(), "198.18.0.1/24");
  std::string shown = in(rig_, "ip -4 addr show dev " + r0_);
  EXPECT_NE(shown.find("inet 198.18.0.1/24 "), std::string::npos) << shown;

  ASSERT_TRUE(address->release());
  shown = in(rig_, "ip -4 addr show dev " + r0_);
  EXPECT_EQ(shown.find("198.18.0.1"), std::string::npos) << shown;
}

// A UDP socket bound to `address`:`port`, opened inside `netns` (and bound to it for life).
UniqueFd udp_socket_in(const api::Lease& netns, const char* address, std::uint16_t port) {
  auto inside = NamespaceGuard::enter(netns.name());
  if (!inside) return UniqueFd();
  UniqueFd fd(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  sockaddr_in local{};
  local.sin_family = AF_INET;
  local.sin_port = htons(port);
  ::inet_pton(AF_INET, address, &local.sin_addr);
  if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&local), sizeof local) != 0) fd.reset();
  return fd;
}

TEST_F(NetlinkAddressRoute, AddressedEndsReachEachOther) {
  auto rig_address = rig_control_->add_address(r0_, prefix("198.18.0.1", 24));
  auto phone_address = phone_control_->add_address(p0_, prefix("198.18.0.2", 24));
  ASSERT_TRUE(rig_address && phone_address);
  UniqueFd phone = udp_socket_in(phone_, "198.18.0.2", 40000);
  UniqueFd rig = udp_socket_in(rig_, "198.18.0.1", 0);
  ASSERT_TRUE(phone.valid() && rig.valid());

  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(40000);
  ::inet_pton(AF_INET, "198.18.0.2", &to.sin_addr);
  const char hello[] = "hello across the veth";
  ASSERT_EQ(::sendto(rig.get(), hello, sizeof hello, 0, reinterpret_cast<sockaddr*>(&to),
                     sizeof to),
            static_cast<ssize_t>(sizeof hello));
  pollfd readable{phone.get(), POLLIN, 0};
  ASSERT_EQ(::poll(&readable, 1, 2000), 1) << "nothing arrived within 2 s";
  char received[64] = {};
  ASSERT_EQ(::recv(phone.get(), received, sizeof received, 0), static_cast<ssize_t>(sizeof hello));
  EXPECT_STREQ(received, hello);
}

TEST_F(NetlinkAddressRoute, RoutesViaAGatewayAndOnLinkShowInIpRouteAndGoWithTheirLeases) {
  auto address = rig_control_->add_address(r0_, prefix("198.18.0.1", 24));
  ASSERT_TRUE(address) << address.error().message;
  auto via = rig_control_->add_route(prefix("198.18.4.0", 24), wire::Ipv4::parse("198.18.0.2"), r0_);
  ASSERT_TRUE(via) << via.error().message;
  auto on_link = rig_control_->add_route(prefix("198.18.5.0", 24), std::nullopt, r0_);
  ASSERT_TRUE(on_link) << on_link.error().message;
  EXPECT_EQ(via->name(), "198.18.4.0/24 via 198.18.0.2");

  std::string routes = in(rig_, "ip route");
  EXPECT_NE(routes.find("198.18.4.0/24 via 198.18.0.2 dev " + r0_ + " proto static"),
            std::string::npos)
      << routes;
  EXPECT_NE(routes.find("198.18.5.0/24 dev " + r0_ + " proto static scope link"),
            std::string::npos)
      << routes;

  ASSERT_TRUE(via->release());
  ASSERT_TRUE(on_link->release());
  routes = in(rig_, "ip route");
  EXPECT_EQ(routes.find("198.18.4.0"), std::string::npos) << routes;
  EXPECT_EQ(routes.find("198.18.5.0"), std::string::npos) << routes;
}

TEST_F(NetlinkAddressRoute, SameAddressTwiceFailsWithEexistNamingIt) {
  auto first = rig_control_->add_address(r0_, prefix("198.18.0.1", 24));
  ASSERT_TRUE(first) << first.error().message;
  auto second = rig_control_->add_address(r0_, prefix("198.18.0.1", 24));
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().message.rfind("add address 198.18.0.1/24 on '" + r0_ + "' in netns '" +
                                             rig_.name() + "': File exists [EEXIST]",
                                         0),
            0u)
      << second.error().message;
  // The failed add recorded nothing: one live address entry.
  EXPECT_EQ(lines_with(live_ledger_entries(), "address").size(), 1u) << live_ledger_entries();
}

TEST_F(NetlinkAddressRoute, RouteViaAnUnreachableGatewayFailsNamingIt) {
  auto route = rig_control_->add_route(prefix("198.18.6.0", 24), wire::Ipv4::parse("198.19.9.9"),
                                       r0_);
  ASSERT_FALSE(route);
  EXPECT_EQ(route.error().message.rfind("add route 198.18.6.0/24 via 198.19.9.9 dev '" + r0_ +
                                            "' in netns '" + rig_.name() +
                                            "': Network is unreachable [ENETUNREACH]",
                                        0),
            0u)
      << route.error().message;
}

TEST_F(NetlinkAddressRoute, ReleasingTheLinkFirstLeavesTheAddressLeaseNothingToDo) {
  auto address = rig_control_->add_address(r0_, prefix("198.18.0.1", 24));
  ASSERT_TRUE(address) << address.error().message;
  ASSERT_TRUE(veth_.release());
  EXPECT_TRUE(address->release());  // the link took it: already gone is not an error
  EXPECT_EQ(live_ledger_entries(),
            "netns '" + rig_.name() + "'; netns '" + phone_.name() + "'; ");
}

}  // namespace
}  // namespace phonerig::netlink::lab
