// The PoE driver over SNMPv2c against snmpd + our PoE agent (RFC 3621 profile) in a
// namespace: power on/off/cycle/status for one port and for batches, what net-snmp's own
// tools see, the neighbour tables, and the exact errors (timeout, wrong community,
// read-only object, nonexistent port). Needs root.
#include <gtest/gtest.h>
#include <unistd.h>

#include <regex>

#include "drivers/power/session.hpp"
#include "tests/lab/power/poe_lab.hpp"

namespace phonerig {
namespace {

using testing::PoeLab;
using testing::PoeLabOptions;
using testing::run_op;
using Statuses = std::vector<api::PortStatus>;

class PowerV2c : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (geteuid() != 0) return;
    PoeLabOptions o;
    o.tag = "pv2";
    o.agent_args = {"--cdp", "3,SEP001122334455,Cisco IP Phone 8845,sip88xx.14-1-1MN-366",
                    "--lldp", "3,00:11:22:33:44:55,Port 1,SEP001122334455,Cisco IP Phone 8845",
                    "--no-pd", "40"};
    lab_ = new PoeLab(o);
  }
  static void TearDownTestSuite() {
    delete lab_;
    lab_ = nullptr;
  }
  void SetUp() override {
    if (geteuid() != 0) GTEST_SKIP() << "needs root (network namespaces, snmpd)";
    sw_ = lab_->open_switch(io_, lab_->v2c(power::Profile::rfc3621), events_);
  }
  void TearDown() override {
    for (const auto& e : events_.events()) EXPECT_TRUE(api::validate(e)) << api::to_string(e);
  }

  api::Result<Statuses> set(std::vector<std::string> ports, bool on) {
    return run_op<Statuses>(io_, [&](auto done) { sw_->set_power(ports, on, done); });
  }
  api::Result<Statuses> status(std::vector<std::string> ports) {
    return run_op<Statuses>(io_, [&](auto done) { sw_->status(ports, done); });
  }
  std::string tool_get(const std::string& oid) {
    auto r = lab_->tool("snmpget", {"-v2c", "-c", "public", "127.0.0.1", oid});
    return r.out;
  }

  static PoeLab* lab_;
  boost::asio::io_context io_;
  api::CollectingSink events_;
  std::unique_ptr<power::SnmpPoeSwitch> sw_;
};
PoeLab* PowerV2c::lab_ = nullptr;

TEST_F(PowerV2c, PowersOnePortOnAndConfirmsDeliveringPower) {
  auto on = set({"1/5"}, true);
  ASSERT_TRUE(on) << on.error().message;
  ASSERT_EQ(on->size(), 1u);
  EXPECT_TRUE((*on)[0].admin_on);
  EXPECT_EQ((*on)[0].detection, api::PoeDetection::delivering_power);
  EXPECT_EQ((*on)[0].power_class, 2);
  EXPECT_EQ(events_.count("power.on"), 1u);
  EXPECT_GE(events_.count("port.detection"), 1u);
  // net-snmp's tools see the same table.
  EXPECT_NE(tool_get("1.3.6.1.2.1.105.1.1.1.3.1.5").find("INTEGER: 1"), std::string::npos);
  EXPECT_NE(tool_get("1.3.6.1.2.1.105.1.1.1.6.1.5").find("INTEGER: 3"), std::string::npos);

  auto off = set({"1/5"}, false);
  ASSERT_TRUE(off) << off.error().message;
  EXPECT_FALSE((*off)[0].admin_on);
  EXPECT_EQ((*off)[0].detection, api::PoeDetection::disabled);
  EXPECT_EQ(events_.count("power.off"), 1u);
  EXPECT_NE(tool_get("1.3.6.1.2.1.105.1.1.1.6.1.5").find("INTEGER: 1"), std::string::npos);
}

TEST_F(PowerV2c, PortNamesResolveThroughEntPhysicalName) {
  auto on = set({"Gi1/0/7", "GigabitEthernet1/0/8"}, true);
  ASSERT_TRUE(on) << on.error().message;
  auto s = status({"Gi1/0/7", "1/8"});
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ((*s)[0].name, "GigabitEthernet1/0/7");
  EXPECT_EQ((*s)[1].name, "GigabitEthernet1/0/8");
  EXPECT_EQ((*s)[0].detection, api::PoeDetection::delivering_power);
  EXPECT_NE(tool_get("1.3.6.1.2.1.105.1.1.1.3.1.8").find("INTEGER: 1"), std::string::npos);
  ASSERT_TRUE(set({"Gi1/0/7", "Gi1/0/8"}, false));
}

