#include "harness/report/pcap_redact.hpp"

#include <gtest/gtest.h>

#include "drivers/wire/packet.hpp"
#include "tests/unit/harness/report/redact_frames.hpp"

namespace phonerig::report {
namespace {

using testing::config_body;
using testing::kSecondSecret;
using testing::kSecret;

std::string masked_body() {
  std::string body = config_body();
  for (auto secret : {kSecret, kSecondSecret}) {
    const auto at = body.find(secret);
    body.replace(at, secret.size(), std::string(secret.size(), '*'));
  }
  return body;
}

// Every frame decodes, and its IPv4 and L4 checksums verify.
void expect_checksums_good(const std::vector<PcapRecord>& records) {
  for (std::size_t i = 0; i < records.size(); ++i) {
    auto packet = wire::decode_packet(wire::LinkType::ethernet, records[i].bytes);
    ASSERT_TRUE(packet) << "frame " << i << ": " << packet.error();
    ASSERT_TRUE(packet->ipv4);
    EXPECT_EQ(packet->ipv4->header.checksum_status, wire::ChecksumStatus::good) << "frame " << i;
    if (packet->tcp) {
      EXPECT_EQ(packet->tcp->checksum_status, wire::ChecksumStatus::good) << "frame " << i;
    }
    if (packet->udp) {
      EXPECT_EQ(packet->udp->checksum_status, wire::ChecksumStatus::good) << "frame " << i;
    }
  }
}

// The server's TCP payloads in order: the HTTP response as the phone received it.
std::string server_stream(const std::vector<PcapRecord>& records) {
  std::string out;
  for (const auto& r : records) {
    auto packet = wire::decode_packet(wire::LinkType::ethernet, r.bytes);
    if (packet && packet->tcp && packet->tcp->src_port == 6970) {
      out += std::string(wire::as_string_view(packet->tcp->payload));
    }
  }
  return out;
}

std::string tftp_stream(const std::vector<PcapRecord>& records, bool skip_repeats = true) {
  std::string out;
  int last_block = 0;
  for (const auto& r : records) {
    auto packet = wire::decode_packet(wire::LinkType::ethernet, r.bytes);
    if (!packet || !packet->udp || packet->udp->payload[1] != 3) continue;
    const int block = packet->udp->payload[2] << 8 | packet->udp->payload[3];
    if (skip_repeats && block == last_block) continue;
    last_block = block;
    out += std::string(wire::as_string_view(packet->udp->payload.subspan(4)));
  }
  return out;
}

TEST(PasswordRanges, FindsTheContentOfEachPasswordElementOnly) {
  const std::string text = "<a><authPassword>abc</authPassword><passwordHint>x</passwordHint>"
                           "<password attr=\"1\">de</password><password/><password></password></a>";
  const auto ranges = password_ranges(wire::as_bytes(text), {});
  ASSERT_EQ(ranges.size(), 2u);
  EXPECT_EQ(text.substr(ranges[0].first, ranges[0].second - ranges[0].first), "abc");
  EXPECT_EQ(text.substr(ranges[1].first, ranges[1].second - ranges[1].first), "de");
}

TEST(PasswordRanges, AnUnclosedElementIsMaskedToTheNextTagOrTheEnd) {
  const std::string cut = "<authPassword>abcdef";
  auto ranges = password_ranges(wire::as_bytes(cut), {});
  ASSERT_EQ(ranges.size(), 1u);
  EXPECT_EQ(ranges[0], (std::pair<std::size_t, std::size_t>{14, 20}));
  const std::string garbled = "<password>abc<other>";
  ranges = password_ranges(wire::as_bytes(garbled), {});
  ASSERT_EQ(ranges.size(), 1u);
  EXPECT_EQ(ranges[0], (std::pair<std::size_t, std::size_t>{10, 13}));
}

TEST(PcapRedact, MasksPasswordsInAnHttpResponseInOneSegment) {
  auto records = testing::http_fetch({});
  const std::string before = testing::all_bytes(records);
  ASSERT_NE(before.find(kSecret), std::string::npos);
  const RedactStats stats = redact_passwords(wire::LinkType::ethernet, records);
  EXPECT_EQ(stats.elements, 2u);
  EXPECT_EQ(stats.bytes_masked, kSecret.size() + kSecondSecret.size());
  EXPECT_EQ(stats.frames_changed, 1u);
  const std::string after = testing::all_bytes(records);
  EXPECT_EQ(after.find(kSecret), std::string::npos);
  EXPECT_EQ(after.find(kSecondSecret), std::string::npos);
  EXPECT_EQ(after.size(), before.size());
  EXPECT_NE(after.find("<passwordHint>keep me</passwordHint>"), std::string::npos);
  expect_checksums_good(records);
  EXPECT_EQ(server_stream(records).substr(server_stream(records).find("<device>")), masked_body());
}

TEST(PcapRedact, MasksAnElementSplitAcrossTwoSegments) {
  const std::string body = config_body();
  auto probe = testing::http_fetch({});
  const std::string response = server_stream(probe);
  const std::size_t secret_at = response.find(kSecret);
  const std::size_t open_at = response.find("<authPassword>");
  // Cut inside the password, and another cut inside the opening tag of the second one.
  const std::size_t second_at = response.find("<password>");
  auto records = testing::http_fetch({secret_at + 5, second_at + 4});
  const RedactStats stats = redact_passwords(wire::LinkType::ethernet, records);
  EXPECT_EQ(stats.elements, 2u);
  EXPECT_EQ(stats.frames_changed, 3u);
  const std::string stream = server_stream(records);
  EXPECT_EQ(stream.substr(stream.find("<device>")), masked_body());
  // No piece of the password is left in any frame.
  const std::string after = testing::all_bytes(records);
  EXPECT_EQ(after.find(kSecret.substr(0, 5)), std::string::npos);
  EXPECT_EQ(after.find(kSecret.substr(5)), std::string::npos);
  expect_checksums_good(records);
  EXPECT_GT(secret_at, open_at);
}

TEST(PcapRedact, MasksARetransmittedSegmentToo) {
  auto records = testing::http_fetch({});
  records.push_back(records.back());  // the response again
  const RedactStats stats = redact_passwords(wire::LinkType::ethernet, records);
  EXPECT_EQ(stats.frames_changed, 2u);
  EXPECT_EQ(testing::all_bytes(records).find(kSecret), std::string::npos);
  expect_checksums_good(records);
}

TEST(PcapRedact, MasksPasswordsInTftpBlocksSplitAcrossBlocks) {
  const std::string body = config_body();
  // Blocks of 64 bytes: find a size that splits the first password across two blocks.
  std::size_t block_size = 64;
  const std::size_t at = body.find(kSecret);
  while (at / block_size == (at + kSecret.size() - 1) / block_size) ++block_size;
  auto records = testing::tftp_fetch(block_size, 2);
  ASSERT_NE(tftp_stream(records), masked_body());
  const RedactStats stats = redact_passwords(wire::LinkType::ethernet, records);
  EXPECT_EQ(stats.elements, 2u);
  EXPECT_EQ(tftp_stream(records), masked_body());
  const std::string after = testing::all_bytes(records);
  // No five bytes of the password anywhere ("Line" alone is also in <sipLines>).
  for (std::size_t n = 0; n + 5 <= kSecret.size(); ++n) {
    EXPECT_EQ(after.find(kSecret.substr(n, 5)), std::string::npos) << kSecret.substr(n, 5);
  }
  expect_checksums_good(records);
}

TEST(PcapRedact, WorksOn8021QTaggedFrames) {
  auto records = testing::http_fetch({}, {wire::VlanTag{wire::ethertype::kVlan, 5, false, 100}});
  const RedactStats stats = redact_passwords(wire::LinkType::ethernet, records);
  EXPECT_EQ(stats.elements, 2u);
  EXPECT_EQ(testing::all_bytes(records).find(kSecret), std::string::npos);
  expect_checksums_good(records);
}

// One's complement addition (RFC 1071): what an offloaded or buggy sender's error adds.
std::uint16_t ones_add(std::uint16_t a, std::uint16_t b) {
  std::uint32_t sum = std::uint32_t{a} + b;
  return static_cast<std::uint16_t>((sum & 0xffff) + (sum >> 16));
}

TEST(PcapRedact, AChecksumThatWasBadStaysAsBadAsItWas) {
  auto records = testing::http_fetch({});
  auto& response = records.back().bytes;
  auto packet = wire::decode_packet(wire::LinkType::ethernet, response);
  ASSERT_TRUE(packet && packet->tcp);
  const std::size_t field =
      static_cast<std::size_t>(packet->ipv4->payload.data() - response.data()) + 16;
  auto read_field = [&](const wire::ByteVector& b) {
    return static_cast<std::uint16_t>(b[field] << 8 | b[field + 1]);
  };
  auto write_field = [&](wire::ByteVector& b, std::uint16_t v) {
    b[field] = static_cast<std::uint8_t>(v >> 8);
    b[field + 1] = static_cast<std::uint8_t>(v);
  };
  write_field(response, ones_add(read_field(response), 0x0100));  // off by 0x0100
  redact_passwords(wire::LinkType::ethernet, records);
  auto after = wire::decode_packet(wire::LinkType::ethernet, records.back().bytes);
  ASSERT_TRUE(after && after->tcp);
  EXPECT_EQ(after->tcp->checksum_status, wire::ChecksumStatus::bad);
  // Take the same error away: the checksum is then exactly right for the masked bytes.
  write_field(records.back().bytes, ones_add(read_field(records.back().bytes), 0xfeff));
  expect_checksums_good(records);
}

TEST(PcapRedact, ASecondConnectionWithoutItsSynIsAStreamOfItsOwn) {
  // Two fetches on the same addresses and ports; the second one's handshake was not
  // captured and its sequence numbers are far from the first's.
  auto records = testing::http_fetch({});
  auto second = testing::http_fetch({}, {}, 1000 + (1u << 30), 700000 + (1u << 30));
  for (std::size_t i = 4; i < second.size(); ++i) records.push_back(second[i]);
  expect_checksums_good(records);
  const RedactStats stats = redact_passwords(wire::LinkType::ethernet, records);
  EXPECT_EQ(stats.elements, 4u);
  EXPECT_EQ(testing::all_bytes(records).find(kSecret), std::string::npos);
  expect_checksums_good(records);
}

TEST(PcapRedact, LeavesFramesWithoutPasswordsByteForByte) {
  auto records = testing::http_fetch({});
  records.pop_back();  // the request, no response
  const auto before = records;
  const RedactStats stats = redact_passwords(wire::LinkType::ethernet, records);
  EXPECT_EQ(stats.frames_changed, 0u);
  for (std::size_t i = 0; i < records.size(); ++i) EXPECT_EQ(records[i].bytes, before[i].bytes);
}

TEST(PcapRedact, CustomElementsAndMask) {
  auto records = testing::http_fetch({});
  RedactOptions options;
  options.elements = {"authName"};
  options.mask = 'x';
  redact_passwords(wire::LinkType::ethernet, records, options);
  const std::string after = testing::all_bytes(records);
  EXPECT_NE(after.find("<authName>xxxx</authName>"), std::string::npos);
  EXPECT_NE(after.find(kSecret), std::string::npos);
}

}  // namespace
}  // namespace phonerig::report
