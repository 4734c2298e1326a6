// SIP message codec: the CP-7821 REGISTER and CUCM 200 OK of reference section 8.1/8.2,
// compact forms, folding, list splitting, the UDP datagram and TCP stream framings with
// their limits, real-capture vectors against their TShark dissection (tests/vectors/sip_*),
// and the exact error of each malformed message.
#include "drivers/wire/packet.hpp"
#include "drivers/wire/sip_digest.hpp"
#include "drivers/wire/sip_headers.hpp"
#include "drivers/wire/sip_message.hpp"
#include "tests/support/pcap_file.hpp"

#include <fstream>
#include <gtest/gtest.h>
#include <map>
#include <ostream>
#include <stdexcept>
#include <string>
#include <vector>

namespace phonerig::wire::sip {
namespace {

// Test texts are written with "\n"; SIP lines end in CRLF.
std::string crlf(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '\n') out += '\r';
    out += c;
  }
  return out;
}

Message parsed(std::string_view text) {
  auto result = parse(text);
  if (!result) throw std::runtime_error(result.error().to_string());
  return *result;
}

ParseError error_of(std::string_view text) {
  auto result = parse(text);
  if (result) {
    ADD_FAILURE() << "parsed a malformed message:\n" << text;
    return {};
  }
  return result.error();
}

std::string as_text(const ByteVector& bytes) {
  return std::string(bytes.begin(), bytes.end());
}

// Reference section 8.1, CP-7821 12.1.1 -> CUCM 11.5 over TCP. The body is the first MIME
// part as the reference shows it (shortened there too), so Content-Length is its size
// rather than the 1313 of the original.
const std::string kCp7821Body =
    crlf("--uniqueBoundary\n"
         "Content-Type: application/x-cisco-remotecc-request+xml\n"
         "Content-Disposition: session;handling=optional\n"
         "\n"
         "<x-cisco-remotecc-request><bulkregisterreq><contact all=\"true\"><register></register>"
         "</contact></bulkregisterreq></x-cisco-remotecc-request>\n"
         "--uniqueBoundary--\n");

const std::string kCp7821Register =
    crlf("REGISTER sip:192.168.7.200 SIP/2.0\n"
         "Via: SIP/2.0/TCP 192.168.7.104:51778;branch=z9hG4bK66da98ae\n"
         "From: <sip:2222@192.168.7.200>;tag=c80084aa8743001411d7279b-7ecf20ad\n"
         "To: <sip:2222@192.168.7.200>\n"
         "Call-ID: c80084aa-87430003-255b99f4-783a63d4@192.168.7.104\n"
         "Max-Forwards: 70\n"
         "Session-ID: cead41d700105000a000c80084aa8743;remote=00000000000000000000000000000000\n"
         "Date: Sat, 09 Mar 2019 18:32:45 GMT\n"
         "CSeq: 113 REGISTER\n"
         "User-Agent: Cisco-CP7821/12.1.1\n"
         "Contact: <sip:04984998-fe29-08c0-6d47-5593bf4ce606@192.168.7.104:51778;transport=tcp>;"
         "+sip.instance=\"<urn:uuid:00000000-0000-0000-0000-c80084aa8743>\";"
         "+u.sip!devicename.ccm.cisco.com=\"SEPC80084AA8743\";+u.sip!model.ccm.cisco.com=\"621\"\n"
         "Supported: replaces,join,sdp-anat,norefersub,resource-priority,extended-refer,"
         "X-cisco-callinfo,X-cisco-serviceuri,X-cisco-escapecodes,X-cisco-service-control,"
         "X-cisco-srtp-fallback,X-cisco-monrec,X-cisco-config,X-cisco-sis-7.0.0,X-cisco-xsi-8.5.1\n"
         "Reason: SIP;cause=200;text=\"cisco-alarm:23 Name=SEPC80084AA8743 "
         "ActiveLoad=sip78xx.12-1-1-12.loads InactiveLoad=sip78xx.10-3-1-12.loads "
         "Last=reset-restart\"\n"
         "Expires: 3600\n"
         "Content-Type: multipart/mixed; boundary=uniqueBoundary\n"
         "Mime-Version: 1.0\n"
         "Content-Length: " +
         std::to_string(kCp7821Body.size()) +
         "\n"
         "\n") +
    kCp7821Body;

// Reference section 8.2 (body as shown there: shortened).
const std::string kCucmBody =
    "<x-cisco-remotecc-response><response><code>200</code><optionsind>...</optionsind>"
    "</response></x-cisco-remotecc-response>";

