// SIP digest authentication: the response computation against RFC 2617 section 3.5, the
// tool-checked rows of reference section 8.5 and RFC 7616 section 3.9.1; challenge and
// credentials parsed from real captures (Cisco IOS "DIGEST", Nero SIPPS with opaque and a
// quoted nc), built back, and the exact error of each malformed header.
#include "drivers/wire/packet.hpp"
#include "drivers/wire/sip_digest.hpp"
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

// ---------------------------------------------------------------------------------------
// Response computation

TEST(SipDigestCompute, ReproducesRfc2617Section3_5) {
  DigestInput in;
  in.username = "Mufasa";
  in.realm = "testrealm@host.com";
  in.password = "Circle Of Life";
  in.method = "GET";
  in.uri = "/dir/index.html";
  in.nonce = "dcd98b7102dd2f0e8b11d0f600bfb0c093";
  in.qop = "auth";
  in.nc = "00000001";
  in.cnonce = "0a4f113b";
  EXPECT_EQ(digest_ha1(in), "939e7578ed9e3c518a452acee763bce9");
  EXPECT_EQ(digest_ha2(in), "39aff3a2bab6126f332b942af96d3366");
  EXPECT_EQ(compute_response(in), "6629fae49393a05397450978507c4ef1");
}

DigestInput reference_row() {
  // Reference section 8.5, tool-checked with Python hashlib.
  DigestInput in;
  in.username = "1003";
  in.realm = "ccmsipline";
  in.password = "s3cr3t";
  in.method = "REGISTER";
  in.uri = "sip:198.18.0.10";
  in.nonce = "ABCDEF0123456789";
  return in;
}

TEST(SipDigestCompute, ReproducesTheReferenceRowWithoutQop) {
  DigestInput in = reference_row();
  EXPECT_EQ(digest_ha1(in), "5029b3519978ff2588879b5a7f6c72ce");
  EXPECT_EQ(digest_ha2(in), "2bf0649ebf0c3b1454566624073c0469");
  EXPECT_EQ(compute_response(in), "1115bf280ab3a977f7cf809b43189195");
}

TEST(SipDigestCompute, ReproducesTheReferenceRowWithQopAuth) {
  DigestInput in = reference_row();
  in.qop = "auth";
  in.nc = "00000001";
  in.cnonce = "0a4f113b";
  EXPECT_EQ(digest_ha1(in), "5029b3519978ff2588879b5a7f6c72ce");
  EXPECT_EQ(compute_response(in), "ce4fc4a915b77612f840cf0ea5d3597e");
}

DigestInput rfc7616_example(DigestAlgorithm algorithm) {
  // RFC 7616 section 3.9.1.
  DigestInput in;
  in.algorithm = algorithm;
  in.username = "Mufasa";
  in.realm = "http-auth@example.org";
  in.password = "Circle of Life";
  in.method = "GET";
  in.uri = "/dir/index.html";
  in.nonce = "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v";
  in.qop = "auth";
  in.nc = "00000001";
  in.cnonce = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ";
  return in;
}

TEST(SipDigestCompute, ReproducesRfc7616Section3_9_1WithSha256) {
  EXPECT_EQ(compute_response(rfc7616_example(DigestAlgorithm::sha256)),
            "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1");
}

TEST(SipDigestCompute, ReproducesRfc7616Section3_9_1WithMd5) {
  EXPECT_EQ(compute_response(rfc7616_example(DigestAlgorithm::md5)),
            "8ca523f5e9506fed4657c9700eebdbec");
}

TEST(SipDigestCompute, ComputesSha256WithoutQop) {
  // Python: sha256(HA1:nonce:HA2) with HA1/HA2 the SHA-256 of the reference inputs.
  DigestInput in = reference_row();
  in.algorithm = DigestAlgorithm::sha256;
  EXPECT_EQ(compute_response(in),
            "4703656156c34e18751352594e6a26692f9209d37e05c34ab4a7a704befd655e");
}

