// CDP codec: the Cisco checksum (reference 1.2), the worked frame of reference 1.9, every
// typed TLV round trip, real-capture vectors against their TShark dissection, and the
// exact error of each malformed PDU.
#include "drivers/wire/cdp.hpp"

#include <gtest/gtest.h>

#include <cctype>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

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

// The error of a PDU that must not parse.
ParseError error_of(const ByteVector& pdu, std::size_t base = 0) {
  auto result = cdp::parse(pdu, base);
  if (result) {
    ADD_FAILURE() << "parsed a malformed PDU: " << to_hex(pdu);
    return {};
  }
  return result.error();
}

// ---------------------------------------------------------------------------------------
// Checksum, reference 1.2 [tool-checked values]

// PDU 02 b4 0000 0001 0007 73 77 XX: a Device ID "swX" with an odd last byte.
ByteVector odd_pdu(std::uint8_t last) {
  ByteVector pdu = hex("02 b4 00 00 00 01 00 07 73 77");
  pdu.push_back(last);
  return pdu;
}

TEST(CdpChecksum, MatchesToolCheckedValuesForOddLastByte) {
  EXPECT_EQ(cdp::compute_checksum(odd_pdu(0x7f)), 0x894d);
  EXPECT_EQ(cdp::compute_checksum(odd_pdu(0x81)), 0x8a4b);
  EXPECT_EQ(cdp::compute_checksum(odd_pdu(0xff)), 0x89cd);
}

TEST(CdpChecksum, TreatsLastByte0x80AsSignedLikeWiresharkNotScapy) {
  EXPECT_EQ(cdp::compute_checksum(odd_pdu(0x80)), 0x8a4c);  // scapy would give 0x894c
}

TEST(CdpChecksum, IgnoresTheStoredChecksumField) {
  ByteVector pdu = odd_pdu(0x7f);
  pdu[2] = 0x12;
  pdu[3] = 0x34;
  EXPECT_EQ(cdp::compute_checksum(pdu), 0x894d);
}

TEST(CdpChecksum, ReceiverCheckAcceptsTheComputedValueInPlace) {
  for (std::uint8_t last : {0x00, 0x7f, 0x80, 0x81, 0xff}) {
    ByteVector pdu = odd_pdu(last);
    std::uint16_t sum = cdp::compute_checksum(pdu);
    pdu[2] = static_cast<std::uint8_t>(sum >> 8);
    pdu[3] = static_cast<std::uint8_t>(sum);
    EXPECT_TRUE(cdp::checksum_valid(pdu)) << int{last};
    pdu[3] ^= 0x01;
    EXPECT_FALSE(cdp::checksum_valid(pdu)) << int{last};
  }
}

TEST(CdpChecksum, ParseReportsABadChecksumWithoutFailing) {
  ByteVector pdu = odd_pdu(0x80);
  pdu[2] = 0x89;
  pdu[3] = 0x4c;  // scapy's value
  auto decoded = cdp::parse(pdu);
  ASSERT_TRUE(decoded) << decoded.error().to_string();
  EXPECT_FALSE(decoded->checksum_good);
  EXPECT_EQ(decoded->checksum, 0x894c);
  EXPECT_EQ(decoded->correct_checksum, 0x8a4c);
  EXPECT_EQ(decoded->packet.device_id(), "sw\x80");
}

TEST(CdpChecksum, AcceptsNegativeZeroWhenZeroIsCorrectLikeWireshark) {
  // Pick the 2 bytes of an unknown TLV so that the sum is 0xffff: correct checksum 0x0000.
  cdp::Packet packet;
  packet.add(cdp::RawTlv{0x0100, {0x00, 0x00}});
  ByteVector pdu = cdp::build(packet);
  std::uint16_t rest = static_cast<std::uint16_t>(~cdp::compute_checksum(pdu));
  std::uint16_t fill = static_cast<std::uint16_t>(0xffff - rest);
  pdu[8] = static_cast<std::uint8_t>(fill >> 8);
  pdu[9] = static_cast<std::uint8_t>(fill);
  ASSERT_EQ(cdp::compute_checksum(pdu), 0x0000);
  pdu[2] = pdu[3] = 0xff;
  auto decoded = cdp::parse(pdu);
  ASSERT_TRUE(decoded);
  EXPECT_TRUE(decoded->checksum_good);
  EXPECT_EQ(decoded->correct_checksum, 0x0000);
}

// ---------------------------------------------------------------------------------------
// Reference 1.9: switch -> phone, voice VLAN 100 [tool-checked]

const Mac kDocMac{{0x00, 0x00, 0x5e, 0x00, 0x53, 0x01}};

