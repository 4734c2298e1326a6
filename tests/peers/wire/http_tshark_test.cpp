// HTTP on TCP 6970 built by our encoders, decoded by tshark: a phone's GET of its
// SEP<MAC>.cnf.xml and CUCM's 200 answer (reference section 6), inside a TCP connection with
// consistent sequence numbers (SYN, SYN-ACK, ACK, request, response, ACK); the same field
// values, and no malformed packet or expert warning.
#include "drivers/wire/http.hpp"
#include "drivers/wire/ip.hpp"
#include "tests/support/tshark.hpp"

#include <gtest/gtest.h>
#include <string>
#include <vector>

namespace phonerig::wire {
namespace {

const Mac kPhoneMac{{0x00, 0x11, 0x22, 0x33, 0x44, 0xab}};
const Mac kServerMac{{0x00, 0x00, 0x5e, 0x00, 0x53, 0x01}};
const Ipv4 kPhone = *Ipv4::parse("198.18.0.50");
const Ipv4 kServer = *Ipv4::parse("198.18.0.1");
constexpr std::uint16_t kPhonePort = 51234;
constexpr std::uint32_t kPhoneIsn = 1000;
constexpr std::uint32_t kServerIsn = 5000;

constexpr std::string_view kConfig =
    "<device><deviceProtocol>SIP</deviceProtocol><devicePool><callManagerGroup><members>"
    "<member priority=\"0\"><callManager><ports><sipPort>5060</sipPort></ports>"
    "<processNodeName>198.18.0.1</processNodeName></callManager></member></members>"
    "</callManagerGroup></devicePool><loadInformation>sip88xx.14-1-1-0001-136"
    "</loadInformation></device>\n";

ByteVector segment(bool from_phone, std::uint32_t seq, std::uint32_t ack, std::uint16_t flags,
                   Bytes payload) {
  EthernetHeader eth{from_phone ? kServerMac : kPhoneMac, from_phone ? kPhoneMac : kServerMac, {}};
  Ipv4Build ip{from_phone ? kPhone : kServer, from_phone ? kServer : kPhone, ip_protocol::kTcp};
  TcpBuild tcp{from_phone ? kPhonePort : http::kCiscoTftpHttpPort,
               from_phone ? http::kCiscoTftpHttpPort : kPhonePort,
               seq,
               ack,
               flags,
               65535};
  return build_tcp_frame(eth, ip, tcp, payload);
}

struct Exchange {
  ByteVector request;
  ByteVector response;
  std::vector<ByteVector> frames;
};

Exchange exchange() {
  Exchange x;
  x.request = http::build_request(http::make_get("/SEPC80084AA8743.cnf.xml", "198.18.0.1:6970"));
  ByteVector body(kConfig.begin(), kConfig.end());
  x.response = http::build_response(http::make_file_response(body));
  auto request_size = static_cast<std::uint32_t>(x.request.size());
  auto response_size = static_cast<std::uint32_t>(x.response.size());
  using namespace tcp_flag;
  x.frames = {
      segment(true, kPhoneIsn, 0, kSyn, {}),
      segment(false, kServerIsn, kPhoneIsn + 1, kSyn | kAck, {}),
      segment(true, kPhoneIsn + 1, kServerIsn + 1, kAck, {}),
      segment(true, kPhoneIsn + 1, kServerIsn + 1, kPsh | kAck, x.request),
      segment(false, kServerIsn + 1, kPhoneIsn + 1 + request_size, kPsh | kAck, x.response),
      segment(true, kPhoneIsn + 1 + request_size, kServerIsn + 1 + response_size, kAck, {}),
  };
  return x;
}

const std::vector<std::string> kDecodeAs = {"-d", "tcp.port==6970,http"};

TEST(HttpTshark, TheGetAndCucmsAnswerDecodeToTheSameFields) {
  if (!testing::tshark_available()) GTEST_SKIP() << "tshark not installed";
  Exchange x = exchange();
  auto rows = testing::tshark_fields(x.frames,
                                     {"tcp.dstport", "http.request.method", "http.request.uri",
                                      "http.request.version", "http.host", "http.response.code",
                                      "http.response.phrase", "http.content_length",
                                      "http.cache_control", "http.content_type", "http.file_data"},
                                     kDecodeAs);
  ASSERT_EQ(rows.size(), 6u) << ::testing::PrintToString(rows);

  auto request = http::parse_request(x.request);
  ASSERT_TRUE(request) << request.error().to_string();
  EXPECT_EQ(rows[3][0], "6970");
  EXPECT_EQ(rows[3][1], request->method);
  EXPECT_EQ(rows[3][1], "GET");
  EXPECT_EQ(rows[3][2], request->target);
  EXPECT_EQ(rows[3][2], "/SEPC80084AA8743.cnf.xml");
  EXPECT_EQ(rows[3][3], "HTTP/1.1");
  EXPECT_EQ(rows[3][4], *request->headers.find("host"));

  auto response = http::parse_response(x.response);
  ASSERT_TRUE(response) << response.error().to_string();
  EXPECT_EQ(rows[4][5], std::to_string(response->status));
  EXPECT_EQ(rows[4][5], "200");
  EXPECT_EQ(rows[4][6], response->reason);
  EXPECT_EQ(rows[4][7], std::to_string(kConfig.size()));
  EXPECT_EQ(rows[4][7], *response->headers.find("content-length"));
  EXPECT_EQ(rows[4][8], "no-store");
  EXPECT_EQ(rows[4][9], "*/*");
  // tshark 4.0 prints file data as text, with the newline escaped.
  EXPECT_EQ(rows[4][10], std::string(kConfig.substr(0, kConfig.size() - 1)) + "\\n");
  for (std::size_t i : {0u, 1u, 2u, 5u}) {
    EXPECT_EQ(rows[i][1] + rows[i][5], "") << "frame " << i + 1 << " carries no HTTP";
  }
}

TEST(HttpTshark, NoFrameIsMalformedOrWarnedAbout) {
  if (!testing::tshark_available()) GTEST_SKIP() << "tshark not installed";
  Exchange x = exchange();
  EXPECT_EQ(testing::tshark_problems(x.frames, kDecodeAs), std::vector<std::string>{})
      << testing::tshark_verbose(x.frames, kDecodeAs);
}

} // namespace
} // namespace phonerig::wire