TEST(SipDigestCompute, ComputesMd5SessAndAuthInt) {
  // Values from Python hashlib, following RFC 7616 section 3.4.2 and 3.4.3.
  DigestInput sess = reference_row();
  sess.algorithm = DigestAlgorithm::md5_sess;
  sess.qop = "auth";
  sess.nc = "00000001";
  sess.cnonce = "0a4f113b";
  EXPECT_EQ(digest_ha1(sess), "fb170716ff896e28a7ef681f66df467d");
  EXPECT_EQ(compute_response(sess), "5cb4b6b7a9f719df08f700816152bd00");
  DigestInput integrity = reference_row();
  integrity.qop = "auth-int";
  integrity.nc = "00000001";
  integrity.cnonce = "0a4f113b";
  integrity.body = "hello";
  EXPECT_EQ(digest_ha2(integrity), "5da699f4817329ce28607e6922c8489e");
  EXPECT_EQ(compute_response(integrity), "01647b49dc438d28316ee6a250b2c1ba");
}

TEST(SipDigestCompute, NamesAndReadsTheAlgorithms) {
  EXPECT_EQ(parse_digest_algorithm("md5"), DigestAlgorithm::md5);
  EXPECT_EQ(parse_digest_algorithm("MD5-SESS"), DigestAlgorithm::md5_sess);
  EXPECT_EQ(parse_digest_algorithm("sha-256"), DigestAlgorithm::sha256);
  EXPECT_EQ(parse_digest_algorithm("SHA-256-sess"), DigestAlgorithm::sha256_sess);
  EXPECT_FALSE(parse_digest_algorithm("SHA-512-256").has_value());
  EXPECT_EQ(to_string(DigestAlgorithm::md5_sess), "MD5-sess");
  EXPECT_EQ(to_string(DigestAlgorithm::sha256), "SHA-256");
}

// ---------------------------------------------------------------------------------------
// Challenge and credentials headers

TEST(SipDigestHeaders, ReadsAndRebuildsTheCucm401Challenge) {
  // Reference section 8.5, the real CUCM 401.
  const std::string text =
      "Digest realm=\"ccmsipline\", nonce=\"vP42jVSdIItGRD5nYmE71/4JD/ZYUQvL\", algorithm=MD5";
  DigestChallenge c = ok(parse_digest_challenge(text));
  EXPECT_EQ(c.scheme, "Digest");
  EXPECT_EQ(c.realm, "ccmsipline");
  EXPECT_EQ(c.nonce, "vP42jVSdIItGRD5nYmE71/4JD/ZYUQvL");
  EXPECT_EQ(c.algorithm, "MD5");
  EXPECT_EQ(c.digest_algorithm(), DigestAlgorithm::md5);
  EXPECT_TRUE(c.qop.empty());
  EXPECT_FALSE(c.opaque.has_value());
  EXPECT_FALSE(c.stale.has_value());
  EXPECT_EQ(to_string(c), text);
}

TEST(SipDigestHeaders, BuildsCredentialsThatVerifyWithThePassword) {
  DigestCredentials c;
  c.username = "1003";
  c.realm = "ccmsipline";
  c.nonce = "ABCDEF0123456789";
  c.uri = "sip:198.18.0.10";
  c.algorithm = "MD5";
  c.qop = "auth";
  c.nc = "00000001";
  c.cnonce = "0a4f113b";
  c.response = *expected_response(c, "s3cr3t", "REGISTER");
  EXPECT_EQ(c.response, "ce4fc4a915b77612f840cf0ea5d3597e");
  const std::string text = to_string(c);
  EXPECT_EQ(text, "Digest username=\"1003\", realm=\"ccmsipline\", nonce=\"ABCDEF0123456789\", "
                  "uri=\"sip:198.18.0.10\", response=\"ce4fc4a915b77612f840cf0ea5d3597e\", "
                  "algorithm=MD5, cnonce=\"0a4f113b\", qop=auth, nc=00000001");
  DigestCredentials back = ok(parse_digest_credentials(text));
  EXPECT_EQ(back, c);
  EXPECT_EQ(expected_response(back, "s3cr3t", "REGISTER"), back.response);
  EXPECT_NE(expected_response(back, "wrong", "REGISTER"), back.response);
}

