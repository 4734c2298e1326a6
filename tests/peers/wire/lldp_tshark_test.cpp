// LLDP frames built by our encoder, decoded by tshark: the switch's LLDP-MED advertisement
// (class 4, voice policy) and the phone's (class III, policy, extended power, inventory)
// read back with the same field values, and no malformed packet or expert warning.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "drivers/wire/lldp.hpp"
#include "tests/support/tshark.hpp"

namespace phonerig::wire {
namespace {

const Mac kSwitchMac{{0x00, 0x00, 0x5e, 0x00, 0x53, 0x05}};
const Mac kPhoneMac{{0x2c, 0x73, 0xa0, 0x2d, 0xf3, 0xe8}};

Ipv4 ip(std::string_view dotted) { return *Ipv4::parse(dotted); }

lldp::NetworkPolicy voice_policy() {
  lldp::NetworkPolicy policy;
  policy.app_type = lldp::app_type::kVoice;
  policy.tagged = true;
  policy.vlan_id = 100;
  policy.priority = 5;
  policy.dscp = 46;
  return policy;
}

// Switch -> phone: MED capabilities (network connectivity) and the voice policy of
// reference 2.3. 44 bytes of LLDPDU: the frame is zero-padded to 60 bytes.
lldp::Packet switch_packet() {
  lldp::Packet packet;
  packet.chassis_id = lldp::ChassisId::mac(kSwitchMac);
  packet.port_id = lldp::PortId::interface_name("Gi1/0/5");
  packet.ttl = 120;
  packet.tlvs = {lldp::MedCapabilities{lldp::med_capability::kCapabilities |
                                           lldp::med_capability::kNetworkPolicy,
                                       lldp::med_device_type::kNetworkConnectivity},
                 voice_policy()};
  return packet;
}

// Phone -> switch, as a Cisco phone sends it (port ID "<MAC>:P1" like the 7911G capture).
lldp::Packet phone_packet() {
  lldp::Packet packet;
  packet.chassis_id = lldp::ChassisId::mac(kPhoneMac);
  packet.port_id = lldp::PortId::local(kPhoneMac.to_cisco() + ":P1");
  packet.ttl = 180;
  lldp::NetworkPolicy signaling = voice_policy();
  signaling.app_type = lldp::app_type::kVoiceSignaling;
  signaling.priority = 3;
  signaling.dscp = 24;
  packet.tlvs = {
      lldp::PortDescription{"SW PORT"},
      lldp::SystemName{"SEP" + kPhoneMac.to_cisco()},
      lldp::SystemDescription{"Cisco IP Phone CP-8851, V1, sip88xx.14-1-1-0001-136"},
      lldp::SystemCapabilities{lldp::capability::kBridge | lldp::capability::kTelephone,
                               lldp::capability::kTelephone},
      lldp::ManagementAddress::ipv4(ip("198.18.0.50")),
      lldp::MacPhy{0x03, 0x6c01, 0x0010},
      lldp::MedCapabilities{lldp::med_capability::kCapabilities |
                                lldp::med_capability::kNetworkPolicy |
                                lldp::med_capability::kExtendedPowerPd |
                                lldp::med_capability::kInventory,
                            lldp::med_device_type::kEndpointClass3},
      voice_policy(),
      signaling,
      lldp::ExtendedPower{lldp::power_type::kPd, lldp::power_source::kPdFromPse,
                          lldp::power_priority::kUnknown, 63},
      lldp::Inventory{lldp::med_subtype::kSoftwareRevision, "sip88xx.14-1-1-0001-136"},
      lldp::Inventory{lldp::med_subtype::kManufacturer, "Cisco Systems, Inc."},
      lldp::Inventory{lldp::med_subtype::kModel, "CP-8851"},
  };
  return packet;
}

// A PoE switch port's other TLVs: 802.3at Power via MDI, port VLAN, civic location.
lldp::Packet poe_switch_packet() {
  lldp::Packet packet = switch_packet();
  packet.tlvs.push_back(lldp::PortVlanId{10});
  packet.tlvs.push_back(lldp::PowerViaMdi{0x0f, 1, 1, lldp::Dot3atPower{0x50, 130, 130}, {}});
  packet.tlvs.push_back(lldp::Location{
      2, {0x0c, 0x02, 'U', 'S', 0x03, 0x09, 'R', 'o', 's', 'e', 'v', 'i', 'l', 'l', 'e'}});
  packet.tlvs.push_back(lldp::ExtendedPower{lldp::power_type::kPse, lldp::power_source::kPsePrimary,
                                            lldp::power_priority::kHigh, 154});
  return packet;
}

std::vector<ByteVector> frames() {
  return {lldp::build_frame(kSwitchMac, switch_packet()),
          lldp::build_frame(kPhoneMac, phone_packet()),
          lldp::build_frame(kSwitchMac, poe_switch_packet())};
}

TEST(LldpTshark, SwitchAndPhoneFramesDecodeToTheSameFields) {
  if (!testing::tshark_available()) GTEST_SKIP() << "tshark not installed";
  auto built = frames();
  ASSERT_EQ(built[0].size(), 60u);  // padded: tshark notes a trailer (below)

  auto rows = testing::tshark_fields(
      built, {"lldp.chassis.subtype", "lldp.chassis.id.mac", "lldp.port.subtype", "lldp.port.id",
              "lldp.time_to_live", "lldp.tlv.system.name", "lldp.tlv.system_cap",
              "lldp.tlv.enable_system_cap", "lldp.mgn.addr.ip4", "lldp.tlv.type"});
  ASSERT_EQ(rows.size(), 3u) << testing::tshark_verbose(built);
  EXPECT_EQ(rows[0], (std::vector<std::string>{"4", "00:00:5e:00:53:05", "5", "Gi1/0/5", "120",
                                               "", "", "", "", "1|2|3|127|127|0"}));
  EXPECT_EQ(rows[1],
            (std::vector<std::string>{"4", "2c:73:a0:2d:f3:e8", "7", "2C73A02DF3E8:P1", "180",
                                      "SEP2C73A02DF3E8", "0x0024", "0x0020", "198.18.0.50",
                                      "1|2|3|4|5|6|7|8|127|127|127|127|127|127|127|127|0"}));
  EXPECT_EQ(rows[2][9], "1|2|3|127|127|127|127|127|127|0");
}

TEST(LldpTshark, MedNetworkPolicyCapabilitiesPowerAndInventoryMatch) {
  if (!testing::tshark_available()) GTEST_SKIP() << "tshark not installed";
  auto built = frames();
  auto rows = testing::tshark_fields(
      built, {"lldp.media.subtype", "lldp.media.subtype.caps", "lldp.media.subtype.class",
              "lldp.media.app_type", "lldp.media.policy_flag", "lldp.media.tag_flag",
              "lldp.media.vlan_id", "lldp.media.l2_prio", "lldp.media.dscp",
              "lldp.media.power.type", "lldp.media.power.source", "lldp.media.power.prio",
              "lldp.media.power.value", "lldp.media.software", "lldp.media.manufacturer",
              "lldp.media.model"});
  ASSERT_EQ(rows.size(), 3u) << testing::tshark_verbose(built);
  EXPECT_EQ(rows[0], (std::vector<std::string>{"0x01|0x02", "0x0003", "4", "1", "0", "1", "100",
                                               "5", "46", "", "", "", "", "", "", ""}))
      << testing::tshark_verbose({built[0]});
  EXPECT_EQ(rows[1],
            (std::vector<std::string>{"0x01|0x02|0x02|0x04|0x07|0x09|0x0a", "0x0033", "3", "1|2",
                                      "0|0", "1|1", "100|100", "5|3", "46|24", "1", "1", "0",
                                      "63", "sip88xx.14-1-1-0001-136", "Cisco Systems, Inc.",
                                      "CP-8851"}))
      << testing::tshark_verbose({built[1]});
  EXPECT_EQ(rows[2][9], "0");   // PSE
  EXPECT_EQ(rows[2][10], "1");  // primary
  EXPECT_EQ(rows[2][11], "2");  // high
  EXPECT_EQ(rows[2][12], "154");
}

TEST(LldpTshark, Ieee8023And8021TlvsMatch) {
  if (!testing::tshark_available()) GTEST_SKIP() << "tshark not installed";
  auto built = frames();
  auto rows = testing::tshark_fields(
      built,
      {"lldp.ieee.802_3.mac_phy_auto_neg_status", "lldp.ieee.802_3.pmd_auto_neg_advertised_caps",
       "lldp.ieee.802_3.pmd_mau_type", "lldp.ieee.802_3.mdi_power_support",
       "lldp.ieee.802_3.mdi_pse_pair", "lldp.ieee.802_3.mdi_power_class",
       "lldp.ieee.802_3.mdi_pde_requested", "lldp.ieee.802_3.mdi_pse_allocated",
       "lldp.ieee.802_1.port_vlan.id", "lldp.media.loc.data_format", "lldp.media.civic.country"});
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[1][0], "0x03");
  EXPECT_EQ(rows[1][1], "0x6c01");
  EXPECT_EQ(rows[1][2], "0x0010");
  EXPECT_EQ(rows[2], (std::vector<std::string>{"", "", "", "0x0f", "1", "1", "130", "130", "10",
                                               "2", "US"}))
      << testing::tshark_verbose({built[2]});
}

TEST(LldpTshark, NoMalformedPacketOrExpertWarning) {
  if (!testing::tshark_available()) GTEST_SKIP() << "tshark not installed";
  auto built = frames();
  EXPECT_EQ(testing::tshark_problems(built), std::vector<std::string>{})
      << testing::tshark_verbose(built);
}

TEST(LldpTshark, ThePaddedSwitchFrameGetsOnlyTheTrailerNote) {
  if (!testing::tshark_available()) GTEST_SKIP() << "tshark not installed";
  // Reference 2.3: tshark 4.0 notes the zero padding of a 60-byte LLDP frame. (Its LLDP
  // dissector leaves the last 3 bytes of every LLDPDU to the Ethernet layer as "trailer";
  // with the padding that trailer no longer looks like zeros, hence the note.) A note is
  // below warning; this pins that it stays the only expert item and stays a note.
  auto rows = testing::tshark_fields({frames()[0]}, {"_ws.expert.severity", "_ws.expert.message"});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0][0], "4194304");  // PI_NOTE, 0x00400000 (epan/proto.h)
  EXPECT_NE(rows[0][1].find("padding"), std::string::npos) << rows[0][1];
  auto phone = testing::tshark_fields({frames()[1]}, {"frame.number", "_ws.expert.severity"});
  ASSERT_EQ(phone.size(), 1u);
  EXPECT_EQ(phone[0][1], "");  // an unpadded frame has no expert item at all
}

}  // namespace
}  // namespace phonerig::wire