cdp::Packet worked_packet() {
  cdp::Packet p;
  p.add(cdp::DeviceId{"lab-sw1"})
      .add(cdp::PortId{"GigabitEthernet1/0/5"})
      .add(cdp::Capabilities{cdp::capability::kAccessSwitch})
      .add(cdp::Platform{"cisco WS-C3850-48P"})
      .add(cdp::NativeVlan{10})
      .add(cdp::Duplex{cdp::Duplex::kFull})
      .add(cdp::VoipVlanReply{0x01, 100})
      .add(cdp::TrustBitmap{0x00})
      .add(cdp::UntrustedCos{0});
  return p;
}

const char* const kWorkedFrame =
    "01 00 0c cc cc cc 00 00 5e 00 53 01 00 69 aa aa"
    "03 00 00 0c 20 00 02 b4 b7 d1 00 01 00 0b 6c 61"
    "62 2d 73 77 31 00 03 00 18 47 69 67 61 62 69 74"
    "45 74 68 65 72 6e 65 74 31 2f 30 2f 35 00 04 00"
    "08 00 00 00 28 00 06 00 16 63 69 73 63 6f 20 57"
    "53 2d 43 33 38 35 30 2d 34 38 50 00 0a 00 06 00"
    "0a 00 0b 00 05 01 00 0e 00 07 01 00 64 00 12 00"
    "05 00 00 13 00 05 00";

TEST(CdpBuild, ReproducesTheReferenceWorkedFrameByteForByte) {
  ByteVector frame = cdp::build_frame(kDocMac, worked_packet());
  EXPECT_EQ(to_hex(frame), to_hex(hex(kWorkedFrame)));
  EXPECT_EQ(frame.size(), 119u);
}

TEST(CdpParse, DecodesTheReferenceWorkedFrame) {
  ByteVector frame = hex(kWorkedFrame);
  auto packet = decode_packet(LinkType::ethernet, frame);
  ASSERT_TRUE(packet) << packet.error().to_string();
  ASSERT_TRUE(cdp::is_cdp(packet->link));
  auto decoded = cdp::parse(packet->link.payload, packet->link.payload_offset);
  ASSERT_TRUE(decoded) << decoded.error().to_string();
  EXPECT_EQ(decoded->checksum, 0xb7d1);
  EXPECT_TRUE(decoded->checksum_good);
  EXPECT_EQ(decoded->packet, worked_packet());
  EXPECT_EQ(decoded->packet.voice_vlan(), 100);
  EXPECT_EQ(decoded->packet.native_vlan(), 10);
  EXPECT_EQ(decoded->packet.port_id(), "GigabitEthernet1/0/5");
}

// ---------------------------------------------------------------------------------------
// Round trips of every typed TLV

cdp::Packet every_tlv_packet() {
  cdp::Address ipv6;
  ipv6.protocol_type = cdp::address_protocol::kIeee8022;
  ipv6.protocol = hex("aa aa 03 00 00 00 86 dd");
  ipv6.address = hex("20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 01");
  cdp::Packet p;
  p.version = 2;
  p.ttl = 120;
  p.add(cdp::DeviceId{"SEP001B53489EE0"})
      .add(cdp::Addresses{{cdp::Address::ipv4(ip("198.18.0.10")), ipv6}})
      .add(cdp::PortId{"Port 1"})
      .add(cdp::Capabilities{cdp::capability::kIpPhone})
      .add(cdp::SoftwareVersion{"sip88xx.14-2-1-0001-14\nsecond line"})
      .add(cdp::Platform{"Cisco IP Phone 8851"})
      .add(cdp::IpPrefixes{std::nullopt, {{ip("10.1.0.0"), 16}, {ip("10.2.3.0"), 24}}})
      .add(cdp::IpPrefixes{ip("10.0.0.1"), {}})
      .add(cdp::RawTlv{cdp::tlv::kProtocolHello, hex("00 00 0c 01 12 00 00 00 00")})
      .add(cdp::VtpDomain{"Lab"})
      .add(cdp::NativeVlan{10})
      .add(cdp::Duplex{cdp::Duplex::kHalf})
      .add(cdp::VoipVlanReply{0x01, 100})
      .add(cdp::VoipVlanQuery{0x20, 0x0200, hex("01")})
      .add(cdp::PowerConsumption{9791})
      .add(cdp::Mtu{1500})
      .add(cdp::TrustBitmap{0x01})
      .add(cdp::UntrustedCos{5})
      .add(cdp::SystemName{"lab-sw1.example"})
      .add(cdp::ManagementAddresses{{cdp::Address::ipv4(ip("198.18.0.1"))}})
      .add(cdp::RawTlv{cdp::tlv::kPhoneUnknown1c, hex("00 02 00")})
      .add(cdp::PowerRequested{19398, 0, {9791, 6300}})
      .add(cdp::PowerAvailable{19398, 1, {15400, 15400}})
      .add(cdp::SparePairPoe{cdp::spare_pair::kPse4Wire | cdp::spare_pair::kPseSparePairOn})
      .add(cdp::Addresses{})
      .add(cdp::IpPrefixes{})
      .add(cdp::PowerRequested{1, 2, {}})
      .add(cdp::DeviceId{""});
  return p;
}