TEST(SipDigestHeaders, ComputesNoResponseForUnknownAlgorithmOrIncompleteQop) {
  DigestCredentials c = ok(parse_digest_credentials(
      "Digest username=\"u\", realm=\"r\", nonce=\"n\", uri=\"sip:r\", response=\"x\", "
      "algorithm=SHA-512-256"));
  EXPECT_FALSE(expected_response(c, "p", "REGISTER").has_value());
  c.algorithm.reset();
  c.qop = "auth";
  EXPECT_FALSE(expected_response(c, "p", "REGISTER").has_value()); // no nc, no cnonce
  c.qop = "auth-conf";
  c.nc = "00000001";
  c.cnonce = "c";
  EXPECT_FALSE(expected_response(c, "p", "REGISTER").has_value());
}

TEST(SipDigestHeaders, KeepsUnknownParametersInOrder) {
  const std::string text =
      "Digest realm=\"r\", domain=\"sip:r\", nonce=\"n\", opaque=\"o\", stale=true, "
      "algorithm=SHA-256, qop=\"auth,auth-int\", charset=UTF-8, userhash=\"false\"";
  DigestChallenge c = ok(parse_digest_challenge(text));
  EXPECT_EQ(c.domain, "sip:r");
  EXPECT_EQ(c.stale, true);
  EXPECT_EQ(c.qop, (std::vector<std::string>{"auth", "auth-int"}));
  EXPECT_EQ(c.digest_algorithm(), DigestAlgorithm::sha256);
  ASSERT_EQ(c.other.size(), 2u);
  EXPECT_EQ(c.other[0].name, "charset");
  EXPECT_FALSE(c.other[0].quoted);
  EXPECT_TRUE(c.other[1].quoted);
  EXPECT_EQ(to_string(c), text);
}

TEST(SipDigestHeaders, ResolvesQuotedPairs) {
  DigestChallenge c = ok(parse_digest_challenge("digest realm=\"a \\\"b\\\" \\\\c\", nonce=n1"));
  EXPECT_EQ(c.scheme, "digest");
  EXPECT_EQ(c.realm, "a \"b\" \\c");
  EXPECT_EQ(c.nonce, "n1");
  EXPECT_EQ(ok(parse_digest_challenge(to_string(c))), c);
}

// ---------------------------------------------------------------------------------------
// Real captures

std::vector<Message> messages_of(const std::string& file) {
  auto pcap = testing::read_pcap(testing::vector_path(file));
  std::vector<Message> out;
  for (const auto& record : pcap.records) {
    auto packet = ok(decode_packet(pcap.link_type, record.bytes));
    if (!packet.udp) throw std::runtime_error("not UDP");
    out.push_back(ok(parse(packet.udp->payload)));
  }
  return out;
}

