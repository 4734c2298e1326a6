// LLDP codec: the tool-checked LLDP-MED bytes of reference 2.3, round trips of every typed
// TLV, real-capture vectors against their TShark dissection (.expected.txt), and the exact
// error of each malformed LLDPDU.
#include "drivers/wire/lldp.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <type_traits>
#include <variant>
#include <vector>

#include "drivers/wire/link.hpp"
#include "drivers/wire/packet.hpp"
#include "tests/support/pcap_file.hpp"

namespace phonerig::wire {
namespace {

ByteVector hex(std::string_view text) {
  auto bytes = from_hex(text);
  if (!bytes) throw std::invalid_argument("bad hex in test: " + bytes.error().to_string());
  return *bytes;
}

Ipv4 ip(std::string_view dotted) { return *Ipv4::parse(dotted); }
Mac mac(std::string_view text) { return *Mac::parse(text); }

ParseError error_of(const ByteVector& lldpdu) {
  auto result = lldp::parse(lldpdu);
  if (result) {
    ADD_FAILURE() << "parsed a malformed LLDPDU: " << to_hex(lldpdu);
    return {};
  }
  return result.error();
}

// The TLV types in wire order, joined like tshark's lldp.tlv.type with -E aggregator='|'.
std::string wire_types(const lldp::Packet& packet) {
  std::string out = "1|2|3";
  for (const lldp::Tlv& tlv : packet.tlvs) {
    int type = std::visit(
        [](const auto& t) -> int {
          using T = std::decay_t<decltype(t)>;
          if constexpr (std::is_same_v<T, lldp::PortDescription>) return 4;
          if constexpr (std::is_same_v<T, lldp::SystemName>) return 5;
          if constexpr (std::is_same_v<T, lldp::SystemDescription>) return 6;
          if constexpr (std::is_same_v<T, lldp::SystemCapabilities>) return 7;
          if constexpr (std::is_same_v<T, lldp::ManagementAddress>) return 8;
          if constexpr (std::is_same_v<T, lldp::RawTlv>) return t.type;
          return 127;
        },
        tlv);
    out += "|" + std::to_string(type);
  }
  return packet.end_tlv ? out + "|0" : out;
}

// Chassis ID MAC 00:04:96:1f:a7:26, Port ID ifName "1/3", TTL 120: 19 bytes.
constexpr std::string_view kMandatory = "02 07 04 00 04 96 1f a7 26 04 04 05 31 2f 33 06 02 00 78";

ByteVector mandatory_plus(std::string_view more) {
  return hex(std::string(kMandatory) + " " + std::string(more));
}

// ---------------------------------------------------------------------------------------
// Reference 2.3 [tool-checked bytes]

lldp::NetworkPolicy reference_voice_policy() {
  lldp::NetworkPolicy policy;
  policy.app_type = lldp::app_type::kVoice;
  policy.tagged = true;
  policy.vlan_id = 100;
  policy.priority = 5;
  policy.dscp = 46;
  return policy;
}

lldp::Packet reference_switch_packet() {
  lldp::Packet packet;
  packet.chassis_id = lldp::ChassisId::mac(mac("00:1e:13:0a:cb:00"));
  packet.port_id = lldp::PortId::interface_name("Gi1/0/5");
  packet.ttl = 120;
  packet.tlvs = {
      lldp::MedCapabilities{lldp::med_capability::kCapabilities |
                                lldp::med_capability::kNetworkPolicy,
                            lldp::med_device_type::kNetworkConnectivity},
      reference_voice_policy()};
  return packet;
}

TEST(LldpNetworkPolicy, VoiceTaggedVlan100Priority5Dscp46IsTheReferenceWord) {
  EXPECT_EQ(reference_voice_policy().word(), 0x0140c96eu);
  EXPECT_EQ(lldp::NetworkPolicy::from_word(0x0140c96e), reference_voice_policy());
}

TEST(LldpNetworkPolicy, EveryBitOfTheWordSurvivesARoundTrip) {
  for (std::uint32_t word : {0x00000000u, 0xffffffffu, 0x02a00000u, 0x0180003fu, 0x08201fc0u}) {
    EXPECT_EQ(lldp::NetworkPolicy::from_word(word).word(), word) << std::hex << word;
  }
  auto policy = lldp::NetworkPolicy::from_word(0xffffffffu);
  EXPECT_TRUE(policy.unknown && policy.tagged && policy.reserved);
  EXPECT_EQ(policy.vlan_id, 4095);
  EXPECT_EQ(policy.priority, 7);
  EXPECT_EQ(policy.dscp, 63);
}

TEST(LldpBuild, WritesTheReferenceMedCapabilitiesAndNetworkPolicyTlvsByteForByte) {
  EXPECT_EQ(to_hex(lldp::build(reference_switch_packet())),
            to_hex(hex("02 07 04 00 1e 13 0a cb 00"
                       "04 08 05 47 69 31 2f 30 2f 35"
                       "06 02 00 78"
                       "fe 07 00 12 bb 01 00 03 04"
                       "fe 08 00 12 bb 02 01 40 c9 6e"
                       "00 00")));
}

TEST(LldpBuild, FrameGoesToTheNearestBridgeWithEtherType88ccPaddedTo60Bytes) {
  ByteVector frame = lldp::build_frame(mac("00:1e:13:0a:cb:05"), reference_switch_packet());
  ASSERT_EQ(frame.size(), 60u);
  EXPECT_EQ(to_hex(Bytes(frame).first(14)), "0180c200000e001e130acb0588cc");
  ByteVector lldpdu = lldp::build(reference_switch_packet());
  EXPECT_EQ(to_hex(Bytes(frame).subspan(14, lldpdu.size())), to_hex(lldpdu));

  auto link = parse_link(LinkType::ethernet, frame);
  ASSERT_TRUE(link) << link.error().to_string();
  auto back = lldp::parse(link->payload);  // the zero padding after End is ignored
  ASSERT_TRUE(back) << back.error().to_string();
  EXPECT_EQ(*back, reference_switch_packet());
}

TEST(LldpBuild, SendsToAnotherGroupAddressWhenAsked) {
  ByteVector frame = lldp::build_frame(mac("00:1e:13:0a:cb:05"), reference_switch_packet(),
                                       lldp::kNearestNonTpmrBridge);
  EXPECT_EQ(to_hex(Bytes(frame).first(6)), "0180c2000003");
}

TEST(LldpBuild, WritesExtendedPowerAndInventoryAsTia1057LaysThemOut) {
  lldp::Packet packet = reference_switch_packet();
  packet.tlvs = {lldp::ExtendedPower{lldp::power_type::kPd, lldp::power_source::kPdFromPse,
                                     lldp::power_priority::kHigh, 63},
                 lldp::Inventory{lldp::med_subtype::kModel, "CP-8851"}};
  ByteVector bytes = lldp::build(packet);
  // PD (01) from PSE (01) priority high (0010): 0x52, then 63 x 0.1 W.
  EXPECT_EQ(
      to_hex(Bytes(bytes).subspan(23)),
      to_hex(hex("fe 07 00 12 bb 04 52 00 3f  fe 0b 00 12 bb 0a 43 50 2d 38 38 35 31 00 00")));
}

// ---------------------------------------------------------------------------------------
// Round trips

lldp::Packet every_tlv_packet() {
  const Mac phone = mac("2c:73:a0:2d:f3:e8");
  lldp::Packet packet;
  packet.chassis_id = lldp::ChassisId::mac(phone);
  packet.port_id = lldp::PortId::local(phone.to_cisco() + ":P1");
  packet.ttl = 180;
  lldp::NetworkPolicy signaling = reference_voice_policy();
  signaling.app_type = lldp::app_type::kVoiceSignaling;
  signaling.priority = 3;
  signaling.dscp = 24;
  lldp::ManagementAddress management = lldp::ManagementAddress::ipv4(ip("10.1.100.23"), 2, 7);
  management.oid = {0x2b, 0x06, 0x01, 0x02, 0x01};
  packet.tlvs = {
      lldp::PortDescription{"SW PORT"},
      lldp::SystemName{"SEP" + phone.to_cisco()},
      lldp::SystemDescription{"Cisco IP Phone CP-8851, V1, sip88xx.14-1-1-0001-136"},
      lldp::SystemCapabilities{lldp::capability::kBridge | lldp::capability::kTelephone,
                               lldp::capability::kTelephone},
      management,
      lldp::MacPhy{0x03, 0x6c01, 0x0010},
      lldp::MedCapabilities{0x0033, lldp::med_device_type::kEndpointClass3},
      reference_voice_policy(),
      signaling,
      lldp::Location{2, hex("28 02 55 53 01 02 43 41")},
      lldp::ExtendedPower{lldp::power_type::kPd, lldp::power_source::kPdFromPse,
                          lldp::power_priority::kUnknown, 63},
      lldp::Inventory{lldp::med_subtype::kHardwareRevision, "1"},
      lldp::Inventory{lldp::med_subtype::kSoftwareRevision, "sip88xx.14-1-1-0001-136"},
      lldp::Inventory{lldp::med_subtype::kSerialNumber, ""},
      lldp::Inventory{lldp::med_subtype::kModel, "CP-8851"},
      lldp::PowerViaMdi{0x0e, 1, 4, lldp::Dot3atPower{0x52, 63, 63}, hex("01 02 03")},
      lldp::PowerViaMdi{0x07, 1, 0, std::nullopt, {}},
      lldp::PortVlanId{488},
      lldp::OrgTlv{0x000142, 1, hex("01")},               // Cisco: 4-wire power
      lldp::OrgTlv{lldp::oui::kTiaMed, 12, hex("ab")},    // an LLDP-MED subtype we do not type
      lldp::OrgTlv{lldp::oui::kIeee8023, 4, hex("05 f2")},  // maximum frame size, raw
      lldp::RawTlv{9, hex("de ad")},
      lldp::RawTlv{lldp::tlv_type::kTtl, hex("00 01")},
  };
  return packet;
}

TEST(LldpRoundTrip, EveryTypedTlvParsesBackToTheSameValues) {
  lldp::Packet packet = every_tlv_packet();
  ByteVector bytes = lldp::build(packet);
  auto back = lldp::parse(bytes);
  ASSERT_TRUE(back) << back.error().to_string();
  EXPECT_EQ(*back, packet);
  EXPECT_EQ(lldp::build(*back), bytes);
  std::string sixteen_org_tlvs;
  for (int i = 0; i < 16; ++i) sixteen_org_tlvs += "127|";
  EXPECT_EQ(wire_types(*back), "1|2|3|4|5|6|7|8|" + sixteen_org_tlvs + "9|3|0");
}

TEST(LldpRoundTrip, APduWithoutEndStaysWithoutEnd) {
  lldp::Packet packet = reference_switch_packet();
  packet.end_tlv = false;
  ByteVector bytes = lldp::build(packet);
  EXPECT_EQ(to_hex(Bytes(bytes).last(4)), "0140c96e");  // the policy word, no End after it
  auto back = lldp::parse(bytes);
  ASSERT_TRUE(back) << back.error().to_string();
  EXPECT_FALSE(back->end_tlv);
  EXPECT_EQ(*back, packet);
}

TEST(LldpPacket, AccessorsFindPoliciesInventoryAndTypedIds) {
  lldp::Packet packet = every_tlv_packet();
  auto voice = lldp::find_policy(packet, lldp::app_type::kVoice);
  ASSERT_TRUE(voice);
  EXPECT_EQ(voice->vlan_id, 100);
  auto signaling = lldp::find_policy(packet, lldp::app_type::kVoiceSignaling);
  ASSERT_TRUE(signaling);
  EXPECT_EQ(signaling->dscp, 24);
  EXPECT_FALSE(lldp::find_policy(packet, lldp::app_type::kVideoSignaling));
  EXPECT_EQ(lldp::find_inventory(packet, lldp::med_subtype::kModel), "CP-8851");
  EXPECT_EQ(lldp::find_inventory(packet, lldp::med_subtype::kSerialNumber), "");
  EXPECT_FALSE(lldp::find_inventory(packet, lldp::med_subtype::kAssetId));
  ASSERT_NE(lldp::find<lldp::SystemName>(packet), nullptr);
  EXPECT_EQ(lldp::find<lldp::SystemName>(packet)->text, "SEP2C73A02DF3E8");
  EXPECT_EQ(lldp::find_all<lldp::PowerViaMdi>(packet).size(), 2u);
  EXPECT_EQ(packet.chassis_id.as_mac(), mac("2c:73:a0:2d:f3:e8"));
  EXPECT_FALSE(packet.chassis_id.as_ipv4());
  EXPECT_EQ(packet.port_id.as_text(), "2C73A02DF3E8:P1");
  EXPECT_FALSE(packet.port_id.as_mac());
  EXPECT_EQ(lldp::ChassisId::network_address(ip("172.16.10.109")).as_ipv4(), ip("172.16.10.109"));
  EXPECT_EQ(lldp::PortId::mac(mac("00:11:22:33:44:55")).as_mac(), mac("00:11:22:33:44:55"));
  EXPECT_EQ(lldp::find<lldp::ManagementAddress>(packet)->as_ipv4(), ip("10.1.100.23"));
}

TEST(LldpBuild, RejectsValuesThatCannotBeEncoded) {
  auto with = [](lldp::Tlv tlv) {
    lldp::Packet packet = reference_switch_packet();
    packet.tlvs = {std::move(tlv)};
    return packet;
  };
  lldp::NetworkPolicy wide_vlan = reference_voice_policy();
  wide_vlan.vlan_id = 4096;
  EXPECT_THROW(lldp::build(with(wide_vlan)), std::invalid_argument);
  lldp::NetworkPolicy wide_dscp = reference_voice_policy();
  wide_dscp.dscp = 64;
  EXPECT_THROW(lldp::build(with(wide_dscp)), std::invalid_argument);
  EXPECT_THROW(lldp::build(with(lldp::ExtendedPower{4, 0, 0, 1})), std::invalid_argument);
  EXPECT_THROW(lldp::build(with(lldp::SystemDescription{std::string(512, 'x')})),
               std::invalid_argument);
  EXPECT_NO_THROW(lldp::build(with(lldp::SystemDescription{std::string(511, 'x')})));
  EXPECT_THROW(lldp::build(with(lldp::Inventory{4, "x"})), std::invalid_argument);
  EXPECT_THROW(lldp::build(with(lldp::OrgTlv{lldp::oui::kTiaMed, 2, hex("01 40 c9 6e")})),
               std::invalid_argument);
  EXPECT_THROW(lldp::build(with(lldp::RawTlv{lldp::tlv_type::kSystemName, {}})),
               std::invalid_argument);
  EXPECT_THROW(lldp::build(with(lldp::PowerViaMdi{0x07, 1, 0, std::nullopt, hex("01")})),
               std::invalid_argument);
  lldp::Packet empty_id = reference_switch_packet();
  empty_id.chassis_id.id.clear();
  EXPECT_THROW(lldp::build(empty_id), std::invalid_argument);
  lldp::Packet reserved = reference_switch_packet();
  reserved.port_id.subtype = 0;
  EXPECT_THROW(lldp::build(reserved), std::invalid_argument);
}

// ---------------------------------------------------------------------------------------
// Lenient where real devices are

TEST(LldpParse, KeepsRepeatedTtlAndReservedTypesRawInOrder) {
  auto packet = lldp::parse(mandatory_plus("06 02 00 01  12 01 aa  0a 00  00 00"));
  ASSERT_TRUE(packet) << packet.error().to_string();
  ASSERT_EQ(packet->tlvs.size(), 3u);
  EXPECT_EQ(std::get<lldp::RawTlv>(packet->tlvs[0]), (lldp::RawTlv{3, hex("00 01")}));
  EXPECT_EQ(std::get<lldp::RawTlv>(packet->tlvs[1]), (lldp::RawTlv{9, hex("aa")}));
  EXPECT_EQ(std::get<lldp::SystemName>(packet->tlvs[2]).text, "");
  EXPECT_EQ(packet->ttl, 120);
}

TEST(LldpParse, StopsAtEndAndIgnoresWhateverPadsTheFrame) {
  auto packet = lldp::parse(mandatory_plus("00 00 ff ff 0e 01"));
  ASSERT_TRUE(packet) << packet.error().to_string();
  EXPECT_TRUE(packet->end_tlv);
  EXPECT_TRUE(packet->tlvs.empty());
  EXPECT_EQ(lldp::build(*packet), mandatory_plus("00 00"));
}

TEST(LldpParse, AcceptsAPduWhoseTlvsFillItWithoutEnd) {
  auto packet = lldp::parse(hex(kMandatory));
  ASSERT_TRUE(packet) << packet.error().to_string();
  EXPECT_FALSE(packet->end_tlv);
  EXPECT_EQ(lldp::build(*packet), hex(kMandatory));
}

// ---------------------------------------------------------------------------------------
// Real-capture vectors (tests/vectors/lldp_*.pcap; expected values from .expected.txt)

struct Captured {
  ByteVector lldpdu;        // the link payload: LLDPDU and whatever follows End
  std::size_t offset = 0;   // of the payload within its frame
};

std::vector<Captured> lldp_frames(const std::string& file) {
  auto pcap = testing::read_pcap(testing::vector_path(file));
  std::vector<Captured> out;
  for (const auto& record : pcap.records) {
    auto packet = decode_packet(pcap.link_type, record.bytes);
    if (!packet) throw std::runtime_error(file + ": " + packet.error().to_string());
    if (packet->link.ethertype != ethertype::kLldp) throw std::runtime_error(file + ": not LLDP");
    Bytes payload = packet->link.payload;
    out.push_back({ByteVector(payload.begin(), payload.end()), packet->link.payload_offset});
  }
  return out;
}

// build(parse(x)) gives x up to and including End; what follows End is `trailer`.
void expect_round_trip(const lldp::Packet& packet, const ByteVector& lldpdu,
                       std::string_view trailer) {
  ByteVector built = lldp::build(packet);
  ASSERT_LE(built.size(), lldpdu.size());
  EXPECT_EQ(to_hex(built), to_hex(Bytes(lldpdu).first(built.size())));
  EXPECT_EQ(to_hex(Bytes(lldpdu).subspan(built.size())), to_hex(hex(trailer)));
}

TEST(LldpVectors, CiscoPhone7911gDecodesAndRoundTrips) {
  auto frames = lldp_frames("lldp_cisco_phone_7911g.pcap");
  ASSERT_EQ(frames.size(), 1u);
  auto packet = lldp::parse(frames[0].lldpdu);
  ASSERT_TRUE(packet) << packet.error().to_string();
  EXPECT_EQ(packet->chassis_id.subtype, lldp::chassis_subtype::kNetworkAddress);
  EXPECT_EQ(packet->chassis_id.as_ipv4(), ip("172.16.10.109"));
  EXPECT_EQ(packet->port_id.subtype, lldp::port_subtype::kLocal);
  EXPECT_EQ(packet->port_id.as_text(), "001B54945A8B:P2");
  EXPECT_EQ(packet->ttl, 180);
  EXPECT_EQ(lldp::find<lldp::PortDescription>(*packet)->text, "PC Port");
  EXPECT_EQ(lldp::find<lldp::SystemName>(*packet)->text, "SEP001B54945A8B.elmec.ad");
  EXPECT_EQ(lldp::find<lldp::SystemDescription>(*packet)->text,
            "Cisco IP Phone CP-7911G,V2, SCCP11.8-4-3S");
  EXPECT_EQ(*lldp::find<lldp::SystemCapabilities>(*packet),
            (lldp::SystemCapabilities{0x0024, 0x0024}));
  EXPECT_EQ(lldp::find<lldp::ManagementAddress>(*packet)->as_ipv4(), ip("172.16.10.109"));
  EXPECT_EQ(*lldp::find<lldp::MacPhy>(*packet), (lldp::MacPhy{0x03, 0x0036, 0x0010}));
  EXPECT_EQ(lldp::find<lldp::MedCapabilities>(*packet), nullptr);  // no LLDP-MED
  EXPECT_EQ(wire_types(*packet), "1|2|3|4|5|6|7|8|127|0");
  expect_round_trip(*packet, frames[0].lldpdu, "");
}

TEST(LldpVectors, WiresharkMinimalSampleKeepsRepeatedTtlsAndANonZeroTrailer) {
  auto frames = lldp_frames("lldp_wireshark_samples_med.pcap");
  ASSERT_EQ(frames.size(), 3u);
  auto packet = lldp::parse(frames[0].lldpdu);
  ASSERT_TRUE(packet) << packet.error().to_string();
  EXPECT_EQ(packet->chassis_id.as_mac(), mac("00:04:96:1f:a7:26"));
  EXPECT_EQ(packet->port_id.subtype, lldp::port_subtype::kInterfaceName);
  EXPECT_EQ(packet->port_id.as_text(), "1/3");
  EXPECT_EQ(packet->ttl, 120);
  // TShark shows "120|1" and types 1|2|3|3, then calls the rest a trailer; the bytes hold
  // two more TTL TLVs (2, 3) and End, then 0xff padding and what looks like an FCS.
  EXPECT_EQ(wire_types(*packet), "1|2|3|3|3|3|0");
  EXPECT_EQ(std::get<lldp::RawTlv>(packet->tlvs[0]), (lldp::RawTlv{3, hex("00 01")}));
  expect_round_trip(*packet, frames[0].lldpdu,
                    "ff ff ff ff ff ff ff ff ff ff ff ff ff ff ff aa bb");
}

TEST(LldpVectors, ExtremeSummitSampleDecodes8023And8021Tlvs) {
  auto frames = lldp_frames("lldp_wireshark_samples_med.pcap");
  auto packet = lldp::parse(frames.at(1).lldpdu);
  ASSERT_TRUE(packet) << packet.error().to_string();
  EXPECT_EQ(packet->chassis_id.as_mac(), mac("00:01:30:f9:ad:a0"));
  EXPECT_EQ(packet->port_id.as_text(), "1/1");
  // The device NUL-terminates its strings; TShark shows them without the NUL.
  EXPECT_EQ(lldp::find<lldp::PortDescription>(*packet)->text,
            std::string("Summit300-48-Port 1001\0", 23));
  EXPECT_EQ(lldp::find<lldp::SystemName>(*packet)->text, std::string("Summit300-48\0", 13));
  EXPECT_EQ(*lldp::find<lldp::SystemCapabilities>(*packet), (lldp::SystemCapabilities{0x14, 0x14}));
  auto management = *lldp::find<lldp::ManagementAddress>(*packet);
  EXPECT_EQ(management.address_subtype, lldp::address_family::kIeee802);
  EXPECT_EQ(to_hex(management.address), "000130f9ada0");
  EXPECT_EQ(management.interface_subtype, 2);
  EXPECT_EQ(management.interface_number, 1001u);
  EXPECT_EQ(*lldp::find<lldp::PowerViaMdi>(*packet),
            (lldp::PowerViaMdi{0x07, 1, 0, std::nullopt, {}}));
  EXPECT_EQ(*lldp::find<lldp::MacPhy>(*packet), (lldp::MacPhy{0x03, 0x6c00, 0x0010}));
  EXPECT_EQ(lldp::find<lldp::PortVlanId>(*packet)->vlan_id, 488);
  auto raw = lldp::find_all<lldp::OrgTlv>(*packet);
  ASSERT_EQ(raw.size(), 5u);  // link aggregation, max frame size, PPVID, VLAN name, protocol
  EXPECT_EQ(raw[1], (lldp::OrgTlv{lldp::oui::kIeee8023, 4, hex("05 f2")}));
  EXPECT_EQ(raw[3].oui, lldp::oui::kIeee8021);
  EXPECT_EQ(raw[3].subtype, 3);
  EXPECT_EQ(wire_types(*packet), "1|2|3|4|5|6|7|8|127|127|127|127|127|127|127|127|0");
  // TShark 4.0 reports "Trailer: 000000" here, as it shows the last 3 bytes of every
  // LLDPDU as an Ethernet trailer; they are the protocol identity TLV's last byte and End,
  // and the LLDPDU fills the frame.
  expect_round_trip(*packet, frames[1].lldpdu, "");
}

TEST(LldpVectors, ProCurveSampleCarriesTheMedVoicePolicyVlan50) {
  auto frames = lldp_frames("lldp_wireshark_samples_med.pcap");
  auto packet = lldp::parse(frames.at(2).lldpdu);
  ASSERT_TRUE(packet) << packet.error().to_string();
  EXPECT_EQ(packet->chassis_id.as_mac(), mac("00:13:21:57:ca:40"));
  EXPECT_EQ(packet->port_id.subtype, lldp::port_subtype::kLocal);
  EXPECT_EQ(packet->port_id.as_text(), "1");
  EXPECT_EQ(packet->ttl, 120);
  EXPECT_EQ(lldp::find<lldp::SystemName>(*packet)->text, "ProCurve Switch 2600-8-PWR");
  EXPECT_EQ(*lldp::find<lldp::SystemCapabilities>(*packet), (lldp::SystemCapabilities{0x14, 0x04}));
  EXPECT_EQ(lldp::find<lldp::ManagementAddress>(*packet)->as_ipv4(), ip("15.255.122.148"));

  EXPECT_EQ(*lldp::find<lldp::MedCapabilities>(*packet),
            (lldp::MedCapabilities{0x000f, lldp::med_device_type::kNetworkConnectivity}));
  auto voice = lldp::find_policy(*packet, lldp::app_type::kVoice);
  ASSERT_TRUE(voice);
  EXPECT_TRUE(voice->tagged);
  EXPECT_FALSE(voice->unknown);
  EXPECT_EQ(voice->vlan_id, 50);
  EXPECT_EQ(voice->priority, 6);
  EXPECT_EQ(voice->dscp, 46);
  EXPECT_EQ(voice->word(), 0x014065aeu);
  auto location = *lldp::find<lldp::Location>(*packet);
  EXPECT_EQ(location.format, 2);  // civic address
  EXPECT_EQ(location.data.size(), 41u);
  EXPECT_EQ(to_hex(Bytes(location.data).first(5)), "2802555301");  // what = 2, country "US"
  EXPECT_EQ(*lldp::find<lldp::ExtendedPower>(*packet),
            (lldp::ExtendedPower{lldp::power_type::kPse, lldp::power_source::kUnknown,
                                 lldp::power_priority::kLow, 65}));
  EXPECT_EQ(wire_types(*packet), "1|2|3|4|5|6|7|8|127|127|127|127|127|0");
  expect_round_trip(*packet, frames[2].lldpdu, "");
}

TEST(LldpVectors, TcpdumpAsanCaptureFailsWherePortIdShouldBe) {
  auto frames = lldp_frames("lldp_malformed_port_id_asan.pcap");
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(error_of(frames[0].lldpdu), (ParseError{8, "TLV 2 Port ID expected, found type 127"}));
  // Within the frame: 14 bytes of Ethernet header before the LLDPDU (TShark: "Invalid Port
  // ID (0x7F), expected (0x02)").
  EXPECT_EQ(error_of(frames[0].lldpdu).within("lldp", frames[0].offset),
            (ParseError{22, "lldp: TLV 2 Port ID expected, found type 127"}));
}

// ---------------------------------------------------------------------------------------
// Malformed LLDPDUs: the exact error of each

TEST(LldpParse, RejectsAnEmptyPdu) {
  EXPECT_EQ(error_of({}), (ParseError{0, "TLV 1 Chassis ID expected, found the end of the PDU"}));
}

TEST(LldpParse, RejectsAHalfTlvHeader) {
  EXPECT_EQ(error_of(hex("02")), (ParseError{0, "TLV header: needs 2 bytes, 1 left"}));
  EXPECT_EQ(error_of(mandatory_plus("00")), (ParseError{19, "TLV header: needs 2 bytes, 1 left"}));
}

TEST(LldpParse, RejectsAPduThatDoesNotStartWithChassisId) {
  EXPECT_EQ(error_of(hex("04 04 05 31 2f 33")),
            (ParseError{0, "TLV 1 Chassis ID expected, found type 2"}));
}

TEST(LldpParse, RejectsAChassisIdWithoutId) {
  EXPECT_EQ(error_of(hex("02 01 04")),
            (ParseError{0, "TLV 1 Chassis ID: length 1 is outside 2..256"}));
}

TEST(LldpParse, RejectsReservedIdSubtypes) {
  EXPECT_EQ(error_of(hex("02 02 00 aa")), (ParseError{2, "TLV 1 Chassis ID: reserved subtype 0"}));
  EXPECT_EQ(error_of(hex("02 07 04 00 04 96 1f a7 26 04 02 08 31")),
            (ParseError{11, "TLV 2 Port ID: reserved subtype 8"}));
}

TEST(LldpParse, RejectsAChassisIdRunningPastTheEnd) {
  EXPECT_EQ(error_of(hex("02 07 04 00 1b")),
            (ParseError{0, "TLV 1 Chassis ID: length 7 runs past the end, 3 bytes left"}));
}

TEST(LldpParse, RejectsAMissingTtl) {
  EXPECT_EQ(error_of(hex("02 07 04 00 04 96 1f a7 26 04 04 05 31 2f 33 00 00")),
            (ParseError{15, "TLV 3 TTL expected, found type 0"}));
}

TEST(LldpParse, RejectsATtlOfThreeBytes) {
  EXPECT_EQ(error_of(hex("02 07 04 00 04 96 1f a7 26 04 04 05 31 2f 33 06 03 00 78 00")),
            (ParseError{15, "TLV 3 TTL: length 3, expected 2"}));
}

TEST(LldpParse, RejectsAnEndTlvWithALength) {
  EXPECT_EQ(error_of(mandatory_plus("00 02 00 00")),
            (ParseError{19, "TLV 0 End: length 2, expected 0"}));
}

TEST(LldpParse, RejectsAnOptionalTlvRunningPastTheEnd) {
  EXPECT_EQ(error_of(mandatory_plus("0a 20 41 42")),
            (ParseError{19, "TLV 5 System Name: length 32 runs past the end, 2 bytes left"}));
}

TEST(LldpParse, RejectsSystemCapabilitiesOfTwoBytes) {
  EXPECT_EQ(error_of(mandatory_plus("0e 02 00 24 00 00")),
            (ParseError{19, "TLV 7 System Capabilities: length 2, expected 4"}));
}

TEST(LldpParse, RejectsAManagementAddressStringOver32Bytes) {
  EXPECT_EQ(
      error_of(mandatory_plus("10 0c 28 01 0a 01 64 17 01 00 00 00 00 00")),
      (ParseError{21, "TLV 8 Management Address: address string length 40 is outside 2..32"}));
}

TEST(LldpParse, RejectsAManagementAddressOidRunningPastTheTlv) {
  EXPECT_EQ(error_of(mandatory_plus("10 0c 05 01 0a 01 64 17 01 00 00 00 00 05 2b 06 01 02 01")),
            (ParseError{33, "TLV 8 Management Address OID: needs 5 bytes, 0 left"}));
}

TEST(LldpParse, RejectsBytesAfterTheManagementAddressOid) {
  EXPECT_EQ(error_of(mandatory_plus("10 0d 05 01 0a 01 64 17 01 00 00 00 00 00 ff")),
            (ParseError{33, "TLV 8 Management Address: 1 byte after the OID"}));
}

TEST(LldpParse, RejectsAnOrganizationalTlvShorterThanOuiAndSubtype) {
  EXPECT_EQ(error_of(mandatory_plus("fe 03 00 12 bb")),
            (ParseError{19, "TLV 127 Organizationally Specific: length 3 is below the minimum 4"}));
}

TEST(LldpParse, RejectsANetworkPolicyOfNineBytes) {
  EXPECT_EQ(error_of(mandatory_plus("fe 09 00 12 bb 02 01 40 c9 6e 00 00 00")),
            (ParseError{19, "TLV 127 LLDP-MED Network Policy: length 9, expected 8"}));
}

TEST(LldpParse, RejectsMedCapabilitiesWithoutDeviceType) {
  EXPECT_EQ(error_of(mandatory_plus("fe 06 00 12 bb 01 00 03")),
            (ParseError{19, "TLV 127 LLDP-MED Capabilities: length 6, expected 7"}));
}

TEST(LldpParse, RejectsAnExtendedPowerTlvCutShort) {
  EXPECT_EQ(error_of(mandatory_plus("fe 06 00 12 bb 04 50 00")),
            (ParseError{19, "TLV 127 LLDP-MED Extended Power via MDI: length 6, expected 7"}));
}

TEST(LldpParse, RejectsALocationWithoutFormat) {
  EXPECT_EQ(error_of(mandatory_plus("fe 04 00 12 bb 03")),
            (ParseError{19, "TLV 127 LLDP-MED Location: length 4 is below the minimum 5"}));
}

TEST(LldpParse, RejectsAPowerViaMdiBetweenTheBasicAnd8023atSizes) {
  EXPECT_EQ(
      error_of(mandatory_plus("fe 09 00 12 0f 02 07 01 00 00 00")),
      (ParseError{19, "TLV 127 IEEE 802.3 Power via MDI: length 9, expected 7 or at least 12"}));
}

TEST(LldpParse, RejectsMacPhyAndPortVlanIdOfTheWrongLength) {
  EXPECT_EQ(error_of(mandatory_plus("fe 08 00 12 0f 01 03 6c 00 00")),
            (ParseError{19, "TLV 127 IEEE 802.3 MAC/PHY: length 8, expected 9"}));
  EXPECT_EQ(error_of(mandatory_plus("fe 07 00 80 c2 01 01 e8 00")),
            (ParseError{19, "TLV 127 IEEE 802.1 Port VLAN ID: length 7, expected 6"}));
}

TEST(LldpParse, ReportsAnErrorInALaterTlvAtItsAbsoluteOffset) {
  // System name "ab" (4 bytes) then a MED capabilities TLV of length 8 at offset 23.
  EXPECT_EQ(error_of(mandatory_plus("0a 02 61 62 fe 08 00 12 bb 01 00 03 04 00 00 00")),
            (ParseError{23, "TLV 127 LLDP-MED Capabilities: length 8, expected 7"}));
}

}  // namespace
}  // namespace phonerig::wire