TEST(CdpRoundTrip, EveryTypedTlvParsesBackToTheSameValues) {
  cdp::Packet packet = every_tlv_packet();
  ByteVector pdu = cdp::build(packet);
  auto decoded = cdp::parse(pdu);
  ASSERT_TRUE(decoded) << decoded.error().to_string();
  EXPECT_TRUE(decoded->checksum_good);
  EXPECT_EQ(decoded->packet, packet);
  EXPECT_EQ(cdp::build(decoded->packet), pdu);
}

TEST(CdpRoundTrip, VersionOneAndOddAndEvenLengthsKeepTheirChecksum) {
  for (std::uint8_t version : {1, 2}) {
    for (std::string id : {"a", "ab", "a\x80", "a\xff"}) {
      cdp::Packet packet;
      packet.version = version;
      packet.add(cdp::DeviceId{id});
      ByteVector pdu = cdp::build(packet);
      auto decoded = cdp::parse(pdu);
      ASSERT_TRUE(decoded);
      EXPECT_TRUE(decoded->checksum_good) << id;
      EXPECT_EQ(decoded->packet, packet);
    }
  }
}

TEST(CdpBuild, WritesTheTlvLayoutOfTheReference) {
  cdp::Packet packet;
  packet.add(cdp::VoipVlanReply{0x01, 100})
      .add(cdp::PowerRequested{19398, 0, {9791}})
      .add(cdp::Addresses{{cdp::Address::ipv4(ip("10.10.33.97"))}})
      .add(cdp::Mtu{1500})
      .add(cdp::SparePairPoe{0x0f});
  ByteVector pdu = cdp::build(packet);
  EXPECT_EQ(to_hex(Bytes(pdu).subspan(4)),
            "000e00070100640019000c4bc60000"
            "0000263f"
            "000200110000000101"
            "01cc00040a0a2161"
            "00110008000005dc"
            "001f00050f");
}

TEST(CdpBuild, PadsShortFramesTo60BytesOutsideTheLength) {
  cdp::Packet packet;
  packet.add(cdp::DeviceId{"x"});
  ByteVector frame = cdp::build_frame(kDocMac, packet);
  ASSERT_EQ(frame.size(), 60u);
  EXPECT_EQ(frame[12], 0x00);
  EXPECT_EQ(frame[13], 8 + 4 + 5);  // LLC/SNAP + header + TLV
  auto link = parse_link(LinkType::ethernet, frame);
  ASSERT_TRUE(link);
  auto decoded = cdp::parse(link->payload, link->payload_offset);
  ASSERT_TRUE(decoded) << decoded.error().to_string();
  EXPECT_TRUE(decoded->checksum_good);
  EXPECT_EQ(decoded->packet, packet);
}

TEST(CdpBuild, TagsTheFrameWhenGivenAVlan) {
  ByteVector frame =
      cdp::build_frame(kDocMac, worked_packet(), VlanTag{ethertype::kVlan, 5, false, 100});
  EXPECT_EQ(to_hex(Bytes(frame).subspan(12, 6)), "8100a0640069");
  auto link = parse_link(LinkType::ethernet, frame);
  ASSERT_TRUE(link);
  ASSERT_EQ(link->vlans.size(), 1u);
  EXPECT_EQ(link->vlans[0].vid, 100);
  EXPECT_TRUE(cdp::is_cdp(*link));
}

TEST(CdpBuild, RejectsValuesThatCannotBeEncoded) {
  cdp::Packet too_long;
  too_long.add(cdp::SoftwareVersion{std::string(65532, 'x')});
  EXPECT_THROW(cdp::build(too_long), std::invalid_argument);
  cdp::Packet longest;
  longest.add(cdp::SoftwareVersion{std::string(65531, 'x')});
  EXPECT_EQ(cdp::build(longest).size(), 4u + 65535u);
  cdp::Packet both;
  both.add(cdp::IpPrefixes{ip("10.0.0.1"), {{ip("10.0.0.0"), 8}}});
  EXPECT_THROW(cdp::build(both), std::invalid_argument);
  cdp::Address big;
  big.protocol.assign(256, 0xaa);
  cdp::Packet record;
  record.add(cdp::Addresses{{big}});
  EXPECT_THROW(cdp::build(record), std::invalid_argument);
}