const std::string kCucm200Ok =
    crlf("SIP/2.0 200 OK\n"
         "Via: SIP/2.0/TCP 192.168.7.104:51778;branch=z9hG4bK66da98ae\n"
         "From: <sip:2222@192.168.7.200>;tag=c80084aa8743001411d7279b-7ecf20ad\n"
         "To: <sip:2222@192.168.7.200>;tag=2121423204\n"
         "Date: Sat, 09 Mar 2019 18:32:46 GMT\n"
         "Call-ID: c80084aa-87430003-255b99f4-783a63d4@192.168.7.104\n"
         "Server: Cisco-CUCM11.5\n"
         "CSeq: 113 REGISTER\n"
         "Expires: 120\n"
         "Contact: <sip:04984998-fe29-08c0-6d47-5593bf4ce606@192.168.7.104:51778;transport=tcp>;"
         "+sip.instance=\"<urn:uuid:00000000-0000-0000-0000-c80084aa8743>\";"
         "+u.sip!devicename.ccm.cisco.com=\"SEPC80084AA8743\";+u.sip!model.ccm.cisco.com=\"621\";"
         "x-cisco-newreg\n"
         "Supported: X-cisco-srtp-fallback,X-cisco-sis-8.0.0\n"
         "Content-Type: application/x-cisco-remotecc-response+xml\n"
         "Content-Length: " +
         std::to_string(kCucmBody.size()) +
         "\n"
         "\n") +
    kCucmBody;

// ---------------------------------------------------------------------------------------
// Reference section 8.1 / 8.2

TEST(SipMessageParse, ReadsTheCp7821FirstRegisterOfReferenceSection8_1) {
  Message m = parsed(kCp7821Register);
  EXPECT_TRUE(m.is_request());
  EXPECT_EQ(m.method, "REGISTER");
  EXPECT_EQ(m.request_uri, "sip:192.168.7.200");
  EXPECT_EQ(m.version, "SIP/2.0");
  ASSERT_EQ(m.headers.size(), 16u);
  EXPECT_EQ(m.headers[0].name, "Via");
  EXPECT_EQ(m.headers[0].value, "SIP/2.0/TCP 192.168.7.104:51778;branch=z9hG4bK66da98ae");
  EXPECT_EQ(m.headers[0].value_offset, 41u); // after "REGISTER sip:192.168.7.200 SIP/2.0\r\nVia: "
  EXPECT_EQ(m.get("call-id"), "c80084aa-87430003-255b99f4-783a63d4@192.168.7.104");
  EXPECT_EQ(m.get("Date"), "Sat, 09 Mar 2019 18:32:45 GMT");
  EXPECT_EQ(m.get("MIME-Version"), "1.0");
  EXPECT_EQ(m.find("mime-version")->canonical(), "MIME-Version");
  EXPECT_EQ(m.get("Expires"), "3600");
  EXPECT_EQ(m.body, kCp7821Body);
  // Supported is a list: 15 option tags. Reason's quoted text keeps its spaces and '='.
  auto supported = m.values("Supported");
  ASSERT_EQ(supported.size(), 15u);
  EXPECT_EQ(supported.front(), "replaces");
  EXPECT_EQ(supported.back(), "X-cisco-xsi-8.5.1");
  ASSERT_EQ(m.values("Reason").size(), 1u);
  // Date is not a list although it holds a comma.
  ASSERT_EQ(m.values("Date").size(), 1u);
}

TEST(SipMessageParse, ReadsTheCucm200OkOfReferenceSection8_2) {
  Message m = parsed(kCucm200Ok);
  EXPECT_TRUE(m.is_response());
  EXPECT_EQ(m.status_code, 200);
  EXPECT_EQ(m.reason, "OK");
  EXPECT_EQ(m.get("Server"), "Cisco-CUCM11.5");
  EXPECT_EQ(m.get("Expires"), "120");
  EXPECT_EQ(m.body, kCucmBody);
  EXPECT_EQ(m.values("Supported").size(), 2u);
}

TEST(SipMessageBuild, RebuildsTheReferenceMessagesByteForByte) {
  EXPECT_EQ(as_text(build(parsed(kCp7821Register))), kCp7821Register);
  EXPECT_EQ(as_text(build(parsed(kCucm200Ok))), kCucm200Ok);
}

TEST(SipMessageBuild, WritesARequestBuiltInCodeThatParsesBack) {
  Message m = Message::request("REGISTER", "sip:198.18.0.10");
  m.add("Via", "SIP/2.0/UDP 198.18.0.20:5060;branch=z9hG4bK1");
  m.add("CSeq", "1 REGISTER");
  m.body = "hello";
  std::string text = build_string(m);
  EXPECT_EQ(text, crlf("REGISTER sip:198.18.0.10 SIP/2.0\n"
                       "Via: SIP/2.0/UDP 198.18.0.20:5060;branch=z9hG4bK1\n"
                       "CSeq: 1 REGISTER\n"
                       "Content-Length: 5\n"
                       "\n") +
                      "hello");
  Message back = parsed(text);
  m.add("Content-Length", "5");
  EXPECT_EQ(back, m);
}

