// DHCP/BOOTP messages: the RFC 2131 header, build padding to the BOOTP minimum, option 52
// overloading, real-capture vectors against their TShark dissection (decoded, then rebuilt
// byte for byte), and the exact error of each malformed message. Option values:
// dhcp_options_test.cpp.
#include "drivers/wire/dhcp.hpp"
#include "drivers/wire/packet.hpp"
#include "tests/support/pcap_file.hpp"

#include <algorithm>
#include <gtest/gtest.h>
#include <stdexcept>
#include <string>
#include <vector>

namespace phonerig::wire {
namespace {

ByteVector hex(std::string_view text) {
  auto bytes = from_hex(text);
  if (!bytes) throw std::invalid_argument("bad hex in test: " + bytes.error().to_string());
  return *bytes;
}

Ipv4 ip(std::string_view dotted) {
  return *Ipv4::parse(dotted);
}
Mac mac(std::string_view text) {
  return *Mac::parse(text);
}

// A 236-byte BOOTREQUEST header (xid 0x01020304, MAC 00:1b:53:48:9e:e0), the magic cookie,
// then `options` as given.
ByteVector raw_message(std::string_view options_hex, std::uint8_t op = 1) {
  ByteVector out(dhcp::kHeaderSize, 0);
  out[0] = op;
  out[1] = 1;
  out[2] = 6;
  const std::uint8_t xid[] = {0x01, 0x02, 0x03, 0x04};
  std::copy(std::begin(xid), std::end(xid), out.begin() + 4);
  const std::uint8_t chaddr[] = {0x00, 0x1b, 0x53, 0x48, 0x9e, 0xe0};
  std::copy(std::begin(chaddr), std::end(chaddr), out.begin() + 28);
  ByteVector tail = hex("63 82 53 63");
  ByteVector options = hex(options_hex);
  out.insert(out.end(), tail.begin(), tail.end());
  out.insert(out.end(), options.begin(), options.end());
  return out;
}

ParseError error_of(const ByteVector& payload) {
  auto result = dhcp::parse(payload);
  if (result) {
    ADD_FAILURE() << "parsed a malformed message: " << to_hex(payload);
    return {};
  }
  return result.error();
}

std::vector<std::uint8_t> codes_of(const dhcp::Message& message) {
  std::vector<std::uint8_t> codes;
  for (const auto& item : message.options.items()) {
    if (item.code != dhcp::option::kPad) codes.push_back(item.code);
  }
  return codes;
}

// A phone's DISCOVER as the emulated phone would send it.
dhcp::Message cisco_discover() {
  dhcp::Message message;
  message.op = dhcp::Op::request;
  message.xid = 0x5eed1234;
  message.set_mac(mac("00:1b:53:48:9e:e0"));
  message.set_broadcast(true);
  message.options.set_message_type(dhcp::MessageType::discover);
  message.options.set_client_id({1, hex("00 1b 53 48 9e e0")});
  message.options.set_vendor_class("Cisco Systems, Inc. IP Phone CP-8841");
  const std::uint8_t prl[] = {1, 3, 6, 15, 66, 150};
  message.options.set_parameter_request_list(prl);
  return message;
}

// ---------------------------------------------------------------------------------------
// Header and build

TEST(DhcpBuild, WritesTheRfc2131HeaderFieldsAtTheirOffsets) {
  dhcp::Message message = cisco_discover();
  message.hops = 2;
  message.secs = 0x0102;
  message.ciaddr = ip("198.18.0.21");
  message.yiaddr = ip("198.18.0.22");
  message.siaddr = ip("198.18.0.10");
  message.giaddr = ip("198.18.0.1");
  ByteVector bytes = dhcp::build(message);
  ASSERT_GE(bytes.size(), 244u);
  EXPECT_EQ(to_hex(Bytes(bytes).first(28)), "01010602"
                                            "5eed1234"
                                            "0102"
                                            "8000"
                                            "c6120015"
                                            "c6120016"
                                            "c612000a"
                                            "c6120001");
  EXPECT_EQ(to_hex(Bytes(bytes).subspan(28, 16)), "001b53489ee000000000000000000000");
  EXPECT_EQ(to_hex(Bytes(bytes).subspan(236, 4)), "63825363");
  EXPECT_EQ(to_hex(Bytes(bytes).subspan(240, 3)), "350101"); // 53 first, as set
}

TEST(DhcpBuild, PadsWithZerosToTheBootpMinimumOf300Bytes) {
  ByteVector bytes = dhcp::build(cisco_discover());
  ASSERT_EQ(bytes.size(), dhcp::kBootpMinimumSize);
  // 240 + 53(3) + 61(9) + 60(38) + 55(8) = 298, End at 298, one zero after it.
  EXPECT_EQ(bytes[298], 0xff);
  EXPECT_EQ(bytes[299], 0x00);
}

TEST(DhcpBuild, DoesNotPadAMessageLongerThan300Bytes) {
  dhcp::Message message = cisco_discover();
  message.options.set_host_name(std::string(40, 'h'));
  ByteVector bytes = dhcp::build(message);
  EXPECT_EQ(bytes.size(), 298u + 42u + 1u);
  EXPECT_EQ(bytes.back(), 0xff);
}

TEST(DhcpBuild, WritesPaddingAsGivenInsteadOfTheMinimum) {
  dhcp::Message message = cisco_discover();
  message.padding = hex("00 00 00");
  EXPECT_EQ(dhcp::build(message).size(), 299u + 3u);
  message.padding = ByteVector{};
  EXPECT_EQ(dhcp::build(message).size(), 299u);
}

TEST(DhcpRoundTrip, ParseOfBuildGivesTheSameMessage) {
  dhcp::Message message = cisco_discover();
  message.hops = 1;
  message.giaddr = ip("10.1.2.1");
  message.set_server_name("tftp.lab");
  message.set_boot_file("SEP001B53489EE0.cnf.xml");
  auto parsed = dhcp::parse(dhcp::build(message));
  ASSERT_TRUE(parsed) << parsed.error().to_string();
  EXPECT_EQ(*parsed, message);
  EXPECT_EQ(parsed->server_name(), "tftp.lab");
  EXPECT_EQ(parsed->boot_file(), "SEP001B53489EE0.cnf.xml");
  EXPECT_EQ(parsed->mac(), mac("00:1b:53:48:9e:e0"));
  EXPECT_TRUE(parsed->broadcast());
  EXPECT_FALSE(parsed->padding.has_value()); // exactly the default zero fill to 300
}

TEST(DhcpRoundTrip, KeepsPadOptionsUnknownOptionsAndBytesAfterEnd) {
  ByteVector bytes = raw_message("35 01 03 00 00 fe 02 ab cd 00 ff 00 00 5a");
  auto parsed = dhcp::parse(bytes);
  ASSERT_TRUE(parsed) << parsed.error().to_string();
  EXPECT_EQ(codes_of(*parsed), (std::vector<std::uint8_t>{53, 254}));
  EXPECT_EQ(parsed->options.items().size(), 5u); // two Pads before 254, one after
  EXPECT_EQ(parsed->options.get(254), hex("ab cd"));
  EXPECT_EQ(parsed->padding, hex("00 00 5a"));
  EXPECT_EQ(dhcp::build(*parsed), bytes);
}

TEST(DhcpParse, ToleratesAMissingEndOptionAsIscDhcpdAndKeaDo) {
  ByteVector bytes = raw_message("35 01 01 37 02 01 03");
  auto parsed = dhcp::parse(bytes);
  ASSERT_TRUE(parsed) << parsed.error().to_string();
  EXPECT_FALSE(parsed->end_option);
  EXPECT_EQ(parsed->options.message_type().value(), dhcp::MessageType::discover);
  EXPECT_EQ(dhcp::build(*parsed), bytes); // no End added, no padding added
}

TEST(DhcpMessage, MacIsAbsentUnlessHardwareIsEthernetWithSixBytes) {
  dhcp::Message message = cisco_discover();
  message.hlen = 16;
  EXPECT_FALSE(message.mac().has_value());
  message.hlen = 6;
  message.htype = 6; // IEEE 802
  EXPECT_FALSE(message.mac().has_value());
}

TEST(DhcpMessage, SetServerNameRejectsTextThatLeavesNoRoomForItsNul) {
  dhcp::Message message;
  EXPECT_THROW(message.set_server_name(std::string(64, 'x')), std::length_error);
  EXPECT_NO_THROW(message.set_server_name(std::string(63, 'x')));
  EXPECT_THROW(message.set_boot_file(std::string(128, 'x')), std::length_error);
}

TEST(DhcpBuild, RejectsAnInstanceLongerThan255Bytes) {
  dhcp::Message message = cisco_discover();
  message.options.items().push_back(dhcp::Option{43, ByteVector(256, 1)});
  EXPECT_THROW(dhcp::build(message), std::length_error);
}

// ---------------------------------------------------------------------------------------
// Option 52 overload, RFC 2132 section 9.3, with RFC 3396 ordering

TEST(DhcpOverload, ReadsOptionsFromFileThenSnameAfterTheOptionsField) {
  ByteVector bytes = raw_message("35 01 05 34 01 03 96 04 c6 12 00 0a ff");
  // sname (44): the last piece of 150; file (108): 66 then the middle piece of 150.
  ByteVector sname = hex("96 04 c6 12 00 0c ff");
  ByteVector file = hex("42 0b 31 39 38 2e 31 38 2e 30 2e 31 30 96 04 c6 12 00 0b ff");
  std::copy(sname.begin(), sname.end(), bytes.begin() + 44);
  std::copy(file.begin(), file.end(), bytes.begin() + 108);
  auto parsed = dhcp::parse(bytes);
  ASSERT_TRUE(parsed) << parsed.error().to_string();
  EXPECT_EQ(parsed->options.overload().value(), dhcp::Overload::both);
  EXPECT_EQ(parsed->options.tftp_server_addresses().value(),
            (std::vector<Ipv4>{ip("198.18.0.10"), ip("198.18.0.11"), ip("198.18.0.12")}));
  EXPECT_EQ(parsed->options.tftp_server_name().value(), "198.18.0.10");
  EXPECT_EQ(parsed->options.items()[3].area, dhcp::Area::file);
  EXPECT_EQ(parsed->options.items()[3].offset, 108u);
  EXPECT_EQ(parsed->options.items()[5].area, dhcp::Area::sname);
  EXPECT_EQ(parsed->server_name(), ""); // the field holds options
  EXPECT_EQ(parsed->boot_file(), "");
  EXPECT_EQ(dhcp::build(*parsed), bytes);
}

TEST(DhcpOverload, KeepsStrayBytesAfterEndInAnOverloadedField) {
  ByteVector bytes = raw_message("35 01 05 34 01 01 ff");
  ByteVector file = hex("0f 03 6c 61 62 ff 00 00 41 42");
  std::copy(file.begin(), file.end(), bytes.begin() + 108);
  auto parsed = dhcp::parse(bytes);
  ASSERT_TRUE(parsed) << parsed.error().to_string();
  EXPECT_EQ(parsed->options.domain_name().value(), "lab");
  EXPECT_EQ(parsed->file[8], 0x41);
  EXPECT_EQ(parsed->file[0], 0x00); // where the options were
  EXPECT_EQ(dhcp::build(*parsed), bytes);
}

TEST(DhcpOverload, BuildLaysOutOptionsOfTheFileField) {
  dhcp::Message message = cisco_discover();
  message.options.set_overload(dhcp::Overload::file);
  message.options.items().push_back(dhcp::Option{67, hex("61 62"), dhcp::Area::file});
  ByteVector bytes = dhcp::build(message);
  EXPECT_EQ(to_hex(Bytes(bytes).subspan(108, 5)), "43026162ff");
  auto parsed = dhcp::parse(bytes);
  ASSERT_TRUE(parsed) << parsed.error().to_string();
  EXPECT_EQ(*parsed, message);
  EXPECT_EQ(parsed->options.bootfile_name().value(), "ab");
}

TEST(DhcpOverload, BuildRejectsFileOptionsWithoutOption52) {
  dhcp::Message message = cisco_discover();
  message.options.items().push_back(dhcp::Option{67, hex("61 62"), dhcp::Area::file});
  EXPECT_THROW(dhcp::build(message), std::invalid_argument);
}

// ---------------------------------------------------------------------------------------
// Real captures (tests/vectors, TShark 4.0.17 dissection in <file>.expected.txt)

std::vector<ByteVector> udp_payloads(const std::string& file) {
  auto pcap = testing::read_pcap(testing::vector_path(file));
  std::vector<ByteVector> out;
  for (const auto& record : pcap.records) {
    auto packet = decode_packet(pcap.link_type, record.bytes, record.wire_length);
    if (!packet || !packet->udp) {
      ADD_FAILURE() << file << ": frame " << out.size() + 1 << " has no UDP datagram";
      continue;
    }
    out.emplace_back(packet->udp->payload.begin(), packet->udp->payload.end());
  }
  return out;
}

dhcp::Message parsed_frame(const std::vector<ByteVector>& frames, std::size_t number) {
  auto parsed = dhcp::parse(frames.at(number - 1));
  if (!parsed) {
    ADD_FAILURE() << "frame " << number << ": " << parsed.error().to_string();
    return {};
  }
  return *parsed;
}

TEST(DhcpVectors, EveryFrameRebuildsByteForByte) {
  for (const char* file :
       {"dhcp_dora_basic.pcap", "dhcp_option150_rfc5859.pcap", "dhcp_option66_crafted.pcap"}) {
    auto frames = udp_payloads(file);
    ASSERT_FALSE(frames.empty()) << file;
    for (std::size_t i = 0; i < frames.size(); ++i) {
      auto parsed = dhcp::parse(frames[i]);
      ASSERT_TRUE(parsed) << file << " frame " << i + 1 << ": " << parsed.error().to_string();
      EXPECT_EQ(to_hex(dhcp::build(*parsed)), to_hex(frames[i])) << file << " frame " << i + 1;
    }
  }
}

TEST(DhcpVectors, DoraBasicMatchesTshark) {
  auto frames = udp_payloads("dhcp_dora_basic.pcap");
  ASSERT_EQ(frames.size(), 4u);
  const std::uint8_t prl[] = {1, 3, 6, 42};

  dhcp::Message discover = parsed_frame(frames, 1);
  EXPECT_EQ(discover.op, dhcp::Op::request);
  EXPECT_EQ(discover.xid, 0x00003d1du);
  EXPECT_EQ(discover.mac(), mac("00:0b:82:01:fc:42"));
  EXPECT_EQ(discover.ciaddr, Ipv4::any());
  EXPECT_EQ(discover.yiaddr, Ipv4::any());
  EXPECT_EQ(discover.flags, 0u);
  EXPECT_EQ(discover.options.message_type().value(), dhcp::MessageType::discover);
  EXPECT_EQ(codes_of(discover), (std::vector<std::uint8_t>{53, 61, 50, 55}));
  EXPECT_EQ(discover.options.parameter_request_list().value(),
            std::vector<std::uint8_t>(std::begin(prl), std::end(prl)));
  EXPECT_EQ(discover.options.client_id().value(), (dhcp::ClientId{1, hex("00 0b 82 01 fc 42")}));
  EXPECT_EQ(discover.options.requested_ip().value(), Ipv4::any());
  EXPECT_EQ(discover.padding, ByteVector(7, 0)); // 272 bytes: shorter than 300

  dhcp::Message offer = parsed_frame(frames, 2);
  EXPECT_EQ(offer.op, dhcp::Op::reply);
  EXPECT_EQ(offer.options.message_type().value(), dhcp::MessageType::offer);
  EXPECT_EQ(offer.yiaddr, ip("192.168.0.10"));
  EXPECT_EQ(offer.siaddr, ip("192.168.0.1"));
  EXPECT_EQ(offer.giaddr, Ipv4::any());
  EXPECT_EQ(codes_of(offer), (std::vector<std::uint8_t>{53, 1, 58, 59, 51, 54}));
  EXPECT_EQ(offer.options.subnet_mask().value(), ip("255.255.255.0"));
  EXPECT_EQ(offer.options.server_id().value(), ip("192.168.0.1"));
  EXPECT_EQ(offer.options.lease_time().value(), 3600u);
  EXPECT_EQ(offer.options.renewal_time().value(), 1800u);
  EXPECT_EQ(offer.options.rebinding_time().value(), 3150u);
  EXPECT_FALSE(offer.padding.has_value()); // 300 bytes, zero-filled

  dhcp::Message request = parsed_frame(frames, 3);
  EXPECT_EQ(request.xid, 0x00003d1eu);
  EXPECT_EQ(request.options.message_type().value(), dhcp::MessageType::request);
  EXPECT_EQ(codes_of(request), (std::vector<std::uint8_t>{53, 61, 50, 54, 55}));
  EXPECT_EQ(request.options.requested_ip().value(), ip("192.168.0.10"));
  EXPECT_EQ(request.options.server_id().value(), ip("192.168.0.1"));

  dhcp::Message ack = parsed_frame(frames, 4);
  EXPECT_EQ(ack.options.message_type().value(), dhcp::MessageType::ack);
  EXPECT_EQ(ack.yiaddr, ip("192.168.0.10"));
  EXPECT_EQ(ack.siaddr, Ipv4::any());
  EXPECT_EQ(codes_of(ack), (std::vector<std::uint8_t>{53, 58, 59, 51, 54, 1}));
  EXPECT_EQ(ack.options.lease_time().value(), 3600u);
  EXPECT_EQ(ack.options.subnet_mask().value(), ip("255.255.255.0"));
}

TEST(DhcpVectors, Rfc5859CaptureCarriesTwoTftpServerAddresses) {
  auto frames = udp_payloads("dhcp_option150_rfc5859.pcap");
  ASSERT_EQ(frames.size(), 4u);
  const std::vector<std::uint8_t> prl = {1, 28, 2, 3, 15, 6, 12, 150};
  const std::vector<Ipv4> tftp = {ip("192.168.1.10"), ip("192.168.1.11")};
  const dhcp::MessageType types[] = {dhcp::MessageType::discover, dhcp::MessageType::offer,
                                     dhcp::MessageType::request, dhcp::MessageType::ack};
  for (std::size_t number = 1; number <= 4; ++number) {
    dhcp::Message message = parsed_frame(frames, number);
    SCOPED_TRACE("frame " + std::to_string(number));
    EXPECT_EQ(message.xid, 0xde549277u);
    EXPECT_EQ(message.mac(), mac("00:0c:29:1f:74:06"));
    EXPECT_EQ(message.options.message_type().value(), types[number - 1]);
  }
  dhcp::Message discover = parsed_frame(frames, 1);
  EXPECT_EQ(codes_of(discover), (std::vector<std::uint8_t>{53, 55}));
  EXPECT_EQ(discover.options.parameter_request_list().value(), prl);

  for (std::size_t number : {2u, 4u}) {
    dhcp::Message reply = parsed_frame(frames, number);
    SCOPED_TRACE("frame " + std::to_string(number));
    EXPECT_EQ(reply.op, dhcp::Op::reply);
    EXPECT_EQ(reply.yiaddr, ip("192.168.1.4"));
    EXPECT_EQ(reply.siaddr, Ipv4::any());
    EXPECT_EQ(codes_of(reply), (std::vector<std::uint8_t>{53, 54, 51, 1, 3, 150}));
    EXPECT_EQ(reply.options.tftp_server_addresses().value(), tftp);
    EXPECT_EQ(reply.options.subnet_mask().value(), ip("255.255.255.0"));
    EXPECT_EQ(reply.options.routers().value(), std::vector<Ipv4>{ip("192.168.1.1")});
    EXPECT_EQ(reply.options.server_id().value(), ip("192.168.1.1"));
    EXPECT_EQ(reply.options.lease_time().value(), 43200u);
  }

  dhcp::Message request = parsed_frame(frames, 3);
  EXPECT_EQ(codes_of(request), (std::vector<std::uint8_t>{53, 54, 50, 55}));
  EXPECT_EQ(request.options.server_id().value(), ip("192.168.1.1"));
  EXPECT_EQ(request.options.requested_ip().value(), ip("192.168.1.4"));
  EXPECT_EQ(request.options.parameter_request_list().value(), prl);
}

TEST(DhcpVectors, CraftedReleaseCarriesOption66AsAName) {
  auto frames = udp_payloads("dhcp_option66_crafted.pcap");
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].size(), 551u);
  dhcp::Message message = parsed_frame(frames, 1);
  EXPECT_EQ(message.op, dhcp::Op::request); // dhcp.type 1, although sent from port 67
  EXPECT_EQ(message.xid, 0xe728c463u);
  EXPECT_EQ(message.mac(), mac("c0:cb:38:42:db:58"));
  EXPECT_EQ(message.ciaddr, ip("192.168.2.20"));
  EXPECT_EQ(message.yiaddr, ip("192.168.2.20"));
  EXPECT_EQ(message.siaddr, Ipv4::any());
  EXPECT_EQ(message.options.message_type().value(), dhcp::MessageType::release);
  EXPECT_EQ(codes_of(message), (std::vector<std::uint8_t>{53, 51, 66, 125, 1, 6, 15, 57}));
  EXPECT_EQ(message.options.tftp_server_name().value(), "blablalba");
  EXPECT_EQ(message.options.subnet_mask().value(), ip("1.2.3.4"));
  EXPECT_EQ(message.options.dns_servers().value(), std::vector<Ipv4>{ip("192.168.2.1")});
  EXPECT_EQ(message.options.lease_time().value(), 43200u);
  EXPECT_EQ(message.options.domain_name().value(), "athome");
  EXPECT_EQ(message.options.max_message_size().value(), 590u);
  EXPECT_EQ(message.options.get(125)->size(), 41u);      // unknown to us: kept raw
  EXPECT_EQ(message.padding->size(), 551u - 240u - 88u); // options: 88 bytes with End
}

