// The switch's CDP and LLDP-MED as a Cisco access switch sends them (decoded back with the
// wire codecs), their timers, the neighbour table filled from what phones announce, and the
// flooding of CDP/LLDP when announcements are off.
#include "lab/sim/switch/switch_core.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "drivers/wire/cdp.hpp"
#include "drivers/wire/lldp.hpp"
#include "tests/unit/lab/sim/switch/sim_switch_test_support.hpp"

namespace phonerig::sim::sw {
namespace {

using namespace testing;
using ::testing::UnorderedElementsAre;

const wire::Mac kPhoneMac{{0x00, 0x1b, 0x53, 0x48, 0x9e, 0xe0}};

std::optional<wire::cdp::Decoded> cdp_of(const wire::ByteVector& bytes) {
  auto link = wire::parse_link(wire::LinkType::ethernet, bytes);
  if (!link || !wire::cdp::is_cdp(*link)) return std::nullopt;
  auto decoded = wire::cdp::parse(link->payload, link->payload_offset);
  if (!decoded) return std::nullopt;
  return *decoded;
}

std::optional<wire::lldp::Packet> lldp_of(const wire::ByteVector& bytes) {
  auto link = wire::parse_link(wire::LinkType::ethernet, bytes);
  if (!link || link->ethertype != wire::ethertype::kLldp) return std::nullopt;
  auto packet = wire::lldp::parse(link->payload);
  if (!packet) return std::nullopt;
  return *packet;
}

// A CP-8851's CDP (reference 1.8).
wire::ByteVector phone_cdp(std::uint16_t request_id = 19398) {
  namespace cdp = wire::cdp;
  cdp::Packet p;
  p.add(cdp::DeviceId{"SEP001B53489EE0"})
      .add(cdp::Addresses{{cdp::Address::ipv4(*wire::Ipv4::parse("198.18.1.20"))}})
      .add(cdp::PortId{"Port 1"})
      .add(cdp::Capabilities{cdp::capability::kIpPhone})
      .add(cdp::SoftwareVersion{"sip88xx.10-3-1-20"})
      .add(cdp::Platform{"Cisco IP Phone 8851"})
      .add(cdp::PowerRequested{request_id, 0, {9791}})
      .add(cdp::Duplex{})
      .add(cdp::PowerConsumption{9791});
  return cdp::build_frame(kPhoneMac, p);
}

wire::ByteVector phone_lldp() {
  namespace lldp = wire::lldp;
  lldp::Packet p;
  p.chassis_id = lldp::ChassisId::mac(kPhoneMac);
  p.port_id = lldp::PortId::mac(kPhoneMac);
  p.ttl = 180;
  p.tlvs.emplace_back(lldp::SystemName{"SEP001B53489EE0"});
  p.tlvs.emplace_back(lldp::SystemCapabilities{lldp::capability::kTelephone,
                                               lldp::capability::kTelephone});
  p.tlvs.emplace_back(lldp::Inventory{lldp::med_subtype::kSoftwareRevision, "sip88xx.10-3-1-20"});
  p.tlvs.emplace_back(lldp::Inventory{lldp::med_subtype::kModel, "CP-8851"});
  return lldp::build_frame(kPhoneMac, p);
}

TEST(SimSwitchDiscovery, CdpOutOfAnAccessPortCarriesTheVoiceVlanReply) {
  SwitchCore core(lab_config(true));
  auto out = to(core.announce(kPhone2, at(1)), kPhone2);
  ASSERT_EQ(out.size(), 2u);
  auto decoded = cdp_of(out[0].bytes);
  ASSERT_TRUE(decoded);
  EXPECT_TRUE(decoded->checksum_good);
  const auto& p = decoded->packet;
  EXPECT_EQ(p.device_id(), "lab-sw1");
  EXPECT_EQ(p.port_id(), "GigabitEthernet1/0/2");
  EXPECT_EQ(p.voice_vlan(), kVoice);
  EXPECT_EQ(p.native_vlan(), kData);
  EXPECT_EQ(p.platform(), "cisco WS-C3850-48P");
  EXPECT_EQ(p.capabilities(), wire::cdp::capability::kAccessSwitch);
  auto power = p.find<wire::cdp::PowerAvailable>();
  ASSERT_TRUE(power);
  EXPECT_EQ(power->milliwatts, std::vector<std::uint32_t>{15400});
  EXPECT_FALSE(tag_of(out[0].bytes));
  auto link = wire::parse_link(wire::LinkType::ethernet, out[0].bytes);
  EXPECT_EQ(*link->dst, wire::cdp::kMulticast);
  EXPECT_EQ(*link->src, (wire::Mac{{0x02, 0x00, 0x5e, 0x10, 0x00, 0x02}}));
}

TEST(SimSwitchDiscovery, LldpOutOfAnAccessPortCarriesTheVoiceNetworkPolicy) {
  SwitchCore core(lab_config(true));
  auto out = to(core.announce(kPhone2, at(1)), kPhone2);
  ASSERT_EQ(out.size(), 2u);
  auto p = lldp_of(out[1].bytes);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->port_id.as_text(), "Gi1/0/2");
  EXPECT_EQ(p->ttl, 120);
  auto voice = wire::lldp::find_policy(*p, wire::lldp::app_type::kVoice);
  ASSERT_TRUE(voice);
  EXPECT_TRUE(voice->tagged);
  EXPECT_FALSE(voice->unknown);
  EXPECT_EQ(voice->vlan_id, kVoice);
  EXPECT_EQ(voice->priority, 5);
  EXPECT_EQ(voice->dscp, 46);
  const auto* med = wire::lldp::find<wire::lldp::MedCapabilities>(*p);
  ASSERT_NE(med, nullptr);
  EXPECT_EQ(med->device_type, wire::lldp::med_device_type::kNetworkConnectivity);
  const auto* pvid = wire::lldp::find<wire::lldp::PortVlanId>(*p);
  ASSERT_NE(pvid, nullptr);
  EXPECT_EQ(pvid->vlan_id, kData);
}

TEST(SimSwitchDiscovery, MirrorSeesTheSwitchsOwnCdpTaggedInTheDataVlan) {
  SwitchCore core(lab_config(true));
  auto copies = to(core.announce(kPhone1, at(1)), kMirror);
  ASSERT_EQ(copies.size(), 2u);
  EXPECT_EQ(tag_of(copies[0].bytes)->vid, kData);
  auto decoded = cdp_of(copies[0].bytes);
  ASSERT_TRUE(decoded);
  EXPECT_EQ(decoded->packet.voice_vlan(), kVoice);
  EXPECT_TRUE(lldp_of(copies[1].bytes));
}

TEST(SimSwitchDiscovery, AnnouncesOnlyOutOfAccessPorts) {
  SwitchCore core(lab_config(true));
  EXPECT_TRUE(core.announce(kTrunk, at(1)).empty());
  EXPECT_TRUE(core.announce(kRigData, at(1)).empty());
  auto out = core.tick(at(1));
  EXPECT_THAT(ports_of(out), UnorderedElementsAre(kPhone1, kPhone1, kPhone2, kPhone2, kMirror,
                                                  kMirror));
}

TEST(SimSwitchDiscovery, TimersResendLldpEvery30AndCdpEvery60Seconds) {
  SwitchCore core(lab_config(true));
  EXPECT_EQ(core.next_wakeup(), Time::min());
  core.tick(at(0));
  EXPECT_EQ(core.next_wakeup(), at(30));
  EXPECT_TRUE(core.tick(at(29)).empty());
  auto at30 = to(core.tick(at(30)), kPhone2);
  ASSERT_EQ(at30.size(), 1u);
  EXPECT_TRUE(lldp_of(at30[0].bytes));
  auto at60 = to(core.tick(at(60)), kPhone2);
  ASSERT_EQ(at60.size(), 2u);
  EXPECT_TRUE(cdp_of(at60[0].bytes));
}

TEST(SimSwitchDiscovery, LinkUpAnnouncesAtOnce) {
  SwitchCore core(lab_config(true));
  core.tick(at(0));
  core.set_link(kPhone2, false, at(5));
  // At 40 s only phone 1's LLDP is due (with its mirror copy); nothing out of the down port.
  EXPECT_THAT(ports_of(core.tick(at(40))), UnorderedElementsAre(kPhone1, kMirror));
  auto out = core.set_link(kPhone2, true, at(41));
  auto mine = to(out, kPhone2);
  ASSERT_EQ(mine.size(), 2u);
  EXPECT_TRUE(cdp_of(mine[0].bytes));
  EXPECT_TRUE(lldp_of(mine[1].bytes));
}

TEST(SimSwitchDiscovery, KeepsWhatAPhoneAnnouncesInCdpAndConsumesIt) {
  SwitchCore core(lab_config(true));
  auto out = core.ingress(kPhone2, phone_cdp(), std::nullopt, at(1));
  // Consumed: nothing flooded; the power request is answered at once out of the port.
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].port, kPhone2);
  auto reply = cdp_of(out[0].bytes);
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->packet.find<wire::cdp::PowerAvailable>()->request_id, 19398);
  EXPECT_EQ(core.counters().discovery_consumed, 1u);

  auto table = core.neighbours(kPhone2, at(2));
  ASSERT_EQ(table.size(), 1u);
  EXPECT_EQ(table[0].protocol, "cdp");
  EXPECT_EQ(table[0].device_id, "SEP001B53489EE0");
  EXPECT_EQ(table[0].platform, "Cisco IP Phone 8851");
  EXPECT_EQ(table[0].software_version, "sip88xx.10-3-1-20");
  EXPECT_EQ(table[0].port_id, "Port 1");
  EXPECT_EQ(table[0].address, wire::Ipv4::parse("198.18.1.20"));
  EXPECT_EQ(table[0].power_requested_mw, 9791u);
  EXPECT_EQ(table[0].src, kPhoneMac);
  EXPECT_TRUE(core.neighbours(kPhone1, at(2)).empty());
  // Held for the CDP TTL (180 s), then forgotten.
  EXPECT_EQ(core.neighbours(kPhone2, at(180)).size(), 1u);
  EXPECT_TRUE(core.neighbours(kPhone2, at(181)).empty());
  // The same request id again is not answered again.
  EXPECT_TRUE(core.ingress(kPhone2, phone_cdp(), std::nullopt, at(3)).empty());
}

