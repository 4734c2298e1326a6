// `phonerig-sim-phone --tagger` (for `lab attach`): a TAP bridged onto the port. With
// --vlan 0 busybox udhcpc over the TAP gets a lease from our DHCP server across it (both
// directions untagged); with --vlan 100 the TAP's frames leave the port tagged 100.
#include "tests/lab/sim/phoned/phoned_lab.hpp"

namespace phonerig::testing::phoned {
namespace {

const std::string kAttachMac = "02:00:00:61:00:99";  // allowed by OurServices' DHCP

class PhonedTagger : public PhonedTest {
 protected:
  std::string tag() const override { return "pdt"; }

  void start_tagger(int vlan) {
    phone_ = std::make_unique<Process>(
        lab_->ns("ph"),
        std::vector<std::string>{phone_binary(), "--tagger", "--port-interface", cable_.b_if, "--tap",
                                 "data", "--vlan", std::to_string(vlan), "--mac", kAttachMac},
        dir_->file("tagger.log"));
    ASSERT_TRUE(wait_until([&] { return lab_->exec("ph", {"ip", "link", "show", "data"}).status == 0; }, 5s))
        << read_text(dir_->file("tagger.log"));
    std::ofstream(dir_->file("udhcpc.sh")) << "#!/bin/sh\nenv | sort > " << dir_->file("udhcpc.$1") << "\n";
    fs::permissions(dir_->file("udhcpc.sh"), fs::perms::owner_all);
  }
  CommandResult udhcpc(int tries) {
    return lab_->exec("ph", {"udhcpc", "-i", "data", "-f", "-q", "-n", "-t", std::to_string(tries), "-T", "1",
                             "-s", dir_->file("udhcpc.sh")});
  }
};

TEST_F(PhonedTagger, UdhcpcOverTheUntaggedTapGetsALeaseFromOurServer) {
  if (run_command({"sh", "-c", "command -v udhcpc"}).status != 0) GTEST_SKIP() << "needs busybox udhcpc";
  ServiceOptions o;
  o.files = false;
  o.sip = false;
  start_services(o);
  start_tagger(0);
  auto r = udhcpc(5);
  EXPECT_EQ(r.status, 0) << r.out << r.err << read_text(dir_->file("tagger.log"));
  const std::string bound = read_text(dir_->file("udhcpc.bound"));
  EXPECT_NE(bound.find("ip=198.18.61.1"), std::string::npos) << bound;
  EXPECT_NE(bound.find("serverid=" + kServer), std::string::npos) << bound;
  bool leased = false;
  for (auto& e : services_->of("dhcp.lease")) {
    auto chaddr = e.attr("chaddr");
    if (chaddr && std::get<wire::Mac>(*chaddr) == *wire::Mac::parse(kAttachMac) &&
        e.string_attr("state") == std::optional<std::string>("bound")) {
      leased = true;
    }
  }
  EXPECT_TRUE(leased);
  // Untagged on the wire.
  for (auto& [rec, p] : capture_->from(kAttachMac)) EXPECT_TRUE(p.link.vlans.empty());
  EXPECT_EQ(phone_->stop(), 0);
  EXPECT_NE(read_text(dir_->file("tagger.log")).find("frames to the port"), std::string::npos);
}

TEST_F(PhonedTagger, TapFramesLeaveThePortTaggedWithTheVlan) {
  if (run_command({"sh", "-c", "command -v udhcpc"}).status != 0) GTEST_SKIP() << "needs busybox udhcpc";
  start_tagger(100);
  udhcpc(1);  // nobody answers on VLAN 100 here: only its DISCOVERs matter
  int tagged = 0, untagged = 0;
  for (auto& [rec, p] : capture_->from(kAttachMac)) {
    if (p.link.vlans.empty()) {
      ++untagged;
    } else if (p.link.vlans.front().vid == 100 && p.udp && p.udp->dst_port == 67) {
      ++tagged;
    }
  }
  EXPECT_GE(tagged, 1);
  EXPECT_EQ(untagged, 0);
}

TEST_F(PhonedTagger, PortFramesOfTheVlanReachTheTapUntagged) {
  start_tagger(100);
  sim::phoned::Fd tap_side;
  {
    NetnsGuard in(lab_->ns("ph"));
    auto fd = sim::phoned::open_port("data");
    ASSERT_TRUE(fd) << fd.error().message;
    tap_side = std::move(*fd);
  }
  sim::phoned::Fd port_side;
  {
    NetnsGuard in(lab_->ns("srv"));
    auto fd = sim::phoned::open_port(cable_.a_if);
    ASSERT_TRUE(fd) << fd.error().message;
    port_side = std::move(*fd);
  }
  // Three broadcasts (local experimental EtherType 0x88b5) with a marker byte: on VLAN 100,
  // on VLAN 200, untagged. Only the first belongs to the TAP.
  auto frame = [](std::uint8_t marker) {
    wire::EthernetHeader h{wire::Mac::broadcast(), *wire::Mac::parse("02:00:00:61:00:01"), {}};
    wire::ByteVector payload(46, marker);
    return wire::build_ethernet(h, 0x88b5, payload);
  };
  ASSERT_TRUE(sim::phoned::send_port(port_side.get(), sim::phoned::add_tag(frame(1), 100)));
  ASSERT_TRUE(sim::phoned::send_port(port_side.get(), sim::phoned::add_tag(frame(2), 200)));
  ASSERT_TRUE(sim::phoned::send_port(port_side.get(), frame(3)));
  std::vector<wire::ByteVector> seen;
  wait_until(
      [&] {
        while (auto f = sim::phoned::receive_port(tap_side.get())) {
          if (!f->outgoing && f->frame.size() > 14 && f->frame[12] == 0x88 && f->frame[13] == 0xb5) {
            seen.push_back(f->frame);
          }
        }
        return false;
      },
      1s);
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0], frame(1));  // untagged, byte for byte
}

TEST_F(PhonedTagger, RefusesABadCommandLine) {
  auto r = run_command({phone_binary(), "--tagger", "--tap", "x"});
  EXPECT_EQ(r.status, 2);
  r = run_command({phone_binary()});
  EXPECT_EQ(r.status, 2);
}

}  // namespace
}  // namespace phonerig::testing::phoned
