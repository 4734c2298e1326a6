// The decoder on the real captures of tests/vectors/ (README.md there says what each holds).
#include <gtest/gtest.h>

#include "tests/unit/harness/engine/engine_test_util.hpp"

namespace phonerig::engine {
namespace {

using test::decode_all;
using test::mac;

test::DecodedCapture vector(const char* name) {
  auto d = decode_all(testing::read_pcap(testing::vector_path(name)));
  test::expect_all_valid(d.events);
  return d;
}

TEST(EngineVectors, CdpFromTwoRealPhonesMakesThemKnownPhones) {
  auto d = vector("cdp_cisco_phone_7912_7970.pcap");
  auto cdp = d.of("cdp.rx");
  ASSERT_EQ(cdp.size(), 2u);
  EXPECT_EQ(cdp[0].string_attr("device_id"), "SEP001B53489EE0");
  EXPECT_EQ(cdp[0].phone, mac("00:1b:53:48:9e:e0"));
  EXPECT_EQ(cdp[1].phone, mac("00:12:da:db:d3:4e"));
  EXPECT_EQ(cdp[1].integer_attr("power_requested_mw"), 10250);
  EXPECT_EQ(cdp[1].integer_attr("capabilities"), 0x490);
  EXPECT_EQ(d.phones.size(), 2u);
}

TEST(EngineVectors, SwitchCdpIsNotAPhoneAndKeepsItsVlanTagAndBadChecksum) {
  auto d = vector("cdp_8021q_cisco2970.pcap");
  auto cdp = d.of("cdp.rx").at(0);
  EXPECT_FALSE(cdp.phone.has_value());
  EXPECT_EQ(cdp.integer_attr("vlan"), 1);
  EXPECT_EQ(cdp.integer_attr("checksum_ok"), 0);
  EXPECT_EQ(d.stats.not_attributed, 1u);
  EXPECT_EQ(vector("cdp_voip_vlan_reply_bcm1100.pcap").of("cdp.rx").at(0).integer_attr("voice_vlan"),
            4095);
  EXPECT_EQ(vector("cdp_v1_cisco1601.pcap").count("cdp.rx"), 1u);
  EXPECT_EQ(vector("cdp_cisco3560_switch.pcap").count("cdp.rx"), 3u);
}

TEST(EngineVectors, LldpFromARealPhoneNamesItSelf) {
  auto d = vector("lldp_cisco_phone_7911g.pcap");
  auto lldp = d.of("lldp.rx").at(0);
  EXPECT_EQ(lldp.string_attr("chassis_id"), "172.16.10.109");
  EXPECT_EQ(lldp.string_attr("port_id"), "001B54945A8B:P2");
  EXPECT_EQ(lldp.phone, mac("00:1b:54:94:5a:8b"));  // system name SEP001B54945A8B.elmec.ad
  auto med = vector("lldp_wireshark_samples_med.pcap").of("lldp.rx");
  ASSERT_EQ(med.size(), 3u);
  EXPECT_EQ(med[2].integer_attr("voice_vlan"), 50);
  EXPECT_EQ(med[2].integer_attr("voice_priority"), 6);
  EXPECT_EQ(med[2].integer_attr("voice_dscp"), 46);
  EXPECT_EQ(med[2].integer_attr("power_mw"), 6500);
  EXPECT_EQ(med[2].integer_attr("med_class"), 4);
}

TEST(EngineVectors, DhcpDoraWithOption150) {
  auto d = vector("dhcp_option150_rfc5859.pcap");
  EXPECT_EQ(d.count("dhcp.discover"), 1u);
  auto ack = d.of("dhcp.ack").at(0);
  EXPECT_EQ(std::get<api::AttrList>(*ack.attr("tftp_servers")),
            (api::AttrList{"192.168.1.10", "192.168.1.11"}));
  EXPECT_EQ(ack.phone, mac("00:0c:29:1f:74:06"));
  EXPECT_EQ(ack.integer_attr("lease_s"), 43200);
  auto basic = vector("dhcp_dora_basic.pcap");
  EXPECT_EQ(basic.count("dhcp.offer"), 1u);
  EXPECT_EQ(basic.count("dhcp.ack"), 1u);
  auto crafted = vector("dhcp_option66_crafted.pcap").of("dhcp.release").at(0);
  EXPECT_EQ(crafted.string_attr("tftp_server_name"), "blablalba");
}

TEST(EngineVectors, SipRegisterOverUdpFromACiscoGateway) {
  auto d = vector("sip_register_401_200_cisco_ios.pcapng");
  auto responses = d.of("sip.response");
  ASSERT_EQ(responses.size(), 2u);
  EXPECT_EQ(responses[0].integer_attr("status"), 401);
  EXPECT_EQ(responses[1].integer_attr("status"), 200);
  EXPECT_EQ(responses[1].integer_attr("expires"), 3600);
  EXPECT_EQ(d.of("sip.request").at(0).string_attr("transport"), "udp");
  auto nero = vector("sip_register_nero_sipps.pcap");
  EXPECT_GE(nero.count("sip.request"), 8u);
  bool forbidden = false;
  for (const auto& r : nero.of("sip.response")) forbidden |= r.integer_attr("status") == 403;
  EXPECT_TRUE(forbidden);
}

TEST(EngineVectors, JunkBeforeASipRequestIsMalformedThenTheRequestDecodes) {
  auto d = vector("sip_junk_before_request.pcap");
  ASSERT_EQ(d.events.size(), 2u);
  EXPECT_EQ(d.events[0].kind, "frame.malformed");
  EXPECT_EQ(d.events[0].string_attr("layer"), "sip");
  EXPECT_EQ(d.events[0].integer_attr("offset"), 42);  // the first byte of the UDP payload
  EXPECT_EQ(d.events[1].kind, "sip.request");
  EXPECT_EQ(d.events[1].integer_attr("expires"), 3600);
}

TEST(EngineVectors, TftpTransferOfARealServerIsFollowedToTheLastAck) {
  auto d = vector("tftp_mixed_oack_blksize_tsize.pcapng");
  auto done = d.of("tftp.done");
  ASSERT_EQ(done.size(), 1u);
  EXPECT_EQ(done[0].string_attr("file"), "rfc1350.txt");
  EXPECT_EQ(done[0].integer_attr("blocks"), 49);
  EXPECT_EQ(done[0].integer_attr("bytes"), 24599);
  EXPECT_EQ(done[0].integer_attr("retransmits"), 0);
  // Frame 1's RRQ has an empty mode: malformed, and the frames after it still decode.
  EXPECT_EQ(d.of("frame.malformed").at(0).string_attr("layer"), "tftp");
  EXPECT_GE(d.count("tftp.rrq"), 3u);
}

TEST(EngineVectors, FuzzedFramesGiveMalformedEventsNotCrashes) {
  auto sll = vector("tftp_malformed_heapoverflow.pcap");  // Linux cooked
  ASSERT_EQ(sll.count("frame.malformed"), 1u);
  EXPECT_EQ(sll.events[0].string_attr("layer"), "udp");
  auto lldp = vector("lldp_malformed_port_id_asan.pcap");
  ASSERT_EQ(lldp.count("frame.malformed"), 1u);
  EXPECT_EQ(lldp.events[0].string_attr("layer"), "lldp");
  EXPECT_EQ(lldp.events[0].integer_attr("offset"), 22);
  auto bootp = vector("bootp_malformed_asan.pcap");  // a first fragment: not reassembled
  EXPECT_EQ(bootp.stats.fragments, 1u);
}

TEST(EngineVectors, SccpIsAnotherProtocolAndGivesNoEvents) {
  auto d = vector("sccp_cisco7970_register.pcapng");
  EXPECT_EQ(d.count("frame.malformed"), 0u);
  EXPECT_EQ(d.stats.no_event, d.stats.frames);
}

}  // namespace
}  // namespace phonerig::engine