TEST(SimSwitchDiscovery, KeepsWhatAPhoneAnnouncesInLldp) {
  SwitchCore core(lab_config(true));
  // A neighbour new on the port gets the switch's LLDP-MED at once (fast start); the same
  // neighbour again gets nothing more.
  auto first = core.ingress(kPhone2, phone_lldp(), std::nullopt, at(1));
  ASSERT_FALSE(to(first, kPhone2).empty());
  EXPECT_TRUE(lldp_of(to(first, kPhone2)[0].bytes));
  EXPECT_TRUE(core.ingress(kPhone2, phone_lldp(), std::nullopt, at(1)).empty());
  core.ingress(kPhone2, phone_cdp(), std::nullopt, at(1));
  auto table = core.neighbours(kPhone2, at(2));
  ASSERT_EQ(table.size(), 2u);
  EXPECT_EQ(table[0].protocol, "cdp");
  EXPECT_EQ(table[1].protocol, "lldp");
  EXPECT_EQ(table[1].device_id, "00:1b:53:48:9e:e0");
  EXPECT_EQ(table[1].system_name, "SEP001B53489EE0");
  EXPECT_EQ(table[1].platform, "CP-8851");
  EXPECT_EQ(table[1].software_version, "sip88xx.10-3-1-20");
}