TEST(CdpPacket, AccessorsReadTheFirstTlvOfEachKind) {
  cdp::Packet p = every_tlv_packet();
  EXPECT_EQ(p.device_id(), "SEP001B53489EE0");
  EXPECT_EQ(p.port_id(), "Port 1");
  EXPECT_EQ(p.platform(), "Cisco IP Phone 8851");
  EXPECT_EQ(p.software_version(), "sip88xx.14-2-1-0001-14\nsecond line");
  EXPECT_EQ(p.vtp_domain(), "Lab");
  EXPECT_EQ(p.system_name(), "lab-sw1.example");
  EXPECT_EQ(p.capabilities(), 0x490u);
  EXPECT_TRUE(p.find<cdp::Capabilities>()->has(cdp::capability::kVoipPhone));
  EXPECT_EQ(p.addresses(), std::vector<Ipv4>{ip("198.18.0.10")});  // the IPv6 record is kept
  EXPECT_EQ(p.find<cdp::Addresses>()->addresses.size(), 2u);
  EXPECT_EQ(p.management_addresses(), std::vector<Ipv4>{ip("198.18.0.1")});
  EXPECT_EQ(p.native_vlan(), 10);
  EXPECT_EQ(p.voice_vlan(), 100);
  EXPECT_EQ(p.full_duplex(), false);
  EXPECT_EQ(p.power_consumption_mw(), 9791);
  EXPECT_EQ(p.find_all<cdp::IpPrefixes>().size(), 3u);
  ASSERT_NE(p.find_raw(0x001c), nullptr);
  EXPECT_EQ(p.find_raw(0x001c)->value, hex("00 02 00"));
  EXPECT_EQ(p.find_raw(0x0017), nullptr);
  EXPECT_EQ(cdp::tlv_type(p.tlvs[1]), cdp::tlv::kAddresses);
  EXPECT_EQ(cdp::tlv_type(p.tlvs[8]), cdp::tlv::kProtocolHello);

  cdp::Packet empty;
  EXPECT_FALSE(empty.device_id());
  EXPECT_FALSE(empty.voice_vlan());
  EXPECT_TRUE(empty.addresses().empty());
}

// ---------------------------------------------------------------------------------------
// Real captures (tests/vectors/cdp_*.pcap) against their TShark 4.0.17 dissection

struct VectorFrame {
  Packet frame;            // link layers
  ByteVector bytes;        // the captured frame
  cdp::Decoded cdp;
};

std::vector<VectorFrame> read_cdp_vector(const std::string& name) {
  auto contents = testing::read_pcap(testing::vector_path(name));
  std::vector<VectorFrame> out;
  for (auto& record : contents.records) {
    VectorFrame v;
    v.bytes = std::move(record.bytes);
    auto decoded = decode_packet(contents.link_type, v.bytes);
    if (!decoded) throw std::runtime_error(name + ": " + decoded.error().to_string());
    if (!cdp::is_cdp(decoded->link)) throw std::runtime_error(name + ": not CDP");
    v.frame = *decoded;
    auto pdu = cdp::parse(v.frame.link.payload, v.frame.link.payload_offset);
    if (!pdu) throw std::runtime_error(name + ": " + pdu.error().to_string());
    v.cdp = *pdu;
    out.push_back(std::move(v));
  }
  return out;
}

std::string join(const std::vector<std::string>& parts, char sep) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i) out += sep;
    out += parts[i];
  }
  return out;
}

std::vector<std::string> split(const std::string& text, char sep) {
  std::vector<std::string> out;
  std::string part;
  std::istringstream in(text);
  while (std::getline(in, part, sep)) out.push_back(part);
  if (!text.empty() && text.back() == sep) out.emplace_back();
  return out;
}

std::string hexfmt(const char* format, unsigned value) {
  char buf[16];
  std::snprintf(buf, sizeof buf, format, value);
  return buf;
}

template <class T, class F>
std::string joined_values(const cdp::Packet& p, F value) {
  std::vector<std::string> parts;
  for (const auto& tlv : p.find_all<T>()) value(tlv, parts);
  return join(parts, '|');
}