TEST(SipMessageBuild, RewritesAWrongContentLengthInPlace) {
  Message m = Message::response(401, "Unauthorized");
  m.add("l", "99");
  m.add("CSeq", "2 REGISTER");
  EXPECT_EQ(build_string(m), crlf("SIP/2.0 401 Unauthorized\nl: 0\nCSeq: 2 REGISTER\n\n"));
}

TEST(SipMessageBuild, KeepsTheSpacingAroundTheColonOutsideEquality) {
  std::string text = crlf("OPTIONS sip:a@b SIP/2.0\nVia :SIP/2.0/UDP h\nExpires:\t 60\n"
                          "Content-Length: 0\n\n");
  Message m = parsed(text);
  EXPECT_EQ(m.headers[0].separator, " :");
  EXPECT_EQ(m.get("Expires"), "60");
  EXPECT_EQ(as_text(build(m)), text);
  Message plain = parsed(crlf("OPTIONS sip:a@b SIP/2.0\nVia: SIP/2.0/UDP h\nExpires: 60\n"
                              "Content-Length: 0\n\n"));
  EXPECT_EQ(plain, m);
  // A separator that is not HCOLON is not written.
  m.headers[0].separator = "=";
  EXPECT_EQ(as_text(build(m)), crlf("OPTIONS sip:a@b SIP/2.0\nVia: SIP/2.0/UDP h\nExpires:\t 60\n"
                                    "Content-Length: 0\n\n"));
}

TEST(SipMessage, FindsSetsAndRemovesHeadersByAnySpelling) {
  Message m = Message::request("OPTIONS", "sip:a@b");
  m.add("v", "SIP/2.0/UDP h1").add("VIA", "SIP/2.0/UDP h2").add("Call-ID", "x");
  EXPECT_EQ(m.count("Via"), 2u);
  EXPECT_EQ(m.get("V"), "SIP/2.0/UDP h1");
  m.set("i", "y");
  EXPECT_EQ(m.headers[2].name, "Call-ID");
  EXPECT_EQ(m.get("call-id"), "y");
  EXPECT_EQ(m.remove("via"), 2u);
  EXPECT_EQ(m.headers.size(), 1u);
  EXPECT_FALSE(m.get("Via").has_value());
}

// ---------------------------------------------------------------------------------------
// Compact forms, case, folding and lists (RFC 3261 section 7.3)

TEST(SipMessageParse, MapsCompactFormsToTheirLongNames) {
  Message m = parsed(crlf("INVITE sip:bob@biloxi.com SIP/2.0\n"
                          "v: SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bK776asdhds\n"
                          "f: <sip:alice@atlanta.com>;tag=1928301774\n"
                          "t: <sip:bob@biloxi.com>\n"
                          "i: a84b4c76e66710@pc33.atlanta.com\n"
                          "CSeq: 314159 INVITE\n"
                          "m: <sip:alice@pc33.atlanta.com>\n"
                          "c: application/sdp\n"
                          "k: 100rel\n"
                          "s: lunch\n"
                          "e: gzip\n"
                          "o: presence\n"
                          "u: presence\n"
                          "r: <sip:carol@chicago.com>\n"
                          "x: 1800\n"
                          "l: 0\n"
                          "\n"));
  const std::vector<std::pair<std::string, std::string>> expected = {{"v", "Via"},
                                                                     {"f", "From"},
                                                                     {"t", "To"},
                                                                     {"i", "Call-ID"},
                                                                     {"CSeq", "CSeq"},
                                                                     {"m", "Contact"},
                                                                     {"c", "Content-Type"},
                                                                     {"k", "Supported"},
                                                                     {"s", "Subject"},
                                                                     {"e", "Content-Encoding"},
                                                                     {"o", "Event"},
                                                                     {"u", "Allow-Events"},
                                                                     {"r", "Refer-To"},
                                                                     {"x", "Session-Expires"},
                                                                     {"l", "Content-Length"}};
  ASSERT_EQ(m.headers.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(m.headers[i].name, expected[i].first);
    EXPECT_EQ(m.headers[i].canonical(), expected[i].second);
  }
  EXPECT_EQ(m.get("Call-ID"), "a84b4c76e66710@pc33.atlanta.com");
  EXPECT_EQ(m.get("CONTACT"), "<sip:alice@pc33.atlanta.com>");
  // The names come back as sent.
  EXPECT_EQ(parsed(as_text(build(m))), m);
}

