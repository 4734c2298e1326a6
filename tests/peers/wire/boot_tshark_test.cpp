// The synthesized phone boot (tests/support/boot_capture) as tshark reads it: every
// protocol of the registration sequence present, nothing malformed, no expert warning;
// and our own decoder takes every frame.
#include <gtest/gtest.h>

#include <map>

#include "drivers/wire/packet.hpp"
#include "tests/support/boot_capture.hpp"
#include "tests/support/tshark.hpp"

namespace phonerig::testing {
namespace {

std::vector<wire::ByteVector> frames_of(const PcapContents& boot) {
  std::vector<wire::ByteVector> frames;
  for (const auto& r : boot.records) frames.push_back(r.bytes);
  return frames;
}

TEST(BootCapture, EveryFrameDecodesWithOurDecoder) {
  auto boot = synthesize_phone_boot();
  ASSERT_GT(boot.records.size(), 50u);
  std::int64_t last = 0;
  for (std::size_t i = 0; i < boot.records.size(); ++i) {
    const auto& r = boot.records[i];
    auto packet = wire::decode_packet(boot.link_type, r.bytes, r.wire_length);
    ASSERT_TRUE(packet) << "frame " << i + 1 << ": " << packet.error().to_string();
    if (packet->udp) {
      EXPECT_EQ(packet->udp->checksum_status, wire::ChecksumStatus::good);
    }
    if (packet->tcp) {
      EXPECT_EQ(packet->tcp->checksum_status, wire::ChecksumStatus::good);
    }
    EXPECT_GT(r.time_ns, last);
    last = r.time_ns;
  }
}

TEST(BootCapture, TsharkSeesEveryStepAndNoProblem) {
  if (!tshark_available()) GTEST_SKIP() << "tshark is not installed";
  auto frames = frames_of(synthesize_phone_boot());
  const std::vector<std::string> decode_as = {"-d", "tcp.port==6970,http"};
  EXPECT_EQ(tshark_problems(frames, decode_as), std::vector<std::string>{});
  auto rows = tshark_fields(frames, {"frame.protocols", "dhcp.option.dhcp", "tftp.opcode",
                                     "http.request.uri", "http.response.code", "sip.Method",
                                     "sip.Status-Code", "cdp.voice_vlan", "vlan.id"},
                            decode_as);
  ASSERT_EQ(rows.size(), frames.size());
  std::map<std::string, int> seen;
  for (const auto& row : rows) {
    const std::string& protocols = row[0];
    for (const char* p : {":cdp", ":lldp", ":dhcp", ":tftp", ":http", ":sip"}) {
      if (protocols.find(p) != std::string::npos) ++seen[p];
    }
    if (!row[1].empty()) ++seen["dhcp " + row[1]];
    if (!row[3].empty()) ++seen["GET " + row[3]];
    if (!row[4].empty()) ++seen["HTTP " + row[4]];
    if (!row[5].empty()) ++seen["SIP " + row[5]];
    if (!row[6].empty()) ++seen["SIP " + row[6]];
    if (!row[7].empty()) ++seen["voice vlan " + row[7]];
  }
  EXPECT_EQ(seen[":cdp"], 2);
  EXPECT_EQ(seen[":lldp"], 1);
  EXPECT_EQ(seen["dhcp 1"], 1);  // DISCOVER
  EXPECT_EQ(seen["dhcp 2"], 1);  // OFFER
  EXPECT_EQ(seen["dhcp 3"], 1);  // REQUEST
  EXPECT_EQ(seen["dhcp 5"], 1);  // ACK
  EXPECT_EQ(seen["GET /CTLSEP001E4A000001.tlv"], 1);
  EXPECT_EQ(seen["GET /ITLSEP001E4A000001.tlv"], 1);
  EXPECT_EQ(seen["GET /SEP001E4A000001.cnf.xml.sgn"], 1);
  EXPECT_EQ(seen["HTTP 503"], 1);
  EXPECT_EQ(seen["HTTP 200"], 3);
  EXPECT_EQ(seen["SIP REGISTER"], 2);
  EXPECT_EQ(seen["SIP 401"], 1);
  EXPECT_EQ(seen["SIP 200"], 1);
  EXPECT_EQ(seen["voice vlan 100"], 1);
}

}  // namespace
}  // namespace phonerig::testing
