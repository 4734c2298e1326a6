// phonerig-sim-switch's control socket (lab/sim/README.md, the control socket table) driven
// through sim::switchd::ControlClient as the harness drives it (api::FaultInjector): faults
// per port and per VLAN stop real pings and clearing them restores them, a flap takes the
// port's veth down and up (the host sees its carrier go), bad requests are refused, the
// initial faults of switch.json apply, and SIGTERM removes the socket.
#include <gtest/gtest.h>

#include <algorithm>

#include "tests/lab/sim/switchd/switchd_lab.hpp"

namespace phonerig::testing::switchd {
namespace {

class SwitchdControl : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!running_as_root()) GTEST_SKIP() << "needs root (network namespaces)";
    lab_ = std::make_unique<SwitchdLab>("swc");
    a_ = lab_->add_host("ra", "198.18.10.1/24");
    b_ = lab_->add_host("rb", "198.18.10.2/24");
  }

  json config(json faults = json::array()) const {
    json c = lab_->base_config();
    c["ports"] = json::array({
        json{{"name", a_.switch_if}, {"number", 49}, {"kind", "rig"}, {"vlan", 10}},
        json{{"name", b_.switch_if}, {"number", 50}, {"kind", "rig"}, {"vlan", 10}},
    });
    if (!faults.empty()) c["faults"] = std::move(faults);
    return c;
  }

  bool carrier(const Host& host) {
    return lab_->lab()
               .exec(host.role, {"cat", "/sys/class/net/" + host.ifname + "/carrier"})
               .out.rfind("1", 0) == 0;
  }

  // After a time of total loss the host's ARP entry has failed: give it a few tries.
  bool restored() {
    return wait_until([&] { return lab_->ping("ra", "198.18.10.2", 1); }, std::chrono::seconds(6));
  }

  std::unique_ptr<SwitchdLab> lab_;
  Host a_, b_;
};

TEST_F(SwitchdControl, LossOnAPortStopsPingAndClearingItRestoresIt) {
  lab_->start(config());
  api::FaultInjector& faults = lab_->client();
  ASSERT_TRUE(lab_->ping("ra", "198.18.10.2", 2)) << tail_file(lab_->log());

  api::Faults all_lost;
  all_lost.loss_percent = 100;
  ASSERT_TRUE(faults.set_faults(api::FaultScope::of_port("Gi1/0/50"), all_lost).has_value());
  auto read = faults.faults(api::FaultScope::of_port("GigabitEthernet1/0/50"));
  ASSERT_TRUE(read.has_value()) << read.error().message;
  EXPECT_EQ(*read, all_lost);
  EXPECT_FALSE(lab_->ping("ra", "198.18.10.2", 2)) << "ping passed a port losing every frame";

  ASSERT_TRUE(faults.set_faults(api::FaultScope::of_port("Gi1/0/50"), api::Faults{}).has_value());
  EXPECT_TRUE(restored()) << "clearing the loss did not restore ping";
  auto status = lab_->client().status();
  ASSERT_TRUE(status.has_value());
  EXPECT_GT((*status)["counters"]["lost"].get<std::int64_t>(), 0);
}

TEST_F(SwitchdControl, LossOnAVlanStopsPingAndClearingItRestoresIt) {
  lab_->start(config());
  api::FaultInjector& faults = lab_->client();
  api::Faults all_lost;
  all_lost.loss_percent = 100;
  all_lost.delay = std::chrono::milliseconds(5);
  ASSERT_TRUE(faults.set_faults(api::FaultScope::of_vlan(10), all_lost).has_value());
  auto read = faults.faults(api::FaultScope::of_vlan(10));
  ASSERT_TRUE(read.has_value());
  EXPECT_EQ(*read, all_lost);
  EXPECT_FALSE(lab_->ping("ra", "198.18.10.2", 2));
  ASSERT_TRUE(faults.set_faults(api::FaultScope::of_vlan(10), api::Faults{}).has_value());
  EXPECT_TRUE(restored()) << "clearing the loss did not restore ping";
}

TEST_F(SwitchdControl, ADelayOnAPortDelaysEveryFrame) {
  lab_->start(config());
  api::Faults slow;
  slow.delay = std::chrono::milliseconds(150);
  ASSERT_TRUE(lab_->client().set_faults(api::FaultScope::of_port("Gi1/0/50"), slow).has_value());
  const auto r = lab_->lab().exec("ra", {"timeout", "4", "busybox", "ping", "-c", "2", "-w", "3",
                                         "198.18.10.2"});
  ASSERT_EQ(r.status, 0) << r.out << r.err;
  // Out of port 50 and back in through it: 300 ms or more per round trip.
  const auto at = r.out.find("min/avg/max = ");
  ASSERT_NE(at, std::string::npos) << r.out;
  const double min_ms = std::stod(r.out.substr(at + 14));
  EXPECT_GE(min_ms, 290.0) << r.out;
}