// Our decode of one frame, in the column format of the .expected.txt tshark -T fields table.
std::string column(const VectorFrame& v, const std::string& name) {
  const cdp::Packet& p = v.cdp.packet;
  auto text = [](const std::optional<std::string>& s) { return s.value_or(""); };
  if (name == "eth.src") return v.frame.link.src->to_string();
  if (name == "vlan.id") {
    return v.frame.link.vlans.empty() ? "" : std::to_string(v.frame.link.vlans[0].vid);
  }
  if (name == "cdp.version") return std::to_string(p.version);
  if (name == "cdp.ttl") return std::to_string(p.ttl);
  if (name == "cdp.checksum.status") return v.cdp.checksum_good ? "1" : "0";
  if (name == "cdp.deviceid") return text(p.device_id());
  if (name == "cdp.portid") return text(p.port_id());
  if (name == "cdp.capabilities") {
    return p.capabilities() ? hexfmt("0x%08x", *p.capabilities()) : "";
  }
  if (name == "cdp.capabilities.voip_phone") {
    if (!p.capabilities()) return "";
    return (*p.capabilities() & cdp::capability::kVoipPhone) ? "1" : "0";
  }
  if (name == "cdp.software_version") return join(split(text(p.software_version()), '\n'), '|');
  if (name == "cdp.platform") return text(p.platform());
  if (name == "cdp.native_vlan") {
    return p.native_vlan() ? std::to_string(*p.native_vlan()) : "";
  }
  if (name == "cdp.voice_vlan") {  // tshark fills it for Reply and Query alike
    std::vector<std::string> parts;
    for (const auto& tlv : p.tlvs) {
      if (auto* r = std::get_if<cdp::VoipVlanReply>(&tlv)) parts.push_back(std::to_string(r->vlan));
      if (auto* q = std::get_if<cdp::VoipVlanQuery>(&tlv)) parts.push_back(std::to_string(q->vlan));
    }
    return join(parts, '|');
  }
  if (name == "cdp.duplex") return p.full_duplex() ? (*p.full_duplex() ? "1" : "0") : "";
  if (name == "cdp.power_consumption") {
    return p.power_consumption_mw() ? std::to_string(*p.power_consumption_mw()) : "";
  }
  if (name == "cdp.power_requested") {
    return joined_values<cdp::PowerRequested>(p, [](const auto& t, auto& parts) {
      for (auto mw : t.milliwatts) parts.push_back(std::to_string(mw));
    });
  }
  if (name == "cdp.vtp_management_domain") return text(p.vtp_domain());
  if (name == "cdp.tlv.type") {
    std::vector<std::string> parts;
    for (const auto& tlv : p.tlvs) parts.push_back(hexfmt("0x%04x", cdp::tlv_type(tlv)));
    return join(parts, '|');
  }
  if (name == "_ws.malformed") return "";
  if (name == "_ws.expert.message") {
    return v.cdp.checksum_good ? ""
                               : "Bad checksum [should be " +
                                     hexfmt("0x%04x", v.cdp.correct_checksum) + "]";
  }
  throw std::invalid_argument("no column " + name);
}

// The tshark -T fields table of an .expected.txt: header row, then one row per frame.
std::vector<std::map<std::string, std::string>> expected_rows(const std::string& name) {
  std::ifstream in(testing::vector_path(name + ".expected.txt"));
  if (!in) throw std::runtime_error("cannot read " + name + ".expected.txt");
  std::vector<std::string> header;
  std::vector<std::map<std::string, std::string>> rows;
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("frame.number\t", 0) == 0) {
      header = split(line, '\t');
    } else if (!header.empty() && !line.empty() && line[0] != '#') {
      auto cells = split(line, '\t');
      if (cells.size() != header.size()) throw std::runtime_error("ragged row in " + name);
      std::map<std::string, std::string> row;
      for (std::size_t i = 0; i < cells.size(); ++i) row[header[i]] = cells[i];
      rows.push_back(std::move(row));
    } else if (!header.empty()) {
      break;
    }
  }
  return rows;
}

class CdpVector : public ::testing::TestWithParam<const char*> {};

TEST_P(CdpVector, DecodesLikeTsharkAndRebuildsTheSameFrame) {
  const std::string name = GetParam();
  auto frames = read_cdp_vector(name);
  auto rows = expected_rows(name);
  ASSERT_EQ(frames.size(), rows.size());
  ASSERT_FALSE(rows.empty());
  for (std::size_t i = 0; i < frames.size(); ++i) {
    const auto& v = frames[i];
    SCOPED_TRACE(name + " frame " + std::to_string(i + 1));
    std::size_t compared = 0;
    for (const auto& [field, value] : rows[i]) {
      if (field == "frame.number") continue;
      if (field == "cdp.address") {  // tshark 4.0 puts the IPv4 records in cdp.nrgyz.ip_address
        EXPECT_EQ(value, "");
        continue;
      }
      EXPECT_EQ(column(v, field), value) << field;
      ++compared;
    }
    EXPECT_EQ(compared, 20u);

    // build(parse(x)) == x, the checksum included when the stored one was good.
    Bytes pdu = v.frame.link.payload;
    ByteVector rebuilt = cdp::build(v.cdp.packet);
    if (v.cdp.checksum_good) {
      EXPECT_EQ(to_hex(rebuilt), to_hex(pdu));
      std::optional<VlanTag> tag;
      if (!v.frame.link.vlans.empty()) tag = v.frame.link.vlans[0];
      EXPECT_EQ(to_hex(cdp::build_frame(*v.frame.link.src, v.cdp.packet, tag)), to_hex(v.bytes));
    } else {
      ByteVector patched(pdu.begin(), pdu.end());
      patched[2] = static_cast<std::uint8_t>(v.cdp.correct_checksum >> 8);
      patched[3] = static_cast<std::uint8_t>(v.cdp.correct_checksum);
      EXPECT_EQ(to_hex(rebuilt), to_hex(patched));
    }
  }
}

