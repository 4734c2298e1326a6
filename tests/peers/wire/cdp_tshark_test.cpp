// CDP frames built by our encoder, decoded by tshark: the same field values, a checksum
// tshark calls good for odd and even PDU lengths (last byte below, at and above 0x80), and
// no malformed packet or expert warning.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

#include "drivers/wire/cdp.hpp"
#include "tests/support/tshark.hpp"

namespace phonerig::wire {
namespace {

const Mac kSwitchMac{{0x00, 0x00, 0x5e, 0x00, 0x53, 0x01}};
const Mac kPhoneMac{{0x00, 0x11, 0x22, 0x33, 0x44, 0xab}};

Ipv4 ip(std::string_view dotted) { return *Ipv4::parse(dotted); }

// tests/support/tshark.cpp reads tshark's stderr together with its stdout, so under root
// tshark's 'Running as user "root"' notice comes back as one more row or "problem".
// Dropped here until the support code separates the streams.
bool is_root_notice(const std::string& text) {
  return text.find("Running as user \"root\"") != std::string::npos;
}

std::vector<std::vector<std::string>> fields(const std::vector<ByteVector>& frames,
                                             const std::vector<std::string>& names) {
  auto rows = testing::tshark_fields(frames, names);
  std::erase_if(rows, [](const auto& row) { return !row.empty() && is_root_notice(row[0]); });
  return rows;
}

std::vector<std::string> problems_of(const std::vector<ByteVector>& frames) {
  auto problems = testing::tshark_problems(frames);
  std::erase_if(problems, is_root_notice);
  return problems;
}

std::string hex4(std::uint16_t v) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%04x", v);
  return buf;
}

// Switch -> phone: voice VLAN 100, native VLAN 10, Power Available echoing the request-id.
// `device_id` sets the PDU parity; `last` is the last byte of the PDU.
cdp::Packet switch_packet(const std::string& device_id, std::uint8_t last) {
  cdp::Packet p;
  p.add(cdp::DeviceId{device_id})
      .add(cdp::Addresses{{cdp::Address::ipv4(ip("198.18.0.1"))}})
      .add(cdp::PortId{"GigabitEthernet1/0/5"})
      .add(cdp::Capabilities{cdp::capability::kAccessSwitch})
      .add(cdp::SoftwareVersion{"Cisco IOS Software, Version 15.2(7)E\nCompiled by lab"})
      .add(cdp::Platform{"cisco WS-C3850-48P"})
      .add(cdp::NativeVlan{10})
      .add(cdp::Duplex{cdp::Duplex::kFull})
      .add(cdp::VoipVlanReply{0x01, 100})
      .add(cdp::TrustBitmap{0x00})
      .add(cdp::UntrustedCos{0})
      .add(cdp::ManagementAddresses{{cdp::Address::ipv4(ip("198.18.0.1"))}})
      .add(cdp::PowerAvailable{19398, 1, {15400, static_cast<std::uint32_t>(0x3c00 | last)}});
  return p;
}

// Phone -> switch, as the CP-8851 sample of reference 1.8 (with the 0x001c TLV).
cdp::Packet phone_packet(const std::string& software, std::uint8_t last) {
  cdp::Packet p;
  p.add(cdp::DeviceId{"SEP" + kPhoneMac.to_cisco()})
      .add(cdp::Addresses{{cdp::Address::ipv4(ip("198.18.0.50"))}})
      .add(cdp::PortId{"Port 1"})
      .add(cdp::Capabilities{cdp::capability::kIpPhone})
      .add(cdp::SoftwareVersion{software})
      .add(cdp::Platform{"Cisco IP Phone 8851"})
      .add(cdp::RawTlv{cdp::tlv::kPhoneUnknown1c, {0x00, 0x02, 0x00}})
      .add(cdp::PowerRequested{19398, 0, {9791}})
      .add(cdp::Duplex{cdp::Duplex::kFull})
      .add(cdp::PowerConsumption{static_cast<std::uint16_t>(0x2600 | last)});
  return p;
}

const std::vector<std::uint8_t> kLastBytes = {0x00, 0x7f, 0x80, 0x81, 0xff};

TEST(CdpTshark, SwitchToPhoneFramesDecodeToTheSameFields) {
  if (!testing::tshark_available()) GTEST_SKIP() << "tshark not installed";
  std::vector<ByteVector> frames;
  std::vector<cdp::Packet> packets;
  std::vector<std::size_t> pdu_sizes;
  for (const std::string id : {"lab-sw1", "lab-sw12"}) {  // odd and even PDU lengths
    for (std::uint8_t last : kLastBytes) {
      packets.push_back(switch_packet(id, last));
      ByteVector pdu = cdp::build(packets.back());
      ASSERT_EQ(pdu.back(), last);
      pdu_sizes.push_back(pdu.size());
      frames.push_back(cdp::build_frame(kSwitchMac, packets.back()));
    }
  }
  EXPECT_NE(pdu_sizes.front() % 2, pdu_sizes.back() % 2);

  auto rows = fields(
      frames, {"cdp.version", "cdp.ttl", "cdp.checksum", "cdp.checksum.status", "cdp.deviceid",
               "cdp.nrgyz.ip_address", "cdp.portid", "cdp.capabilities",
               "cdp.capabilities.switch", "cdp.capabilities.igmp_capable",
               "cdp.software_version", "cdp.platform", "cdp.native_vlan", "cdp.duplex",
               "cdp.voice_vlan", "cdp.data", "cdp.trust_bitmap", "cdp.untrusted_port_cos",
               "cdp.request_id", "cdp.management_id", "cdp.power_available", "cdp.tlv.type"});
  ASSERT_EQ(rows.size(), frames.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    SCOPED_TRACE("frame " + std::to_string(i + 1) + ", PDU " + std::to_string(pdu_sizes[i]) +
                 " bytes");
    const auto& r = rows[i];
    const auto& p = packets[i];
    auto pdu = cdp::build(p);
    EXPECT_EQ(r[0], "2");
    EXPECT_EQ(r[1], "180");
    EXPECT_EQ(r[2], hex4(cdp::compute_checksum(pdu)));
    EXPECT_EQ(r[3], "1") << "tshark checksum status (1 = good)";
    EXPECT_EQ(r[4], *p.device_id());
    EXPECT_EQ(r[5], "198.18.0.1|198.18.0.1");
    EXPECT_EQ(r[6], "GigabitEthernet1/0/5");
    EXPECT_EQ(r[7], "0x00000028");
    EXPECT_EQ(r[8], "1");
    EXPECT_EQ(r[9], "1");
    EXPECT_EQ(r[10], "Cisco IOS Software, Version 15.2(7)E|Compiled by lab");
    EXPECT_EQ(r[11], "cisco WS-C3850-48P");
    EXPECT_EQ(r[12], "10");
    EXPECT_EQ(r[13], "1");
    EXPECT_EQ(r[14], "100");
    EXPECT_EQ(r[15], "01");
    EXPECT_EQ(r[16], "0x00");
    EXPECT_EQ(r[17], "0x00");
    EXPECT_EQ(r[18], "19398");
    EXPECT_EQ(r[19], "1");
    EXPECT_EQ(r[20], "15400|" + std::to_string(p.find<cdp::PowerAvailable>()->milliwatts[1]));
    EXPECT_EQ(r[21],
              "0x0001|0x0002|0x0003|0x0004|0x0005|0x0006|0x000a|0x000b|0x000e|0x0012|0x0013|"
              "0x0016|0x001a");
  }
  auto problems = problems_of(frames);
  EXPECT_TRUE(problems.empty()) << problems.front() << "\n" << testing::tshark_verbose(frames);
}

TEST(CdpTshark, PhoneToSwitchFramesDecodeToTheSameFields) {
  if (!testing::tshark_available()) GTEST_SKIP() << "tshark not installed";
  std::vector<ByteVector> frames;
  std::vector<cdp::Packet> packets;
  std::vector<std::size_t> pdu_sizes;
  for (const std::string sw : {"sip88xx.14-2-1-0001-14", "sip88xx.12-8-1-0001-455"}) {
    for (std::uint8_t last : kLastBytes) {
      packets.push_back(phone_packet(sw, last));
      ByteVector pdu = cdp::build(packets.back());
      ASSERT_EQ(pdu.back(), last);
      pdu_sizes.push_back(pdu.size());
      frames.push_back(cdp::build_frame(kPhoneMac, packets.back()));
    }
  }
  EXPECT_NE(pdu_sizes.front() % 2, pdu_sizes.back() % 2);

  auto rows = fields(
      frames, {"cdp.checksum", "cdp.checksum.status", "cdp.deviceid", "cdp.nrgyz.ip_address",
               "cdp.portid", "cdp.capabilities", "cdp.capabilities.host",
               "cdp.capabilities.voip_phone", "cdp.capabilities.mac_relay",
               "cdp.software_version", "cdp.platform", "cdp.request_id", "cdp.management_id",
               "cdp.power_requested", "cdp.duplex", "cdp.power_consumption", "cdp.voice_vlan",
               "cdp.tlv.type"});
  ASSERT_EQ(rows.size(), frames.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    SCOPED_TRACE("frame " + std::to_string(i + 1) + ", PDU " + std::to_string(pdu_sizes[i]) +
                 " bytes");
    const auto& r = rows[i];
    const auto& p = packets[i];
    EXPECT_EQ(r[0], hex4(cdp::compute_checksum(cdp::build(p))));
    EXPECT_EQ(r[1], "1") << "tshark checksum status (1 = good)";
    EXPECT_EQ(r[2], "SEP0011223344AB");
    EXPECT_EQ(r[3], "198.18.0.50");
    EXPECT_EQ(r[4], "Port 1");
    EXPECT_EQ(r[5], "0x00000490");
    EXPECT_EQ(r[6], "1");
    EXPECT_EQ(r[7], "1");
    EXPECT_EQ(r[8], "1");
    EXPECT_EQ(r[9], *p.software_version());
    EXPECT_EQ(r[10], "Cisco IP Phone 8851");
    EXPECT_EQ(r[11], "19398");
    EXPECT_EQ(r[12], "0");
    EXPECT_EQ(r[13], "9791");
    EXPECT_EQ(r[14], "1");
    EXPECT_EQ(r[15], std::to_string(*p.power_consumption_mw()));
    EXPECT_EQ(r[16], "");
    EXPECT_EQ(r[17], "0x0001|0x0002|0x0003|0x0004|0x0005|0x0006|0x001c|0x0019|0x000b|0x0010");
  }
  auto problems = problems_of(frames);
  EXPECT_TRUE(problems.empty()) << problems.front() << "\n" << testing::tshark_verbose(frames);
}

TEST(CdpTshark, TaggedFramesAndTheRemainingTypedTlvsDecodeToTheSameFields) {
  if (!testing::tshark_available()) GTEST_SKIP() << "tshark not installed";
  cdp::Packet p;
  p.add(cdp::DeviceId{"lab-sw1"})
      .add(cdp::VtpDomain{"LAB"})
      .add(cdp::Mtu{1500})
      .add(cdp::SystemName{"lab-sw1.example"})
      .add(cdp::VoipVlanQuery{0x20, 200, {}})
      .add(cdp::IpPrefixes{std::nullopt, {{ip("10.1.0.0"), 16}, {ip("192.168.1.0"), 24}}})
      .add(cdp::IpPrefixes{ip("10.0.0.1"), {}})
      .add(cdp::SparePairPoe{cdp::spare_pair::kPse4Wire | cdp::spare_pair::kPseSparePairOn});
  std::vector<ByteVector> frames = {
      cdp::build_frame(kSwitchMac, p, VlanTag{ethertype::kVlan, 5, false, 100})};
  auto rows = fields(
      frames, {"vlan.id", "vlan.priority", "cdp.checksum.status", "cdp.vtp_management_domain",
               "cdp.mtu", "cdp.system_name", "cdp.voice_vlan", "cdp.odr_default_gateway",
               "cdp.spare_poe_tlv.poe", "cdp.spare_poe_tlv.pse_spare_pair_poe",
               "cdp.spare_poe_tlv.spare_pair_arch"});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0], (std::vector<std::string>{"100", "5", "1", "LAB", "1500", "lab-sw1.example",
                                                "200", "10.0.0.1", "1", "1", "0"}));
  // tshark 4.0 prints the cdp.ip_prefix field value byte-swapped ("0.0.1.10" for 10.1.0.0);
  // its tree text is right, so check the prefixes there.
  std::string verbose = testing::tshark_verbose(frames);
  EXPECT_NE(verbose.find("IP Prefix: 10.1.0.0/16"), std::string::npos) << verbose;
  EXPECT_NE(verbose.find("IP Prefix: 192.168.1.0/24"), std::string::npos) << verbose;
  auto problems = problems_of(frames);
  EXPECT_TRUE(problems.empty()) << problems.front() << "\n" << testing::tshark_verbose(frames);
}

TEST(CdpTshark, AgreesWhenTheChecksumIsBad) {
  if (!testing::tshark_available()) GTEST_SKIP() << "tshark not installed";
  ByteVector frame = cdp::build_frame(kPhoneMac, phone_packet("sip88xx.14-2-1-0001-14", 0x80));
  frame[25] ^= 0x01;  // low byte of the checksum (PDU at 22)
  auto decoded = cdp::parse(Bytes(frame).subspan(22, frame[13] - 8));
  ASSERT_TRUE(decoded);
  EXPECT_FALSE(decoded->checksum_good);
  auto rows = fields({frame}, {"cdp.checksum.status", "_ws.expert.message"});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0][0], "0");
  EXPECT_EQ(rows[0][1], "Bad checksum [should be " + hex4(decoded->correct_checksum) + "]");
  auto problems = problems_of({frame});  // the problem check sees what tshark flags
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].find("Bad checksum"), std::string::npos) << problems[0];
}

}  // namespace
}  // namespace phonerig::wire
