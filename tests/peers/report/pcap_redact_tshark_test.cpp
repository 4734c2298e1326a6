// `--redact` checked by tshark: the per-phone pcap written with the line passwords masked
// reads in Wireshark's dissectors with every IPv4, UDP and TCP checksum verified good, no
// malformed packet and no expert warning, and the password bytes are gone from the file.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "harness/report/phone_pcap.hpp"
#include "tests/support/netns.hpp"
#include "tests/support/pcap_file.hpp"
#include "tests/support/tshark.hpp"
#include "tests/unit/harness/report/redact_frames.hpp"

namespace phonerig::report {
namespace {

std::string read(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The phone's read request that opens the TFTP transfer of testing::tftp_fetch().
PcapRecord tftp_rrq() {
  // RFC 1350 section 5: opcode 1, file name, NUL, mode, NUL.
  const std::string payload = std::string("\0\1", 2) + "SEP001E4A000001.cnf.xml" +
                              std::string(1, '\0') + "octet" + std::string(1, '\0');
  wire::EthernetHeader eth{testing::kServerMac, testing::kPhoneMac, {}};
  wire::Ipv4Build ip{testing::kPhoneIp, testing::kServerIp, wire::ip_protocol::kUdp};
  return testing::record(wire::build_udp_frame(eth, ip, 50002, 69, wire::as_bytes(payload)), -1);
}

// One line per problem tshark reports on the file: a checksum not verified good, a
// malformed packet, an expert item of severity warning or error.
std::vector<std::string> tshark_file_problems(const std::filesystem::path& pcap) {
  const auto result = phonerig::testing::run_command(
      {"tshark", "-n", "-r", pcap.string(), "-o", "ip.check_checksum:TRUE", "-o",
       "udp.check_checksum:TRUE", "-o", "tcp.check_checksum:TRUE", "-T", "fields", "-E",
       "separator=;", "-E", "occurrence=a", "-E", "aggregator=,", "-e", "frame.number", "-e",
       "ip.checksum.status", "-e", "udp.checksum.status", "-e", "tcp.checksum.status", "-e",
       "_ws.malformed", "-e", "_ws.expert.severity", "-e", "_ws.expert.message"});
  EXPECT_EQ(result.status, 0) << result.err;
  std::vector<std::string> problems;
  std::istringstream lines(result.out);
  std::string line;
  std::size_t frames = 0;
  while (std::getline(lines, line)) {
    if (line.empty()) continue;
    ++frames;
    std::vector<std::string> cells;
    std::istringstream fields(line);
    std::string cell;
    while (std::getline(fields, cell, ';')) cells.push_back(cell);
    cells.resize(7);
    // checksum.status: 0 bad, 1 good, 2 unverified (epan/proto.h PROTO_CHECKSUM_E_*).
    if (cells[1] != "1") problems.push_back(line + ": IPv4 checksum not good");
    if (!cells[2].empty() && cells[2] != "1") problems.push_back(line + ": UDP checksum not good");
    if (!cells[3].empty() && cells[3] != "1") problems.push_back(line + ": TCP checksum not good");
    if (!cells[4].empty()) problems.push_back(line + ": malformed");
    std::istringstream severities(cells[5]);
    std::string severity;
    while (std::getline(severities, severity, ',')) {
      // epan/proto.h: PI_WARN 0x00600000, PI_ERROR 0x00800000.
      if (std::strtol(severity.c_str(), nullptr, 0) >= 0x00600000) {
        problems.push_back(line + ": expert " + severity);
      }
    }
  }
  if (frames == 0) problems.push_back("tshark printed no frame");
  return problems;
}

class PcapRedactTshark : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!phonerig::testing::tshark_available()) GTEST_SKIP() << "tshark is not installed";
  }
  phonerig::testing::TempDir dir_;
};

