// The PoE driver over SNMPv3 authPriv (SHA/AES, and MD5/DES) against snmpd + our PoE agent in
// a namespace, the v3 errors (unknown user, wrong passphrase) as the agent reports them, and
// a grep of everything the test produced (events, error messages, snmpd's and the agent's
// logs) for the passphrases. Needs root.
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "tests/lab/power/poe_lab.hpp"

namespace phonerig {
namespace {

using testing::PoeLab;
using testing::PoeLabOptions;
using testing::run_op;
using Statuses = std::vector<api::PortStatus>;

// Distinctive, so that a grep finds them anywhere they leak.
constexpr const char* kAuth = "Zq7-auth-PASSPHRASE-k4w";
constexpr const char* kPriv = "Xv9-priv-PASSPHRASE-m2j";
constexpr const char* kWrongAuth = "Wr0ng-auth-PASSPHRASE-p8";

class PowerV3 : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (geteuid() != 0) return;
    PoeLabOptions o;
    o.tag = "pv3";
    o.profile = "cisco";
    o.v3_auth = kAuth;
    o.v3_priv = kPriv;
    lab_ = new PoeLab(o);
  }
  static void TearDownTestSuite() {
    if (lab_ != nullptr) {
      // Everything the suite produced, read before the lab (and its logs) go away.
      std::string everything = produced_;
      for (const auto& path : {lab_->snmpd_log(), lab_->agent_log()}) {
        std::ifstream in(path);
        std::stringstream text;
        text << in.rdbuf();
        everything += text.str();
      }
      EXPECT_GT(everything.size(), 100u);
      for (const char* secret : {kAuth, kPriv, kWrongAuth}) {
        EXPECT_EQ(everything.find(secret), std::string::npos) << secret << " leaked";
      }
    }
    delete lab_;
    lab_ = nullptr;
  }
  void SetUp() override {
    if (geteuid() != 0) GTEST_SKIP() << "needs root (network namespaces, snmpd)";
    sw_ = lab_->open_switch(io_, lab_->v3(power::Profile::cisco), events_);
  }
  void TearDown() override {
    for (const auto& e : events_.events()) {
      EXPECT_TRUE(api::validate(e)) << api::to_string(e);
      produced_ += api::to_string(e) + "\n";
    }
  }
  template <class T>
  api::Result<T> keep(api::Result<T> r) {
    if (!r) produced_ += r.error().message + "\n";
    return r;
  }
  api::Result<Statuses> set(power::SnmpPoeSwitch& sw, std::vector<std::string> ports, bool on) {
    return keep(run_op<Statuses>(io_, [&](auto done) { sw.set_power(ports, on, done); }));
  }

  static PoeLab* lab_;
  static std::string produced_;
  boost::asio::io_context io_;
  api::CollectingSink events_;
  std::unique_ptr<power::SnmpPoeSwitch> sw_;
};
PoeLab* PowerV3::lab_ = nullptr;
std::string PowerV3::produced_;

TEST_F(PowerV3, ShaAesPowersOnReadsPowerDrawnAndPowersOff) {
  auto on = set(*sw_, {"Gi1/0/5"}, true);
  ASSERT_TRUE(on) << on.error().message;
  EXPECT_EQ((*on)[0].detection, api::PoeDetection::delivering_power);
  EXPECT_EQ((*on)[0].power_mw, 6300);
  auto s = keep(run_op<Statuses>(io_, [&](auto done) { sw_->status({"Gi1/0/5"}, done); }));
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ((*s)[0].name, "GigabitEthernet1/0/5");
  EXPECT_EQ((*s)[0].power_class, 2);
  // The tool, over v3 too, sees the Cisco table say auto(1).
  const auto tool = lab_->tool("snmpget", {"-v3", "-l", "authPriv", "-u", "rig", "-a", "SHA",
                                           "-A", kAuth, "-x", "AES", "-X", kPriv, "127.0.0.1",
                                           "1.3.6.1.4.1.9.9.402.1.2.1.1.1.5"});
  EXPECT_NE(tool.out.find("INTEGER: 1"), std::string::npos) << tool.out << tool.err;
  ASSERT_TRUE(set(*sw_, {"Gi1/0/5"}, false));
}

TEST_F(PowerV3, BatchAndCycle) {
  const auto ports = testing::port_range(1, 24);
  auto on = set(*sw_, ports, true);
  ASSERT_TRUE(on) << on.error().message;
  EXPECT_EQ(on->size(), 24u);
  auto c = keep(run_op<api::CycleResult>(io_, [&](auto done) { sw_->cycle({"1/2", "1/3"}, done); }));
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_GE(c->off_time, std::chrono::milliseconds(400));
  ASSERT_TRUE(set(*sw_, ports, false));
}

TEST_F(PowerV3, Md5DesUserWorksToo) {
  auto config = lab_->v3(power::Profile::cisco);
  config.user = power::V3User{"oldrig", power::AuthProtocol::md5, kAuth, power::PrivProtocol::des,
                              kPriv};
  auto old = lab_->open_switch(io_, config, events_);
  auto on = set(*old, {"1/7"}, true);
  ASSERT_TRUE(on) << on.error().message;
  ASSERT_TRUE(set(*old, {"1/7"}, false));
}

TEST_F(PowerV3, UnknownUserIsReported) {
  auto config = lab_->v3(power::Profile::cisco);
  config.user.name = "nobody";
  auto sw = lab_->open_switch(io_, config, events_);
  auto on = set(*sw, {"1/5"}, true);
  ASSERT_FALSE(on);
  EXPECT_EQ(on.error().message,
            "switch 127.0.0.1:161, port 1/5, OID 1.3.6.1.4.1.9.9.402.1.2.1.1.1.5: unknownUserName "
            "(SNMPv3 report: the agent has no such user)");
}

TEST_F(PowerV3, WrongAuthPassphraseIsReportedAsWrongDigest) {
  auto config = lab_->v3(power::Profile::cisco);
  config.user.auth_passphrase = kWrongAuth;
  auto sw = lab_->open_switch(io_, config, events_);
  auto on = set(*sw, {"1/5"}, true);
  ASSERT_FALSE(on);
  EXPECT_EQ(on.error().message,
            "switch 127.0.0.1:161, port 1/5, OID 1.3.6.1.4.1.9.9.402.1.2.1.1.1.5: wrongDigest "
            "(SNMPv3 report: wrong auth passphrase or protocol)");
  // The right passphrase works again afterwards in the same process (USM users are global).
  sw.reset();
  auto right = lab_->open_switch(io_, lab_->v3(power::Profile::cisco), events_);
  auto ok = set(*right, {"1/5"}, false);
  EXPECT_TRUE(ok) << ok.error().message;
}

}  // namespace
}  // namespace phonerig