TEST(SipMessageParse, UnfoldsContinuationLinesIntoOneSpace) {
  // RFC 3261 section 7.3.1: the three forms below are equivalent.
  std::string folded = crlf("OPTIONS sip:a@b SIP/2.0\n"
                            "Subject: I know you're there,\n"
                            "         pick up the phone\n"
                            "\tand talk to me!\n"
                            "Route: <sip:p1@a>,\n"
                            " <sip:p2@b>\n"
                            "\n");
  Message m = parsed(folded);
  ASSERT_EQ(m.headers.size(), 2u);
  EXPECT_EQ(m.get("Subject"), "I know you're there, pick up the phone and talk to me!");
  auto routes = m.values("Route");
  ASSERT_EQ(routes.size(), 2u);
  EXPECT_EQ(routes[0], "<sip:p1@a>");
  EXPECT_EQ(routes[1], "<sip:p2@b>");
  // Built back unfolded, with the same meaning.
  std::string rebuilt = as_text(build(m));
  EXPECT_NE(rebuilt.find("Subject: I know you're there, pick up the phone and talk to me!\r\n"),
            std::string::npos);
  Message again = parsed(rebuilt);
  again.remove("Content-Length");
  EXPECT_EQ(again, m);
}

TEST(SipMessageParse, SplitsListsOnlyAtTopLevelCommas) {
  Message m = parsed(crlf("REGISTER sip:r SIP/2.0\n"
                          "Contact: \"Doe, John\" <sip:j@h;x=a,b>;q=0.5, <sip:k@h>;expires=60\n"
                          "Via: SIP/2.0/UDP a;branch=z9hG4bK1, SIP/2.0/UDP b;branch=z9hG4bK2\n"
                          "VIA: SIP/2.0/TCP c;branch=z9hG4bK3\n"
                          "WWW-Authenticate: Digest realm=\"r\", nonce=\"n\"\n"
                          "\n"));
  auto contacts = m.values("m");
  ASSERT_EQ(contacts.size(), 2u);
  EXPECT_EQ(contacts[0], "\"Doe, John\" <sip:j@h;x=a,b>;q=0.5");
  EXPECT_EQ(contacts[1], "<sip:k@h>;expires=60");
  auto vias = m.values("Via");
  ASSERT_EQ(vias.size(), 3u);
  EXPECT_EQ(vias[2], "SIP/2.0/TCP c;branch=z9hG4bK3");
  // Authentication headers are never split (RFC 3261 section 7.3.1).
  EXPECT_EQ(m.values("WWW-Authenticate").size(), 1u);
}

TEST(SipMessageParse, DiscardsDatagramBytesBeyondContentLength) {
  // RFC 3261 section 18.3.
  Message m = parsed(crlf("MESSAGE sip:a@b SIP/2.0\nContent-Length: 3\n\n") + "abcdef");
  EXPECT_EQ(m.body, "abc");
}

TEST(SipMessageParse, TakesTheRestOfADatagramAsBodyWithoutContentLength) {
  Message m = parsed(crlf("MESSAGE sip:a@b SIP/2.0\nCSeq: 1 MESSAGE\n\n") + "abcdef");
  EXPECT_EQ(m.body, "abcdef");
}

TEST(SipMessageParse, AcceptsAViaWithoutBranch) {
  // RFC 2543 peers send no branch; that is for the transaction layer to judge.
  Message m = parsed(crlf("OPTIONS sip:a@b SIP/2.0\nVia: SIP/2.0/UDP 10.0.0.1:5060\n\n"));
  EXPECT_EQ(m.get("Via"), "SIP/2.0/UDP 10.0.0.1:5060");
}

TEST(SipMessageParse, AcceptsTheVersionInAnyCase) {
  Message m = parsed(crlf("OPTIONS sip:a@b sip/2.0\n\n"));
  EXPECT_EQ(m.version, "sip/2.0");
  EXPECT_EQ(as_text(build(m)), crlf("OPTIONS sip:a@b sip/2.0\nContent-Length: 0\n\n"));
}

// ---------------------------------------------------------------------------------------
// Malformed datagrams: exact errors

struct Malformed {
  const char* name;
  std::string text;
  std::size_t offset;
  std::string what;
};

// Test names, not bytes, in gtest and ctest listings.
void PrintTo(const Malformed& c, std::ostream* os) {
  *os << c.name;
}

class SipMalformed : public ::testing::TestWithParam<Malformed> {};

TEST_P(SipMalformed, ReportsTheExactError) {
  const Malformed& c = GetParam();
  ParseError e = error_of(c.text);
  EXPECT_EQ(e.what, c.what);
  EXPECT_EQ(e.offset, c.offset);
}

const std::string kRegisterLine = "REGISTER sip:r SIP/2.0\r\n"; // 24 bytes

