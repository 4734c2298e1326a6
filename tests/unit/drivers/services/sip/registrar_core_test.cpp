// The registrar's pure core: RFC 3261 section 10.3 step by step, digest authentication,
// the other methods, malformed input, and the Cisco REGISTER of reference section 8.1.
#include "drivers/api/event.hpp"
#include "drivers/services/sip/registrar.hpp"
#include "drivers/wire/sip_digest.hpp"
#include "drivers/wire/sip_headers.hpp"

#include <gtest/gtest.h>
#include <string>

namespace phonerig::services::sip {
namespace {

namespace ws = wire::sip;

constexpr std::int64_t kWall = 1700000000000000000;

Instant at(std::int64_t seconds) {
  return Instant{1000000 + seconds * 1000, kWall + seconds * 1000000000};
}

Peer udp_peer(std::uint16_t port = 5062) {
  Peer p;
  p.transport = Transport::udp;
  p.address = *wire::Ipv4::parse("198.18.0.20");
  p.port = port;
  p.local_address = wire::Ipv4::parse("198.18.0.1");
  p.local_port = 5060;
  return p;
}

struct Req {
  std::string method = "REGISTER";
  std::string user = "1003";
  std::string call_id = "abc@198.18.0.20";
  int cseq = 1;
  std::string contact = "<sip:1003@198.18.0.20:5062>";
  std::string expires = "3600"; // "" for none
  std::string via = "SIP/2.0/UDP 198.18.0.20:5062;branch=z9hG4bK1";
  std::string extra; // more header lines, each ending in \r\n
  std::string text() const {
    std::string t = method + " sip:198.18.0.1 SIP/2.0\r\nVia: " + via + "\r\nFrom: <sip:" + user +
                    "@198.18.0.1>;tag=f1\r\nTo: <sip:" + user +
                    "@198.18.0.1>\r\nCall-ID: " + call_id + "\r\nCSeq: " + std::to_string(cseq) +
                    " " + method + "\r\nMax-Forwards: 70\r\n";
    if (!contact.empty()) t += "Contact: " + contact + "\r\n";
    if (!expires.empty()) t += "Expires: " + expires + "\r\n";
    return t + extra + "Content-Length: 0\r\n\r\n";
  }
};

RegistrarConfig open_config() {
  RegistrarConfig c;
  c.secret = "unit-secret";
  return c;
}

RegistrarConfig auth_config() {
  RegistrarConfig c = open_config();
  c.auth = true;
  c.realm = "ccmsipline";
  c.users = {{"1003", "s3cr3t"}, {"1004", "other"}};
  return c;
}

Outcome send(Registrar& r, const std::string& text, Instant now = at(0), Peer peer = udp_peer()) {
  Outcome out = r.on_datagram(wire::as_bytes(text), peer, now);
  for (const api::Event& e : out.events) {
    auto valid = api::validate(e);
    EXPECT_TRUE(valid.has_value())
        << (valid ? "" : valid.error().message) << ": " << api::to_string(e);
  }
  return out;
}

ws::Message reply_of(const Outcome& out) {
  EXPECT_TRUE(out.reply.has_value());
  if (!out.reply) return {};
  auto m = ws::parse(out.reply->bytes);
  EXPECT_TRUE(m.has_value()) << out.reply->bytes;
  return m ? *m : ws::Message{};
}

const api::Event* find_event(const Outcome& out, std::string_view kind) {
  for (const api::Event& e : out.events) {
    if (e.kind == kind) return &e;
  }
  return nullptr;
}

std::string authorization(const ws::DigestChallenge& c, const std::string& user,
                          const std::string& password, const std::string& uri = "sip:198.18.0.1",
                          bool qop = true) {
  ws::DigestCredentials cr;
  cr.username = user;
  cr.realm = c.realm;
  cr.nonce = c.nonce;
  cr.uri = uri;
  cr.algorithm = c.algorithm;
  if (qop) {
    cr.qop = "auth";
    cr.nc = "00000001";
    cr.cnonce = "0a4f113b";
  }
  cr.response = *ws::expected_response(cr, password, "REGISTER");
  return "Authorization: " + ws::to_string(cr) + "\r\n";
}

TEST(SipRegistrar, AcceptsTheCiscoRegisterOfReference81) {
  const std::string body =
      "--uniqueBoundary\r\nContent-Type: application/x-cisco-remotecc-request+xml\r\n"
      "Content-Disposition: session;handling=optional\r\n\r\n<x-cisco-remotecc-request>"
      "<bulkregisterreq><contact all=\"true\"><register></register></contact></bulkregisterreq>"
      "</x-cisco-remotecc-request>\r\n--uniqueBoundary--\r\n";
  const std::string text =
      "REGISTER sip:192.168.7.200 SIP/2.0\r\n"
      "Via: SIP/2.0/TCP 192.168.7.104:51778;branch=z9hG4bK66da98ae\r\n"
      "From: <sip:2222@192.168.7.200>;tag=c80084aa8743001411d7279b-7ecf20ad\r\n"
      "To: <sip:2222@192.168.7.200>\r\n"
      "Call-ID: c80084aa-87430003-255b99f4-783a63d4@192.168.7.104\r\n"
      "Max-Forwards: 70\r\n"
      "Session-ID: cead41d700105000a000c80084aa8743;remote=00000000000000000000000000000000\r\n"
      "Date: Sat, 09 Mar 2019 18:32:45 GMT\r\n"
      "CSeq: 113 REGISTER\r\n"
      "User-Agent: Cisco-CP7821/12.1.1\r\n"
      "Contact: <sip:04984998-fe29-08c0-6d47-5593bf4ce606@192.168.7.104:51778;transport=tcp>;"
      "+sip.instance=\"<urn:uuid:00000000-0000-0000-0000-c80084aa8743>\";"
      "+u.sip!devicename.ccm.cisco.com=\"SEPC80084AA8743\";+u.sip!model.ccm.cisco.com=\"621\"\r\n"
      "Supported: replaces,join,sdp-anat,norefersub,resource-priority,extended-refer,"
      "X-cisco-callinfo,X-cisco-serviceuri,X-cisco-escapecodes,X-cisco-service-control,"
      "X-cisco-srtp-fallback,X-cisco-monrec,X-cisco-config,X-cisco-sis-7.0.0,X-cisco-xsi-8.5.1\r\n"
      "Reason: SIP;cause=200;text=\"cisco-alarm:23 Name=SEPC80084AA8743 "
      "ActiveLoad=sip78xx.12-1-1-12.loads InactiveLoad=sip78xx.10-3-1-12.loads "
      "Last=reset-restart\"\r\n"
      "Expires: 3600\r\n"
      "Content-Type: multipart/mixed; boundary=uniqueBoundary\r\n"
      "Mime-Version: 1.0\r\n"
      "Content-Length: " +
      std::to_string(body.size()) + "\r\n\r\n" + body;
  RegistrarConfig config = open_config();
  config.users = {{"2222", "x"}};
  config.granted_expires = 120; // CUCM's SIP Station KeepAlive Interval (reference 8.2)
  Registrar r(config);
  Peer peer = udp_peer(51778);
  peer.transport = Transport::tcp;
  peer.address = *wire::Ipv4::parse("192.168.7.104");
  auto framed = ws::parse_stream(wire::as_bytes(text));
  ASSERT_TRUE(framed.complete());
  Outcome out = r.on_message(framed.message, peer, at(0));
  ws::Message m = reply_of(out);
  EXPECT_EQ(m.status_code, 200);
  EXPECT_EQ(m.get("Expires"), "120");
  ASSERT_EQ(m.count("Contact"), 1u);
  auto contact = ws::parse_contact(*m.get("Contact"));
  ASSERT_TRUE(contact.has_value());
  EXPECT_EQ(contact->contacts[0].expires(), 120u);
  EXPECT_TRUE(contact->contacts[0].cisco_new_registration());
  EXPECT_EQ(contact->contacts[0].cisco_device_name(), "SEPC80084AA8743");
  EXPECT_EQ(m.get("CSeq"), "113 REGISTER");
  EXPECT_TRUE(ws::to(m)->tag().has_value());
  const api::Event* binding = find_event(out, "sip.binding");
  ASSERT_NE(binding, nullptr);
  EXPECT_EQ(binding->string_attr("action"), "created");
  EXPECT_EQ(binding->string_attr("aor"), "sip:2222@192.168.7.200");
  EXPECT_EQ(binding->integer_attr("expires"), 120);
  EXPECT_EQ(binding->integer_attr("requested_expires"), 3600);
  EXPECT_EQ(binding->string_attr("device_name"), "SEPC80084AA8743");
  // The URI alone: the Contact's parameters (+sip.instance, the Cisco ones) have their own
  // attributes.
  EXPECT_EQ(binding->string_attr("contact"),
            "sip:04984998-fe29-08c0-6d47-5593bf4ce606@192.168.7.104:51778;transport=tcp");
  ASSERT_TRUE(binding->phone.has_value());
  EXPECT_EQ(binding->phone->to_cisco(), "C80084AA8743");
  for (const api::Event& e : out.events) {
    EXPECT_TRUE(api::validate(e).has_value()) << api::to_string(e);
    EXPECT_EQ(e.phone, binding->phone) << e.kind;
  }
  EXPECT_EQ(r.bindings("sip:2222@192.168.7.200").size(), 1u);
}

TEST(SipRegistrar, GrantsWhatWasAskedCappedByTheMaximum) {
  Registrar r(open_config());
  Req q;
  q.expires = "3600";
  EXPECT_EQ(reply_of(send(r, q.text())).get("Expires"), "3600");
  q.cseq = 2;
  q.expires = "86400";
  ws::Message m = reply_of(send(r, q.text()));
  EXPECT_EQ(m.get("Expires"), "7200");
  EXPECT_EQ(ws::contacts(m)->contacts.at(0).expires(), 7200u);
}

TEST(SipRegistrar, ContactExpiresParameterOverridesTheHeader) {
  Registrar r(open_config());
  Req q;
  q.contact = "<sip:1003@198.18.0.20:5062>;expires=600";
  q.expires = "3600";
  EXPECT_EQ(ws::contacts(reply_of(send(r, q.text())))->contacts.at(0).expires(), 600u);
}

TEST(SipRegistrar, UsesTheDefaultExpiryWhenNoneIsGiven) {
  Registrar r(open_config());
  Req q;
  q.expires = "";
  EXPECT_EQ(reply_of(send(r, q.text())).get("Expires"), "3600");
}

TEST(SipRegistrar, AnswersIntervalTooBriefWithMinExpires) {
  Registrar r(open_config());
  Req q;
  q.expires = "30";
  ws::Message m = reply_of(send(r, q.text()));
  EXPECT_EQ(m.status_code, 423);
  EXPECT_EQ(m.get("Min-Expires"), "60");
  EXPECT_EQ(r.binding_count(), 0u);
}

TEST(SipRegistrar, ExpiresZeroRemovesTheBinding) {
  Registrar r(open_config());
  Req q;
  send(r, q.text());
  q.cseq = 2;
  q.expires = "0";
  Outcome out = send(r, q.text());
  ws::Message m = reply_of(out);
  EXPECT_EQ(m.status_code, 200);
  EXPECT_EQ(m.count("Contact"), 0u);
  EXPECT_EQ(find_event(out, "sip.binding")->string_attr("action"), "removed");
  EXPECT_EQ(r.binding_count(), 0u);
}

TEST(SipRegistrar, WildcardWithExpiresZeroRemovesEveryBinding) {
  Registrar r(open_config());
  Req q;
  send(r, q.text());
  q.cseq = 2;
  q.contact = "<sip:1003@198.18.0.21:5062>";
  send(r, q.text());
  ASSERT_EQ(r.binding_count(), 2u);
  q.cseq = 3;
  q.contact = "*";
  q.expires = "0";
  Outcome out = send(r, q.text());
  EXPECT_EQ(reply_of(out).status_code, 200);
  EXPECT_EQ(r.binding_count(), 0u);
  int removed = 0;
  for (const auto& e : out.events)
    removed += e.kind == "sip.binding" ? 1 : 0;
  EXPECT_EQ(removed, 2);
}

TEST(SipRegistrar, RefusesWildcardWithoutExpiresZero) {
  Registrar r(open_config());
  Req q;
  q.contact = "*";
  q.expires = "3600";
  EXPECT_EQ(reply_of(send(r, q.text())).status_code, 400);
  q.expires = "";
  EXPECT_EQ(reply_of(send(r, q.text())).status_code, 400);
}

TEST(SipRegistrar, QueryWithoutContactListsTheCurrentBindings) {
  Registrar r(open_config());
  Req q;
  send(r, q.text());
  q.cseq = 2;
  q.call_id = "other@198.18.0.21";
  q.contact = "<sip:1003@198.18.0.21:5062>";
  q.expires = "1200";
  send(r, q.text(), at(100));
  q.cseq = 3;
  q.contact = "";
  q.expires = "";
  ws::Message m = reply_of(send(r, q.text(), at(200)));
  EXPECT_EQ(m.status_code, 200);
  auto contacts = ws::contacts(m);
  ASSERT_EQ(contacts->contacts.size(), 2u);
  EXPECT_EQ(contacts->contacts[0].expires(), 3400u);
  EXPECT_EQ(contacts->contacts[1].expires(), 1100u);
  EXPECT_FALSE(m.get("Expires").has_value());
}

TEST(SipRegistrar, RejectsAnOutOfOrderCSeqForTheSameCallId) {
  Registrar r(open_config());
  Req q;
  q.cseq = 5;
  send(r, q.text());
  q.cseq = 4;
  q.via = "SIP/2.0/UDP 198.18.0.20:5062;branch=z9hG4bK2";
  EXPECT_EQ(reply_of(send(r, q.text())).status_code, 500);
  q.cseq = 5;
  q.via = "SIP/2.0/UDP 198.18.0.20:5062;branch=z9hG4bK3";
  EXPECT_EQ(reply_of(send(r, q.text())).status_code, 500);
  EXPECT_EQ(r.bindings("sip:1003@198.18.0.1").at(0).cseq, 5u);
  q.cseq = 6;
  EXPECT_EQ(reply_of(send(r, q.text())).status_code, 200);
}

TEST(SipRegistrar, AnotherCallIdUpdatesTheBindingWhateverItsCSeq) {
  Registrar r(open_config());
  Req q;
  q.cseq = 50;
  send(r, q.text());
  q.cseq = 1;
  q.call_id = "rebooted@198.18.0.20";
  Outcome out = send(r, q.text());
  EXPECT_EQ(reply_of(out).status_code, 200);
  EXPECT_EQ(find_event(out, "sip.binding")->string_attr("action"), "refreshed");
  EXPECT_EQ(r.bindings("sip:1003@198.18.0.1").at(0).call_id, "rebooted@198.18.0.20");
}

TEST(SipRegistrar, RetransmittedRequestGetsTheSameAnswerOverUdp) {
  Registrar r(open_config());
  Req q;
  Outcome first = send(r, q.text());
  Outcome again = send(r, q.text(), at(1));
  ASSERT_TRUE(again.reply.has_value());
  EXPECT_EQ(again.reply->bytes, first.reply->bytes);
  EXPECT_EQ(find_event(again, "sip.binding"), nullptr);
}

TEST(SipRegistrar, ExpiresBindingsOnTime) {
  RegistrarConfig config = open_config();
  config.granted_expires = 120;
  Registrar r(config);
  Req q;
  send(r, q.text());
  EXPECT_TRUE(r.expire(at(119)).empty());
  auto events = r.expire(at(120));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, "sip.binding");
  EXPECT_EQ(events[0].string_attr("action"), "expired");
  EXPECT_TRUE(api::validate(events[0]).has_value());
  EXPECT_EQ(r.binding_count(), 0u);
}

TEST(SipRegistrar, RefusesUsersNotInTheList) {
  RegistrarConfig config = open_config();
  config.users = {{"1003", "x"}};
  Registrar r(config);
  Req q;
  q.user = "9999";
  Outcome out = send(r, q.text());
  EXPECT_EQ(reply_of(out).status_code, 403);
  EXPECT_EQ(find_event(out, "sip.auth")->string_attr("result"), "unknown_user");
  config.accept_any = true;
  Registrar any(config);
  EXPECT_EQ(reply_of(send(any, q.text())).status_code, 200);
}

TEST(SipRegistrar, RefusesRequiredExtensions) {
  Registrar r(open_config());
  Req q;
  q.extra = "Require: outbound\r\n";
  ws::Message m = reply_of(send(r, q.text()));
  EXPECT_EQ(m.status_code, 420);
  EXPECT_EQ(m.get("Unsupported"), "outbound");
}

TEST(SipRegistrar, ChallengesThenAcceptsTheRightPassword) {
  Registrar r(auth_config());
  Req q;
  Outcome first = send(r, q.text());
  ws::Message challenge = reply_of(first);
  ASSERT_EQ(challenge.status_code, 401);
  EXPECT_EQ(find_event(first, "sip.auth")->string_attr("result"), "challenged");
  EXPECT_EQ(r.binding_count(), 0u);
  auto c = ws::www_authenticate(challenge);
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->realm, "ccmsipline");
  EXPECT_EQ(c->algorithm, "MD5");
  EXPECT_EQ(c->qop, std::vector<std::string>{"auth"});
  EXPECT_EQ(r.nonces().check(c->nonce, at(0).steady_ms), NonceMint::Check::valid);
  q.cseq = 2;
  q.via = "SIP/2.0/UDP 198.18.0.20:5062;branch=z9hG4bK2";
  q.extra = authorization(*c, "1003", "s3cr3t");
  Outcome second = send(r, q.text(), at(1));
  EXPECT_EQ(reply_of(second).status_code, 200);
  EXPECT_EQ(find_event(second, "sip.auth")->string_attr("result"), "accepted");
  EXPECT_EQ(r.binding_count(), 1u);
}