TEST_F(PowerV2c, BatchOfTwelvePortsAndWalkSeesTheSame) {
  const auto ports = testing::port_range(11, 22);
  auto on = set(ports, true);
  ASSERT_TRUE(on) << on.error().message;
  ASSERT_EQ(on->size(), 12u);
  for (const auto& s : *on) EXPECT_EQ(s.detection, api::PoeDetection::delivering_power) << s.port;
  const auto walk = lab_->tool("snmpwalk", {"-v2c", "-c", "public", "127.0.0.1",
                                             "1.3.6.1.2.1.105.1.1.1.6"});
  for (int p = 1; p <= 48; ++p) {
    const std::string expect = ".1.3.6.1.2.1.105.1.1.1.6.1." + std::to_string(p) +
                               " = INTEGER: " + (p >= 11 && p <= 22 ? "3" : "1");
    EXPECT_NE(walk.out.find(expect + "\n"), std::string::npos) << expect << "\n" << walk.out;
  }
  ASSERT_TRUE(set(ports, false));
}

TEST_F(PowerV2c, SnmpsetFromTheToolChangesWhatTheDriverReads) {
  auto r = lab_->tool("snmpset", {"-v2c", "-c", "private", "127.0.0.1",
                                   "1.3.6.1.2.1.105.1.1.1.3.1.30", "i", "1"});
  ASSERT_EQ(r.status, 0) << r.err;
  auto on = run_op<Statuses>(io_, [&](auto done) {
    sw_->wait_for({"1/30"}, api::PoeDetection::delivering_power, std::chrono::seconds(5), done);
  });
  ASSERT_TRUE(on) << on.error().message;
  EXPECT_TRUE((*on)[0].admin_on);
  r = lab_->tool("snmpset", {"-v2c", "-c", "private", "127.0.0.1",
                              "1.3.6.1.2.1.105.1.1.1.3.1.30", "i", "2"});
  ASSERT_EQ(r.status, 0) << r.err;
  auto s = status({"1/30"});
  ASSERT_TRUE(s);
  EXPECT_FALSE((*s)[0].admin_on);
  EXPECT_EQ((*s)[0].detection, api::PoeDetection::disabled);
}

TEST_F(PowerV2c, CycleHoldsPowerOffForTheMinimumAndMeasuresIt) {
  ASSERT_TRUE(set({"1/9", "1/10"}, true));
  auto c = run_op<api::CycleResult>(io_, [&](auto done) { sw_->cycle({"1/9", "1/10"}, done); });
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_GE(c->off_time, std::chrono::milliseconds(400));
  EXPECT_LT(c->off_time, std::chrono::milliseconds(15000));  // bounded, not a timing target
  for (const auto& s : c->ports) EXPECT_EQ(s.detection, api::PoeDetection::delivering_power);
  EXPECT_EQ(events_.count("power.off"), 2u);
  EXPECT_EQ(events_.count("power.on"), 4u);
  ASSERT_TRUE(set({"1/9", "1/10"}, false));
}

TEST_F(PowerV2c, APortWithNothingPluggedInNeverDeliversPower) {
  auto on = set({"1/40"}, true);
  ASSERT_FALSE(on);
  EXPECT_EQ(on.error().message,
            "switch 127.0.0.1:161, port 1/40, OID 1.3.6.1.2.1.105.1.1.1.6.1.40: did not reach "
            "deliveringPower within 5000 ms (read searching, admin on)");
  ASSERT_TRUE(set({"1/40"}, false));
}

