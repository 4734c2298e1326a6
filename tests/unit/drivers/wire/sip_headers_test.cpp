// Structured SIP headers: Via, From/To, Contact (RFC 5626 and Cisco parameters), CSeq,
// Call-ID, the numeric headers and the SIP URI, each parsed, built back and read from the
// messages of reference section 8.1/8.2 and real captures; exact errors for malformed ones.
#include "drivers/wire/packet.hpp"
#include "drivers/wire/sip_headers.hpp"
#include "tests/support/pcap_file.hpp"

#include <gtest/gtest.h>
#include <ostream>
#include <stdexcept>
#include <string>

namespace phonerig::wire::sip {
namespace {

template <class T> T ok(ParseResult<T> result) {
  if (!result) throw std::runtime_error(result.error().to_string());
  return std::move(result).value();
}

template <class T> ParseError error_of(ParseResult<T> result) {
  if (result) {
    ADD_FAILURE() << "parsed a malformed header";
    return {};
  }
  return result.error();
}

std::vector<std::string> names(const Params& params) {
  std::vector<std::string> out;
  for (const Param& p : params)
    out.push_back(p.name);
  return out;
}

// Reference section 8.1 and 8.2 Contacts.
const std::string kCp7821Contact =
    "<sip:04984998-fe29-08c0-6d47-5593bf4ce606@192.168.7.104:51778;transport=tcp>;"
    "+sip.instance=\"<urn:uuid:00000000-0000-0000-0000-c80084aa8743>\";"
    "+u.sip!devicename.ccm.cisco.com=\"SEPC80084AA8743\";+u.sip!model.ccm.cisco.com=\"621\"";
const std::string kCucmContact = kCp7821Contact + ";x-cisco-newreg";

// ---------------------------------------------------------------------------------------
// SIP URI (RFC 3261 section 19.1)

TEST(SipUri, ReadsTheCp7821ContactUri) {
  Uri uri =
      ok(parse_uri("sip:04984998-fe29-08c0-6d47-5593bf4ce606@192.168.7.104:51778;transport=tcp"));
  EXPECT_EQ(uri.scheme, "sip");
  EXPECT_TRUE(uri.is_sip());
  EXPECT_FALSE(uri.is_sips());
  EXPECT_EQ(uri.user, "04984998-fe29-08c0-6d47-5593bf4ce606");
  EXPECT_EQ(uri.host, "192.168.7.104");
  EXPECT_EQ(uri.port, 51778);
  EXPECT_EQ(uri.transport(), "tcp");
  EXPECT_EQ(uri.host_port(), "192.168.7.104:51778");
  EXPECT_TRUE(uri.headers.empty());
}

TEST(SipUri, ReadsEveryPartAndWritesItBack) {
  const std::string text = "sips:alice:secret@[2001:db8::10]:5061;maddr=239.255.255.1;ttl=15;lr"
                           "?subject=project%20x&priority=urgent";
  Uri uri = ok(parse_uri(text));
  EXPECT_TRUE(uri.is_sips());
  EXPECT_EQ(uri.user, "alice");
  EXPECT_EQ(uri.password, "secret");
  EXPECT_EQ(uri.host, "[2001:db8::10]");
  EXPECT_EQ(uri.port, 5061);
  EXPECT_EQ(names(uri.params), (std::vector<std::string>{"maddr", "ttl", "lr"}));
  EXPECT_TRUE(has_param(uri.params, "LR"));
  EXPECT_EQ(param_value(uri.params, "lr"), "");
  ASSERT_EQ(uri.headers.size(), 2u);
  EXPECT_EQ(uri.headers[1].first, "priority");
  EXPECT_EQ(uri.headers[0].second, "project%20x");
  EXPECT_EQ(to_string(uri), text);
}

TEST(SipUri, KeepsOtherSchemesOpaque) {
  Uri uri = ok(parse_uri("tel:+1-201-555-0123"));
  EXPECT_FALSE(uri.is_sip());
  EXPECT_EQ(uri.opaque, "+1-201-555-0123");
  EXPECT_EQ(to_string(uri), "tel:+1-201-555-0123");
}

TEST(SipUri, ReadsAHostOnlyUri) {
  Uri uri = ok(parse_uri("sip:sip.cybercity.dk"));
  EXPECT_TRUE(uri.user.empty());
  EXPECT_EQ(uri.host, "sip.cybercity.dk");
  EXPECT_FALSE(uri.port.has_value());
  EXPECT_EQ(to_string(uri), "sip:sip.cybercity.dk");
}

// ---------------------------------------------------------------------------------------
// Via (RFC 3261 section 20.42, RFC 3581)

TEST(SipVia, ReadsTheCp7821Via) {
  const std::string text = "SIP/2.0/TCP 192.168.7.104:51778;branch=z9hG4bK66da98ae";
  Via via = ok(parse_via(text));
  EXPECT_EQ(via.protocol, "SIP/2.0");
  EXPECT_EQ(via.transport, "TCP");
  EXPECT_EQ(via.host, "192.168.7.104");
  EXPECT_EQ(via.port, 51778);
  EXPECT_EQ(via.sent_by(), "192.168.7.104:51778");
  EXPECT_EQ(via.branch(), "z9hG4bK66da98ae");
  EXPECT_FALSE(via.has_rport());
  EXPECT_EQ(to_string(via), text);
}

TEST(SipVia, ReadsReceivedAndRportOfTheNeroCapture) {
  const std::string request =
      "SIP/2.0/UDP 192.168.1.2;branch=z9hG4bKnp151248737-46ea715e192.168.1.2;rport";
  Via sent = ok(parse_via(request));
  EXPECT_FALSE(sent.port.has_value());
  EXPECT_TRUE(sent.has_rport());
  EXPECT_FALSE(sent.rport().has_value());
  EXPECT_EQ(to_string(sent), request);
  const std::string response = "SIP/2.0/UDP 192.168.1.2;received=80.230.219.70;rport=5060;"
                               "branch=z9hG4bKnp151248737-46ea715e192.168.1.2";
  Via answered = ok(parse_via(response));
  EXPECT_EQ(answered.received(), "80.230.219.70");
  EXPECT_EQ(answered.rport(), 5060);
  EXPECT_EQ(answered.branch(), "z9hG4bKnp151248737-46ea715e192.168.1.2");
  EXPECT_EQ(names(answered.params), (std::vector<std::string>{"received", "rport", "branch"}));
  EXPECT_EQ(to_string(answered), response);
}

TEST(SipVia, AcceptsWhitespaceAroundSeparatorsAndIpv6SentBy) {
  Via via = ok(parse_via("SIP / 2.0 / UDP [2001:db8::1]:5060 ; branch = z9hG4bK1"));
  EXPECT_EQ(via.host, "[2001:db8::1]");
  EXPECT_EQ(via.port, 5060);
  EXPECT_EQ(via.branch(), "z9hG4bK1");
  EXPECT_EQ(to_string(via), "SIP/2.0/UDP [2001:db8::1]:5060;branch=z9hG4bK1");
}

TEST(SipVia, ReadsAViaWithoutBranch) {
  Via via = ok(parse_via("SIP/2.0/UDP 10.0.0.1"));
  EXPECT_FALSE(via.branch().has_value());
}

TEST(SipVia, SplitsAListOfVias) {
  auto list =
      ok(parse_via_list("SIP/2.0/UDP a;branch=z9hG4bK1, SIP/2.0/TCP b:5061;branch=z9hG4bK2"));
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[1].transport, "TCP");
  EXPECT_EQ(list[1].sent_by(), "b:5061");
}

// ---------------------------------------------------------------------------------------
// From / To / name-addr (RFC 3261 section 20.10, 20.20, 20.39)

TEST(SipNameAddr, ReadsAQuotedDisplayName) {
  const std::string text = "\"arik\" <sip:voi18062@sip.cybercity.dk>;tag=51449dc";
  NameAddr a = ok(parse_name_addr(text));
  EXPECT_EQ(a.display_name, "arik");
  EXPECT_TRUE(a.display_quoted);
  EXPECT_EQ(a.uri.user, "voi18062");
  EXPECT_EQ(a.uri.host, "sip.cybercity.dk");
  EXPECT_EQ(a.tag(), "51449dc");
  EXPECT_EQ(to_string(a), text);
}

TEST(SipNameAddr, ResolvesEscapesInTheDisplayNameAndWritesThemBack) {
  const std::string text = "\"Doe \\\"JJ\\\" John\" <sip:j@h>";
  NameAddr a = ok(parse_name_addr(text));
  EXPECT_EQ(a.display_name, "Doe \"JJ\" John");
  EXPECT_EQ(to_string(a), text);
}

TEST(SipNameAddr, ReadsATokenDisplayName) {
  NameAddr a = ok(parse_name_addr("Bob Smith <sip:bob@h>"));
  EXPECT_EQ(a.display_name, "Bob Smith");
  EXPECT_FALSE(a.display_quoted);
  EXPECT_EQ(to_string(a), "Bob Smith <sip:bob@h>");
}

TEST(SipNameAddr, GivesParametersAfterABareAddrSpecToTheHeader) {
  // RFC 3261 section 20.10: without <>, every ';' belongs to the header.
  const std::string text = "sip:alice@atlanta.com;tag=88sja8x";
  NameAddr a = ok(parse_name_addr(text));
  EXPECT_FALSE(a.angle_brackets);
  EXPECT_TRUE(a.uri.params.empty());
  EXPECT_EQ(a.tag(), "88sja8x");
  EXPECT_EQ(to_string(a), text);
}

TEST(SipNameAddr, KeepsTheDoubleTagOfTheCiscoIos401) {
  const std::string text = "<sip:cisco@10.180.110.65>;tag=54B6C8B-A9E;tag=1";
  NameAddr a = ok(parse_name_addr(text));
  ASSERT_EQ(a.params.size(), 2u);
  EXPECT_EQ(a.tag(), "54B6C8B-A9E");
  EXPECT_EQ(a.params[1].value, "1");
  EXPECT_EQ(to_string(a), text);
}

// ---------------------------------------------------------------------------------------
// Contact (RFC 3261 section 20.10, RFC 5626 section 4.1, reference section 8.1/8.2)

TEST(SipContact, ReadsTheCp7821InstanceDeviceNameAndModel) {
  ContactList list = ok(parse_contact(kCp7821Contact));
  EXPECT_FALSE(list.wildcard);
  ASSERT_EQ(list.contacts.size(), 1u);
  const NameAddr& c = list.contacts[0];
  EXPECT_EQ(c.uri.user, "04984998-fe29-08c0-6d47-5593bf4ce606");
  EXPECT_EQ(c.uri.transport(), "tcp");
  EXPECT_EQ(c.instance_id(), "urn:uuid:00000000-0000-0000-0000-c80084aa8743");
  EXPECT_EQ(c.cisco_device_name(), "SEPC80084AA8743");
  EXPECT_EQ(c.cisco_model(), "621");
  EXPECT_FALSE(c.cisco_new_registration());
  EXPECT_FALSE(c.expires().has_value()); // CUCM and the phone use the Expires header
  EXPECT_FALSE(c.reg_id().has_value());  // no RFC 5626 flow (reference section 8.4)
  EXPECT_EQ(names(c.params),
            (std::vector<std::string>{"+sip.instance", "+u.sip!devicename.ccm.cisco.com",
                                      "+u.sip!model.ccm.cisco.com"}));
  EXPECT_EQ(to_string(list), kCp7821Contact);
}

TEST(SipContact, ReadsTheNewRegistrationFlagOfTheCucm200Ok) {
  ContactList list = ok(parse_contact(kCucmContact));
  ASSERT_EQ(list.contacts.size(), 1u);
  EXPECT_TRUE(list.contacts[0].cisco_new_registration());
  EXPECT_EQ(list.contacts[0].cisco_device_name(), "SEPC80084AA8743");
  EXPECT_FALSE(find_param(list.contacts[0].params, kCiscoNewRegParam)->value.has_value());
  EXPECT_EQ(to_string(list), kCucmContact);
}

TEST(SipContact, ReadsExpiresAndQOfTheNeroCapture) {
  const std::string text =
      "<sip:voi18063@192.168.1.2:5060;line=9c7d2dbd8822013c>;expires=1200;q=0.500";
  ContactList list = ok(parse_contact(text));
  ASSERT_EQ(list.contacts.size(), 1u);
  EXPECT_EQ(list.contacts[0].expires(), 1200u);
  EXPECT_EQ(list.contacts[0].q_millis(), 500);
  EXPECT_EQ(param_value(list.contacts[0].uri.params, "line"), "9c7d2dbd8822013c");
  EXPECT_EQ(to_string(list), text);
}

TEST(SipContact, ReadsTheRfc5626InstanceAndRegId) {
  ContactList list =
      ok(parse_contact("<sip:line1@192.0.2.2;transport=tcp>; reg-id=1;"
                       " +sip.instance=\"<urn:uuid:00000000-0000-1000-8000-000A95A0E128>\""));
  ASSERT_EQ(list.contacts.size(), 1u);
  EXPECT_EQ(list.contacts[0].reg_id(), 1u);
  EXPECT_EQ(list.contacts[0].instance_id(), "urn:uuid:00000000-0000-1000-8000-000A95A0E128");
}

TEST(SipContact, ReadsTheWildcard) {
  ContactList list = ok(parse_contact("*"));
  EXPECT_TRUE(list.wildcard);
  EXPECT_TRUE(list.contacts.empty());
  EXPECT_EQ(to_string(list), "*");
}

TEST(SipContact, ReadsTheRfc3261ExampleList) {
  ContactList list = ok(
      parse_contact("\"Mr. Watson\" <sip:watson@worcester.bell-telephone.com>;q=0.7; expires=3600, "
                    "\"Mr. Watson\" <mailto:watson@bell-telephone.com> ;q=0.1"));
  ASSERT_EQ(list.contacts.size(), 2u);
  EXPECT_EQ(list.contacts[0].q_millis(), 700);
  EXPECT_EQ(list.contacts[0].expires(), 3600u);
  EXPECT_EQ(list.contacts[1].uri.scheme, "mailto");
  EXPECT_EQ(list.contacts[1].q_millis(), 100);
  EXPECT_EQ(to_string(list),
            "\"Mr. Watson\" <sip:watson@worcester.bell-telephone.com>;q=0.7;expires=3600, "
            "\"Mr. Watson\" <mailto:watson@bell-telephone.com>;q=0.1");
  EXPECT_EQ(ok(parse_contact(to_string(list))), list);
}

TEST(SipContact, BuildsABindingForA200Ok) {
  // What our registrar answers (reference section 8.3): the binding with its expiry.
  NameAddr binding = ok(parse_name_addr("<sip:1003@198.18.0.20:5060;transport=udp>"));
  set_param(binding.params, "expires", std::string("120"));
  set_param(binding.params, kInstanceParam,
            std::string("<urn:uuid:00000000-0000-0000-0000-c80084aa8743>"), true);
  EXPECT_EQ(to_string(binding),
            "<sip:1003@198.18.0.20:5060;transport=udp>;expires=120;"
            "+sip.instance=\"<urn:uuid:00000000-0000-0000-0000-c80084aa8743>\"");
  set_param(binding.params, "EXPIRES", std::string("0"));
  EXPECT_EQ(binding.expires(), 0u);
  EXPECT_EQ(binding.params[0].name, "expires");
}

// ---------------------------------------------------------------------------------------
// CSeq, Call-ID and numbers

TEST(SipCSeq, ReadsAndWritesNumberAndMethod) {
  CSeq c = ok(parse_cseq("113 REGISTER"));
  EXPECT_EQ(c.number, 113u);
  EXPECT_EQ(c.method, "REGISTER");
  EXPECT_EQ(to_string(c), "113 REGISTER");
  EXPECT_EQ(ok(parse_cseq("4294967295 ACK")).number, 4294967295u);
  EXPECT_EQ(to_string(ok(parse_cseq("  1 \t INVITE "))), "1 INVITE");
}

TEST(SipNumbers, ReadsTheRangeOfEachHeader) {
  EXPECT_EQ(ok(parse_number("3600", 0, "Expires", 0xffffffffu)), 3600u);
  EXPECT_EQ(ok(parse_number("4294967295", 0, "Expires", 0xffffffffu)), 4294967295u);
  EXPECT_EQ(ok(parse_number("255", 0, "Max-Forwards", 255)), 255u);
  EXPECT_EQ(ok(parse_call_id("c80084aa-87430003-255b99f4-783a63d4@192.168.7.104")),
            "c80084aa-87430003-255b99f4-783a63d4@192.168.7.104");
}

// ---------------------------------------------------------------------------------------
// From a message

Message cp7821_register() {
  Message m = Message::request("REGISTER", "sip:192.168.7.200");
  m.add("Via", "SIP/2.0/TCP 192.168.7.104:51778;branch=z9hG4bK66da98ae")
      .add("From", "<sip:2222@192.168.7.200>;tag=c80084aa8743001411d7279b-7ecf20ad")
      .add("To", "<sip:2222@192.168.7.200>")
      .add("Call-ID", "c80084aa-87430003-255b99f4-783a63d4@192.168.7.104")
      .add("Max-Forwards", "70")
      .add("CSeq", "113 REGISTER")
      .add("User-Agent", "Cisco-CP7821/12.1.1")
      .add("Contact", kCp7821Contact)
      .add("Expires", "3600");
  return m;
}

TEST(SipMessageHeaders, ReadsTheCp7821RegisterOfReferenceSection8_1) {
  Message m = ok(parse(build(cp7821_register())));
  auto via = ok(vias(m));
  ASSERT_EQ(via.size(), 1u);
  EXPECT_EQ(via[0].transport, "TCP");
  EXPECT_EQ(via[0].branch(), "z9hG4bK66da98ae");
  NameAddr sender = ok(from(m));
  EXPECT_EQ(sender.uri.user, "2222");
  EXPECT_EQ(sender.tag(), "c80084aa8743001411d7279b-7ecf20ad");
  NameAddr aor = ok(to(m));
  EXPECT_EQ(to_string(aor.uri), "sip:2222@192.168.7.200");
  EXPECT_FALSE(aor.tag().has_value());
  EXPECT_EQ(ok(cseq(m)), (CSeq{113, "REGISTER"}));
  EXPECT_EQ(ok(call_id(m)), "c80084aa-87430003-255b99f4-783a63d4@192.168.7.104");
  EXPECT_EQ(ok(expires(m)), 3600u);
  EXPECT_EQ(ok(max_forwards(m)), 70u);
  EXPECT_FALSE(ok(min_expires(m)).has_value());
  EXPECT_EQ(user_agent(m), "Cisco-CP7821/12.1.1");
  EXPECT_FALSE(server(m).has_value());
  ContactList bindings = ok(contacts(m));
  ASSERT_EQ(bindings.contacts.size(), 1u);
  EXPECT_EQ(bindings.contacts[0].cisco_device_name(), "SEPC80084AA8743");
}

TEST(SipMessageHeaders, ReadsTheCucm200OkOfReferenceSection8_2) {
  Message m = Message::response(200, "OK");
  m.add("To", "<sip:2222@192.168.7.200>;tag=2121423204")
      .add("Server", "Cisco-CUCM11.5")
      .add("Expires", "120")
      .add("Contact", kCucmContact);
  EXPECT_EQ(ok(to(m)).tag(), "2121423204");
  EXPECT_EQ(ok(expires(m)), 120u);
  EXPECT_EQ(server(m), "Cisco-CUCM11.5");
  EXPECT_TRUE(ok(contacts(m)).contacts[0].cisco_new_registration());
}

TEST(SipMessageHeaders, JoinsContactsOfSeveralHeaderLines) {
  Message m = Message::request("REGISTER", "sip:r");
  m.add("m", "<sip:a@h>;expires=60, <sip:b@h>").add("Contact", "<sip:c@h>");
  ContactList list = ok(contacts(m));
  ASSERT_EQ(list.contacts.size(), 3u);
  EXPECT_EQ(list.contacts[2].uri.user, "c");
  EXPECT_TRUE(ok(contacts(Message::request("REGISTER", "sip:r"))).contacts.empty());
}

TEST(SipMessageHeaders, ReportsErrorsAtTheirOffsetInTheMessage) {
  std::string text = "REGISTER sip:r SIP/2.0\r\nFrom: <sip:a@h\r\n\r\n";
  Message m = ok(parse(text));
  ParseError e = error_of(from(m));
  EXPECT_EQ(e.what, "From: expected '>' after the URI, found the end");
  EXPECT_EQ(e.offset, 38u); // 24 + "From: " + "<sip:a@h"
  ParseError missing = error_of(to(m));
  EXPECT_EQ(missing.what, "To: missing");
  EXPECT_EQ(missing.offset, 0u);
}

// ---------------------------------------------------------------------------------------
// Malformed headers: exact errors

struct Bad {
  const char* name;
  ParseError (*run)();
  std::size_t offset;
  std::string what;
};

// Test names, not bytes, in gtest and ctest listings.
void PrintTo(const Bad& c, std::ostream* os) {
  *os << c.name;
}

class SipHeaderMalformed : public ::testing::TestWithParam<Bad> {};

TEST_P(SipHeaderMalformed, ReportsTheExactError) {
  ParseError e = GetParam().run();
  EXPECT_EQ(e.what, GetParam().what);
  EXPECT_EQ(e.offset, GetParam().offset);
}

INSTANTIATE_TEST_SUITE_P(
    Headers, SipHeaderMalformed,
    ::testing::Values(
        Bad{"ViaWithoutTransport", [] { return error_of(parse_via("SIP/2.0 192.168.1.1", 100)); },
            108, "Via: expected '/' after the protocol version, found '1'"},
        Bad{"ViaWithoutSentBy", [] { return error_of(parse_via("SIP/2.0/UDP")); }, 11,
            "Via: no sent-by after the transport"},
        Bad{"ViaPortOutOfRange",
            [] { return error_of(parse_via("SIP/2.0/UDP host:99999;branch=z9hG4bK1")); }, 17,
            "Via: port 99999 out of range"},
        Bad{"ViaRportNotAPort", [] { return error_of(parse_via("SIP/2.0/UDP host;rport=abc")); }, 0,
            "Via: rport 'abc' is not a port"},
        Bad{"ViaUnterminatedBranch",
            [] { return error_of(parse_via("SIP/2.0/UDP host;branch=\"z9hG4bK")); }, 24,
            "Via: parameter branch: unterminated quoted string"},
        Bad{"ViaTrailingJunk", [] { return error_of(parse_via("SIP/2.0/UDP host junk")); }, 17,
            "Via: unexpected 'j'"},
        Bad{"ContactExpiresNotANumber",
            [] { return error_of(parse_contact("<sip:a@h>;expires=soon", 50)); }, 50,
            "Contact: expires 'soon' is not a 32-bit number"},
        Bad{"ContactQAboveOne", [] { return error_of(parse_contact("<sip:a@h>;q=1.5")); }, 0,
            "Contact: q '1.5' is not a qvalue"},
        Bad{"ContactRegIdZero", [] { return error_of(parse_contact("<sip:a@h>;reg-id=0")); }, 0,
            "Contact: reg-id '0' is not in 1..2^31-1"},
        Bad{"ContactInstanceNotQuoted",
            [] { return error_of(parse_contact("<sip:a@h>;+sip.instance=urn")); }, 0,
            "Contact: +sip.instance is not a quoted \"<URN>\""},
        Bad{"ContactInstanceBareAngle",
            [] { return error_of(parse_contact("<sip:a@h>;+sip.instance=<urn:uuid:1>")); }, 24,
            "Contact: parameter +sip.instance: expected a value, found '<'"},
        Bad{"ContactUnterminatedQuote", [] { return error_of(parse_contact("\"Bob <sip:bob@h>")); },
            0, "Contact: unterminated quoted string"},
        Bad{"ContactUnterminatedAngle", [] { return error_of(parse_contact("<sip:bob@h", 7)); }, 7,
            "Contact: unterminated '<'"},
        Bad{"ContactEmpty", [] { return error_of(parse_contact("  ", 9)); }, 9, "Contact: empty"},
        Bad{"NameAddrTrailingJunk", [] { return error_of(parse_name_addr("Bob <sip:bob@h> x")); },
            16, "unexpected 'x'"},
        Bad{"NameAddrBadPort", [] { return error_of(parse_name_addr("<sip:bob@h:0x>")); }, 12,
            "URI: unexpected 'x'"},
        Bad{"NameAddrEmpty", [] { return error_of(parse_name_addr("")); }, 0, "URI: no scheme"},
        Bad{"UriPortOutOfRange", [] { return error_of(parse_uri("sip:host:70000")); }, 9,
            "URI: port 70000 out of range"},
        Bad{"UriWithoutHost", [] { return error_of(parse_uri("sip:")); }, 4, "URI: no host"},
        Bad{"UriWithoutScheme", [] { return error_of(parse_uri("192.168.1.1")); }, 0,
            "URI: no scheme"},
        Bad{"UriEmptyUser", [] { return error_of(parse_uri("sip:@host")); }, 4, "URI: empty user"},
        Bad{"UriSpaceInUser", [] { return error_of(parse_uri("sip:a b@h")); }, 5,
            "URI: expected '@' after the user, found 0x20"},
        Bad{"UriBadEscape", [] { return error_of(parse_uri("sip:user%2@host")); }, 8,
            "URI: user: bad %-escape"},
        Bad{"UriEmptyParameterName", [] { return error_of(parse_uri("sip:host;=x")); }, 9,
            "URI: empty parameter name"},
        Bad{"UriUnclosedIpv6", [] { return error_of(parse_uri("sip:[::1")); }, 8,
            "URI: expected ']' to close the IPv6 reference, found the end"},
        Bad{"CSeqTrailingJunk", [] { return error_of(parse_cseq("12 REGISTER extra")); }, 12,
            "CSeq: unexpected 'e'"},
        Bad{"CSeqNegative", [] { return error_of(parse_cseq("-1 REGISTER", 3)); }, 3,
            "CSeq: sequence number '-1' is not a number"},
        Bad{"MaxForwardsAbove255",
            [] { return error_of(parse_number("256", 5, "Max-Forwards", 255)); }, 5,
            "Max-Forwards: 256 exceeds 255"},
        Bad{"ExpiresNegative",
            [] { return error_of(parse_number("-1", 0, "Expires", 0xffffffffu)); }, 0,
            "Expires: '-1' is not a number"},
        Bad{"CallIdWithSpace", [] { return error_of(parse_call_id("a b", 30)); }, 31,
            "Call-ID: invalid character 0x20"}),
    [](const ::testing::TestParamInfo<Bad>& info) { return info.param.name; });

// ---------------------------------------------------------------------------------------
// Real capture: the structured headers of every frame of the Cisco IOS exchange

TEST(SipHeadersVector, CiscoIosExchangeHeadersRoundTrip) {
  auto pcap = testing::read_pcap(testing::vector_path("sip_register_401_200_cisco_ios.pcapng"));
  ASSERT_EQ(pcap.records.size(), 4u);
  std::vector<Message> messages;
  for (const auto& record : pcap.records) {
    auto packet = ok(decode_packet(pcap.link_type, record.bytes));
    ASSERT_TRUE(packet.udp.has_value());
    messages.push_back(ok(parse(packet.udp->payload)));
  }
  for (const Message& m : messages) {
    // Each structured header reads and writes back as sent.
    EXPECT_EQ(to_string(ok(vias(m))[0]), *m.get("Via"));
    EXPECT_EQ(to_string(ok(from(m))), *m.get("From"));
    EXPECT_EQ(to_string(ok(to(m))), *m.get("To"));
    EXPECT_EQ(to_string(ok(cseq(m))), *m.get("CSeq"));
    EXPECT_EQ(to_string(ok(contacts(m))), std::string(m.get("Contact").value_or("")));
  }
  EXPECT_EQ(ok(vias(messages[0]))[0].branch(), "z9hG4bK2051B0A");
  EXPECT_EQ(ok(vias(messages[2]))[0].branch(), "z9hG4bK20610B3");
  EXPECT_EQ(ok(expires(messages[0])), 3600u);
  EXPECT_EQ(ok(to(messages[3])).tag(), "2");
  ContactList granted = ok(contacts(messages[3]));
  ASSERT_EQ(granted.contacts.size(), 1u);
  EXPECT_EQ(granted.contacts[0].expires(), 3600u);
  EXPECT_EQ(granted.contacts[0].uri.transport(), "UDP");
  EXPECT_EQ(granted.contacts[0].uri.host_port(), "10.180.110.65:5060");
}

} // namespace
} // namespace phonerig::wire::sip