TEST(SipRegistrar, AcceptsCredentialsWithoutQop) {
  Registrar r(auth_config());
  Req q;
  auto c = ws::www_authenticate(reply_of(send(r, q.text())));
  q.cseq = 2;
  q.via = "SIP/2.0/UDP 198.18.0.20:5062;branch=z9hG4bK2";
  q.extra = authorization(*c, "1003", "s3cr3t", "sip:198.18.0.1", false);
  EXPECT_EQ(reply_of(send(r, q.text())).status_code, 200);
}

TEST(SipRegistrar, AcceptsADigestUriThatSpellsTheDefaultPort) {
  // SIPp writes uri="sip:198.18.0.1:5060" for the Request-URI sip:198.18.0.1.
  Registrar r(auth_config());
  Req q;
  auto c = ws::www_authenticate(reply_of(send(r, q.text())));
  q.cseq = 2;
  q.via = "SIP/2.0/UDP 198.18.0.20:5062;branch=z9hG4bK2";
  q.extra = authorization(*c, "1003", "s3cr3t", "sip:198.18.0.1:5060");
  EXPECT_EQ(reply_of(send(r, q.text())).status_code, 200);
}

TEST(SipRegistrar, RefusesADigestUriForAnotherRequestUri) {
  Registrar r(auth_config());
  Req q;
  auto c = ws::www_authenticate(reply_of(send(r, q.text())));
  q.cseq = 2;
  q.via = "SIP/2.0/UDP 198.18.0.20:5062;branch=z9hG4bK2";
  q.extra = authorization(*c, "1003", "s3cr3t", "sip:198.18.0.99");
  Outcome out = send(r, q.text());
  EXPECT_EQ(reply_of(out).status_code, 400);
  EXPECT_EQ(find_event(out, "sip.auth")->string_attr("result"), "bad_request");
}