INSTANTIATE_TEST_SUITE_P(
    Messages, SipMalformed,
    ::testing::Values(
        Malformed{"RequestLineWithoutVersion", crlf("REGISTER sip:r\n\n"), 14,
                  "start line: no SP after the Request-URI"},
        Malformed{"SipVersion3", crlf("REGISTER sip:r SIP/3.0\n\n"), 15,
                  "start line: unsupported version SIP/3.0"},
        Malformed{"HttpVersion", crlf("GET /index.html HTTP/1.1\n\n"), 16,
                  "start line: bad version 'HTTP/1.1'"},
        Malformed{"EmptyStartLine", crlf("\nVia: x\n\n"), 0, "start line: empty"},
        Malformed{"MethodWithSlash", crlf("REG/ISTER sip:r SIP/2.0\n\n"), 3,
                  "start line: invalid character 0x2f in the method"},
        Malformed{"StatusCode700", crlf("SIP/2.0 700 Nope\n\n"), 8,
                  "start line: bad status code '700'"},
        Malformed{"StatusCodeTwoDigits", crlf("SIP/2.0 20 OK\n\n"), 8,
                  "start line: bad status code '20'"},
        Malformed{"HeaderWithoutColon", kRegisterLine + crlf("Via SIP/2.0/UDP h\n\n"), 28,
                  "header: expected ':' after the name 'Via', found 'S'"},
        Malformed{"HeaderNameWithSpace", kRegisterLine + crlf("Max Forwards: 70\n\n"), 28,
                  "header: expected ':' after the name 'Max', found 'F'"},
        Malformed{"LineWithoutName", kRegisterLine + crlf(": 70\n\n"), 24,
                  "header: empty header name"},
        Malformed{"ContinuationFirst", kRegisterLine + crlf(" folded\n\n"), 24,
                  "header: continuation line with no header before it"},
        Malformed{"BareLf", kRegisterLine + "Via: x\nCSeq: 1 REGISTER\r\n\r\n", 30,
                  "header section: LF without CR"},
        Malformed{"BareCr", kRegisterLine + "Via: x\rCSeq: 1 REGISTER\r\n\r\n", 30,
                  "header section: CR without LF"},
        Malformed{"NoEmptyLine", kRegisterLine + crlf("Via: x\n"), 32,
                  "header section: no empty line ends it"},
        Malformed{"CSeqMethodMismatch", kRegisterLine + crlf("CSeq: 1 INVITE\n\n"), 30,
                  "CSeq: method INVITE does not match the request method REGISTER"},
        Malformed{"CSeqNotNumeric", kRegisterLine + crlf("CSeq: one REGISTER\n\n"), 30,
                  "CSeq: sequence number 'one' is not a number"},
        Malformed{"CSeqBeyond32Bits", kRegisterLine + crlf("CSeq: 4294967296 REGISTER\n\n"), 30,
                  "CSeq: sequence number 4294967296 does not fit 32 bits"},
        Malformed{"CSeqWithoutMethod", kRegisterLine + crlf("CSeq: 7\n\n"), 31,
                  "CSeq: method: expected a token, found the end"},
        Malformed{"TwoCSeqs", kRegisterLine + crlf("CSeq: 1 REGISTER\nCSeq: 2 REGISTER\n\n"), 48,
                  "CSeq: appears more than once"},
        Malformed{"ContentLengthBeyondBody", kRegisterLine + crlf("Content-Length: 10\n\n") + "abc",
                  40, "Content-Length: 10 but only 3 bytes follow the header section"},
        Malformed{"ContentLengthNotNumeric", kRegisterLine + crlf("l: 1O\n\n"), 27,
                  "Content-Length: '1O' is not a number"},
        Malformed{"ContentLengthsDisagree",
                  kRegisterLine + crlf("Content-Length: 0\nl: 1\n\n") + "x", 46,
                  "Content-Length: appears twice with different values"},
        Malformed{"UnterminatedQuoteInContact",
                  kRegisterLine + crlf("Contact: \"Bob <sip:bob@h>\n\n"), 33,
                  "Contact: unterminated quoted string"},
        Malformed{"UnterminatedAngleInRoute", kRegisterLine + crlf("Route: <sip:p1@a\n\n"), 31,
                  "Route: unterminated '<'"},
        Malformed{"EmptyViaElement", kRegisterLine + crlf("Via: SIP/2.0/UDP a,,SIP/2.0/UDP b\n\n"),
                  43, "Via: empty element in the list"},
        Malformed{"NulInValue", kRegisterLine + std::string("Subject: a\0b\r\n\r\n", 16), 34,
                  "Subject: control character 0x00"},
        Malformed{"FourNulBytes", std::string(4, '\0'), 0,
                  "start line: invalid character 0x00 in the method"}),
    [](const ::testing::TestParamInfo<Malformed>& info) { return info.param.name; });

TEST(SipMessageParse, RejectsMoreThanTwoHundredHeaders) {
  std::string text = kRegisterLine;
  for (int i = 0; i < 200; ++i)
    text += "X-H: " + std::to_string(i) + "\r\n";
  std::size_t at = text.size();
  ASSERT_TRUE(parse(text + "\r\n").has_value());
  text += "X-H: 200\r\n\r\n";
  ParseError e = error_of(text);
  EXPECT_EQ(e.what, "header section: more than 200 headers");
  EXPECT_EQ(e.offset, at);
}