TEST_F(PcapRedactTshark, AnHttpConfigSplitAcrossSegmentsIsCleanAfterRedaction) {
  // Cut the response inside both passwords: each lies across two TCP segments.
  const std::string body = testing::config_body();
  const std::string response_head = "HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: " +
                                    std::to_string(body.size()) + "\r\n\r\n";
  const std::size_t first = response_head.size() + body.find(testing::kSecret) + 4;
  const std::size_t second = response_head.size() + body.find(testing::kSecondSecret) + 3;
  PhoneCapture capture{"phone1", wire::LinkType::ethernet, testing::http_fetch({first, second})};

  PcapWriteOptions options;
  options.redact = true;
  auto written = write_phone_pcaps(dir_.path(), {capture}, options);
  ASSERT_TRUE(written) << written.error().message;
  EXPECT_EQ(written->front().redacted.elements, 2u);
  EXPECT_EQ(written->front().redacted.frames_changed, 3u);
  const auto problems = tshark_file_problems(written->front().path);
  EXPECT_TRUE(problems.empty()) << ::testing::PrintToString(problems);

  const std::string file = read(written->front().path);
  for (auto secret : {testing::kSecret, testing::kSecondSecret}) {
    for (std::size_t n = 0; n + 5 <= secret.size(); ++n) {
      EXPECT_EQ(file.find(secret.substr(n, 5)), std::string::npos) << secret.substr(n, 5);
    }
  }
  // tshark reassembles the HTTP body and sees the masked element, same length.
  const auto body_seen = phonerig::testing::run_command(
      {"tshark", "-n", "-r", written->front().path.string(), "-o", "tcp.desegment_tcp_streams:TRUE",
       "-d", "tcp.port==6970,http", "-Y", "http.response", "-T", "fields", "-e", "http.content_length",
       "-e", "xml.cdata"});
  EXPECT_EQ(body_seen.status, 0) << body_seen.err;
  EXPECT_NE(body_seen.out.find(std::string(testing::kSecret.size(), '*')), std::string::npos)
      << body_seen.out;
  EXPECT_NE(body_seen.out.find(std::to_string(body.size())), std::string::npos) << body_seen.out;
}

TEST_F(PcapRedactTshark, TheUnredactedPcapStillHoldsThePasswordsAndIsAsClean) {
  PhoneCapture capture{"phone1", wire::LinkType::ethernet, testing::http_fetch({})};
  auto written = write_phone_pcaps(dir_.path(), {capture});
  ASSERT_TRUE(written) << written.error().message;
  EXPECT_NE(read(written->front().path).find(testing::kSecret), std::string::npos);
  const auto problems = tshark_file_problems(written->front().path);
  EXPECT_TRUE(problems.empty()) << ::testing::PrintToString(problems);
}

TEST_F(PcapRedactTshark, ATftpConfigSplitAcrossBlocksIsCleanAfterRedaction) {
  const std::string body = testing::config_body();
  std::size_t block_size = 64;
  const std::size_t at = body.find(testing::kSecret);
  while (at / block_size == (at + testing::kSecret.size() - 1) / block_size) ++block_size;
  std::vector<PcapRecord> records = {tftp_rrq()};
  for (auto& r : testing::tftp_fetch(block_size, 2)) records.push_back(std::move(r));
  PcapWriteOptions options;
  options.redact = true;
  auto written =
      write_phone_pcaps(dir_.path(), {{"phone2", wire::LinkType::ethernet, records}}, options);
  ASSERT_TRUE(written) << written.error().message;
  EXPECT_EQ(written->front().redacted.elements, 2u);
  const auto problems = tshark_file_problems(written->front().path);
  EXPECT_TRUE(problems.empty()) << ::testing::PrintToString(problems);
  // tshark follows the transfer as TFTP (RRQ to port 69, DATA from the server's port).
  const auto kinds = phonerig::testing::run_command(
      {"tshark", "-n", "-r", written->front().path.string(), "-T", "fields", "-e", "tftp.opcode"});
  EXPECT_NE(kinds.out.find("3"), std::string::npos) << kinds.out;
  const std::string file = read(written->front().path);
  for (std::size_t n = 0; n + 5 <= testing::kSecret.size(); ++n) {
    EXPECT_EQ(file.find(testing::kSecret.substr(n, 5)), std::string::npos);
  }
}

}  // namespace
}  // namespace phonerig::report