TEST(SipRegistrar, IgnoresResponses) {
  Registrar r(open_config());
  Outcome out = send(r, "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 198.18.0.20;branch=z9hG4bK1\r\n"
                        "From: <sip:a@b>;tag=1\r\nTo: <sip:a@b>\r\nCall-ID: x\r\n"
                        "CSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n");
  EXPECT_FALSE(out.reply.has_value());
  EXPECT_TRUE(out.events.empty());
}

TEST(SipRegistrar, GivesNoBindingBeyondTheTableSize) {
  RegistrarConfig config = open_config();
  config.max_bindings = 1;
  Registrar r(config);
  Req q;
  EXPECT_EQ(reply_of(send(r, q.text())).status_code, 200);
  q.user = "1004";
  q.call_id = "second@198.18.0.20";
  q.via = "SIP/2.0/UDP 198.18.0.20:5062;branch=z9hG4bK2";
  EXPECT_EQ(reply_of(send(r, q.text())).status_code, 503);
  EXPECT_EQ(r.binding_count(), 1u);
}

TEST(SipRegistrar, ChallengesWithSha256WhenConfigured) {
  RegistrarConfig config = auth_config();
  config.algorithm = ws::DigestAlgorithm::sha256;
  Registrar r(config);
  Req q;
  auto c = ws::www_authenticate(reply_of(send(r, q.text())));
  EXPECT_EQ(c->algorithm, "SHA-256");
  q.cseq = 2;
  q.via = "SIP/2.0/UDP 198.18.0.20:5062;branch=z9hG4bK2";
  q.extra = authorization(*c, "1003", "s3cr3t");
  Outcome out = send(r, q.text());
  EXPECT_EQ(reply_of(out).status_code, 200);
  EXPECT_EQ(find_event(out, "sip.auth")->string_attr("algorithm"), "SHA-256");
}