TEST(SipMessageParse, RejectsAHeaderSectionBeyond64KiB) {
  std::string text = kRegisterLine + "X-Big: " + std::string(70000, 'a') + "\r\n\r\n";
  ParseError e = error_of(text);
  EXPECT_EQ(e.what, "header section: longer than 65536 bytes");
  EXPECT_EQ(e.offset, 65536u);
  // Exactly at the limit still parses.
  std::string fits = kRegisterLine + "X-Big: ";
  fits += std::string(65536 - fits.size() - 4, 'a') + "\r\n\r\n";
  ASSERT_EQ(fits.size(), 65536u);
  EXPECT_TRUE(parse(fits).has_value());
}

TEST(SipMessageParse, RejectsABodyBeyondTheLimit) {
  Limits limits;
  limits.max_body = 4;
  auto e = parse(kRegisterLine + "\r\nabcde", limits);
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().what, "body: 5 bytes exceed the limit of 4");
  EXPECT_EQ(e.error().offset, 26u);
  auto declared = parse(kRegisterLine + "Content-Length: 5\r\n\r\nabcde", limits);
  ASSERT_FALSE(declared);
  EXPECT_EQ(declared.error().what, "Content-Length: 5 exceeds the body limit of 4");
  EXPECT_EQ(declared.error().offset, 40u);
}

// ---------------------------------------------------------------------------------------
// Stream framing (RFC 3261 section 18.3, RFC 5626 section 3.5.1)

Bytes bytes_of(const std::string& text) {
  return as_bytes(text);
}

TEST(SipStream, FramesTwoMessagesBackToBack) {
  std::string two = kCp7821Register + kCucm200Ok;
  StreamFrame first = parse_stream(bytes_of(two));
  ASSERT_TRUE(first.complete()) << first.error.to_string();
  EXPECT_EQ(first.consumed, kCp7821Register.size());
  EXPECT_EQ(first.message, parsed(kCp7821Register));
  StreamFrame second = parse_stream(bytes_of(two).subspan(first.consumed));
  ASSERT_TRUE(second.complete());
  EXPECT_EQ(second.consumed, kCucm200Ok.size());
  EXPECT_EQ(second.message.status_code, 200);
  EXPECT_EQ(second.message.body, kCucmBody);
}

TEST(SipStream, AsksForMoreAtEveryCutOfTheMessage) {
  for (std::size_t cut = 0; cut < kCp7821Register.size(); ++cut) {
    StreamFrame frame = parse_stream(bytes_of(kCp7821Register).first(cut));
    ASSERT_EQ(frame.status, StreamFrame::Status::need_more) << "cut at " << cut;
    EXPECT_EQ(frame.consumed, 0u);
  }
}

TEST(SipStream, SkipsKeepAliveCrlfsAndCountsThem) {
  std::string text = "\r\n\r\n\r\n" + kCucm200Ok;
  StreamFrame frame = parse_stream(bytes_of(text));
  ASSERT_TRUE(frame.complete());
  EXPECT_EQ(frame.keepalive_crlfs, 3u);
  EXPECT_EQ(frame.consumed, text.size());
  // A ping alone: consumed so the caller can drop it (and answer with a CRLF pong).
  StreamFrame ping = parse_stream(bytes_of(std::string("\r\n\r\n")));
  EXPECT_EQ(ping.status, StreamFrame::Status::need_more);
  EXPECT_EQ(ping.keepalive_crlfs, 2u);
  EXPECT_EQ(ping.consumed, 4u);
  // Half a CRLF is kept until its LF arrives.
  StreamFrame half = parse_stream(bytes_of(std::string("\r\n\r")));
  EXPECT_EQ(half.status, StreamFrame::Status::need_more);
  EXPECT_EQ(half.consumed, 2u);
}

TEST(SipStream, RequiresContentLength) {
  StreamFrame frame = parse_stream(bytes_of("\r\n" + kRegisterLine + "CSeq: 1 REGISTER\r\n\r\n"));
  ASSERT_EQ(frame.status, StreamFrame::Status::error);
  EXPECT_EQ(frame.error.what, "Content-Length: required on a stream transport");
  EXPECT_EQ(frame.error.offset, 2u);
}

TEST(SipStream, ReportsAnInvalidStartLineWithoutWaitingForTheHeaders) {
  StreamFrame frame = parse_stream(bytes_of(std::string("\r\nHELLO\x01 world")));
  ASSERT_EQ(frame.status, StreamFrame::Status::error);
  EXPECT_EQ(frame.error.what, "start line: invalid character 0x01 in the method");
  EXPECT_EQ(frame.error.offset, 7u);
}

