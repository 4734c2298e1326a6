// The decoder on the synthesized phone boot and on the real captures of tests/vectors/.
#include <gtest/gtest.h>

#include <algorithm>

#include "drivers/wire/dhcp.hpp"
#include "drivers/wire/ip.hpp"
#include "drivers/wire/link.hpp"
#include "drivers/wire/packet.hpp"
#include "tests/support/boot_capture.hpp"
#include "tests/unit/harness/engine/engine_test_util.hpp"

namespace phonerig::engine {
namespace {

using test::decode_all;
using test::ip;
using test::mac;

const wire::Mac kPhone = mac("00:1e:4a:00:00:01");

TEST(EngineDecoder, SynthesizedBootGivesEveryPacketKindOnce) {
  auto boot = testing::synthesize_phone_boot();
  ASSERT_EQ(boot.records.size(), 97u);
  auto d = decode_all(boot);
  test::expect_all_valid(d.events);
  EXPECT_EQ(d.count("cdp.rx"), 2u);  // switch, phone
  EXPECT_EQ(d.count("lldp.rx"), 1u);
  EXPECT_EQ(d.count("dhcp.discover"), 1u);
  EXPECT_EQ(d.count("dhcp.offer"), 1u);
  EXPECT_EQ(d.count("dhcp.request"), 1u);
  EXPECT_EQ(d.count("dhcp.ack"), 1u);
  EXPECT_EQ(d.count("http.get"), 4u);  // CTL, ITL, cnf.xml.sgn, softkeys
  EXPECT_EQ(d.count("http.status"), 4u);
  EXPECT_EQ(d.count("tftp.rrq"), 2u);  // CTL fallback, dialplan
  EXPECT_EQ(d.count("tftp.error"), 1u);
  EXPECT_EQ(d.count("tftp.done"), 1u);
  EXPECT_EQ(d.count("tcp.syn"), 5u);  // four HTTP connections and SIP
  EXPECT_EQ(d.count("tcp.established"), 5u);
  EXPECT_EQ(d.count("sip.request"), 2u);
  EXPECT_EQ(d.count("sip.response"), 2u);
  EXPECT_EQ(d.count("frame.malformed"), 0u);
  EXPECT_EQ(d.stats.frames, 97u);
  EXPECT_EQ(d.stats.malformed, 0u);
  EXPECT_EQ(d.stats.not_attributed, 1u);  // the switch's CDP, to the multicast address
  EXPECT_EQ(d.stats.attributed, 96u);
}

TEST(EngineDecoder, SynthesizedBootEventsCarryTheirAttributes) {
  auto d = decode_all(testing::synthesize_phone_boot());
  EXPECT_TRUE(d.phones.count(kPhone));
  for (const auto& e : d.events) {
    if (e.kind == "cdp.rx" && e.string_attr("device_id") == "lab-sw1") {
      EXPECT_FALSE(e.phone.has_value());
      EXPECT_EQ(e.integer_attr("voice_vlan"), 100);
      continue;
    }
    EXPECT_EQ(e.phone, kPhone) << api::to_string(e);
  }
  auto ack = d.of("dhcp.ack").at(0);
  EXPECT_EQ(std::get<wire::Ipv4>(*ack.attr("yiaddr")), ip("198.18.1.20"));
  EXPECT_EQ(std::get<api::AttrList>(*ack.attr("tftp_servers")), api::AttrList{"198.18.1.10"});
  EXPECT_EQ(ack.integer_attr("vlan"), 100);
  EXPECT_EQ(ack.integer_attr("pcp"), 5);

  auto lldp = d.of("lldp.rx").at(0);
  EXPECT_EQ(lldp.integer_attr("voice_vlan"), 100);
  EXPECT_EQ(lldp.integer_attr("med_class"), 3);
  EXPECT_EQ(lldp.string_attr("model"), "CP-8851");

  auto statuses = d.of("http.status");
  EXPECT_EQ(statuses[0].integer_attr("status"), 503);
  EXPECT_EQ(statuses[0].string_attr("path"), "/CTLSEP001E4A000001.tlv");
  EXPECT_EQ(statuses[1].integer_attr("bytes"), 7879);
  EXPECT_EQ(statuses[2].string_attr("path"), "/SEP001E4A000001.cnf.xml.sgn");
  EXPECT_EQ(statuses[2].integer_attr("bytes"), 12277);

  auto error = d.of("tftp.error").at(0);
  EXPECT_EQ(error.string_attr("file"), "CTLSEP001E4A000001.tlv");
  EXPECT_EQ(error.integer_attr("code"), 1);

  auto requests = d.of("sip.request");
  EXPECT_EQ(requests[0].string_attr("method"), "REGISTER");
  EXPECT_EQ(requests[0].integer_attr("authorized"), 0);
  EXPECT_EQ(requests[1].integer_attr("authorized"), 1);
  EXPECT_EQ(requests[1].string_attr("device_name"), "SEP001E4A000001");
  EXPECT_EQ(requests[1].string_attr("transport"), "tcp");
  EXPECT_EQ(requests[1].string_attr("user_agent"), "Cisco-CP8851/14.2.1");
  auto responses = d.of("sip.response");
  EXPECT_EQ(responses[0].integer_attr("status"), 401);
  EXPECT_EQ(responses[1].integer_attr("status"), 200);
  EXPECT_EQ(responses[1].integer_attr("expires"), 120);
  EXPECT_EQ(responses[1].string_attr("method"), "REGISTER");
}

TEST(EngineDecoder, EventTimesAreTheFrameStamps) {
  auto boot = testing::synthesize_phone_boot();
  auto d = decode_all(boot);
  std::set<std::int64_t> stamps;
  for (const auto& r : boot.records) stamps.insert(r.time_ns);
  for (const auto& e : d.events) EXPECT_TRUE(stamps.count(e.time_ns)) << api::to_string(e);
  EXPECT_EQ(d.first_frames.at(kPhone), boot.records[1].time_ns);  // the phone's CDP
}

// A relayed lab, or a capture on the CUCM side: every frame carries the gateway's MAC.
TEST(EngineDecoder, AttributesByChaddrThenByAddressInARelayedCapture) {
  const wire::Mac gateway = mac("02:00:00:00:00:fe");
  auto boot = testing::synthesize_phone_boot();
  testing::PcapContents relayed;
  for (auto record : boot.records) {
    auto link = wire::parse_link(wire::LinkType::ethernet, record.bytes);
    ASSERT_TRUE(link.has_value());
    if (link->llc || link->ethertype == wire::ethertype::kLldp) continue;  // not routed
    auto& b = record.bytes;
    if (std::equal(kPhone.octets.begin(), kPhone.octets.end(), b.begin() + 6)) {
      std::copy(gateway.octets.begin(), gateway.octets.end(), b.begin() + 6);
    }
    if (std::equal(kPhone.octets.begin(), kPhone.octets.end(), b.begin())) {
      std::copy(gateway.octets.begin(), gateway.octets.end(), b.begin());
    }
    relayed.records.push_back(record);
  }
  auto d = decode_all(relayed);
  test::expect_all_valid(d.events);
  EXPECT_TRUE(d.phones.count(kPhone));
  EXPECT_FALSE(d.phones.count(gateway));
  ASSERT_EQ(d.count("sip.response"), 2u);
  for (const auto& e : d.events) EXPECT_EQ(e.phone, kPhone) << api::to_string(e);
  EXPECT_EQ(d.stats.not_attributed, 0u);
}

// A CUCM node's capture: no CDP, no DHCP, only the gateway's MAC. The phone names itself in
// the files it asks for and in REGISTER; a second pass attributes what came before.
TEST(EngineDecoder, LearnsAPhoneFromWhatItAsksForWhenOnlyTheServerSideIsCaptured) {
  const wire::Mac gateway = mac("02:00:00:00:00:fe");
  testing::PcapContents cucm;
  for (auto record : testing::synthesize_phone_boot().records) {
    auto packet = wire::decode_packet(wire::LinkType::ethernet, record.bytes);
    ASSERT_TRUE(packet.has_value());
    if (!packet->ipv4 || (packet->udp && packet->udp->dst_port <= 68)) continue;  // no DHCP
    auto& b = record.bytes;
    for (std::size_t at : {0u, 6u}) {
      if (std::equal(kPhone.octets.begin(), kPhone.octets.end(), b.begin() + at)) {
        std::copy(gateway.octets.begin(), gateway.octets.end(), b.begin() + at);
      }
    }
    cucm.records.push_back(record);
  }
  Decoder learner;
  std::vector<api::Event> first_pass;
  for (const auto& r : cucm.records) {
    learner.decode(cucm.link_type, r.time_ns, r.bytes, static_cast<std::uint32_t>(r.wire_length),
                   first_pass);
  }
  EXPECT_EQ(learner.phones(), std::set<wire::Mac>{kPhone});
  EXPECT_EQ(learner.phone_at(ip("198.18.1.20")), kPhone);
  EXPECT_FALSE(first_pass.front().phone.has_value());  // the SYN before the CTL request

  DecoderOptions options;
  options.phones = {kPhone};
  options.addresses = learner.addresses();
  auto d = decode_all(cucm, options);
  test::expect_all_valid(d.events);
  for (const auto& e : d.events) EXPECT_EQ(e.phone, kPhone) << api::to_string(e);
  EXPECT_EQ(d.count("sip.response"), 2u);
}

// A DISCOVER as a PC, a phone asking for a TFTP server, or a phone by its vendor class.
testing::PcapContents one_discover(const wire::Mac& client, std::vector<std::uint8_t> prl,
                                   std::string vendor_class) {
  namespace dhcp = wire::dhcp;
  dhcp::Message m;
  m.op = dhcp::Op::request;
  m.xid = 0x1234;
  m.set_mac(client);
  m.options.set_message_type(dhcp::MessageType::discover);
  m.options.set_parameter_request_list(prl);
  if (!vendor_class.empty()) m.options.set_vendor_class(vendor_class);
  testing::PcapContents capture;
  testing::PcapRecord record;
  record.time_ns = 1'700'000'000'000'000'000;
  record.bytes = wire::build_udp_frame({wire::Mac::broadcast(), client, {}},
                                       {wire::Ipv4::any(), wire::Ipv4::broadcast()},
                                       dhcp::kClientPort, dhcp::kServerPort, dhcp::build(m));
  record.wire_length = record.bytes.size();
  capture.records.push_back(record);
  return capture;
}

TEST(EngineDecoder, LearnsADhcpClientAsAPhoneOnlyWhenItBootsLikeOne) {
  const wire::Mac client = mac("00:0b:82:01:fc:42");
  // A PC or a printer: subnet mask, router, DNS, NTP. Not a phone; its frames are no one's.
  auto pc = decode_all(one_discover(client, {1, 3, 6, 42}, "MSFT 5.0"));
  EXPECT_TRUE(pc.phones.empty());
  EXPECT_EQ(pc.stats.not_attributed, 1u);
  // Asking for a TFTP server (150, Cisco; 66, everyone) is how a phone boots.
  EXPECT_EQ(decode_all(one_discover(client, {1, 3, 6, 150}, "")).phones.count(client), 1u);
  EXPECT_EQ(decode_all(one_discover(client, {1, 3, 66}, "")).phones.count(client), 1u);
  // As is calling itself one.
  EXPECT_EQ(decode_all(one_discover(client, {1, 3, 6}, "Cisco Systems, Inc. IP Phone CP-7821"))
                .phones.count(client),
            1u);
}

TEST(EngineDecoder, KnownPhonesAloneWhenLearningIsOff) {
  DecoderOptions options;
  options.learn_phones = false;
  auto d = decode_all(testing::synthesize_phone_boot(), options);
  EXPECT_TRUE(d.phones.empty());
  for (const auto& e : d.events) EXPECT_FALSE(e.phone.has_value()) << api::to_string(e);

  options.phones = {kPhone};
  d = decode_all(testing::synthesize_phone_boot(), options);
  EXPECT_EQ(d.phones.size(), 1u);
  EXPECT_EQ(d.stats.attributed, 96u);
}

TEST(EngineDecoder, MalformedFramesAreReportedAndDecodingGoesOn) {
  auto boot = testing::synthesize_phone_boot();
  testing::PcapContents damaged = boot;
  // Frame 3 (DHCP DISCOVER): break the magic cookie (18 link + 20 IPv4 + 8 UDP + 236).
  damaged.records[3].bytes[18 + 20 + 8 + 236] = 0x00;
  // Frame 4 (OFFER): an IPv4 header length of 4 bytes.
  damaged.records[4].bytes[18] = 0x41;
  // Frame 1 (phone CDP): cut inside a TLV.
  damaged.records[1].bytes.resize(40);
  damaged.records[1].wire_length = 40;
  auto d = decode_all(damaged);
  test::expect_all_valid(d.events);
  auto malformed = d.of("frame.malformed");
  ASSERT_EQ(malformed.size(), 3u);
  EXPECT_EQ(malformed[0].string_attr("layer"), "llc");  // 802.3 length past the end
  EXPECT_EQ(malformed[1].string_attr("layer"), "dhcp");
  EXPECT_EQ(malformed[1].integer_attr("offset"), 18 + 20 + 8 + 236);
  EXPECT_EQ(malformed[2].string_attr("layer"), "ipv4");
  EXPECT_EQ(malformed[2].integer_attr("offset"), 18);
  EXPECT_EQ(d.stats.malformed, 3u);
  // Everything after still decodes.
  EXPECT_EQ(d.count("dhcp.ack"), 1u);
  EXPECT_EQ(d.count("sip.response"), 2u);
  EXPECT_EQ(d.count("tftp.done"), 1u);
}

TEST(EngineDecoder, MutatedFramesNeverCrashAndEveryEventStaysValid) {
  auto boot = testing::synthesize_phone_boot();
  std::uint32_t state = 12345;  // a fixed LCG: the same mutations on every run
  auto next = [&] { return state = state * 1664525u + 1013904223u; };
  testing::PcapContents mutated;
  for (int round = 0; round < 20; ++round) {
    for (auto record : boot.records) {
      auto& b = record.bytes;
      for (int flips = next() % 4; flips >= 0; --flips) b[next() % b.size()] ^= static_cast<std::uint8_t>(next());
      if (next() % 5 == 0) b.resize(next() % b.size());
      record.wire_length = b.size();
      mutated.records.push_back(std::move(record));
    }
  }
  auto d = decode_all(mutated);
  test::expect_all_valid(d.events);
  EXPECT_EQ(d.stats.frames, mutated.records.size());
  EXPECT_GT(d.stats.malformed, 0u);
}

TEST(EngineDecoder, UnsupportedLinkTypesAreCountedNotDecoded) {
  Decoder decoder;
  std::vector<api::Event> events;
  const std::uint8_t frame[] = {1, 2, 3, 4};
  decoder.decode(static_cast<wire::LinkType>(105), 1, frame, 4, events);  // 802.11
  EXPECT_TRUE(events.empty());
  EXPECT_EQ(decoder.stats().unsupported_link, 1u);
  EXPECT_EQ(decoder.stats().skipped_link_types.at(105), 1u);
}

TEST(EngineDecoder, RawIpAndCookedLinkTypesDecodeTheSameEvents) {
  auto boot = testing::synthesize_phone_boot();
  testing::PcapContents raw{wire::LinkType::raw, {}};
  testing::PcapContents sll{wire::LinkType::linux_sll, {}};
  for (const auto& r : boot.records) {
    auto link = wire::parse_link(wire::LinkType::ethernet, r.bytes);
    if (link->ethertype != wire::ethertype::kIpv4) continue;
    wire::ByteVector ip_packet(link->payload.begin(), link->payload.end());
    raw.records.push_back({r.time_ns, ip_packet.size(), ip_packet});
    auto cooked = wire::build_linux_sll(0, *link->src, wire::ethertype::kIpv4, ip_packet);
    sll.records.push_back({r.time_ns, cooked.size(), cooked});
  }
  for (const auto* capture : {&raw, &sll}) {
    auto d = decode_all(*capture);
    test::expect_all_valid(d.events);
    EXPECT_EQ(d.count("dhcp.ack"), 1u);
    EXPECT_EQ(d.count("http.status"), 4u);
    EXPECT_EQ(d.count("tftp.done"), 1u);
    EXPECT_EQ(d.count("sip.response"), 2u);
    EXPECT_EQ(d.count("frame.malformed"), 0u);
    // Attributed by chaddr, then by the address from the ACK.
    EXPECT_EQ(d.of("sip.response").at(1).phone, kPhone);
  }
}

}  // namespace
}  // namespace phonerig::engine
