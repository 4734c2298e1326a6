// A real rig's faults as netem qdiscs on its own interfaces (drivers/netlink/netem_faults):
// which interface a VLAN's fault lands on, what netem it asks for, that clearing or
// replacing removes the old qdisc, and that what a rig cannot do is refused with a reason.
// The kernels here have no netem, so the LinkControl is a recording fake; the netem request
// bytes themselves are tested in netem_message_test.
#include "drivers/netlink/netem_faults.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace phonerig::netlink {
namespace {

using namespace std::chrono_literals;

struct Recorded {
  std::string link;
  api::Netem netem;
};

class FakeControl final : public api::LinkControl {
 public:
  std::vector<Recorded> added;
  std::vector<std::string> removed;
  std::optional<std::string> refuse_add;     // add_netem fails with this (Fault::rig)
  std::optional<std::string> refuse_remove;  // a release fails with this

  class Held final : public api::Lease::Held {
   public:
    Held(FakeControl& owner, std::string name) : owner_(owner), name_(std::move(name)) {}
    const std::string& name() const override { return name_; }
    std::string describe() const override { return "netem on '" + name_ + "'"; }
    api::Result<bool> release() override {
      if (owner_.refuse_remove) return api::fail(api::Fault::rig, *owner_.refuse_remove);
      owner_.removed.push_back(name_);
      return true;
    }

   private:
    FakeControl& owner_;
    std::string name_;
  };

  api::Result<api::Lease> add_netem(std::string_view link, const api::Netem& netem) override {
    if (refuse_add) return api::fail(api::Fault::rig, *refuse_add);
    added.push_back({std::string(link), netem});
    return api::Lease(std::make_unique<Held>(*this, std::string(link)));
  }

  // Nothing else is the fault injector's business.
  api::Result<api::Lease> add_namespace(std::string_view) override { return none(); }
  api::Result<api::Lease> add_veth(std::string_view, std::string_view, std::string_view) override {
    return none();
  }
  api::Result<api::Lease> add_tap(std::string_view) override { return none(); }
  api::Result<api::Lease> add_vlan(std::string_view, std::string_view, std::uint16_t) override {
    return none();
  }
  api::Result<bool> move_link(api::Lease&, std::string_view) override { return none(); }
  api::Result<bool> set_link_up(std::string_view, bool) override { return none(); }
  api::Result<bool> set_mtu(std::string_view, std::uint32_t) override { return none(); }
  api::Result<bool> set_offloads(std::string_view, const api::Offloads&) override {
    return none();
  }
  api::Result<api::Lease> add_address(std::string_view, api::Ipv4Prefix) override {
    return none();
  }
  api::Result<api::Lease> add_route(api::Ipv4Prefix, std::optional<wire::Ipv4>,
                                    std::string_view) override {
    return none();
  }
  api::Result<api::Lease> watch_links(EventHandler) override { return none(); }