INSTANTIATE_TEST_SUITE_P(RealCaptures, CdpVector,
                         ::testing::Values("cdp_cisco_phone_7912_7970.pcap",
                                           "cdp_voip_vlan_reply_bcm1100.pcap",
                                           "cdp_cisco3560_switch.pcap", "cdp_v1_cisco1601.pcap",
                                           "cdp_8021q_cisco2970.pcap"),
                         [](const auto& info) {  // "cdp_v1_cisco1601.pcap" -> V1Cisco1601
                           std::string file = info.param;
                           std::string name;
                           for (const auto& part : split(file.substr(4, file.find('.') - 4), '_')) {
                             name += static_cast<char>(std::toupper(part[0]));
                             name += part.substr(1);
                           }
                           return name;
                         });

TEST(CdpVectors, Cisco7912And7970PhonesDecodeToTypedValues) {
  auto frames = read_cdp_vector("cdp_cisco_phone_7912_7970.pcap");
  ASSERT_EQ(frames.size(), 2u);
  const cdp::Packet& p7912 = frames[0].cdp.packet;
  EXPECT_EQ(frames[0].cdp.checksum, 0xa160);
  EXPECT_EQ(p7912.device_id(), "SEP001B53489EE0");
  EXPECT_EQ(p7912.addresses(), std::vector<Ipv4>{ip("10.10.33.97")});
  EXPECT_EQ(p7912.capabilities(), cdp::capability::kHost | cdp::capability::kVoipPhone);
  EXPECT_EQ(p7912.power_consumption_mw(), 6300);

  const cdp::Packet& p7970 = frames[1].cdp.packet;
  EXPECT_EQ(frames[1].cdp.checksum, 0x1e74);
  EXPECT_EQ(p7970.capabilities(), cdp::capability::kIpPhone);
  EXPECT_EQ(p7970.software_version(), "SIP70.8-5-3S");
  auto power = p7970.find<cdp::PowerRequested>();
  ASSERT_TRUE(power);
  EXPECT_EQ(*power, (cdp::PowerRequested{54094, 0, {10250, 6300}}));
  ASSERT_NE(p7970.find_raw(cdp::tlv::kPhoneUnknown1c), nullptr);
  EXPECT_EQ(p7970.find_raw(cdp::tlv::kPhoneUnknown1c)->value, hex("00 02 00"));
  EXPECT_EQ(p7970.full_duplex(), true);
}

TEST(CdpVectors, Bcm1100CarriesVoiceVlan4095) {
  auto frames = read_cdp_vector("cdp_voip_vlan_reply_bcm1100.pcap");
  ASSERT_EQ(frames.size(), 1u);
  const cdp::Packet& p = frames[0].cdp.packet;
  EXPECT_EQ(p.find<cdp::VoipVlanReply>(), (cdp::VoipVlanReply{0x01, 4095}));
  EXPECT_EQ(p.voice_vlan(), 4095);
  EXPECT_EQ(p.software_version(), "BCM1100");
  EXPECT_EQ(p.platform(), "BCM91100");
  EXPECT_EQ(p.power_consumption_mw(), 6400);
  EXPECT_TRUE(std::holds_alternative<cdp::SoftwareVersion>(p.tlvs.front()));
}

TEST(CdpVectors, Cisco3560SwitchKeepsProtocolHelloRawAndDecodesPowerAvailable) {
  auto frames = read_cdp_vector("cdp_cisco3560_switch.pcap");
  ASSERT_EQ(frames.size(), 3u);
  const cdp::Packet& p = frames[0].cdp.packet;
  EXPECT_EQ(frames[0].cdp.checksum, 0xb0bd);
  EXPECT_EQ(p.addresses(), std::vector<Ipv4>{ip("192.168.0.1")});
  EXPECT_EQ(p.management_addresses(), std::vector<Ipv4>{ip("192.168.0.1")});
  const cdp::RawTlv* hello = p.find_raw(cdp::tlv::kProtocolHello);
  ASSERT_NE(hello, nullptr);
  EXPECT_EQ(hello->value.size(), 32u);
  EXPECT_EQ(to_hex(Bytes(hello->value).first(5)), "00000c0112");  // Cisco, cluster management
  EXPECT_EQ(p.find<cdp::TrustBitmap>(), cdp::TrustBitmap{0});
  EXPECT_EQ(p.find<cdp::UntrustedCos>(), cdp::UntrustedCos{0});
  EXPECT_EQ(p.find<cdp::PowerAvailable>(), (cdp::PowerAvailable{0, 1, {0, 4294967295u}}));
}

TEST(CdpVectors, Cisco1601RouterSpeaksVersionOne) {
  auto frames = read_cdp_vector("cdp_v1_cisco1601.pcap");
  ASSERT_EQ(frames.size(), 1u);
  const cdp::Packet& p = frames[0].cdp.packet;
  EXPECT_EQ(p.version, 1);
  EXPECT_EQ(frames[0].cdp.checksum, 0xdff0);
  EXPECT_EQ(p.device_id(), "R1");
  EXPECT_EQ(p.addresses(), std::vector<Ipv4>{ip("192.168.10.1")});
  EXPECT_EQ(p.capabilities(), cdp::capability::kRouter);
}

