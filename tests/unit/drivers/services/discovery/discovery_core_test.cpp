// The discovery core: what the announcer sends (CDP and LLDP-MED contents), when (start,
// interval, a phone's first frame, phone_appeared), and what received frames become.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "drivers/services/discovery/discovery_core.hpp"
#include "drivers/wire/cdp.hpp"
#include "drivers/wire/link.hpp"
#include "drivers/wire/lldp.hpp"
#include "drivers/wire/lldp_med.hpp"

namespace phonerig::services::discovery {
namespace {

namespace cdp = wire::cdp;
namespace lldp = wire::lldp;

const wire::Mac kOwnMac{{0x02, 0x00, 0x5e, 0x00, 0x53, 0x01}};
const wire::Mac kPhoneMac{{0x00, 0x1b, 0x53, 0x48, 0x9e, 0xe0}};
const wire::Mac kPhone2Mac{{0xc8, 0x00, 0x84, 0xaa, 0x87, 0x43}};
constexpr std::int64_t kSecond = 1'000'000'000;
constexpr std::int64_t kT0 = 1'700'000'000 * kSecond;

Config lab_config() {
  Config c;
  c.interface = "veth0";
  c.device_id = "phonerig";
  c.port_id = "GigabitEthernet1/0/5";
  c.voice_vlan = 100;
  c.native_vlan = 10;
  c.power_available_mw = 15400;
  return c;
}

void expect_valid(const std::vector<api::Event>& events) {
  for (const api::Event& e : events) {
    auto ok = api::validate(e);
    EXPECT_TRUE(ok) << api::to_string(e) << ": " << (ok ? "" : ok.error().message);
  }
}

void expect_valid(const Output& out) {
  expect_valid(out.events);
  for (const Outgoing& s : out.sends) expect_valid({s.event});
}

std::vector<std::string> kinds_sent(const Output& out) {
  std::vector<std::string> kinds;
  for (const Outgoing& s : out.sends) kinds.push_back(s.event.kind);
  return kinds;
}

std::vector<std::string> kinds_emitted(const Output& out) {
  std::vector<std::string> kinds;
  for (const api::Event& e : out.events) kinds.push_back(e.kind);
  return kinds;
}

const std::vector<std::string> kBoth{"cdp.tx", "lldp.tx"};

// The CP-8851 of reference 1.8: what a phone says over CDP.
wire::ByteVector phone_cdp_frame(const wire::Mac& mac, std::optional<wire::VlanTag> tag = {},
                                 std::uint16_t request_id = 19398) {
  cdp::Packet p;
  p.add(cdp::DeviceId{"SEP" + mac.to_cisco()})
      .add(cdp::Addresses{{cdp::Address::ipv4(*wire::Ipv4::parse("198.18.0.50"))}})
      .add(cdp::PortId{"Port 1"})
      .add(cdp::Capabilities{cdp::capability::kIpPhone})
      .add(cdp::SoftwareVersion{"sip88xx.14-2-1-0001-14"})
      .add(cdp::Platform{"Cisco IP Phone 8851"})
      .add(cdp::VoipVlanQuery{0x01, 1, {}})
      .add(cdp::PowerRequested{request_id, 0, {9791}})
      .add(cdp::Duplex{cdp::Duplex::kFull});
  return cdp::build_frame(mac, p, tag);
}

// An LLDP-MED endpoint class III phone with inventory.
wire::ByteVector phone_lldp_frame(const wire::Mac& mac) {
  lldp::Packet p;
  p.chassis_id = lldp::ChassisId::network_address(*wire::Ipv4::parse("198.18.0.51"));
  p.port_id = lldp::PortId::mac(mac);
  p.tlvs.emplace_back(lldp::SystemName{"SEP" + mac.to_cisco()});
  p.tlvs.emplace_back(lldp::SystemDescription{"Cisco IP Phone 8851"});
  p.tlvs.emplace_back(lldp::MedCapabilities{0x33, lldp::med_device_type::kEndpointClass3});
  lldp::NetworkPolicy policy;
  policy.unknown = true;
  p.tlvs.emplace_back(policy);
  p.tlvs.emplace_back(lldp::ExtendedPower{lldp::power_type::kPd, lldp::power_source::kPdFromPse,
                                          lldp::power_priority::kHigh, 98});
  p.tlvs.emplace_back(lldp::Inventory{lldp::med_subtype::kSoftwareRevision, "sip88xx.14-2-1-0001-14"});
  p.tlvs.emplace_back(lldp::Inventory{lldp::med_subtype::kModel, "CP-8851"});
  return lldp::build_frame(mac, p);
}

TEST(DiscoveryCore, StartAnnouncesCdpAndLldpAtOnce) {
  Core core(lab_config(), kOwnMac);
  const Output out = core.start(kT0);
  EXPECT_EQ(kinds_sent(out), kBoth);
  EXPECT_TRUE(out.events.empty());
  expect_valid(out);
  EXPECT_EQ(core.next_due_ns(), kT0 + 60 * kSecond) << "default interval 60 s (reference 1.7)";
}

TEST(DiscoveryCore, CdpFrameCarriesEveryTlvTheSwitchSends) {
  Core core(lab_config(), kOwnMac);
  const Output out = core.start(kT0);
  ASSERT_EQ(out.sends.size(), 2u);
  const wire::ByteVector& frame = out.sends[0].frame;
  auto link = wire::parse_link(wire::LinkType::ethernet, frame);
  ASSERT_TRUE(link);
  EXPECT_EQ(link->dst, cdp::kMulticast);
  EXPECT_EQ(link->src, kOwnMac);
  EXPECT_TRUE(link->vlans.empty()) << "CDP goes untagged";
  ASSERT_TRUE(cdp::is_cdp(*link));
  auto decoded = cdp::parse(link->payload, link->payload_offset);
  ASSERT_TRUE(decoded) << decoded.error();
  EXPECT_TRUE(decoded->checksum_good);
  const cdp::Packet& p = decoded->packet;
  EXPECT_EQ(p.version, 2);
  EXPECT_EQ(p.ttl, 180);
  EXPECT_EQ(p.device_id(), "phonerig");
  EXPECT_EQ(p.port_id(), "GigabitEthernet1/0/5");
  EXPECT_EQ(p.capabilities(), cdp::capability::kAccessSwitch);
  EXPECT_EQ(p.software_version(), "phonerig discovery announcer");
  EXPECT_EQ(p.platform(), "phonerig");
  EXPECT_EQ(p.native_vlan(), 10);
  EXPECT_EQ(p.voice_vlan(), 100);
  EXPECT_EQ(p.full_duplex(), true);
  auto reply = p.find<cdp::VoipVlanReply>();
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->data, 0x01);
  auto power = p.find<cdp::PowerAvailable>();
  ASSERT_TRUE(power);
  EXPECT_EQ(power->milliwatts, std::vector<std::uint32_t>{15400});