// The tcpdump CVE-2017-13028 input: the headers claim 65570 bytes, 53 were captured. Its
// IPv4 header sets the reserved flag and MF, so the UDP payload is taken by hand: the
// 11 bytes after the IPv4 (IHL 5) and UDP headers.
TEST(DhcpVectors, TcpdumpCveInputIsATruncatedHeader) {
  auto pcap = testing::read_pcap(testing::vector_path("bootp_malformed_asan.pcap"));
  ASSERT_EQ(pcap.records.size(), 1u);
  EXPECT_EQ(pcap.records[0].wire_length, 65570u);
  auto link = parse_link(pcap.link_type, pcap.records[0].bytes);
  ASSERT_TRUE(link) << link.error().to_string();
  ByteReader reader(link->payload);
  auto version_ihl = reader.u8("IPv4 version/IHL");
  ASSERT_TRUE(version_ihl);
  const std::size_t ihl = (*version_ihl & 0x0fu) * 4u;
  ASSERT_TRUE(reader.skip(ihl - 1 + 8, "IPv4 and UDP headers"));
  Bytes payload = reader.rest();
  EXPECT_EQ(to_hex(payload), "0000000d140000000d00ff");
  EXPECT_EQ(error_of(ByteVector(payload.begin(), payload.end())),
            (ParseError{0, "bootp header: needs 236 bytes, 11 left"}));
}