TEST(SipDigestVector, ReadsEveryParameterOfTheCiscoIosExchange) {
  auto m = messages_of("sip_register_401_200_cisco_ios.pcapng");
  ASSERT_EQ(m.size(), 4u);
  // Frame 1: the gateway sends empty credentials before any challenge.
  DigestCredentials empty = ok(authorization(m[0]));
  EXPECT_EQ(empty.username, "cisco");
  EXPECT_EQ(empty.realm, "kydavis.cisco.com");
  EXPECT_EQ(empty.uri, "sip:10.180.110.65:5060");
  EXPECT_EQ(empty.response, "");
  EXPECT_EQ(empty.nonce, "");
  EXPECT_FALSE(empty.qop.has_value());
  // Frame 2: the challenge, scheme in capitals.
  DigestChallenge challenge = ok(www_authenticate(m[1]));
  EXPECT_EQ(challenge.scheme, "DIGEST");
  EXPECT_EQ(challenge.qop, (std::vector<std::string>{"auth"}));
  EXPECT_EQ(challenge.nonce, "Xj504f7xvTnog37qBW");
  EXPECT_EQ(challenge.realm, "kydavis.cisco.com");
  EXPECT_EQ(challenge.algorithm, "MD5");
  EXPECT_FALSE(challenge.opaque.has_value());
  EXPECT_FALSE(challenge.stale.has_value());
  EXPECT_TRUE(challenge.other.empty());
  EXPECT_EQ(ok(parse_digest_challenge(to_string(challenge))), challenge);
  // Frame 3: the answer. The password is not published, so the response cannot be
  // recomputed; every input of the computation is checked instead.
  DigestCredentials answer = ok(authorization(m[2]));
  EXPECT_EQ(answer.scheme, "Digest");
  EXPECT_EQ(answer.username, "cisco");
  EXPECT_EQ(answer.realm, challenge.realm);
  EXPECT_EQ(answer.nonce, challenge.nonce);
  EXPECT_EQ(answer.uri, "sip:10.180.110.65:5060");
  EXPECT_EQ(answer.uri, m[2].request_uri);
  EXPECT_EQ(answer.response, "3a55608cf3c28051a73097190e50b360");
  EXPECT_EQ(answer.cnonce, "145CD121");
  EXPECT_EQ(answer.qop, "auth");
  EXPECT_EQ(answer.algorithm, "MD5");
  EXPECT_EQ(answer.nc, "00000001");
  EXPECT_FALSE(answer.opaque.has_value());
  EXPECT_EQ(answer.digest_algorithm(), DigestAlgorithm::md5);
  EXPECT_EQ(ok(parse_digest_credentials(to_string(answer))), answer);
  // Frame 4 carries no authentication header.
  EXPECT_EQ(error_of(www_authenticate(m[3])).what, "WWW-Authenticate: missing");
}