  const api::Event& e = out.sends[0].event;
  EXPECT_EQ(e.kind, "cdp.tx");
  EXPECT_EQ(e.source, api::EventSource::service);
  EXPECT_EQ(e.string_attr("device_id"), "phonerig");
  EXPECT_EQ(e.integer_attr("voice_vlan"), 100);
  EXPECT_EQ(e.integer_attr("native_vlan"), 10);
  EXPECT_EQ(e.integer_attr("power_available_mw"), 15400);
  EXPECT_EQ(e.integer_attr("length"), static_cast<std::int64_t>(frame.size()));
  EXPECT_FALSE(e.phone);
}

TEST(DiscoveryCore, LldpFrameCarriesTheMedVoicePolicy) {
  Core core(lab_config(), kOwnMac);
  const Output out = core.start(kT0);
  ASSERT_EQ(out.sends.size(), 2u);
  auto link = wire::parse_link(wire::LinkType::ethernet, out.sends[1].frame);
  ASSERT_TRUE(link);
  EXPECT_EQ(link->dst, lldp::kNearestBridge);
  EXPECT_EQ(link->ethertype, wire::ethertype::kLldp);
  auto p = lldp::parse(link->payload);
  ASSERT_TRUE(p) << p.error();
  EXPECT_EQ(p->chassis_id.as_mac(), kOwnMac);
  EXPECT_EQ(p->port_id.as_text(), "GigabitEthernet1/0/5");
  EXPECT_EQ(p->ttl, 180);
  const auto* caps = lldp::find<lldp::MedCapabilities>(*p);
  ASSERT_NE(caps, nullptr);
  EXPECT_EQ(caps->device_type, lldp::med_device_type::kNetworkConnectivity);
  EXPECT_TRUE(caps->capabilities & lldp::med_capability::kNetworkPolicy);
  auto policy = lldp::find_policy(*p, lldp::app_type::kVoice);
  ASSERT_TRUE(policy);
  EXPECT_TRUE(policy->tagged);
  EXPECT_FALSE(policy->unknown);
  EXPECT_EQ(policy->vlan_id, 100);
  EXPECT_EQ(policy->priority, 5);
  EXPECT_EQ(policy->dscp, 46);
  EXPECT_EQ(policy->word(), 0x0140c96eu) << "reference 2.3 tool-checked word";
  const auto* power = lldp::find<lldp::ExtendedPower>(*p);
  ASSERT_NE(power, nullptr);
  EXPECT_EQ(power->power_type, lldp::power_type::kPse);
  EXPECT_EQ(power->power_tenths_watt, 154);
  const auto* pvid = lldp::find<lldp::PortVlanId>(*p);
  ASSERT_NE(pvid, nullptr);
  EXPECT_EQ(pvid->vlan_id, 10);

  const api::Event& e = out.sends[1].event;
  EXPECT_EQ(e.kind, "lldp.tx");
  EXPECT_EQ(e.string_attr("chassis_id"), kOwnMac.to_string());
  EXPECT_EQ(e.integer_attr("voice_vlan"), 100);
  EXPECT_EQ(e.integer_attr("voice_priority"), 5);
  EXPECT_EQ(e.integer_attr("voice_dscp"), 46);
  EXPECT_EQ(e.integer_attr("med_class"), 4);
}

TEST(DiscoveryCore, ConfigChoosesTheVoiceVlanPriorityAndDscp) {
  Config c = lab_config();
  c.voice_vlan = 4000;
  c.voice_priority = 6;
  c.voice_dscp = 40;
  Core core(c, kOwnMac);
  EXPECT_EQ(core.cdp_packet().voice_vlan(), 4000);
  auto policy = lldp::find_policy(core.lldp_packet(), lldp::app_type::kVoice);
  ASSERT_TRUE(policy);
  EXPECT_EQ(policy->vlan_id, 4000);
  EXPECT_EQ(policy->priority, 6);
  EXPECT_EQ(policy->dscp, 40);
}

TEST(DiscoveryCore, CdpOffSendsOnlyLldp) {
  Config c = lab_config();
  c.cdp = false;
  Core core(c, kOwnMac);
  EXPECT_EQ(kinds_sent(core.start(kT0)), std::vector<std::string>{"lldp.tx"});
}

TEST(DiscoveryCore, LldpOffSendsOnlyCdp) {
  Config c = lab_config();
  c.lldp = false;
  Core core(c, kOwnMac);
  EXPECT_EQ(kinds_sent(core.start(kT0)), std::vector<std::string>{"cdp.tx"});
  EXPECT_EQ(kinds_sent(core.phone_appeared(kPhoneMac, kT0 + 1)),
            std::vector<std::string>{"cdp.tx"});
}

TEST(DiscoveryCore, AnnouncesAgainOnlyWhenTheIntervalHasPassed) {
  Core core(lab_config(), kOwnMac);
  core.start(kT0);
  EXPECT_TRUE(core.on_tick(kT0 + 59 * kSecond).sends.empty());
  EXPECT_EQ(kinds_sent(core.on_tick(kT0 + 60 * kSecond)), kBoth);
  EXPECT_EQ(core.next_due_ns(), kT0 + 120 * kSecond);
  EXPECT_TRUE(core.on_tick(kT0 + 61 * kSecond).sends.empty());
  EXPECT_EQ(kinds_sent(core.on_tick(kT0 + 120 * kSecond + 5)), kBoth);
  EXPECT_EQ(core.next_due_ns(), kT0 + 180 * kSecond) << "keeps the rhythm";
}

TEST(DiscoveryCore, AfterAStallTheIntervalRestartsFromNow) {
  Core core(lab_config(), kOwnMac);
  core.start(kT0);
  EXPECT_EQ(kinds_sent(core.on_tick(kT0 + 1000 * kSecond)), kBoth);
  EXPECT_EQ(core.next_due_ns(), kT0 + 1060 * kSecond);
}

TEST(DiscoveryCore, ShorterIntervalFromConfig) {
  Config c = lab_config();
  c.interval = std::chrono::milliseconds(5000);
  Core core(c, kOwnMac);
  core.start(kT0);
  EXPECT_EQ(core.next_due_ns(), kT0 + 5 * kSecond);
}

TEST(DiscoveryCore, TickBeforeStartStarts) {
  Core core(lab_config(), kOwnMac);
  EXPECT_EQ(kinds_sent(core.on_tick(kT0)), kBoth);
  EXPECT_EQ(core.next_due_ns(), kT0 + 60 * kSecond);
}

TEST(DiscoveryCore, PhonesFirstCdpFrameBecomesCdpRxAndTriggersAnAnnouncement) {
  Core core(lab_config(), kOwnMac);
  core.start(kT0);
  const Output out = core.on_frame(phone_cdp_frame(kPhoneMac), kT0 + kSecond);
  expect_valid(out);
  ASSERT_EQ(kinds_emitted(out), std::vector<std::string>{"cdp.rx"});
  const api::Event& rx = out.events[0];
  EXPECT_EQ(rx.source, api::EventSource::service);
  EXPECT_EQ(rx.phone, kPhoneMac);
  EXPECT_EQ(rx.time_ns, kT0 + kSecond);
  EXPECT_EQ(rx.string_attr("device_id"), "SEP001B53489EE0");
  EXPECT_EQ(rx.string_attr("platform"), "Cisco IP Phone 8851");
  EXPECT_EQ(rx.string_attr("software_version"), "sip88xx.14-2-1-0001-14");
  EXPECT_EQ(rx.string_attr("port_id"), "Port 1");
  EXPECT_EQ(rx.integer_attr("capabilities"), 0x490);
  EXPECT_EQ(rx.integer_attr("power_requested_mw"), 9791);
  EXPECT_EQ(rx.integer_attr("voice_vlan_query"), 1);
  EXPECT_EQ(rx.integer_attr("checksum_ok"), 1);
  EXPECT_FALSE(rx.attr("vlan"));
  ASSERT_NE(rx.attr("addresses"), nullptr);
  EXPECT_EQ(std::get<api::AttrList>(*rx.attr("addresses")), api::AttrList{"198.18.0.50"});

  EXPECT_EQ(kinds_sent(out), kBoth) << "a phone appeared: announce at once";
  for (const Outgoing& s : out.sends) EXPECT_EQ(s.event.phone, kPhoneMac);
  EXPECT_EQ(core.next_due_ns(), kT0 + 2 * kSecond) << "LLDP fast start, 1 s after";
}

TEST(DiscoveryCore, PhoneAppearingStartsLldpFastStartThenThePeriodicRhythmResumes) {
  Core core(lab_config(), kOwnMac);
  core.start(kT0);
  const std::int64_t t = kT0 + 10 * kSecond;
  EXPECT_EQ(kinds_sent(core.on_frame(phone_lldp_frame(kPhoneMac), t)), kBoth);
  EXPECT_EQ(core.next_due_ns(), t + kSecond);
  EXPECT_TRUE(core.on_tick(t + kSecond / 2).sends.empty());
  for (int i = 1; i <= 3; ++i) {
    SCOPED_TRACE("repeat " + std::to_string(i));
    const Output out = core.on_tick(t + i * kSecond);
    EXPECT_EQ(kinds_sent(out), std::vector<std::string>{"lldp.tx"});
    ASSERT_EQ(out.sends.size(), 1u);
    EXPECT_EQ(out.sends[0].event.phone, kPhoneMac);
    expect_valid(out);
  }
  EXPECT_EQ(core.next_due_ns(), kT0 + 60 * kSecond) << "4 frames in all, then the interval";
  EXPECT_TRUE(core.on_tick(t + 4 * kSecond).sends.empty());
  EXPECT_EQ(kinds_sent(core.on_tick(kT0 + 60 * kSecond)), kBoth);
}

TEST(DiscoveryCore, FastStartRepeatDueWithThePeriodicOneSendsEachFrameOnce) {
  Config c = lab_config();
  c.interval = std::chrono::milliseconds(2000);
  Core core(c, kOwnMac);
  core.start(kT0);
  core.phone_appeared(kPhoneMac, kT0 + kSecond);  // repeats due at +2 s, +3 s, +4 s
  EXPECT_EQ(kinds_sent(core.on_tick(kT0 + 2 * kSecond)), kBoth) << "periodic and repeat at once";
  EXPECT_EQ(kinds_sent(core.on_tick(kT0 + 3 * kSecond)), std::vector<std::string>{"lldp.tx"});
  EXPECT_EQ(kinds_sent(core.on_tick(kT0 + 4 * kSecond)), kBoth);
  EXPECT_TRUE(core.on_tick(kT0 + 5 * kSecond).sends.empty());
}

TEST(DiscoveryCore, FastStartOffOrLldpOffSendsNoRepeats) {
  Config c = lab_config();
  c.lldp_fast_start = 1;
  Core core(c, kOwnMac);
  core.start(kT0);
  EXPECT_EQ(kinds_sent(core.phone_appeared(kPhoneMac, kT0 + 1)), kBoth);
  EXPECT_EQ(core.next_due_ns(), kT0 + 60 * kSecond);
  Config d = lab_config();
  d.lldp = false;
  Core cdp_only(d, kOwnMac);
  cdp_only.start(kT0);
  cdp_only.phone_appeared(kPhoneMac, kT0 + 1);
  EXPECT_EQ(cdp_only.next_due_ns(), kT0 + 60 * kSecond);
}

TEST(DiscoveryCore, PowerAvailableEchoesThePhonesRequestId) {
  Core core(lab_config(), kOwnMac);
  core.start(kT0);
  const Output out = core.on_frame(phone_cdp_frame(kPhoneMac, std::nullopt, 4242), kT0 + 1);
  ASSERT_FALSE(out.sends.empty());
  auto link = wire::parse_link(wire::LinkType::ethernet, out.sends[0].frame);
  ASSERT_TRUE(link);
  auto decoded = cdp::parse(link->payload, link->payload_offset);
  ASSERT_TRUE(decoded);
  auto power = decoded->packet.find<cdp::PowerAvailable>();
  ASSERT_TRUE(power);
  EXPECT_EQ(power->request_id, 4242);
  EXPECT_EQ(power->milliwatts, std::vector<std::uint32_t>{15400});
}

TEST(DiscoveryCore, KnownPhonesFramesDoNotTriggerAgain) {
  Core core(lab_config(), kOwnMac);
  core.start(kT0);
  EXPECT_EQ(kinds_sent(core.on_frame(phone_cdp_frame(kPhoneMac), kT0 + 1)), kBoth);
  const Output again = core.on_frame(phone_cdp_frame(kPhoneMac), kT0 + 2);
  EXPECT_EQ(kinds_emitted(again), std::vector<std::string>{"cdp.rx"});
  EXPECT_TRUE(again.sends.empty());
  const Output lldp_too = core.on_frame(phone_lldp_frame(kPhoneMac), kT0 + 3);
  EXPECT_EQ(kinds_emitted(lldp_too), std::vector<std::string>{"lldp.rx"});
  EXPECT_TRUE(lldp_too.sends.empty()) << "one neighbour, whichever protocol it speaks";
  EXPECT_EQ(kinds_sent(core.on_frame(phone_cdp_frame(kPhone2Mac), kT0 + 4)), kBoth)
      << "another phone is new";
}

TEST(DiscoveryCore, PhoneAppearedAnnouncesAndForgetsThePhone) {
  Core core(lab_config(), kOwnMac);
  core.start(kT0);
  core.on_frame(phone_cdp_frame(kPhoneMac), kT0 + 1);
  const Output out = core.phone_appeared(kPhoneMac, kT0 + 2);
  EXPECT_EQ(kinds_sent(out), kBoth);
  for (const Outgoing& s : out.sends) {
    EXPECT_EQ(s.event.phone, kPhoneMac);
    EXPECT_EQ(s.event.time_ns, kT0 + 2);
  }
  expect_valid(out);
  EXPECT_EQ(kinds_sent(core.on_frame(phone_cdp_frame(kPhoneMac), kT0 + 3)), kBoth)
      << "its first frame after power-on is a first frame again";
}

TEST(DiscoveryCore, PhonesLldpMedFrameBecomesLldpRxWithInventory) {
  Core core(lab_config(), kOwnMac);
  core.start(kT0);
  const Output out = core.on_frame(phone_lldp_frame(kPhoneMac), kT0 + kSecond);
  expect_valid(out);
  ASSERT_EQ(kinds_emitted(out), std::vector<std::string>{"lldp.rx"});
  const api::Event& rx = out.events[0];
  EXPECT_EQ(rx.phone, kPhoneMac);
  EXPECT_EQ(rx.string_attr("chassis_id"), "198.18.0.51");
  EXPECT_EQ(rx.string_attr("port_id"), kPhoneMac.to_string());
  EXPECT_EQ(rx.string_attr("system_name"), "SEP001B53489EE0");
  EXPECT_EQ(rx.string_attr("system_description"), "Cisco IP Phone 8851");
  EXPECT_EQ(rx.integer_attr("med_class"), 3);
  EXPECT_EQ(rx.integer_attr("power_mw"), 9800);
  EXPECT_EQ(rx.string_attr("software_revision"), "sip88xx.14-2-1-0001-14");
  EXPECT_EQ(rx.string_attr("model"), "CP-8851");
  EXPECT_EQ(rx.integer_attr("voice_vlan"), 0);
  EXPECT_EQ(kinds_sent(out), kBoth);
}

TEST(DiscoveryCore, TaggedPhoneFrameReportsItsVlan) {
  Core core(lab_config(), kOwnMac);
  wire::VlanTag tag;
  tag.vid = 100;
  tag.pcp = 5;
  const Output out = core.on_frame(phone_cdp_frame(kPhoneMac, tag), kT0);
  ASSERT_EQ(kinds_emitted(out), std::vector<std::string>{"cdp.rx"});
  EXPECT_EQ(out.events[0].integer_attr("vlan"), 100);
  EXPECT_EQ(out.events[0].integer_attr("pcp"), 5);
  expect_valid(out);
}

TEST(DiscoveryCore, OwnFramesAreIgnored) {
  Core core(lab_config(), kOwnMac);
  const Output first = core.start(kT0);
  for (const Outgoing& s : first.sends) {
    const Output out = core.on_frame(s.frame, kT0 + 1);
    EXPECT_TRUE(out.events.empty());
    EXPECT_TRUE(out.sends.empty());
  }
}

TEST(DiscoveryCore, OtherTrafficIsIgnored) {
  Core core(lab_config(), kOwnMac);
  wire::EthernetHeader h{wire::Mac::broadcast(), kPhoneMac, {}};
  const wire::ByteVector arp = wire::build_ethernet(h, wire::ethertype::kArp, wire::ByteVector(28, 0));
  EXPECT_TRUE(core.on_frame(arp, kT0).events.empty());
  // VTP on the CDP address: Cisco's, but not CDP.
  wire::EthernetHeader c{cdp::kMulticast, kPhoneMac, {}};
  const wire::ByteVector vtp = wire::build_llc_snap(c, wire::Snap{0x00000c, 0x2003}, wire::ByteVector(20, 1));
  const Output out = core.on_frame(vtp, kT0);
  EXPECT_TRUE(out.events.empty());
  EXPECT_TRUE(out.sends.empty());
  EXPECT_TRUE(core.on_frame(wire::ByteVector(10, 0xff), kT0).events.empty()) << "runt";
}

api::Event only_malformed(const Output& out) {
  EXPECT_EQ(kinds_emitted(out), std::vector<std::string>{"request.malformed"});
  EXPECT_TRUE(out.sends.empty()) << "a malformed frame is not a phone appearing";
  expect_valid(out);
  return out.events.at(0);
}

TEST(DiscoveryCore, CdpFrameWithBadVersionIsMalformed) {
  Core core(lab_config(), kOwnMac);
  wire::ByteVector frame = phone_cdp_frame(kPhoneMac);
  frame[22] = 0x07;  // version byte after LLC/SNAP
  const api::Event e = only_malformed(core.on_frame(frame, kT0));
  EXPECT_EQ(e.string_attr("service"), "cdp");
  EXPECT_EQ(e.integer_attr("offset"), 22);
  EXPECT_EQ(e.phone, kPhoneMac);
  EXPECT_NE(e.string_attr("error")->find("cdp"), std::string::npos) << *e.string_attr("error");
}

TEST(DiscoveryCore, CdpFrameWithTlvPastTheEndIsMalformed) {
  Core core(lab_config(), kOwnMac);
  wire::ByteVector frame = phone_cdp_frame(kPhoneMac);
  frame[28] = 0x7f;  // first TLV (Device ID) length high byte: runs past the PDU
  const api::Event e = only_malformed(core.on_frame(frame, kT0));
  EXPECT_EQ(e.string_attr("service"), "cdp");
  EXPECT_GE(*e.integer_attr("offset"), 26);
}

TEST(DiscoveryCore, LldpFrameWithoutChassisIdIsMalformed) {
  Core core(lab_config(), kOwnMac);
  wire::EthernetHeader h{lldp::kNearestBridge, kPhoneMac, {}};
  const wire::ByteVector junk{0xde, 0xad, 0xbe, 0xef, 0x00, 0x01, 0x02};
  const api::Event e = only_malformed(core.on_frame(wire::build_ethernet(h, 0x88cc, junk), kT0));
  EXPECT_EQ(e.string_attr("service"), "lldp");
  EXPECT_GE(*e.integer_attr("offset"), 14) << "offset within the frame, after the header";
}

TEST(DiscoveryCore, TruncatedLinkHeaderToTheCdpAddressIsMalformed) {
  Core core(lab_config(), kOwnMac);
  wire::ByteVector frame = phone_cdp_frame(kPhoneMac);
  frame.resize(16);  // 802.3 length and a cut LLC header
  const Output out = core.on_frame(frame, kT0);
  const api::Event e = only_malformed(out);
  EXPECT_EQ(e.string_attr("service"), "cdp");
}

TEST(DiscoveryCore, KeepsGoingAfterMalformedFrames) {
  Core core(lab_config(), kOwnMac);
  core.start(kT0);
  wire::ByteVector bad = phone_cdp_frame(kPhoneMac);
  bad[22] = 0;
  for (int i = 0; i < 10; ++i) core.on_frame(bad, kT0 + i);
  const Output out = core.on_frame(phone_cdp_frame(kPhoneMac), kT0 + 20);
  EXPECT_EQ(kinds_emitted(out), std::vector<std::string>{"cdp.rx"});
  EXPECT_EQ(kinds_sent(out), kBoth);
}

TEST(DiscoveryCore, CdpWithBadChecksumIsReportedNotRefused) {
  Core core(lab_config(), kOwnMac);
  wire::ByteVector frame = phone_cdp_frame(kPhoneMac);
  frame[24] ^= 0xff;
  const Output out = core.on_frame(frame, kT0);
  ASSERT_EQ(kinds_emitted(out), std::vector<std::string>{"cdp.rx"});
  EXPECT_EQ(out.events[0].integer_attr("checksum_ok"), 0);
}

TEST(DiscoveryCore, PrintableIdsName) {
  EXPECT_EQ(printable(lldp::ChassisId::mac(kPhoneMac)), "00:1b:53:48:9e:e0");
  EXPECT_EQ(printable(lldp::ChassisId::local("sw1")), "sw1");
  EXPECT_EQ(printable(lldp::PortId::interface_name("Gi1/0/5")), "Gi1/0/5");
  EXPECT_EQ(printable(lldp::PortId::mac(kPhoneMac)), "00:1b:53:48:9e:e0");
}

}  // namespace
}  // namespace phonerig::services::discovery
