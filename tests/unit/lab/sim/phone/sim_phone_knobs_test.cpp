// Each knob of the emulated phone changes what it does, as issue 6 lists them.
#include <gtest/gtest.h>

#include <functional>

#include "drivers/wire/cdp.hpp"
#include "drivers/wire/link.hpp"
#include "tests/unit/lab/sim/phone/sim_phone_world.hpp"

namespace phonerig::sim::phone {
namespace {

using testing::World;
const std::string kMac = "001B53489EE0";

World booted(Config config, const std::function<void(World&)>& setup = {}) {
  World world{std::move(config)};
  if (setup) setup(world);
  world.boot();
  world.run_until(20000);
  return world;
}

TEST(SimPhoneKnobs, IgnoreOption150UsesOption66Server) {
  Config config;
  config.ignore_option_150 = true;
  auto world = booted(config, [](World& w) { w.option66 = "198.18.0.20"; });
  EXPECT_EQ(world.count("fetch CTLSEP" + kMac + ".tlv http 198.18.0.20:6970"), 1u);
  EXPECT_EQ(world.count("fetch SEP" + kMac + ".cnf.xml http 198.18.0.20:6970"), 1u);
  EXPECT_EQ(world.count("fetch SEP" + kMac + ".cnf.xml http 198.18.0.10"), 0u);
  EXPECT_TRUE(world.phone.registered());
}

TEST(SimPhoneKnobs, WithoutTheKnobOption150WinsOver66) {
  auto world = booted(Config{}, [](World& w) { w.option66 = "198.18.0.20"; });
  EXPECT_EQ(world.count("fetch SEP" + kMac + ".cnf.xml http 198.18.0.10:6970"), 1u);
  EXPECT_EQ(world.count("fetch SEP" + kMac + ".cnf.xml http 198.18.0.20"), 0u);
}

TEST(SimPhoneKnobs, Option66AloneIsUsed) {
  auto world = booted(Config{}, [](World& w) {
    w.option150.clear();
    w.option66 = "198.18.0.21";
  });
  EXPECT_EQ(world.count("fetch SEP" + kMac + ".cnf.xml http 198.18.0.21:6970"), 1u);
}

TEST(SimPhoneKnobs, HttpOffFetchesEveryFileOverTftpOnly) {
  Config config;
  config.http = false;
  auto world = booted(config);
  std::size_t fetches = 0;
  for (const auto& line : world.log) {
    if (line.rfind("fetch", 0) != 0) continue;
    ++fetches;
    EXPECT_NE(line.find(" tftp 198.18.0.10:69"), std::string::npos) << line;
  }
  EXPECT_EQ(fetches, 8u);  // CTL ITL cnf dialplan softkeys | user locale, network locale, ring list
  EXPECT_TRUE(world.phone.registered());
}

TEST(SimPhoneKnobs, HttpFailureFallsBackToTftpForThatFileOnly) {
  auto world = booted(Config{}, [](World& w) { w.http_missing.insert("softkeys.xml"); });
  const auto http = world.index_of("fetch softkeys.xml http");
  ASSERT_NE(http, std::string::npos);
  EXPECT_EQ(world.log[http + 1], "fetch softkeys.xml tftp 198.18.0.10:69");
  EXPECT_EQ(world.count("fetch dialplan.xml tftp"), 0u);
}

TEST(SimPhoneKnobs, WrongCredentialsFailTheRegistrationAfter401) {
  Config config;
  config.password_override = "not-the-password";
  auto world = booted(config);
  EXPECT_EQ(world.registers.size(), 2u);
  EXPECT_NE(world.index_of("status register failed: 401 after credentials"), std::string::npos);
  EXPECT_FALSE(world.phone.registered());
  EXPECT_EQ(world.count("fetch Ringlist"), 0u);
  auto second = wire::sip::parse(world.registers[1]);
  auto creds = wire::sip::authorization(*second);
  ASSERT_TRUE(creds.has_value());
  EXPECT_NE(creds->response, "1115bf280ab3a977f7cf809b43189195");
}

TEST(SimPhoneKnobs, UdpTransportConnectsAndRegistersOverUdp) {
  Config config;
  config.udp_transport = true;
  auto world = booted(config);
  EXPECT_EQ(world.count("connect udp 198.18.0.10:5060"), 1u);
  EXPECT_EQ(world.count("connect tcp"), 0u);
  auto first = wire::sip::parse(world.registers.at(0));
  EXPECT_EQ(wire::sip::vias(*first)->front().transport, "UDP");
  EXPECT_NE(first->get("Contact")->find(";transport=udp>"), std::string::npos);
  EXPECT_TRUE(world.phone.registered());
}

TEST(SimPhoneKnobs, NoCdpSupportSendsLldpOnlyAndLearnsTheVlanFromLldpMed) {
  Config config;
  config.cdp = false;
  auto world = booted(config, [](World& w) {
    w.switch_cdp = true;
    w.switch_lldp = true;
    w.vlan = 200;
  });
  EXPECT_EQ(world.count("send_frame cdp"), 0u);
  EXPECT_GE(world.count("send_frame lldp"), 1u);
  EXPECT_EQ(world.count("use_voice_vlan 200"), 1u);
  EXPECT_TRUE(world.phone.registered());
}

TEST(SimPhoneKnobs, NoCdpSupportIgnoresACdpOnlySwitch) {
  Config config;
  config.cdp = false;
  auto world = booted(config);  // the switch sends CDP only
  EXPECT_EQ(world.count("use_voice_vlan"), 0u);
  EXPECT_NE(world.index_of("status no voice VLAN heard"), std::string::npos);
}

TEST(SimPhoneKnobs, AWellBehavedPhoneAlsoLearnsTheVlanFromLldpMedAlone) {
  auto world = booted(Config{}, [](World& w) {
    w.switch_cdp = false;
    w.switch_lldp = true;
  });
  EXPECT_EQ(world.count("use_voice_vlan 100"), 1u);
}

TEST(SimPhoneKnobs, SoftkeysAfterRegisterMovesTheSoftkeyFetch) {
  Config config;
  config.softkeys_after_register = true;
  auto world = booted(config);
  const auto registered = world.index_of("status registered");
  const auto softkeys = world.index_of("fetch softkeys.xml");
  ASSERT_NE(registered, std::string::npos);
  ASSERT_NE(softkeys, std::string::npos);
  EXPECT_GT(softkeys, registered);
  // Default: before REGISTER.
  auto normal = booted(Config{});
  EXPECT_LT(normal.index_of("fetch softkeys.xml"), normal.index_of("send_sip REGISTER"));
}

TEST(SimPhoneKnobs, VoipVlanQueryIsAddedToTheCdpFrame) {
  Config config;
  config.voip_vlan_query = true;
  auto world = booted(config);
  const Action* frame = world.first(Action::Kind::send_frame, "cdp");
  ASSERT_NE(frame, nullptr);
  auto link = wire::parse_link(wire::LinkType::ethernet, frame->bytes);
  auto decoded = wire::cdp::parse(link->payload, link->payload_offset);
  ASSERT_TRUE(decoded.has_value());
  EXPECT_TRUE(decoded->packet.find<wire::cdp::VoipVlanQuery>().has_value());
}

TEST(SimPhoneKnobs, BootDelayPostponesTheFirstFrame) {
  Config config;
  config.boot_delay_ms = 12000;
  World world{config};
  world.boot();
  world.run_until(11999);
  EXPECT_TRUE(world.log.empty());
  world.run_until(12000);
  ASSERT_FALSE(world.log.empty());
  EXPECT_EQ(world.log.front(), "send_frame cdp");
}

TEST(SimPhoneKnobs, SkippingStepsLeavesTheirFetchesOut) {
  Config config;
  config.skip = {Step::ctl, Step::dial_rules, Step::ringlist};
  auto world = booted(config);
  EXPECT_EQ(world.count("fetch CTLSEP"), 0u);
  EXPECT_EQ(world.count("fetch ITLSEP"), 1u);
  EXPECT_EQ(world.count("fetch dialplan.xml"), 0u);
  EXPECT_EQ(world.count("fetch Ringlist"), 0u);
  EXPECT_TRUE(world.phone.registered());
}

TEST(SimPhoneKnobs, Cp7821ReportsItsModelEverywhere) {
  Config config;
  config.model = Model::cp7821;
  config.running_load = "sip78xx.14-2-1-0001-14";
  auto world = booted(config, [](World& w) {
    w.files["SEP" + kMac + ".cnf.xml"] = testing::to_bytes(
        testing::device_xml({{0, "198.18.0.10"}}, "sip78xx.14-2-1-0001-14"));
  });
  auto first = wire::sip::parse(world.registers.at(0));
  EXPECT_EQ(wire::sip::user_agent(*first), "Cisco-CP7821/sip78xx.14-2-1-0001-14");
  EXPECT_EQ(wire::sip::contacts(*first)->contacts[0].cisco_model(), "621");
  EXPECT_EQ(world.count("fetch English_United_States/sp-sip.jar"), 1u);
  const Action* frame = world.first(Action::Kind::send_frame, "cdp");
  auto link = wire::parse_link(wire::LinkType::ethernet, frame->bytes);
  EXPECT_EQ(wire::cdp::parse(link->payload, link->payload_offset)->packet.platform(),
            "Cisco IP Phone 7821");
}

}  // namespace
}  // namespace phonerig::sim::phone