TEST_F(SwitchdControl, AFlapTakesTheLinkDownThenUp) {
  lab_->start(config());
  ASSERT_TRUE(carrier(b_));
  api::LinkFlap flap;
  flap.down_for = std::chrono::milliseconds(1000);
  const auto started = std::chrono::steady_clock::now();
  ASSERT_TRUE(lab_->client().flap_link("Gi1/0/50", flap).has_value());
  ASSERT_TRUE(wait_until([&] { return !lab_->port_status("Gi1/0/50")["link_up"].get<bool>(); },
                         std::chrono::milliseconds(500)))
      << "the flap did not take the link down";
  EXPECT_TRUE(wait_until([&] { return !carrier(b_); }, std::chrono::milliseconds(500)))
      << "the host still sees a carrier while the port is down";
  ASSERT_TRUE(wait_until([&] { return lab_->port_status("Gi1/0/50")["link_up"].get<bool>(); },
                         std::chrono::milliseconds(2500)))
      << "the link did not come back";
  EXPECT_GE(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(900));
  EXPECT_TRUE(wait_until([&] { return carrier(b_); }, std::chrono::milliseconds(1000)));
  EXPECT_TRUE(lab_->ping("ra", "198.18.10.2", 2));

  std::vector<std::string> seen;
  for (const auto& e : lab_->read_events()) {
    if (e.value("source", "") != "switch") continue;
    const auto attrs = e.value("attrs", json::object());
    if (attrs.value("interface", "") == "GigabitEthernet1/0/50") seen.push_back(e["kind"]);
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"link.down", "link.up"}));
  for (const auto& e : lab_->read_events()) EXPECT_EQ(invalid_event(e), "") << e.dump();
}

TEST_F(SwitchdControl, TheLinkOpTakesAPortDownAndUp) {
  lab_->start(config());
  ASSERT_TRUE(lab_->client().link("Gi1/0/50", false).has_value());
  EXPECT_FALSE(lab_->port_status("Gi1/0/50")["link_up"].get<bool>());
  EXPECT_TRUE(wait_until([&] { return !carrier(b_); }, std::chrono::milliseconds(500)));
  ASSERT_TRUE(lab_->client().link("Gi1/0/50", true).has_value());
  EXPECT_TRUE(lab_->port_status("Gi1/0/50")["link_up"].get<bool>());
  EXPECT_TRUE(wait_until([&] { return carrier(b_); }, std::chrono::milliseconds(1000)));
  EXPECT_TRUE(lab_->ping("ra", "198.18.10.2", 2));
}

TEST_F(SwitchdControl, BadRequestsAreRefusedAndTheConnectionGoesOn) {
  lab_->start(config());
  auto& client = lab_->client();
  const auto refused = [&](const json& request) -> std::string {
    auto answer = client.call(request);
    if (answer) return "";
    EXPECT_EQ(answer.error().fault, api::Fault::config);
    return answer.error().message;
  };
  EXPECT_NE(refused({{"op", "status"}, {"extra", 1}}).find("unknown key 'extra'"), std::string::npos);
  EXPECT_NE(refused({{"op", "reboot"}}).find("unknown op 'reboot'"), std::string::npos);
  EXPECT_NE(refused({{"op", "link"}, {"port", "Gi1/0/7"}, {"up", true}}).find("no port 'Gi1/0/7'"),
            std::string::npos);
  EXPECT_NE(refused({{"op", "set_faults"}, {"scope", {{"vlan", 10}}}, {"faults", {{"loss_percent", 101}}}})
                .find("loss_percent"),
            std::string::npos);
  EXPECT_NE(refused({{"op", "set_faults"}, {"scope", {{"vlan", 10}, {"port", "Gi1/0/49"}}},
                     {"faults", json::object()}})
                .find("exactly one"),
            std::string::npos);
  EXPECT_NE(refused({{"op", "flap"}, {"port", "Gi1/0/49"}, {"down_ms", 0}}).find("down_for"),
            std::string::npos);
  EXPECT_NE(refused({{"op", "power"}, {"port", "Gi1/0/49"}, {"on", true}}).find("not an access port"),
            std::string::npos);
  // The connection still answers after the refusals.
  auto status = client.status();
  ASSERT_TRUE(status.has_value()) << status.error().message;
  EXPECT_EQ((*status)["ports"].size(), 2u);
  EXPECT_TRUE(client.announce(false).has_value());
  EXPECT_FALSE(client.status()->at("announce").get<bool>());
}

TEST_F(SwitchdControl, TheInitialFaultsOfSwitchJsonApply) {
  lab_->start(config(json::array({json{{"scope", {{"vlan", 10}}}, {"loss_percent", 100}}})));
  auto read = lab_->client().faults(api::FaultScope::of_vlan(10));
  ASSERT_TRUE(read.has_value());
  EXPECT_EQ(read->loss_percent, 100.0);
  EXPECT_FALSE(lab_->ping("ra", "198.18.10.2", 2));
}

TEST_F(SwitchdControl, SigtermEndsTheSwitchAndRemovesItsSocket) {
  lab_->start(config());
  ASSERT_TRUE(std::filesystem::exists(lab_->control()));
  EXPECT_EQ(lab_->program().stop(), 0);
  EXPECT_FALSE(std::filesystem::exists(lab_->control()));
}

TEST(SwitchdConfig, TheProgramRefusesAnUnknownKeyWithExitTwo) {
  char pattern[] = "/tmp/phrt-swd-cfg-XXXXXX";
  const std::filesystem::path dir = ::mkdtemp(pattern);
  const auto path = dir / "switch.json";
  std::ofstream(path) << R"({"ports":[{"name":"x0","number":1,"kind":"rig","vlan":10,"colour":"red"}],
                            "control":"/tmp/nowhere.sock"})";
  const auto r = run_command({switch_program().string(), "--config", path.string()});
  std::filesystem::remove_all(dir);
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("ports[0]: unknown key 'colour'"), std::string::npos) << r.err;
}

TEST(SwitchdConfig, TheProgramRefusesAMissingFileWithExitTwo) {
  const auto r = run_command({switch_program().string(), "--config", "/nonexistent/switch.json"});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("/nonexistent/switch.json"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace phonerig::testing::switchd