TEST(SipDigestVector, ReadsTheNeroChallengeWithOpaqueAndAQuotedNonceCount) {
  auto m = messages_of("sip_register_nero_sipps.pcap");
  ASSERT_EQ(m.size(), 81u);
  DigestChallenge challenge = ok(www_authenticate(m[1]));
  EXPECT_EQ(challenge.realm, "sip.cybercity.dk");
  EXPECT_EQ(challenge.nonce, "1701af566be182070084c6f740706bb");
  EXPECT_EQ(challenge.opaque, "1701a1351f70795");
  EXPECT_EQ(challenge.stale, false);
  EXPECT_EQ(challenge.algorithm, "MD5");
  DigestCredentials answer = ok(authorization(m[2]));
  EXPECT_EQ(answer.username, "voi18063");
  EXPECT_EQ(answer.uri, "sip:192.168.1.2");
  EXPECT_EQ(answer.nonce, challenge.nonce);
  EXPECT_EQ(answer.opaque, challenge.opaque);
  EXPECT_EQ(answer.nc, "00000001"); // sent quoted, which RFC 2617 does not allow
  EXPECT_FALSE(answer.qop.has_value());
  EXPECT_EQ(answer.response, "bd79fecae600a2eb79d37ec73214830b");
  // Frame 40: a 407 with Proxy-Authenticate.
  DigestChallenge proxy = ok(proxy_authenticate(m[39]));
  EXPECT_EQ(proxy.nonce, "1701b4767d49c41117c7b73a255a353");
  int challenges = 0;
  for (const Message& message : m) {
    if (message.find("WWW-Authenticate") || message.find("Proxy-Authenticate")) {
      auto c = message.find("WWW-Authenticate") ? www_authenticate(message)
                                                : proxy_authenticate(message);
      ASSERT_TRUE(c) << c.error().to_string();
      ++challenges;
    }
    if (message.find("Authorization")) {
      ASSERT_TRUE(authorization(message));
    }
    if (message.find("Proxy-Authorization")) {
      ASSERT_TRUE(proxy_authorization(message));
    }
  }
  EXPECT_EQ(challenges, 17); // 14 x 401 + 3 x 407
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

class SipDigestMalformed : public ::testing::TestWithParam<Bad> {};

TEST_P(SipDigestMalformed, ReportsTheExactError) {
  ParseError e = GetParam().run();
  EXPECT_EQ(e.what, GetParam().what);
  EXPECT_EQ(e.offset, GetParam().offset);
}

ParseError challenge_error(std::string_view text) {
  return error_of(parse_digest_challenge(text));
}
ParseError credentials_error(std::string_view text) {
  return error_of(parse_digest_credentials(text));
}

INSTANTIATE_TEST_SUITE_P(
    Headers, SipDigestMalformed,
    ::testing::Values(
        Bad{"BasicScheme", [] { return challenge_error("Basic realm=\"x\""); }, 0,
            "WWW-Authenticate: scheme 'Basic' is not Digest"},
        Bad{"NoScheme", [] { return challenge_error("  =x"); }, 2,
            "WWW-Authenticate: scheme: expected a token, found '='"},
        Bad{"NoParameters", [] { return challenge_error("Digest"); }, 6,
            "WWW-Authenticate: no parameters after the scheme"},
        Bad{"MissingRealm", [] { return challenge_error("Digest nonce=\"n\""); }, 0,
            "WWW-Authenticate: missing realm"},
        Bad{"MissingNonce", [] { return challenge_error("Digest realm=\"r\""); }, 0,
            "WWW-Authenticate: missing nonce"},
        Bad{"DuplicateNonce",
            [] { return challenge_error("Digest realm=\"r\", nonce=\"a\", NONCE=\"b\""); }, 29,
            "WWW-Authenticate: duplicate parameter NONCE"},
        Bad{"StaleMaybe",
            [] { return challenge_error("Digest realm=\"r\", nonce=\"n\", stale=maybe"); }, 29,
            "WWW-Authenticate: stale 'maybe' is neither true nor false"},
        Bad{"EmptyQop", [] { return challenge_error("Digest realm=\"r\", nonce=\"n\", qop=\"\""); },
            29, "WWW-Authenticate: qop: empty or malformed list"},
        Bad{"UnterminatedNonce", [] { return challenge_error("Digest realm=\"r\", nonce=\"n"); },
            24, "WWW-Authenticate: nonce: unterminated quoted string"},
        Bad{"NoEquals", [] { return challenge_error("Digest realm \"r\""); }, 13,
            "WWW-Authenticate: expected '=' after realm, found '\"'"},
        Bad{"EmptyValue", [] { return challenge_error("Digest realm=, nonce=\"n\""); }, 13,
            "WWW-Authenticate: realm: empty value"},
        Bad{"NoComma", [] { return challenge_error("Digest realm=\"r\" nonce=\"n\""); }, 17,
            "WWW-Authenticate: expected ',' between parameters, found 'n'"},
        Bad{"MissingResponse",
            [] {
              return credentials_error(
                  "Digest username=\"u\", realm=\"r\", nonce=\"n\", uri=\"sip:r\"");
            },
            0, "Authorization: missing response"},
        Bad{"NonceCountNotHex",
            [] {
              return credentials_error(
                  "Digest username=\"u\", realm=\"r\", nonce=\"n\", uri=\"sip:r\", "
                  "response=\"x\", nc=1");
            },
            70, "Authorization: nc '1' is not 8 hex digits"},
        Bad{"ProxyAuthenticateMissing",
            [] { return error_of(proxy_authenticate(Message::response(407, "Proxy Auth"))); }, 0,
            "Proxy-Authenticate: missing"}),
    [](const ::testing::TestParamInfo<Bad>& info) { return info.param.name; });

TEST(SipDigestMalformed, ReportsOffsetsWithinTheMessage) {
  auto m = ok(parse(std::string_view(
      "SIP/2.0 401 Unauthorized\r\nWWW-Authenticate: Digest realm=\"r\"\r\n\r\n")));
  ParseError e = error_of(www_authenticate(m));
  EXPECT_EQ(e.what, "WWW-Authenticate: missing nonce");
  EXPECT_EQ(e.offset, 44u); // 26 + "WWW-Authenticate: "
}

} // namespace
} // namespace phonerig::wire::sip