TEST(SipStream, StopsWaitingAtTheHeaderSectionLimit) {
  std::string text = kRegisterLine + "X-Big: " + std::string(70000, 'a');
  StreamFrame frame = parse_stream(bytes_of(text));
  ASSERT_EQ(frame.status, StreamFrame::Status::error);
  EXPECT_EQ(frame.error.what, "header section: longer than 65536 bytes");
  EXPECT_EQ(frame.error.offset, 65536u);
}

TEST(SipStream, RejectsADeclaredBodyBeyondTheLimitBeforeItArrives) {
  StreamFrame frame = parse_stream(bytes_of(kRegisterLine + "Content-Length: 2000000\r\n\r\n"));
  ASSERT_EQ(frame.status, StreamFrame::Status::error);
  EXPECT_EQ(frame.error.what, "Content-Length: 2000000 exceeds the body limit of 1048576");
  EXPECT_EQ(frame.error.offset, 40u);
}

// ---------------------------------------------------------------------------------------
// Real captures (tests/vectors, TShark 4.0.17 dissection in <file>.expected.txt)

std::vector<std::string> split_cells(const std::string& line) {
  std::vector<std::string> cells(1);
  for (char c : line) {
    if (c == '\t') {
      cells.emplace_back();
    } else {
      cells.back() += c;
    }
  }
  return cells;
}

// frame number -> field -> value, from the tshark -T fields table of the .expected.txt.
std::map<int, std::map<std::string, std::string>> expected_rows(const std::string& file) {
  std::ifstream in(testing::vector_path(file + ".expected.txt"));
  if (!in) throw std::runtime_error("cannot read " + file + ".expected.txt");
  std::vector<std::string> header;
  std::map<int, std::map<std::string, std::string>> rows;
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("frame.number\t", 0) == 0) {
      header = split_cells(line);
    } else if (!header.empty() && !line.empty() && line[0] != '#') {
      auto cells = split_cells(line);
      if (cells.size() != header.size()) throw std::runtime_error("ragged row in " + file);
      auto& row = rows[std::stoi(cells[0])];
      for (std::size_t i = 0; i < cells.size(); ++i)
        row[header[i]] = cells[i];
    }
  }
  return rows;
}

// The UDP payload of every frame, in order.
std::vector<std::string> udp_payloads(const std::string& file) {
  auto pcap = testing::read_pcap(testing::vector_path(file));
  std::vector<std::string> out;
  for (const auto& record : pcap.records) {
    auto packet = decode_packet(pcap.link_type, record.bytes);
    if (!packet || !packet->udp) throw std::runtime_error(file + ": a frame is not UDP");
    out.emplace_back(as_string_view(packet->udp->payload));
  }
  return out;
}

std::string unquoted(const std::string& text) {
  if (text.size() >= 2 && text.front() == '"' && text.back() == '"') {
    return text.substr(1, text.size() - 2);
  }
  return text;
}

// Compares our reading of one message with tshark's row for its frame.
void expect_like_tshark(const Message& m, const std::map<std::string, std::string>& row) {
  EXPECT_EQ(m.is_request() ? m.method : "", row.at("sip.Method"));
  EXPECT_EQ(m.is_request() ? m.request_uri : "", row.at("sip.r-uri"));
  EXPECT_EQ(m.is_response() ? std::to_string(m.status_code) : "", row.at("sip.Status-Code"));
  auto sequence = cseq(m);
  ASSERT_TRUE(sequence) << sequence.error().to_string();
  EXPECT_EQ(to_string(*sequence), row.at("sip.CSeq"));
  EXPECT_EQ(call_id(m).value_or(""), row.at("sip.Call-ID"));
  auto sender = from(m);
  auto receiver = to(m);
  ASSERT_TRUE(sender && receiver);
  EXPECT_EQ(to_string(sender->uri), row.at("sip.from.addr"));
  EXPECT_EQ(to_string(receiver->uri), row.at("sip.to.addr"));
  EXPECT_EQ(std::string(user_agent(m).value_or("")), row.at("sip.User-Agent"));
  EXPECT_EQ(std::string(server(m).value_or("")), row.at("sip.Server"));
  auto expiry = expires(m);
  ASSERT_TRUE(expiry);
  EXPECT_EQ(*expiry ? std::to_string(**expiry) : "", row.at("sip.Expires"));
  auto bindings = contacts(m);
  ASSERT_TRUE(bindings) << bindings.error().to_string();
  std::string uris;
  for (const NameAddr& c : bindings->contacts)
    uris += (uris.empty() ? "" : "|") + to_string(c.uri);
  EXPECT_EQ(uris, row.at("sip.contact.uri"));
  // Whichever authentication header the frame carries.
  std::string realm, nonce, algorithm, qop, username, uri, response;
  if (auto c = www_authenticate(m); c || (c = proxy_authenticate(m))) {
    realm = c->realm;
    nonce = c->nonce;
    algorithm = c->algorithm.value_or("");
    qop = c->qop.empty() ? "" : c->qop.front();
  } else if (auto r = authorization(m); r || (r = proxy_authorization(m))) {
    realm = r->realm;
    nonce = r->nonce;
    algorithm = r->algorithm.value_or("");
    qop = r->qop.value_or("");
    username = r->username;
    uri = r->uri;
    response = r->response;
  }
  EXPECT_EQ(realm, unquoted(row.at("sip.auth.realm")));
  EXPECT_EQ(nonce, unquoted(row.at("sip.auth.nonce")));
  EXPECT_EQ(algorithm, row.at("sip.auth.algorithm"));
  EXPECT_EQ(qop, unquoted(row.at("sip.auth.qop")));
  EXPECT_EQ(username, unquoted(row.at("sip.auth.username")));
  EXPECT_EQ(uri, unquoted(row.at("sip.auth.uri")));
  EXPECT_EQ(response, unquoted(row.at("sip.auth.digest.response")));
  EXPECT_EQ(row.at("_ws.malformed"), "");
}