TEST(CdpVectors, Cisco2970TaggedFrameWithBadChecksumStillDecodes) {
  auto frames = read_cdp_vector("cdp_8021q_cisco2970.pcap");
  ASSERT_EQ(frames.size(), 1u);
  const auto& v = frames[0];
  EXPECT_EQ(v.frame.link.payload.size(), 375u);  // odd PDU, last byte 0x04
  EXPECT_FALSE(v.cdp.checksum_good);
  EXPECT_EQ(v.cdp.checksum, 0x5d56);
  EXPECT_EQ(v.cdp.correct_checksum, 0x4d56);  // tshark: "should be 0x4d56"
  EXPECT_EQ(v.cdp.packet.device_id(), "sw1.bit-2b.notwork.bot.nl");
  EXPECT_EQ(v.cdp.packet.native_vlan(), 30);
  EXPECT_EQ(v.cdp.packet.addresses(), std::vector<Ipv4>{ip("172.17.4.4")});
  EXPECT_EQ(v.cdp.packet.management_addresses(), std::vector<Ipv4>{ip("172.17.4.4")});
}

// ---------------------------------------------------------------------------------------
// Malformed PDUs: each error names the field and its exact offset.

// Header (version 2, TTL 180, checksum 0) then the given TLV bytes; TLVs start at offset 4.
ByteVector pdu_with(std::string_view tlvs) {
  ByteVector pdu = hex("02 b4 00 00");
  ByteVector rest = hex(tlvs);
  pdu.insert(pdu.end(), rest.begin(), rest.end());
  return pdu;
}

void expect_error(const ByteVector& pdu, std::size_t offset, const std::string& what) {
  ParseError error = error_of(pdu);
  EXPECT_EQ(error.what, what);
  EXPECT_EQ(error.offset, offset) << what;
}

TEST(CdpParse, RejectsAnEmptyPdu) {
  expect_error({}, 0, "CDP version: needs 1 bytes, 0 left");
}

TEST(CdpParse, RejectsVersionThree) {
  expect_error(hex("03 b4 00 00"), 0, "CDP version 3: not 1 or 2");
  expect_error(hex("00 b4 00 00"), 0, "CDP version 0: not 1 or 2");
}

TEST(CdpParse, RejectsAHeaderCutInTheChecksum) {
  expect_error(hex("02 b4 12"), 2, "CDP checksum: needs 2 bytes, 1 left");
}

TEST(CdpParse, RejectsATruncatedTlvHeader) {
  expect_error(pdu_with("00 01 00"), 4, "TLV header: needs 4 bytes, 3 left");
  expect_error(pdu_with("00 01 00 05 41 00"), 9, "TLV header: needs 4 bytes, 1 left");
}

TEST(CdpParse, RejectsATlvLengthBelowTheHeader) {
  expect_error(pdu_with("00 01 00 03 41"), 6,
               "TLV 0x0001 Device ID: length 3 is less than the 4-byte header");
  expect_error(pdu_with("00 01 00 05 41 00 99 00 00"), 11,
               "TLV 0x0099 unknown: length 0 is less than the 4-byte header");
}

TEST(CdpParse, RejectsATlvRunningPastThePduEnd) {
  expect_error(pdu_with("00 03 00 14 50 6f 72 74 20 31"), 6,
               "TLV 0x0003 Port ID: length 20 runs past the end of the PDU (10 bytes left)");
}

TEST(CdpParse, RejectsATruncatedVoiceVlanReplyTlv) {
  expect_error(pdu_with("00 0e 00 06 01 00"), 6,
               "TLV 0x000e VoIP VLAN Reply: length 6, expected 7");
  expect_error(pdu_with("00 0e 00 08 01 00 64 00"), 6,
               "TLV 0x000e VoIP VLAN Reply: length 8, expected 7");
}

TEST(CdpParse, RejectsAShortVoiceVlanQueryTlv) {
  expect_error(pdu_with("00 0f 00 06 20 02"), 6,
               "TLV 0x000f VoIP VLAN Query: length 6, expected at least 7");
}

