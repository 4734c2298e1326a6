// The PDU profile: APC PowerNet-MIB outlets behind the same PoeSwitch interface, against
// snmpd + our PoE agent in its apc-pdu profile. Needs root.
#include <gtest/gtest.h>
#include <unistd.h>

#include "tests/lab/power/poe_lab.hpp"

namespace phonerig {
namespace {

using testing::PoeLab;
using testing::PoeLabOptions;
using testing::run_op;
using Statuses = std::vector<api::PortStatus>;

TEST(PowerApc, OutletsSwitchOnOffAndCycle) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root (network namespaces, snmpd)";
  PoeLabOptions o;
  o.tag = "pap";
  o.profile = "apc-pdu";
  o.ports = 8;
  PoeLab lab(o);
  boost::asio::io_context io;
  api::CollectingSink events;
  auto sw = lab.open_switch(io, lab.v2c(power::Profile::apc_pdu), events);
  auto on = run_op<Statuses>(io, [&](auto done) { sw->set_power({"3", "outlet 4"}, true, done); });
  ASSERT_TRUE(on) << on.error().message;
  EXPECT_TRUE((*on)[0].admin_on);
  EXPECT_EQ((*on)[1].detection, api::PoeDetection::delivering_power);
  const auto tool = lab.tool("snmpget", {"-v2c", "-c", "public", "127.0.0.1",
                                         "1.3.6.1.4.1.318.1.1.12.3.5.1.1.4.3"});
  EXPECT_NE(tool.out.find("INTEGER: 1"), std::string::npos) << tool.out;
  auto c = run_op<api::CycleResult>(io, [&](auto done) { sw->cycle({"3"}, done); });
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_GE(c->off_time, std::chrono::milliseconds(400));
  auto off = run_op<Statuses>(io, [&](auto done) { sw->set_power({"3", "4"}, false, done); });
  ASSERT_TRUE(off) << off.error().message;
  EXPECT_EQ((*off)[0].detection, api::PoeDetection::disabled);
  auto bad = run_op<Statuses>(io, [&](auto done) { sw->set_power({"9"}, true, done); });
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message,
            "switch 127.0.0.1:161, port 9, OID 1.3.6.1.4.1.318.1.1.12.3.3.1.1.4.9: noCreation (no "
            "such row: the switch has no such port)");
  for (const auto& e : events.events()) EXPECT_TRUE(api::validate(e)) << api::to_string(e);
  EXPECT_EQ(events.count("power.on"), 3u);
}

}  // namespace
}  // namespace phonerig
