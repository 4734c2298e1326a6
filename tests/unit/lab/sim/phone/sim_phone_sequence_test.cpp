// The emulated phone's boot, driven through a synthetic lab (sim_phone_world.hpp): the
// order of what it does, and what its frames and messages carry on the wire.
#include <gtest/gtest.h>

#include "drivers/wire/cdp.hpp"
#include "drivers/wire/dhcp.hpp"
#include "drivers/wire/link.hpp"
#include "drivers/wire/lldp.hpp"
#include "lab/sim/phone/frames.hpp"
#include "tests/unit/lab/sim/phone/sim_phone_world.hpp"

namespace phonerig::sim::phone {
namespace {

using testing::World;
const std::string kMac = "001B53489EE0";
// An XMLDefault.cnf.xml: a CallManager group and a load, no line.
const char* const kXmlDefault =
    "<Default><callManagerGroup><members><member priority=\"0\"><callManager><ports>"
    "<sipPort>5060</sipPort></ports><processNodeName>198.18.0.12</processNodeName>"
    "</callManager></member></members></callManagerGroup>"
    "<loadInformation684 model=\"Cisco 8851\">sip88xx.14-2-1-0001-14</loadInformation684>"
    "</Default>";

std::vector<std::string> the_reference_boot() {
  return {"send_frame cdp",
          "send_frame lldp",
          "use_voice_vlan 100",
          "send_dhcp DISCOVER",
          "send_dhcp REQUEST",
          "configure_ip 198.18.0.100",
          "fetch CTLSEP" + kMac + ".tlv http 198.18.0.10:6970",
          "fetch CTLSEP" + kMac + ".tlv tftp 198.18.0.10:69",
          "fetch ITLSEP" + kMac + ".tlv http 198.18.0.10:6970",
          "fetch SEP" + kMac + ".cnf.xml http 198.18.0.10:6970",
          "fetch dialplan.xml http 198.18.0.10:6970",
          "fetch softkeys.xml http 198.18.0.10:6970",
          "connect tcp 198.18.0.10:5060",
          "send_sip REGISTER",
          "send_sip REGISTER",
          "status registered 120 s with 198.18.0.10",
          "fetch English_United_States/sl-be-sip.jar http 198.18.0.10:6970",
          "fetch United_States/g3-tones.xml http 198.18.0.10:6970",
          "fetch Ringlist-wb.xml http 198.18.0.10:6970",
          "status boot complete"};
}

TEST(SimPhoneSequence, BootsThroughTheRegistrationSequenceInTheReferenceOrder) {
  World world{Config{}};
  world.boot();
  world.run_until(2999);
  EXPECT_TRUE(world.log.empty()) << "nothing before the boot delay";
  world.run_until(10000);
  EXPECT_EQ(world.log, the_reference_boot());
  EXPECT_TRUE(world.phone.registered());
  EXPECT_EQ(world.phone.voice_vlan(), 100);
}

TEST(SimPhoneSequence, CdpFrameDecodesWithDeviceIdPlatformLoadAndPower) {
  World world{Config{}};
  world.boot();
  world.run_until(10000);
  const Action* frame = world.first(Action::Kind::send_frame, "cdp");
  ASSERT_NE(frame, nullptr);
  auto link = wire::parse_link(wire::LinkType::ethernet, frame->bytes);
  ASSERT_TRUE(link.has_value());
  ASSERT_TRUE(wire::cdp::is_cdp(*link));
  EXPECT_EQ(link->dst, wire::cdp::kMulticast);
  auto decoded = wire::cdp::parse(link->payload, link->payload_offset);
  ASSERT_TRUE(decoded.has_value()) << decoded.error();
  EXPECT_TRUE(decoded->checksum_good);
  const auto& p = decoded->packet;
  EXPECT_EQ(p.device_id(), "SEP" + kMac);
  EXPECT_EQ(p.platform(), "Cisco IP Phone 8851");
  EXPECT_EQ(p.software_version(), "sip88xx.14-2-1-0001-14");
  EXPECT_EQ(p.capabilities(), wire::cdp::capability::kIpPhone);
  auto power = p.find<wire::cdp::PowerRequested>();
  ASSERT_TRUE(power.has_value());
  EXPECT_EQ(power->milliwatts, std::vector<std::uint32_t>{9791});
  EXPECT_FALSE(p.find<wire::cdp::VoipVlanQuery>().has_value());
}

TEST(SimPhoneSequence, LldpFrameDecodesWithMedInventoryAndVoicePolicyRequest) {
  World world{Config{}};
  world.boot();
  world.run_until(10000);
  const Action* frame = world.first(Action::Kind::send_frame, "lldp");
  ASSERT_NE(frame, nullptr);
  auto link = wire::parse_link(wire::LinkType::ethernet, frame->bytes);
  ASSERT_TRUE(link.has_value());
  EXPECT_EQ(link->ethertype, wire::ethertype::kLldp);
  auto p = wire::lldp::parse(link->payload);
  ASSERT_TRUE(p.has_value()) << p.error();
  EXPECT_EQ(p->chassis_id.as_mac(), Config{}.mac);
  EXPECT_EQ(wire::lldp::find_inventory(*p, wire::lldp::med_subtype::kSoftwareRevision),
            "sip88xx.14-2-1-0001-14");
  EXPECT_EQ(wire::lldp::find_inventory(*p, wire::lldp::med_subtype::kModel), "CP-8851");
  auto caps = wire::lldp::find<wire::lldp::MedCapabilities>(*p);
  ASSERT_NE(caps, nullptr);
  EXPECT_EQ(caps->device_type, wire::lldp::med_device_type::kEndpointClass3);
  auto policy = wire::lldp::find_policy(*p, wire::lldp::app_type::kVoice);
  ASSERT_TRUE(policy.has_value());
  EXPECT_TRUE(policy->unknown);
  EXPECT_EQ(policy->vlan_id, 0);
}

TEST(SimPhoneSequence, OnceItHasTheVoiceVlanItsLldpPolicyIsThatVlanTagged) {
  World world{Config{}};
  world.boot();
  world.run_until(200000);
  ASSERT_EQ(world.phone.voice_vlan(), std::optional<std::uint16_t>(100));
  const Action* last = nullptr;
  for (const Action& a : world.actions) {
    if (a.kind == Action::Kind::send_frame && a.text == "lldp") last = &a;
  }
  ASSERT_NE(last, nullptr);
  ASSERT_NE(last, world.first(Action::Kind::send_frame, "lldp")) << "one LLDP frame only";
  auto link = wire::parse_link(wire::LinkType::ethernet, last->bytes);
  ASSERT_TRUE(link.has_value());
  auto p = wire::lldp::parse(link->payload);
  ASSERT_TRUE(p.has_value()) << p.error();
  auto policy = wire::lldp::find_policy(*p, wire::lldp::app_type::kVoice);
  ASSERT_TRUE(policy.has_value());
  EXPECT_FALSE(policy->unknown);
  EXPECT_TRUE(policy->tagged);
  EXPECT_EQ(policy->vlan_id, 100);
  EXPECT_EQ(policy->priority, 5);
  EXPECT_EQ(policy->dscp, 46);
}

TEST(SimPhoneSequence, DhcpCarriesVendorClassOfItsModelAndAsksFor150And66) {
  for (Model model : {Model::cp8851, Model::cp7821}) {
    Config config;
    config.model = model;
    World world{config};
    world.boot();
    world.run_until(10000);
    const Action* discover = world.first(Action::Kind::send_dhcp, "DISCOVER");
    const Action* request = world.first(Action::Kind::send_dhcp, "REQUEST");
    ASSERT_NE(discover, nullptr);
    ASSERT_NE(request, nullptr);
    auto d = wire::dhcp::parse(discover->bytes);
    ASSERT_TRUE(d.has_value()) << d.error();
    EXPECT_EQ(*d->options.message_type(), wire::dhcp::MessageType::discover);
    EXPECT_EQ(d->mac(), config.mac);
    EXPECT_EQ(**d->options.vendor_class(), model_info(model).vendor_class);
    auto prl = *d->options.parameter_request_list();
    EXPECT_NE(std::find(prl.begin(), prl.end(), 150), prl.end());
    EXPECT_NE(std::find(prl.begin(), prl.end(), 66), prl.end());
    auto r = wire::dhcp::parse(request->bytes);
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(*r->options.message_type(), wire::dhcp::MessageType::request);
    EXPECT_EQ(r->xid, d->xid);
    EXPECT_EQ((*r->options.requested_ip())->to_string(), "198.18.0.100");
    EXPECT_EQ((*r->options.server_id())->to_string(), "198.18.0.1");
  }
  EXPECT_EQ(model_info(Model::cp8851).vendor_class, "Cisco Systems, Inc. IP Phone CP-8851");
}

TEST(SimPhoneSequence, RegisterLooksLikeTheReferenceAndAnswersTheDigestChallenge) {
  World world{Config{}};
  world.boot();
  world.run_until(10000);
  ASSERT_EQ(world.registers.size(), 2u);
  namespace sip = wire::sip;
  auto first = sip::parse(world.registers[0]);
  ASSERT_TRUE(first.has_value()) << first.error();
  EXPECT_EQ(first->method, "REGISTER");
  EXPECT_EQ(first->request_uri, "sip:198.18.0.10");
  EXPECT_EQ(sip::user_agent(*first), "Cisco-CP8851/sip88xx.14-2-1-0001-14");
  auto via = sip::vias(*first);
  ASSERT_TRUE(via.has_value());
  EXPECT_EQ(via->front().transport, "TCP");
  EXPECT_EQ(via->front().host, "198.18.0.100");
  EXPECT_EQ(via->front().port, 51778);
  EXPECT_EQ(via->front().branch()->rfind("z9hG4bK", 0), 0u);
  auto contact = sip::contacts(*first);
  ASSERT_TRUE(contact.has_value()) << contact.error();
  ASSERT_EQ(contact->contacts.size(), 1u);
  const auto& c = contact->contacts[0];
  EXPECT_EQ(c.instance_id(), "urn:uuid:00000000-0000-0000-0000-001b53489ee0");
  EXPECT_EQ(c.cisco_device_name(), "SEP" + kMac);
  EXPECT_EQ(c.cisco_model(), "684");
  EXPECT_EQ(c.reg_id(), 1u);
  EXPECT_EQ(c.uri.user, "1003");
  EXPECT_EQ(sip::to(*first)->uri.user, "1003");
  EXPECT_EQ(*sip::expires(*first), 3600u);
  EXPECT_NE(first->get("Reason")->find("ActiveLoad=sip88xx.14-2-1-0001-14.loads"), std::string::npos);
  EXPECT_FALSE(first->get("Authorization").has_value());

  auto second = sip::parse(world.registers[1]);
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(sip::cseq(*second)->number, sip::cseq(*first)->number + 1);
  EXPECT_EQ(*sip::call_id(*second), *sip::call_id(*first));
  auto creds = sip::authorization(*second);
  ASSERT_TRUE(creds.has_value()) << creds.error();
  EXPECT_EQ(creds->username, "1003");
  EXPECT_EQ(creds->realm, "ccmsipline");
  EXPECT_EQ(creds->uri, "sip:198.18.0.10");
  // Reference 8.5, second row: 1003 / ccmsipline / s3cr3t, nonce ABCDEF0123456789, no qop.
  EXPECT_EQ(creds->response, "1115bf280ab3a977f7cf809b43189195");
}

TEST(SimPhoneSequence, RefreshesBeforeTheGrantedExpiry) {
  World world{Config{}};
  world.boot();
  world.run_until(10000);
  ASSERT_EQ(world.register_times.size(), 2u);
  const Millis registered_at = world.register_times[1].second;
  world.run_until(registered_at + 114000);
  EXPECT_EQ(world.register_times.size(), 2u);
  world.run_until(registered_at + 116000);
  ASSERT_GE(world.register_times.size(), 3u);
  EXPECT_EQ(world.register_times[2].second, registered_at + 115000);  // 120 - delta 5
  EXPECT_TRUE(world.phone.registered());
  EXPECT_EQ(world.count("fetch Ringlist-wb.xml"), 1u) << "after-registration files once";
}

TEST(SimPhoneSequence, RetransmitsDiscoverWithBackoffWhenNoServerAnswers) {
  Config config;
  // A phone whose DHCP goes unanswered: feed the switch's CDP but no DHCP reply.
  Phone phone{config};
  auto out = phone.power_on(0);
  out = phone.on_timer(3000);
  ASSERT_EQ(out.size(), 2u);
  wire::cdp::Packet reply;
  reply.add(wire::cdp::VoipVlanReply{1, 100});
  out = phone.on_frame(3000, wire::cdp::build_frame(*wire::Mac::parse("00:00:5e:00:53:01"), reply));
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[1].describe(), "send_dhcp DISCOVER");
  std::vector<Millis> sent;
  for (int i = 0; i < 4; ++i) {
    Millis at = *phone.next_deadline();
    out = phone.on_timer(at);
    for (const auto& a : out) {
      if (a.kind == Action::Kind::send_dhcp) sent.push_back(at);  // 63 s also brings CDP/LLDP
    }
  }
  EXPECT_EQ(sent, (std::vector<Millis>{7000, 15000, 31000, 63000}));
}

TEST(SimPhoneSequence, ShortTimersDivideTheRetryTimersByTen) {
  Config config;
  config.short_timers = true;
  Phone phone{config};
  phone.power_on(0);
  phone.on_timer(3000);
  wire::cdp::Packet reply;
  reply.add(wire::cdp::VoipVlanReply{1, 100});
  phone.on_frame(3000, wire::cdp::build_frame(*wire::Mac::parse("00:00:5e:00:53:01"), reply));
  EXPECT_EQ(phone.next_deadline(), 3400);
}

TEST(SimPhoneSequence, NakSendsTheClientBackToDiscover) {
  World world{Config{}};
  world.dhcp_nak_first = true;
  world.boot();
  world.run_until(10000);
  EXPECT_EQ(world.count("send_dhcp DISCOVER"), 2u);
  EXPECT_EQ(world.count("send_dhcp REQUEST"), 2u);
  EXPECT_NE(world.index_of("status DHCP NAK"), std::string::npos);
  EXPECT_TRUE(world.phone.registered());
}

TEST(SimPhoneSequence, StaysOnTheNativeVlanWhenNoSwitchAnnouncesOne) {
  World world{Config{}};
  world.switch_cdp = false;
  world.boot();
  world.run_until(30000);
  EXPECT_EQ(world.count("send_frame cdp"), 3u);
  EXPECT_EQ(world.count("use_voice_vlan"), 0u);
  EXPECT_NE(world.index_of("status no voice VLAN heard"), std::string::npos);
  EXPECT_TRUE(world.phone.registered());
  EXPECT_FALSE(world.phone.voice_vlan().has_value());
}

TEST(SimPhoneSequence, MissingDeviceConfigFallsBackToXmlDefault) {
  World world{Config{}};
  world.files.erase("SEP" + kMac + ".cnf.xml");
  world.files["XMLDefault.cnf.xml"] = testing::to_bytes(kXmlDefault);
  world.boot();
  world.run_until(10000);
  const auto sep_tftp = world.index_of("fetch SEP" + kMac + ".cnf.xml tftp");
  const auto dflt = world.index_of("fetch XMLDefault.cnf.xml http");
  ASSERT_NE(sep_tftp, std::string::npos);
  ASSERT_NE(dflt, std::string::npos);
  EXPECT_LT(sep_tftp, dflt);
  EXPECT_NE(world.index_of("connect tcp 198.18.0.12:5060"), std::string::npos);
  EXPECT_EQ(world.count(".loads"), 0u);
}

TEST(SimPhoneSequence, ADeviceConfigLostOnBothTransportsIsAskedForAgainNotReplacedByXmlDefault) {
  World world{Config{}};
  world.lost["SEP" + kMac + ".cnf.xml"] = 2;  // HTTP and TFTP of the first attempt
  world.boot();
  world.run_until(10000);
  EXPECT_EQ(world.count("fetch SEP" + kMac + ".cnf.xml http"), 2u);
  EXPECT_EQ(world.count("fetch SEP" + kMac + ".cnf.xml tftp"), 1u);
  EXPECT_EQ(world.count("fetch XMLDefault.cnf.xml"), 0u);
  EXPECT_NE(world.index_of("status SEP" + kMac + ".cnf.xml: timed out, asking again (attempt 2 of 3)"),
            std::string::npos);
  ASSERT_FALSE(world.registers.empty());
  EXPECT_NE(world.registers.front().find("To: <sip:1003@"), std::string::npos);
}

TEST(SimPhoneSequence, ADeviceConfigLostThreeTimesCountsAsMissing) {
  World world{Config{}};
  world.lost["SEP" + kMac + ".cnf.xml"] = 6;
  world.boot();
  world.run_until(10000);
  EXPECT_EQ(world.count("fetch SEP" + kMac + ".cnf.xml http"), 3u);
  EXPECT_EQ(world.count("fetch SEP" + kMac + ".cnf.xml tftp"), 3u);
  EXPECT_EQ(world.count("fetch XMLDefault.cnf.xml http"), 1u);
}

TEST(SimPhoneSequence, AFileNotFoundIsNotAskedForAgain) {
  World world{Config{}};
  world.boot();
  world.run_until(10000);
  // CTL and ITL do not exist in this world: one HTTP and one TFTP try each.
  EXPECT_EQ(world.count("fetch CTLSEP" + kMac + ".tlv http"), 1u);
  EXPECT_EQ(world.count("fetch CTLSEP" + kMac + ".tlv tftp"), 1u);
}

TEST(SimPhoneSequence, WithNoLineTheDeviceNameIsTheRegisterUserNeverAnEmptyOne) {
  World world{Config{}};
  world.files.erase("SEP" + kMac + ".cnf.xml");
  world.files["XMLDefault.cnf.xml"] = testing::to_bytes(kXmlDefault);
  world.boot();
  world.run_until(10000);
  ASSERT_FALSE(world.registers.empty());
  EXPECT_NE(world.registers.front().find("To: <sip:SEP" + kMac + "@198.18.0.12>"), std::string::npos)
      << world.registers.front();
  EXPECT_EQ(world.registers.front().find("sip:@"), std::string::npos);
}

TEST(SimPhoneSequence, FailsOverToTheSecondCallManagerWhenTheFirstRefuses) {
  World world{Config{}};
  world.refuse.insert("198.18.0.10");
  world.boot();
  world.run_until(10000);
  const auto first = world.index_of("connect tcp 198.18.0.10:5060");
  const auto second = world.index_of("connect tcp 198.18.0.11:5060");
  ASSERT_NE(first, std::string::npos);
  ASSERT_NE(second, std::string::npos);
  EXPECT_LT(first, second);
  EXPECT_NE(world.index_of("status CallManager 198.18.0.10:5060 refused"), std::string::npos);
  EXPECT_EQ(world.register_times.front().first, "198.18.0.11");
  EXPECT_NE(world.index_of("status registered 120 s with 198.18.0.11"), std::string::npos);
}

TEST(SimPhoneSequence, FailsOverWhenTheFirstTimesOutAndRetriesWhenAllFail) {
  World world{Config{}};
  world.silent.insert("198.18.0.10");
  world.refuse.insert("198.18.0.11");
  world.boot();
  world.run_until(10000);
  EXPECT_NE(world.index_of("status CallManager 198.18.0.10:5060 timed out"), std::string::npos);
  EXPECT_NE(world.index_of("status no CallManager reachable"), std::string::npos);
  EXPECT_FALSE(world.phone.registered());
  world.refuse.clear();
  world.silent.clear();
  world.run_until(80000);  // register retry after 60 s
  EXPECT_TRUE(world.phone.registered());
}

TEST(SimPhoneSequence, MembersAreTriedInPriorityOrderNotFileOrder) {
  World world{Config{}};
  world.files["SEP" + kMac + ".cnf.xml"] = testing::to_bytes(
      testing::device_xml({{2, "198.18.0.13"}, {0, "198.18.0.11"}}, "sip88xx.14-2-1-0001-14"));
  world.refuse.insert("198.18.0.11");
  world.boot();
  world.run_until(10000);
  EXPECT_LT(world.index_of("connect tcp 198.18.0.11"), world.index_of("connect tcp 198.18.0.13"));
  EXPECT_TRUE(world.phone.registered());
}

TEST(SimPhoneSequence, TimerFFailsOverWhenTheRegistrarNeverAnswers) {
  Config config;
  World quiet{config};
  quiet.boot();
  quiet.run_until(3000);
  ASSERT_TRUE(quiet.phone.registered());
  // Refresh unanswered: Timer F (32 s) moves the phone to the next member.
  quiet.respond = false;
  ASSERT_EQ(quiet.register_times.size(), 2u);
  const Millis refresh = quiet.register_times[1].second + 115000;
  quiet.run_until(refresh + 31000);
  EXPECT_EQ(quiet.count("connect"), 1u);
  quiet.run_until(refresh + 33000);
  EXPECT_NE(quiet.index_of("status CallManager 198.18.0.10:5060 no final answer"), std::string::npos);
  EXPECT_EQ(quiet.count("connect tcp 198.18.0.11:5060"), 1u);
  EXPECT_GT(quiet.index_of("connect tcp 198.18.0.11:5060"),
            quiet.index_of("status CallManager 198.18.0.10:5060 no final answer"));
}

}  // namespace
}  // namespace phonerig::sim::phone