TEST(CdpParse, RejectsFixedSizeTlvsOfTheWrongLength) {
  expect_error(pdu_with("00 04 00 06 00 28"), 6, "TLV 0x0004 Capabilities: length 6, expected 8");
  expect_error(pdu_with("00 0a 00 05 0a"), 6, "TLV 0x000a Native VLAN: length 5, expected 6");
  expect_error(pdu_with("00 0b 00 06 01 00"), 6, "TLV 0x000b Duplex: length 6, expected 5");
  expect_error(pdu_with("00 10 00 08 00 00 18 9c"), 6,
               "TLV 0x0010 Power consumption: length 8, expected 6");
  expect_error(pdu_with("00 11 00 06 05 dc"), 6, "TLV 0x0011 MTU: length 6, expected 8");
  expect_error(pdu_with("00 12 00 04"), 6, "TLV 0x0012 Trust bitmap: length 4, expected 5");
  expect_error(pdu_with("00 13 00 06 00 00"), 6,
               "TLV 0x0013 Untrusted port CoS: length 6, expected 5");
  expect_error(pdu_with("00 1f 00 06 01 00"), 6, "TLV 0x001f Spare pair PoE: length 6, expected 5");
}

TEST(CdpParse, RejectsAnAddressCountBeyondTheData) {
  // Caught before any record is read: every record takes at least 4 bytes.
  expect_error(pdu_with("00 02 00 11 00 00 00 03 01 01 cc 00 04 0a 0a 21 61"), 8,
               "TLV 0x0002 Addresses: count 3 needs at least 12 bytes, 9 left");
  // Caught at the record that is missing.
  expect_error(pdu_with("00 02 00 11 00 00 00 02 01 01 cc 00 04 0a 0a 21 61"), 21,
               "TLV 0x0002 Addresses: address 2 of 2 protocol type: needs 1 bytes, 0 left");
  expect_error(pdu_with("00 16 00 08 ff ff ff ff"), 8,
               "TLV 0x0016 Management address: count 4294967295 needs at least 17179869180 "
               "bytes, 0 left");
}

TEST(CdpParse, RejectsAnAddressRecordCutShort) {
  expect_error(pdu_with("00 02 00 11 00 00 00 01 01 01 cc 00 06 0a 0a 21 61"), 17,
               "TLV 0x0002 Addresses: address 1 of 1 address: needs 6 bytes, 4 left");
  expect_error(pdu_with("00 02 00 0c 00 00 00 01 01 05 cc 00"), 14,
               "TLV 0x0002 Addresses: address 1 of 1 protocol: needs 5 bytes, 2 left");
}

TEST(CdpParse, RejectsBytesAfterTheLastAddress) {
  expect_error(pdu_with("00 02 00 13 00 00 00 01 01 01 cc 00 04 0a 0a 21 61 00 00"), 21,
               "TLV 0x0002 Addresses: 2 bytes after the last address");
}

TEST(CdpParse, RejectsAnAddressesTlvWithoutCount) {
  expect_error(pdu_with("00 02 00 06 00 00"), 8,
               "TLV 0x0002 Addresses: count: needs 4 bytes, 2 left");
}

TEST(CdpParse, RejectsPowerLevelsThatAreNotWholeWords) {
  expect_error(pdu_with("00 19 00 0e 4b c6 00 00 00 00 26 3f 00 00"), 6,
               "TLV 0x0019 Power Requested: length 14, expected 8 + a multiple of 4");
  expect_error(pdu_with("00 1a 00 06 00 00"), 6,
               "TLV 0x001a Power Available: length 6, expected 8 + a multiple of 4");
}

TEST(CdpParse, RejectsAnIpPrefixTlvOfOddSize) {
  expect_error(pdu_with("00 07 00 0b 0a 00 00 00 08 ff ff"), 6,
               "TLV 0x0007 IP prefix: length 11, expected 8 or 4 + a multiple of 5");
}

TEST(CdpParse, ReportsErrorsInALaterTlvAtTheirAbsoluteOffset) {
  // Device ID "R1" (6 bytes at 4), then a bad Native VLAN at 10, inside a frame at 22.
  ByteVector pdu = pdu_with("00 01 00 06 52 31 00 0a 00 07 00 01 00");
  ParseError error = error_of(pdu, 22);
  EXPECT_EQ(error.what, "TLV 0x000a Native VLAN: length 7, expected 6");
  EXPECT_EQ(error.offset, 22u + 12u);
  EXPECT_EQ(error_of(hex("05 b4 00 00"), 22).offset, 22u);
}

TEST(CdpParse, AcceptsAHeaderWithoutTlvsAndUnknownTlvsOfAnySize) {
  auto empty = cdp::parse(hex("02 b4 fd 4b"));
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->packet.tlvs.empty());
  EXPECT_TRUE(empty->checksum_good);
  auto raw = cdp::parse(pdu_with("12 34 00 04 00 1c 00 05 ff"));
  ASSERT_TRUE(raw) << raw.error().to_string();
  ASSERT_EQ(raw->packet.tlvs.size(), 2u);
  EXPECT_EQ(std::get<cdp::RawTlv>(raw->packet.tlvs[0]), (cdp::RawTlv{0x1234, {}}));
  EXPECT_EQ(std::get<cdp::RawTlv>(raw->packet.tlvs[1]), (cdp::RawTlv{0x001c, {0xff}}));
}

}  // namespace
}  // namespace phonerig::wire