TEST_F(PowerV2c, ReadsCdpAndLldpNeighbours) {
  auto n = run_op<std::vector<api::Neighbour>>(io_, [&](auto done) {
    sw_->neighbours({"Gi1/0/3", "Gi1/0/4"}, done);
  });
  ASSERT_TRUE(n) << n.error().message;
  ASSERT_EQ(n->size(), 2u);
  EXPECT_EQ((*n)[0].protocol, "cdp");
  EXPECT_EQ((*n)[0].device_id, "SEP001122334455");
  EXPECT_EQ((*n)[0].platform, "Cisco IP Phone 8845");
  EXPECT_EQ((*n)[0].software_version, "sip88xx.14-1-1MN-366");
  EXPECT_EQ((*n)[1].protocol, "lldp");
  EXPECT_EQ((*n)[1].system_name, "SEP001122334455");
  EXPECT_EQ((*n)[1].port, "Gi1/0/3");
}

TEST_F(PowerV2c, NonexistentPortGivesTheAgentsNoCreation) {
  auto on = set({"1/99"}, true);
  ASSERT_FALSE(on);
  EXPECT_EQ(on.error().fault, api::Fault::config);
  EXPECT_EQ(on.error().message,
            "switch 127.0.0.1:161, port 1/99, OID 1.3.6.1.2.1.105.1.1.1.3.1.99: noCreation (no "
            "such row: the switch has no such port)");
  auto s = status({"Gi1/0/99"});
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().message,
            "switch 127.0.0.1:161, port Gi1/0/99: no such port (no entPhysicalName, ifName or "
            "ifDescr of a pethPsePortTable row matches; the switch has 48 PoE ports: "
            "GigabitEthernet1/0/1 .. GigabitEthernet1/0/48)");
  auto w = run_op<Statuses>(io_, [&](auto done) {
    sw_->wait_for({"1/99"}, api::PoeDetection::disabled, std::chrono::seconds(1), done);
  });
  ASSERT_FALSE(w);
  EXPECT_EQ(w.error().message,
            "switch 127.0.0.1:161, port 1/99, OID 1.3.6.1.2.1.105.1.1.1.3.1.99: noSuchInstance "
            "(the switch has no such port)");
}

TEST_F(PowerV2c, ReadOnlyObjectGivesNotWritable) {
  // The Cisco profile against a switch without the Cisco MIB writes an object it lacks.
  auto cisco = lab_->open_switch(io_, lab_->v2c(power::Profile::cisco), events_);
  auto on = run_op<Statuses>(io_, [&](auto done) { cisco->set_power({"1/6"}, true, done); });
  ASSERT_FALSE(on);
  EXPECT_EQ(on.error().message,
            "switch 127.0.0.1:161, port 1/6, OID 1.3.6.1.4.1.9.9.402.1.2.1.1.1.6: notWritable "
            "(the object is read-only)");
  // Setting pethPsePortDetectionStatus (read-only in RFC 3621) through the driver's session.
  std::unique_ptr<power::Session> session;
  {
    testing::NetnsGuard inside(lab_->ns());
    power::SessionConfig sc;
    sc.host = "127.0.0.1";
    sc.community = "private";
    sc.timeout = std::chrono::milliseconds(300);
    auto opened = power::Session::open(io_.get_executor(), sc);
    ASSERT_TRUE(opened);
    session = std::move(*opened);
  }
  const power::Oid detection = {1, 3, 6, 1, 2, 1, 105, 1, 1, 1, 6, 1, 5};
  auto r = run_op<std::vector<power::VarBind>>(io_, [&](auto done) {
    session->set({power::SetBind{detection, 3}}, [done](power::SnmpResult x) {
      if (x) return done(*x);
      done(api::fail(api::Fault::rig,
                     power::error_message("127.0.0.1:161", "1/5", x.error().oid,
                                          power::describe(x.error(), {}))));
    });
  });
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message,
            "switch 127.0.0.1:161, port 1/5, OID 1.3.6.1.2.1.105.1.1.1.6.1.5: notWritable (the "
            "object is read-only)");
}

TEST_F(PowerV2c, WrongCommunityTimesOut) {
  auto config = lab_->v2c(power::Profile::rfc3621);
  config.community = "not-the-community";
  auto wrong = lab_->open_switch(io_, config, events_);
  auto s = run_op<Statuses>(io_, [&](auto done) { wrong->set_power({"1/5"}, true, done); });
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().fault, api::Fault::rig);
  EXPECT_EQ(s.error().message,
            "switch 127.0.0.1:161, port 1/5, OID 1.3.6.1.2.1.105.1.1.1.3.1.5: timeout: no "
            "response after 2 tries of 300 ms (agent down, unreachable, or a wrong community)");
  EXPECT_EQ(s.error().message.find("not-the-community"), std::string::npos);
}