TEST(SipVector, CiscoIosRegisterExchangeReadsLikeTsharkAndRebuildsByteForByte) {
  const std::string file = "sip_register_401_200_cisco_ios.pcapng";
  auto payloads = udp_payloads(file);
  auto rows = expected_rows(file);
  ASSERT_EQ(payloads.size(), 4u);
  ASSERT_EQ(rows.size(), 4u);
  for (std::size_t i = 0; i < payloads.size(); ++i) {
    SCOPED_TRACE("frame " + std::to_string(i + 1));
    auto m = parse(payloads[i]);
    ASSERT_TRUE(m) << m.error().to_string();
    expect_like_tshark(*m, rows.at(static_cast<int>(i + 1)));
    // No folding, no compact forms: the bytes come back, "Expires:  3600" included.
    EXPECT_EQ(as_text(build(*m)), payloads[i]);
  }
  // The 401's From carries the tag twice (the gateway's and the registrar's); both stay.
  Message challenge = *parse(payloads[1]);
  EXPECT_EQ(challenge.get("From"), "<sip:cisco@10.180.110.65>;tag=54B6C8B-A9E;tag=1");
  EXPECT_EQ(from(challenge)->params.size(), 2u);
  EXPECT_EQ(from(challenge)->tag(), "54B6C8B-A9E");
  EXPECT_EQ(challenge.get("Timestamp"), std::nullopt);
  Message first = *parse(payloads[0]);
  EXPECT_EQ(first.get("Timestamp"), "1556896375");
  EXPECT_EQ(first.get("Supported"), "path");
}

TEST(SipVector, NeroSippsCaptureParsesEveryFrameLikeTshark) {
  const std::string file = "sip_register_nero_sipps.pcap";
  auto payloads = udp_payloads(file);
  auto rows = expected_rows(file);
  ASSERT_EQ(payloads.size(), 81u);
  ASSERT_EQ(rows.size(), 81u);
  std::map<std::string, int> seen;
  for (std::size_t i = 0; i < payloads.size(); ++i) {
    SCOPED_TRACE("frame " + std::to_string(i + 1));
    auto m = parse(payloads[i]);
    ASSERT_TRUE(m) << m.error().to_string();
    expect_like_tshark(*m, rows.at(static_cast<int>(i + 1)));
    seen[m->is_request() ? m->method : std::to_string(m->status_code)]++;
    // Byte for byte, "Contact:  <sip:..." with its two spaces included.
    EXPECT_EQ(as_text(build(*m)), payloads[i]);
  }
  EXPECT_EQ(seen["REGISTER"], 18);
  EXPECT_EQ(seen["401"], 14);
  EXPECT_EQ(seen["403"], 3);
  EXPECT_EQ(seen["200"], 3);
}

TEST(SipVector, JunkBeforeRequestGivesAPreciseErrorThenTheRequestParses) {
  const std::string file = "sip_junk_before_request.pcap";
  auto payloads = udp_payloads(file);
  ASSERT_EQ(payloads.size(), 2u);
  auto junk = parse(payloads[0]);
  ASSERT_FALSE(junk);
  EXPECT_EQ(junk.error().what, "start line: invalid character 0x00 in the method");
  EXPECT_EQ(junk.error().offset, 0u);
  auto m = parse(payloads[1]);
  ASSERT_TRUE(m) << m.error().to_string();
  EXPECT_EQ(m->method, "REGISTER");
  EXPECT_EQ(m->request_uri, "sip:1.1.1.1:5060");
  ASSERT_EQ(m->headers.size(), 1u);
  EXPECT_EQ(*expires(*m), 3600u);
  EXPECT_TRUE(m->body.empty());
  auto rows = expected_rows(file);
  ASSERT_EQ(rows.size(), 1u); // tshark does not take frame 1 for SIP either
  EXPECT_EQ(rows.at(2).at("sip.Expires"), "3600");
}

} // namespace
} // namespace phonerig::wire::sip