TEST(SipRegistrar, ForbidsAWrongPassword) {
  Registrar r(auth_config());
  Req q;
  auto c = ws::www_authenticate(reply_of(send(r, q.text())));
  q.cseq = 2;
  q.via = "SIP/2.0/UDP 198.18.0.20:5062;branch=z9hG4bK2";
  q.extra = authorization(*c, "1003", "wrong");
  Outcome out = send(r, q.text());
  EXPECT_EQ(reply_of(out).status_code, 403);
  EXPECT_EQ(find_event(out, "sip.auth")->string_attr("result"), "wrong_password");
  EXPECT_EQ(r.binding_count(), 0u);
}

TEST(SipRegistrar, ForbidsAnotherUsersCredentials) {
  Registrar r(auth_config());
  Req q;
  auto c = ws::www_authenticate(reply_of(send(r, q.text())));
  q.cseq = 2;
  q.via = "SIP/2.0/UDP 198.18.0.20:5062;branch=z9hG4bK2";
  q.extra = authorization(*c, "1004", "other");
  Outcome out = send(r, q.text());
  EXPECT_EQ(reply_of(out).status_code, 403);
  EXPECT_EQ(find_event(out, "sip.auth")->string_attr("result"), "unknown_user");
}

// A Cisco line registers its directory number (the AoR) and authenticates as its authName.
TEST(SipRegistrar, AcceptsTheLinesAuthNameForItsDirectoryNumber) {
  RegistrarConfig config = auth_config();
  config.users["desk"] = "s3cr3t";
  config.auth_names["1003"] = "desk";
  Registrar r(config);
  Req q;
  auto c = ws::www_authenticate(reply_of(send(r, q.text())));
  q.cseq = 2;
  q.via = "SIP/2.0/UDP 198.18.0.20:5062;branch=z9hG4bK2";
  q.extra = authorization(*c, "desk", "s3cr3t");
  Outcome out = send(r, q.text());
  EXPECT_EQ(reply_of(out).status_code, 200);
  EXPECT_EQ(find_event(out, "sip.auth")->string_attr("result"), "accepted");
  EXPECT_EQ(r.binding_count(), 1u);
}