TEST(SimSwitchDiscovery, APhoneBackAfterAPowerCycleIsAnsweredAgain) {
  SwitchCore core(lab_config(true));
  EXPECT_FALSE(to(core.ingress(kPhone2, phone_cdp(), std::nullopt, at(1)), kPhone2).empty());
  EXPECT_TRUE(to(core.ingress(kPhone2, phone_cdp(), std::nullopt, at(2)), kPhone2).empty());
  // PoE off takes the link down: the neighbour is forgotten, and the same phone booting
  // again (same CDP, same power request id) gets the switch's CDP at once.
  core.set_link(kPhone2, false, at(3));
  EXPECT_TRUE(core.neighbours(kPhone2, at(3)).empty());
  core.set_link(kPhone2, true, at(4));
  const auto again = to(core.ingress(kPhone2, phone_cdp(), std::nullopt, at(10)), kPhone2);
  ASSERT_FALSE(again.empty());
  EXPECT_TRUE(cdp_of(again[0].bytes));
}

TEST(SimSwitchDiscovery, WithAnnouncementsOffCdpAndLldpAreFloodedWithinTheVlan) {
  SwitchCore core(lab_config(false));
  EXPECT_TRUE(core.tick(at(0)).empty());
  EXPECT_TRUE(core.announce(kPhone2, at(0)).empty());
  EXPECT_EQ(core.next_wakeup(), std::nullopt);
  auto cdp = core.ingress(kPhone2, phone_cdp(), std::nullopt, at(1));
  EXPECT_THAT(ports_of(cdp), UnorderedElementsAre(kPhone1, kTrunk, kRigData, kMirror));
  EXPECT_EQ(to(cdp, kRigData)[0].bytes, phone_cdp());
  EXPECT_TRUE(cdp_of(to(cdp, kRigData)[0].bytes));
  auto lldp = core.ingress(kPhone2, phone_lldp(), std::nullopt, at(2));
  EXPECT_THAT(ports_of(lldp), UnorderedElementsAre(kPhone1, kTrunk, kRigData, kMirror));
  EXPECT_TRUE(lldp_of(to(lldp, kRigData)[0].bytes));
  // Still heard, for the neighbour tables.
  EXPECT_EQ(core.neighbours(kPhone2, at(3)).size(), 2u);
}

TEST(SimSwitchDiscovery, AnnouncementsCanBeTurnedOffWhileRunning) {
  SwitchCore core(lab_config(true));
  EXPECT_FALSE(core.tick(at(0)).empty());
  core.set_announce(false);
  EXPECT_TRUE(core.tick(at(100)).empty());
  core.set_announce(true);
  EXPECT_FALSE(core.tick(at(200)).empty());
}

}  // namespace
}  // namespace phonerig::sim::sw