TEST_F(PowerV2c, BatchOf48PortsAgainst48SnmpsetRuns) {
  const auto ports = testing::port_range(1, 48);
  auto config = lab_->v2c(power::Profile::rfc3621);
  config.accept_searching = true;  // port 40 has nothing plugged in
  sw_ = lab_->open_switch(io_, config, events_);
  const auto t0 = std::chrono::steady_clock::now();
  auto on = run_op<Statuses>(io_, [&](auto done) { sw_->set_power(ports, true, done); });
  const auto t1 = std::chrono::steady_clock::now();
  ASSERT_TRUE(on) << on.error().message;
  auto off_start = std::chrono::steady_clock::now();
  ASSERT_TRUE(set(ports, false));
  const auto driver_off = std::chrono::steady_clock::now() - off_start;
  const auto t2 = std::chrono::steady_clock::now();
  for (int p = 1; p <= 48; ++p) {
    auto r = lab_->tool("snmpset", {"-v2c", "-c", "private", "127.0.0.1",
                                     "1.3.6.1.2.1.105.1.1.1.3.1." + std::to_string(p), "i", "2"});
    ASSERT_EQ(r.status, 0) << r.err;
  }
  const auto tools = std::chrono::steady_clock::now() - t2;
  using ms = std::chrono::duration<double, std::milli>;
  std::printf("power batch: driver, 48 ports on incl. confirm: %.1f ms; off incl. confirm: %.1f ms;"
              " 48 sequential snmpset runs: %.1f ms; ratio snmpset/driver-off: %.1fx\n",
              ms(t1 - t0).count(), ms(driver_off).count(), ms(tools).count(),
              ms(tools).count() / ms(driver_off).count());
}

TEST_F(PowerV2c, AgentStoppedTimesOutThenRecovers) {
  lab_->stop_snmpd();
  auto s = status({"1/5"});
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().message,
            "switch 127.0.0.1:161, port 1/5, OID 1.3.6.1.2.1.105.1.1.1.3: timeout: no "
            "response after 2 tries of 300 ms (agent down, unreachable, or a wrong community)");
  auto on = set({"1/5"}, true);
  ASSERT_FALSE(on);
  EXPECT_EQ(on.error().message,
            "switch 127.0.0.1:161, port 1/5, OID 1.3.6.1.2.1.105.1.1.1.3.1.5: timeout: no "
            "response after 2 tries of 300 ms (agent down, unreachable, or a wrong community)");
  lab_->start_snmpd();
  lab_->start_agent();
  EXPECT_TRUE(set({"1/5"}, false));
}

// Two requests by name share one walk of the port tables; when it fails, each caller is
// told about the ports it asked for, not the first caller's.
TEST_F(PowerV2c, AFailedSharedPortTableWalkNamesEachCallersOwnPorts) {
  lab_->stop_snmpd();
  auto fresh = lab_->open_switch(io_, lab_->v2c(power::Profile::rfc3621), events_);
  std::optional<api::Result<Statuses>> second;
  auto first = run_op<Statuses>(io_, [&](auto done) {
    fresh->status({"Gi1/0/7"}, done);
    fresh->status({"Gi1/0/9"}, [&](api::Result<Statuses> r) { second.emplace(std::move(r)); });
  });
  for (int i = 0; i < 100 && !second; ++i) io_.run_one_for(std::chrono::milliseconds(100));
  lab_->start_snmpd();
  lab_->start_agent();
  ASSERT_FALSE(first);
  ASSERT_TRUE(second.has_value());
  ASSERT_FALSE(*second);
  EXPECT_NE(first.error().message.find("port Gi1/0/7,"), std::string::npos) << first.error().message;
  EXPECT_EQ(first.error().message.find("Gi1/0/9"), std::string::npos) << first.error().message;
  EXPECT_NE(second->error().message.find("port Gi1/0/9,"), std::string::npos)
      << second->error().message;
  EXPECT_EQ(second->error().message.find("Gi1/0/7"), std::string::npos) << second->error().message;
  EXPECT_NE(second->error().message.find("timeout"), std::string::npos);
}

}  // namespace
}  // namespace phonerig