TEST(SipRegistrar, ForbidsTheDirectoryNumberItselfWhenTheLineHasAnAuthName) {
  RegistrarConfig config = auth_config();
  config.users["desk"] = "s3cr3t";
  config.auth_names["1003"] = "desk";
  Registrar r(config);
  Req q;
  auto c = ws::www_authenticate(reply_of(send(r, q.text())));
  q.cseq = 2;
  q.via = "SIP/2.0/UDP 198.18.0.20:5062;branch=z9hG4bK2";
  q.extra = authorization(*c, "1003", "s3cr3t");
  Outcome out = send(r, q.text());
  EXPECT_EQ(reply_of(out).status_code, 403);
  EXPECT_EQ(find_event(out, "sip.auth")->string_attr("result"), "unknown_user");
}

TEST(SipRegistrar, AnswersStaleWhenTheNonceIsTooOld) {
  Registrar r(auth_config());
  Req q;
  auto c = ws::www_authenticate(reply_of(send(r, q.text())));
  q.cseq = 2;
  q.via = "SIP/2.0/UDP 198.18.0.20:5062;branch=z9hG4bK2";
  q.extra = authorization(*c, "1003", "s3cr3t");
  Outcome out = send(r, q.text(), at(301));
  ws::Message m = reply_of(out);
  EXPECT_EQ(m.status_code, 401);
  auto again = ws::www_authenticate(m);
  EXPECT_EQ(again->stale, true);
  EXPECT_NE(again->nonce, c->nonce);
  EXPECT_EQ(find_event(out, "sip.auth")->string_attr("result"), "stale");
}