// ---------------------------------------------------------------------------------------
// Malformed messages: the exact error of each

TEST(DhcpParse, RejectsAHeaderShorterThan236Bytes) {
  ByteVector bytes = raw_message("");
  bytes.resize(235);
  EXPECT_EQ(error_of(bytes), (ParseError{0, "bootp header: needs 236 bytes, 235 left"}));
  EXPECT_EQ(error_of({}), (ParseError{0, "bootp header: needs 236 bytes, 0 left"}));
}

TEST(DhcpParse, RejectsAnOpOtherThanRequestOrReply) {
  EXPECT_EQ(error_of(raw_message("35 01 01 ff", 3)),
            (ParseError{0, "op: 3 is neither 1 (BOOTREQUEST) nor 2 (BOOTREPLY)"}));
}

TEST(DhcpParse, RejectsHlenAbove16) {
  ByteVector bytes = raw_message("35 01 01 ff");
  bytes[2] = 17;
  EXPECT_EQ(error_of(bytes), (ParseError{2, "hlen: 17 is more than the 16 bytes of chaddr"}));
}

TEST(DhcpParse, RejectsAMessageWithoutMagicCookie) {
  ByteVector bytes = raw_message("");
  bytes.resize(dhcp::kHeaderSize);
  EXPECT_EQ(error_of(bytes), (ParseError{236, "magic cookie: needs 4 bytes, 0 left"}));
}

