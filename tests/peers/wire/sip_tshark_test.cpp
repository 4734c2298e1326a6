// SIP built by our encoders, decoded by tshark: a phone's REGISTER over UDP 5060 with its
// RFC 5626 instance and Cisco Contact parameters, the registrar's 401 challenge, the
// REGISTER with digest credentials, the 200 OK with Expires and the binding (reference
// section 8), and a REGISTER over TCP inside a consistent connection (SYN, SYN-ACK, ACK,
// request, ACK, 200 OK, ACK). Same field values; no malformed packet or expert warning.
#include "drivers/wire/ip.hpp"
#include "drivers/wire/sip_digest.hpp"
#include "drivers/wire/sip_headers.hpp"
#include "drivers/wire/sip_message.hpp"
#include "tests/support/tshark.hpp"

#include <gtest/gtest.h>
#include <string>
#include <vector>

namespace phonerig::wire::sip {
namespace {

const Mac kPhoneMac{{0xc8, 0x00, 0x84, 0xaa, 0x87, 0x43}};
const Mac kServerMac{{0x00, 0x00, 0x5e, 0x00, 0x53, 0x01}};
const Ipv4 kPhone = *Ipv4::parse("198.18.0.50");
const Ipv4 kServer = *Ipv4::parse("198.18.0.10");
constexpr std::uint16_t kSipPort = 5060;
constexpr std::uint16_t kPhoneTcpPort = 51778;
constexpr std::uint32_t kPhoneIsn = 7000;
constexpr std::uint32_t kServerIsn = 9000;

constexpr std::string_view kInstance = "<urn:uuid:00000000-0000-0000-0000-c80084aa8743>";
constexpr std::string_view kNonce = "ABCDEF0123456789";

std::string contact(std::string_view transport_param, std::uint16_t port) {
  NameAddr c;
  c.uri.user = "1003";
  c.uri.host = kPhone.to_string();
  c.uri.port = port;
  if (!transport_param.empty()) set_param(c.uri.params, "transport", std::string(transport_param));
  set_param(c.params, kInstanceParam, std::string(kInstance), true);
  set_param(c.params, kCiscoDeviceNameParam, std::string("SEPC80084AA8743"), true);
  set_param(c.params, kCiscoModelParam, std::string("621"), true);
  return to_string(ContactList{false, {c}});
}

Message register_request(std::string_view transport, std::uint16_t port, std::uint32_t seq,
                         std::string_view call_id) {
  Message m = Message::request("REGISTER", "sip:" + kServer.to_string());
  Via via;
  via.transport = std::string(transport);
  via.host = kPhone.to_string();
  via.port = port;
  set_param(via.params, "branch", "z9hG4bK" + std::to_string(4000 + seq));
  m.add("Via", to_string(via));
  m.add("From", "<sip:1003@" + kServer.to_string() + ">;tag=c80084aa8743000a1b2c3d4e-5f6a7b8c");
  m.add("To", "<sip:1003@" + kServer.to_string() + ">");
  m.add("Call-ID", std::string(call_id));
  m.add("Max-Forwards", "70");
  m.add("CSeq", to_string(CSeq{seq, "REGISTER"}));
  m.add("User-Agent", "Cisco-CP7821/12.1.1");
  m.add("Contact", contact(transport == "TCP" ? "tcp" : "", port));
  m.add("Expires", "3600");
  return m;
}

Message response_to(const Message& request, int code, std::string reason) {
  Message m = Message::response(code, std::move(reason));
  for (const char* name : {"Via", "From", "To", "Call-ID", "CSeq"}) {
    m.add(name, std::string(*request.get(name)));
  }
  m.set("To", std::string(*request.get("To")) + ";tag=2121423204");
  return m;
}

DigestCredentials credentials() {
  DigestCredentials c;
  c.username = "1003";
  c.realm = "ccmsipline";
  c.nonce = std::string(kNonce);
  c.uri = "sip:" + kServer.to_string();
  c.algorithm = "MD5";
  c.response = *expected_response(c, "s3cr3t", "REGISTER");
  return c;
}

struct Exchange {
  std::vector<Message> messages; // one per SIP frame
  std::vector<ByteVector> frames;
  std::vector<std::size_t> sip_frames; // index in frames of each message
};

ByteVector udp(bool from_phone, const Message& m) {
  EthernetHeader eth{from_phone ? kServerMac : kPhoneMac, from_phone ? kPhoneMac : kServerMac, {}};
  Ipv4Build ip{from_phone ? kPhone : kServer, from_phone ? kServer : kPhone, ip_protocol::kUdp};
  ip.dscp = 24; // CS3, as Cisco phones mark SIP
  return build_udp_frame(eth, ip, kSipPort, kSipPort, build(m));
}

ByteVector tcp(bool from_phone, std::uint32_t seq, std::uint32_t ack, std::uint16_t flags,
               Bytes payload) {
  EthernetHeader eth{from_phone ? kServerMac : kPhoneMac, from_phone ? kPhoneMac : kServerMac, {}};
  Ipv4Build ip{from_phone ? kPhone : kServer, from_phone ? kServer : kPhone, ip_protocol::kTcp};
  TcpBuild segment{from_phone ? kPhoneTcpPort : kSipPort,
                   from_phone ? kSipPort : kPhoneTcpPort,
                   seq,
                   ack,
                   flags,
                   65535};
  return build_tcp_frame(eth, ip, segment, payload);
}

Exchange exchange() {
  Exchange x;
  // UDP: REGISTER, 401, REGISTER with credentials, 200 OK.
  Message first =
      register_request("UDP", kSipPort, 1, "c80084aa-87430003-255b99f4-783a63d4@198.18.0.50");
  Message challenge = response_to(first, 401, "Unauthorized");
  DigestChallenge offer;
  offer.realm = "ccmsipline";
  offer.nonce = std::string(kNonce);
  offer.algorithm = "MD5";
  challenge.add("WWW-Authenticate", to_string(offer));
  Message second = register_request("UDP", kSipPort, 2, *first.get("Call-ID"));
  second.add("Authorization", to_string(credentials()));
  Message granted = response_to(second, 200, "OK");
  granted.add("Expires", "120");
  granted.add("Contact", std::string(*second.get("Contact")) + ";expires=120;x-cisco-newreg");
  for (const Message* m : {&first, &challenge, &second, &granted}) {
    x.sip_frames.push_back(x.frames.size());
    x.frames.push_back(udp(m->is_request(), *m));
    x.messages.push_back(*m);
  }
  // TCP: the same phone after a reset, registering over a fresh connection.
  Message over_tcp = register_request("TCP", kPhoneTcpPort, 113,
                                      "c80084aa-87430004-00000001-00000002@198.18.0.50");
  Message tcp_ok = response_to(over_tcp, 200, "OK");
  tcp_ok.add("Expires", "120");
  ByteVector request = build(over_tcp);
  ByteVector answer = build(tcp_ok);
  auto request_size = static_cast<std::uint32_t>(request.size());
  auto answer_size = static_cast<std::uint32_t>(answer.size());
  using namespace tcp_flag;
  x.frames.push_back(tcp(true, kPhoneIsn, 0, kSyn, {}));
  x.frames.push_back(tcp(false, kServerIsn, kPhoneIsn + 1, kSyn | kAck, {}));
  x.frames.push_back(tcp(true, kPhoneIsn + 1, kServerIsn + 1, kAck, {}));
  x.sip_frames.push_back(x.frames.size());
  x.messages.push_back(over_tcp);
  x.frames.push_back(tcp(true, kPhoneIsn + 1, kServerIsn + 1, kPsh | kAck, request));
  x.frames.push_back(tcp(false, kServerIsn + 1, kPhoneIsn + 1 + request_size, kAck, {}));
  x.sip_frames.push_back(x.frames.size());
  x.messages.push_back(tcp_ok);
  x.frames.push_back(tcp(false, kServerIsn + 1, kPhoneIsn + 1 + request_size, kPsh | kAck, answer));
  x.frames.push_back(
      tcp(true, kPhoneIsn + 1 + request_size, kServerIsn + 1 + answer_size, kAck, {}));
  return x;
}

// tshark run as root warns on stderr, which the support helpers read with stdout.
bool is_root_warning(const std::string& text) {
  return text.find("Running as user \"root\"") != std::string::npos;
}

const std::vector<std::string> kFields = {
    "sip.Method",    "sip.Status-Code", "sip.CSeq.seq",   "sip.Call-ID",
    "sip.from.user", "sip.contact.uri", "sip.auth.nonce", "sip.auth.digest.response",
    "sip.Expires",   "tcp.srcport",     "udp.srcport"};

// What tshark should print for a message we built, from our own parse of its bytes.
std::vector<std::string> our_fields(const Message& sent) {
  Message m = *parse(build(sent));
  std::vector<std::string> row(kFields.size());
  row[0] = m.is_request() ? m.method : "";
  row[1] = m.is_response() ? std::to_string(m.status_code) : "";
  row[2] = std::to_string(cseq(m)->number);
  row[3] = *call_id(m);
  row[4] = from(m)->uri.user;
  std::string uris;
  ContactList bindings = *contacts(m);
  for (const NameAddr& c : bindings.contacts)
    uris += (uris.empty() ? "" : "|") + to_string(c.uri);
  row[5] = uris;
  // tshark keeps the quotes of auth-param values.
  if (auto c = www_authenticate(m)) row[6] = quote(c->nonce);
  if (auto r = authorization(m)) {
    row[6] = quote(r->nonce);
    row[7] = quote(r->response);
  }
  if (auto e = expires(m); e && *e) row[8] = std::to_string(**e);
  return row;
}

TEST(SipTshark, RegisterChallengeAndBindingDecodeToTheSameFields) {
  if (!testing::tshark_available()) GTEST_SKIP() << "tshark not installed";
  Exchange x = exchange();
  auto rows = testing::tshark_fields(x.frames, kFields);
  std::erase_if(rows, [](const auto& row) { return is_root_warning(row[0]); });
  ASSERT_EQ(rows.size(), x.frames.size()) << ::testing::PrintToString(rows);
  for (std::size_t i = 0; i < x.messages.size(); ++i) {
    SCOPED_TRACE("message " + std::to_string(i + 1));
    auto row = rows[x.sip_frames[i]];
    std::vector<std::string> expected = our_fields(x.messages[i]);
    for (std::size_t f = 0; f < 9; ++f)
      EXPECT_EQ(row[f], expected[f]) << kFields[f];
  }
  // The values themselves, not only agreement.
  EXPECT_EQ(rows[0][0], "REGISTER");
  EXPECT_EQ(rows[0][4], "1003");
  EXPECT_EQ(rows[0][5], "sip:1003@198.18.0.50:5060");
  EXPECT_EQ(rows[0][8], "3600");
  EXPECT_EQ(rows[0][10], "5060");
  EXPECT_EQ(rows[1][1], "401");
  EXPECT_EQ(rows[1][6], "\"ABCDEF0123456789\"");
  EXPECT_EQ(rows[2][2], "2");
  EXPECT_EQ(rows[2][7], "\"1115bf280ab3a977f7cf809b43189195\""); // reference section 8.5
  EXPECT_EQ(rows[3][1], "200");
  EXPECT_EQ(rows[3][8], "120");
  EXPECT_EQ(rows[3][3], "c80084aa-87430003-255b99f4-783a63d4@198.18.0.50");
  const auto& over_tcp = rows[x.sip_frames[4]];
  EXPECT_EQ(over_tcp[0], "REGISTER");
  EXPECT_EQ(over_tcp[2], "113");
  EXPECT_EQ(over_tcp[5], "sip:1003@198.18.0.50:51778;transport=tcp");
  EXPECT_EQ(over_tcp[9], "51778");
  EXPECT_EQ(rows[x.sip_frames[5]][1], "200");
  for (std::size_t i : {4u, 5u, 6u, 8u, 10u}) {
    EXPECT_EQ(rows[i][0] + rows[i][1], "") << "frame " << i + 1 << " carries no SIP";
  }
}

TEST(SipTshark, NoFrameIsMalformedOrWarnedAbout) {
  if (!testing::tshark_available()) GTEST_SKIP() << "tshark not installed";
  Exchange x = exchange();
  auto problems = testing::tshark_problems(x.frames);
  std::erase_if(problems, is_root_warning);
  EXPECT_EQ(problems, std::vector<std::string>{}) << testing::tshark_verbose(x.frames);
}

TEST(SipTshark, OurStreamFramerReadsTheTcpPayloadBack) {
  Exchange x = exchange();
  ByteVector request = build(x.messages[4]);
  StreamFrame frame = parse_stream(request);
  ASSERT_TRUE(frame.complete()) << frame.error.to_string();
  EXPECT_EQ(frame.consumed, request.size());
  EXPECT_EQ(frame.message, *parse(request));
}

} // namespace
} // namespace phonerig::wire::sip