TEST(SipRegistrar, ChallengesAgainForANonceItDidNotIssue) {
  Registrar r(auth_config());
  Req q;
  auto c = ws::www_authenticate(reply_of(send(r, q.text())));
  c->nonce[20] = c->nonce[20] == 'a' ? 'b' : 'a';
  q.cseq = 2;
  q.via = "SIP/2.0/UDP 198.18.0.20:5062;branch=z9hG4bK2";
  q.extra = authorization(*c, "1003", "s3cr3t");
  ws::Message m = reply_of(send(r, q.text()));
  EXPECT_EQ(m.status_code, 401);
  EXPECT_FALSE(ws::www_authenticate(m)->stale.has_value());
}

TEST(SipRegistrar, AnswersOptionsWithAllowAndAccept) {
  Registrar r(open_config());
  Req q;
  q.method = "OPTIONS";
  q.contact = "";
  q.expires = "";
  ws::Message m = reply_of(send(r, q.text()));
  EXPECT_EQ(m.status_code, 200);
  EXPECT_EQ(m.get("Allow"), "REGISTER, OPTIONS");
  EXPECT_EQ(m.get("Accept"), "application/sdp");
}

TEST(SipRegistrar, AnswersKnownMethodsWith405AndUnknownWith501) {
  Registrar r(open_config());
  Req q;
  q.method = "INVITE";
  ws::Message m = reply_of(send(r, q.text()));
  EXPECT_EQ(m.status_code, 405);
  EXPECT_EQ(m.get("Allow"), "REGISTER, OPTIONS");
  q.method = "FROBNICATE";
  EXPECT_EQ(reply_of(send(r, q.text())).status_code, 501);
  q.method = "ACK";
  Outcome ack = send(r, q.text());
  EXPECT_FALSE(ack.reply.has_value());
  EXPECT_NE(find_event(ack, "sip.request"), nullptr);
}