 private:
  static wire::Unexpected<api::Error> none() {
    return api::fail(api::Fault::config, "not the fault injector's call");
  }
};

class NetemFaultsTest : public ::testing::Test {
 protected:
  FakeControl control_;
  std::optional<NetemFaults> faults_{std::in_place, control_,
                                     std::map<std::uint16_t, std::string>{{100, "eno2.100"},
                                                                          {10, "eno2.10"}}};
};

TEST_F(NetemFaultsTest, AVlanFaultIsANetemOnTheRigsInterfaceOnThatVlan) {
  api::Faults f;
  f.loss_percent = 5;
  f.delay = 150ms;
  f.duplicate_percent = 1;
  f.corrupt_percent = 0.5;
  ASSERT_TRUE(faults_->set_faults(api::FaultScope::of_vlan(100), f));
  ASSERT_EQ(control_.added.size(), 1u);
  EXPECT_EQ(control_.added[0].link, "eno2.100");
  EXPECT_EQ(control_.added[0].netem.loss_percent, 5);
  EXPECT_EQ(control_.added[0].netem.delay, 150'000us);
  EXPECT_EQ(control_.added[0].netem.duplicate_percent, 1);
  EXPECT_EQ(control_.added[0].netem.corrupt_percent, 0.5);
  auto now = faults_->faults(api::FaultScope::of_vlan(100));
  ASSERT_TRUE(now);
  EXPECT_EQ(*now, f);
  auto other = faults_->faults(api::FaultScope::of_vlan(10));
  ASSERT_TRUE(other);
  EXPECT_FALSE(other->any());
}

TEST_F(NetemFaultsTest, ReplacingRemovesTheOldQdiscFirstAndClearingLeavesNone) {
  api::Faults f;
  f.loss_percent = 20;
  ASSERT_TRUE(faults_->set_faults(api::FaultScope::of_vlan(100), f));
  f.loss_percent = 5;
  ASSERT_TRUE(faults_->set_faults(api::FaultScope::of_vlan(100), f));
  EXPECT_EQ(control_.removed, std::vector<std::string>{"eno2.100"});
  ASSERT_EQ(control_.added.size(), 2u);
  EXPECT_EQ(control_.added[1].netem.loss_percent, 5);
  ASSERT_TRUE(faults_->set_faults(api::FaultScope::of_vlan(100), api::Faults{}));
  EXPECT_EQ(control_.removed.size(), 2u);
  EXPECT_EQ(control_.added.size(), 2u) << "clearing adds nothing";
  EXPECT_FALSE(faults_->faults(api::FaultScope::of_vlan(100))->any());
}

TEST_F(NetemFaultsTest, WhatIsLeftIsRemovedWhenTheInjectorGoes) {
  api::Faults f;
  f.delay = 20ms;
  ASSERT_TRUE(faults_->set_faults(api::FaultScope::of_vlan(100), f));
  ASSERT_TRUE(faults_->set_faults(api::FaultScope::of_vlan(10), f));
  faults_.reset();
  EXPECT_EQ(control_.removed.size(), 2u);
}

TEST_F(NetemFaultsTest, WhatARigCannotDoIsRefusedWithTheReasonAndChangesNothing) {
  api::Faults loss;
  loss.loss_percent = 5;
  auto port = faults_->set_faults(api::FaultScope::of_port("Gi1/0/5"), loss);
  ASSERT_FALSE(port);
  EXPECT_EQ(port.error().fault, api::Fault::config);
  EXPECT_NE(port.error().message.find("scope the fault by vlan"), std::string::npos)
      << port.error().message;

  auto unknown = faults_->set_faults(api::FaultScope::of_vlan(200), loss);
  ASSERT_FALSE(unknown);
  EXPECT_NE(unknown.error().message.find("vlan 200"), std::string::npos);

  api::Faults reorder;
  reorder.reorder_percent = 10;
  auto refused = faults_->set_faults(api::FaultScope::of_vlan(100), reorder);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("reorder"), std::string::npos);

  api::Faults bad;
  bad.loss_percent = 101;
  EXPECT_FALSE(faults_->set_faults(api::FaultScope::of_vlan(100), bad));

  auto flap = faults_->flap_link("Gi1/0/5", api::LinkFlap{});
  ASSERT_FALSE(flap);
  EXPECT_EQ(flap.error().fault, api::Fault::config);
  EXPECT_TRUE(control_.added.empty());
}

TEST_F(NetemFaultsTest, TheKernelsRefusalIsTheRigsAndLeavesNoFaultRecorded) {
  control_.refuse_add = "add netem qdisc on 'eno2.100': Operation not supported";
  api::Faults f;
  f.loss_percent = 5;
  auto set = faults_->set_faults(api::FaultScope::of_vlan(100), f);
  ASSERT_FALSE(set);
  EXPECT_EQ(set.error().fault, api::Fault::rig);
  EXPECT_NE(set.error().message.find("not supported"), std::string::npos);
  EXPECT_FALSE(faults_->faults(api::FaultScope::of_vlan(100))->any());
}

}  // namespace
}  // namespace phonerig::netlink