TEST(DhcpParse, RejectsAWrongMagicCookie) {
  ByteVector bytes = raw_message("35 01 01 ff");
  bytes[239] = 0x64;
  EXPECT_EQ(error_of(bytes), (ParseError{236, "magic cookie: 0x63825364 is not 0x63825363"}));
}

TEST(DhcpParse, RejectsAnOptionRunningPastTheEnd) {
  EXPECT_EQ(error_of(raw_message("35 01 01 96 09 c0 a8 01 0a")),
            (ParseError{243, "option 150: length 9 runs past the end of the options field, "
                             "4 bytes left"}));
}

TEST(DhcpParse, RejectsAnOptionCutBeforeItsLength) {
  EXPECT_EQ(error_of(raw_message("35 01 01 42")),
            (ParseError{243, "option 66: no length byte before the end of the options field"}));
}

TEST(DhcpParse, RejectsAMessageWithoutMessageType) {
  EXPECT_EQ(error_of(raw_message("01 04 ff ff ff 00 ff")),
            (ParseError{240, "option 53 (DHCP message type): missing"}));
}

TEST(DhcpParse, RejectsAnUnknownMessageType) {
  EXPECT_EQ(error_of(raw_message("01 04 ff ff ff 00 35 01 09 ff")),
            (ParseError{246, "option 53: 9 is not a DHCP message type (1 to 8)"}));
  EXPECT_EQ(error_of(raw_message("35 01 00 ff")),
            (ParseError{240, "option 53: 0 is not a DHCP message type (1 to 8)"}));
}