TEST(SipRegistrar, AnswersMalformedRequestsWith400WhenItCan) {
  Registrar r(open_config());
  Req q;
  std::string text = q.text();
  // A broken Expires line after the headers a 400 needs: the datagram does not parse.
  text.replace(text.find("Max-Forwards: 70"), 16, "Max-Forwards 70");
  Outcome out = send(r, text);
  ws::Message m = reply_of(out);
  EXPECT_EQ(m.status_code, 400);
  EXPECT_EQ(m.get("Call-ID"), "abc@198.18.0.20");
  EXPECT_TRUE(m.get("Warning").has_value());
  const api::Event* bad = find_event(out, "request.malformed");
  ASSERT_NE(bad, nullptr);
  EXPECT_EQ(bad->integer_attr("answered"), 1);
  EXPECT_GT(*bad->integer_attr("offset"), 0);
}

TEST(SipRegistrar, AnswersAMissingCallIdWith400OnlyWhenItCan) {
  Registrar r(open_config());
  Req q;
  std::string text = q.text();
  text.erase(text.find("Call-ID:"),
             text.find("\r\n", text.find("Call-ID:")) + 2 - text.find("Call-ID:"));
  Outcome out = send(r, text);
  EXPECT_FALSE(out.reply.has_value()); // no Call-ID: cannot answer (section 8.1.1)
  EXPECT_EQ(find_event(out, "request.malformed")->integer_attr("answered"), 0);
}

TEST(SipRegistrar, DropsGarbageWithAnEvent) {
  Registrar r(open_config());
  for (std::string garbage : {std::string("\x01\x02\x03 hello"), std::string(""),
                              std::string("SIP/2.0 200 OK\r\n\r\n"), std::string(3000, 'A')}) {
    Outcome out = send(r, garbage);
    EXPECT_FALSE(out.reply.has_value());
    if (garbage.rfind("SIP/2.0 200", 0) != 0) {
      ASSERT_NE(find_event(out, "request.malformed"), nullptr);
    }
  }
}

TEST(SipRegistrar, RepliesToTheSourcePortWithRport) {
  Registrar r(open_config());
  Req q;
  q.via = "SIP/2.0/UDP 10.0.0.9:5062;rport;branch=z9hG4bK9";
  Outcome out = send(r, q.text(), at(0), udp_peer(40000));
  EXPECT_EQ(out.reply->port, 40000);
  EXPECT_EQ(out.reply->address.to_string(), "198.18.0.20");
  auto via = ws::vias(reply_of(out));
  EXPECT_EQ(via->at(0).received(), "198.18.0.20");
  EXPECT_EQ(via->at(0).rport(), 40000);
}

TEST(SipRegistrar, RepliesToTheSentByPortWithoutRport) {
  Registrar r(open_config());
  Req q;
  q.via = "SIP/2.0/UDP 198.18.0.20:5070;branch=z9hG4bK9";
  Outcome out = send(r, q.text(), at(0), udp_peer(40000));
  EXPECT_EQ(out.reply->port, 5070);
  EXPECT_FALSE(ws::vias(reply_of(out))->at(0).received().has_value());
  q.via = "SIP/2.0/UDP phone.example;branch=z9hG4bK8";
  out = send(r, q.text(), at(0), udp_peer(40000));
  EXPECT_EQ(out.reply->port, 5060);
  EXPECT_EQ(ws::vias(reply_of(out))->at(0).received(), "198.18.0.20");
}

TEST(SipRegistrar, FindsThePhoneMac) {
  EXPECT_EQ(mac_from_device_name("SEP001B53489EE0")->to_string(), "00:1b:53:48:9e:e0");
  EXPECT_EQ(mac_from_device_name("Cisco-CP8851/12.1.1 SEP001B53489EE0")->to_cisco(),
            "001B53489EE0");
  EXPECT_FALSE(mac_from_device_name("Cisco-CP7821/12.1.1").has_value());
  EXPECT_FALSE(mac_from_device_name("SEP12").has_value());
  EXPECT_EQ(mac_from_instance("urn:uuid:00000000-0000-0000-0000-c80084aa8743")->to_cisco(),
            "C80084AA8743");
  EXPECT_FALSE(mac_from_instance("urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6").has_value());
  Registrar r(open_config());
  Req q;
  EXPECT_FALSE(find_event(send(r, q.text()), "sip.request")->phone.has_value());
}

TEST(SipNonce, IsValidThenStaleAndRejectsForgeries) {
  NonceMint mint("secret", 10);
  std::string nonce = mint.make(5000);
  EXPECT_EQ(nonce.size(), 48u);
  EXPECT_EQ(mint.check(nonce, 5000), NonceMint::Check::valid);
  EXPECT_EQ(mint.check(nonce, 15000), NonceMint::Check::valid);
  EXPECT_EQ(mint.check(nonce, 15001), NonceMint::Check::stale);
  EXPECT_EQ(mint.check(nonce, 4999), NonceMint::Check::invalid);
  EXPECT_EQ(NonceMint("other", 10).check(nonce, 5000), NonceMint::Check::invalid);
  std::string later = nonce;
  later[15] = later[15] == '9' ? '8' : '9';
  EXPECT_EQ(mint.check(later, 100000), NonceMint::Check::invalid);
  EXPECT_EQ(mint.check("", 5000), NonceMint::Check::invalid);
  EXPECT_EQ(mint.check(std::string(48, 'Z'), 5000), NonceMint::Check::invalid);
}

} // namespace
} // namespace phonerig::services::sip