TEST(DhcpParse, RejectsAMessageTypeOfTwoBytes) {
  EXPECT_EQ(error_of(raw_message("35 02 01 01 ff")),
            (ParseError{240, "option 53: length 2, must be 1"}));
}

TEST(DhcpParse, RejectsAnOverloadValueOutside1To3) {
  EXPECT_EQ(error_of(raw_message("35 01 01 34 01 04 ff")),
            (ParseError{243, "option 52: 4 is not an overload value (1 file, 2 sname, 3 both)"}));
}

TEST(DhcpParse, RejectsAnOverloadedFileFieldWithoutEnd) {
  ByteVector bytes = raw_message("35 01 01 34 01 01 ff");
  std::fill(bytes.begin() + 108, bytes.begin() + 236, 0x00); // only Pads, no End
  EXPECT_EQ(error_of(bytes),
            (ParseError{108, "file field (overloaded by option 52): no End option"}));
}

TEST(DhcpParse, RejectsAnOptionRunningPastTheOverloadedSnameField) {
  ByteVector bytes = raw_message("35 01 01 34 01 02 ff");
  bytes[44 + 60] = 12; // host name at sname offset 60: 4 bytes left in the 64-byte field
  bytes[44 + 61] = 5;
  EXPECT_EQ(error_of(bytes),
            (ParseError{104, "option 12: length 5 runs past the end of the sname field, "
                             "2 bytes left"}));
}

TEST(DhcpParse, RejectsOption52InsideAnOverloadedField) {
  ByteVector bytes = raw_message("35 01 01 34 01 01 ff");
  ByteVector file = hex("34 01 02 ff");
  std::copy(file.begin(), file.end(), bytes.begin() + 108);
  EXPECT_EQ(error_of(bytes),
            (ParseError{108, "option 52: found in the file field; only the options field may "
                             "overload"}));
}

} // namespace
} // namespace phonerig::wire
