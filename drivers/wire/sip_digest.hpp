// HTTP Digest authentication as SIP uses it (RFC 3261 section 22.4, RFC 2617 section 3,
// RFC 7616 for SHA-256): the challenge of a 401/407 (WWW-Authenticate,
// Proxy-Authenticate), the credentials of the retried request (Authorization,
// Proxy-Authorization), and the response computation. Hashes come from libcrypto.
#pragma once

#include "drivers/wire/bytes.hpp"
#include "drivers/wire/sip_message.hpp"
#include "drivers/wire/sip_text.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace phonerig::wire::sip {

// algorithm = "MD5" / "MD5-sess" / "SHA-256" / "SHA-256-sess" (RFC 7616 section 3.3);
// absent means MD5 (RFC 2617 section 3.2.1).
enum class DigestAlgorithm { md5, md5_sess, sha256, sha256_sess };
// Case-insensitive; nullopt for an algorithm we cannot compute.
std::optional<DigestAlgorithm> parse_digest_algorithm(std::string_view text);
std::string_view to_string(DigestAlgorithm algorithm);

// challenge = "Digest" LWS digest-cln *(COMMA digest-cln) (RFC 2617 section 3.2.1).
struct DigestChallenge {
  std::string scheme = "Digest"; // as sent (Cisco IOS writes "DIGEST"); any case parses
  std::string realm;
  std::optional<std::string> domain;
  std::string nonce;
  std::optional<std::string> opaque;
  std::optional<bool> stale;
  std::optional<std::string> algorithm; // as sent ("MD5")
  std::vector<std::string> qop;         // qop-options: {"auth"}; empty when absent
  Params other;                         // any other auth-param, in order

  // The algorithm to compute with: absent is MD5; nullopt when unknown.
  std::optional<DigestAlgorithm> digest_algorithm() const;
  bool operator==(const DigestChallenge&) const = default;
};

// credentials = "Digest" LWS dig-resp *(COMMA dig-resp) (RFC 2617 section 3.2.2).
struct DigestCredentials {
  std::string scheme = "Digest";
  std::string username;
  std::string realm;
  std::string nonce;
  std::string uri;      // digest-uri, the Request-URI as the client wrote it
  std::string response; // lower-case hex
  std::optional<std::string> algorithm;
  std::optional<std::string> cnonce;
  std::optional<std::string> opaque;
  std::optional<std::string> qop; // the one chosen: "auth" (unquoted on the wire)
  std::optional<std::string> nc;  // nonce-count, 8 hex digits: "00000001"
  Params other;

  std::optional<DigestAlgorithm> digest_algorithm() const;
  bool operator==(const DigestCredentials&) const = default;
};

// One header value. `context` names the header in errors ("WWW-Authenticate: missing
// nonce"). Names and the scheme are case-insensitive; values quoted or not; a parameter
// given twice is an error (RFC 7616 section 3.3).
ParseResult<DigestChallenge> parse_digest_challenge(std::string_view value, std::size_t base = 0,
                                                    std::string_view context = "WWW-Authenticate");
ParseResult<DigestCredentials> parse_digest_credentials(std::string_view value,
                                                        std::size_t base = 0,
                                                        std::string_view context = "Authorization");
// RFC 2617 quoting: realm, domain, nonce, opaque, qop-options, username, uri, response,
// cnonce quoted; algorithm, stale, the chosen qop and nc as tokens (quoted only when a
// parsed value is not a token, so that it reads back the same).
std::string to_string(const DigestChallenge& challenge);
std::string to_string(const DigestCredentials& credentials);

// From a message: the first WWW-Authenticate (or Proxy-Authenticate), the first
// Authorization (or Proxy-Authorization). A missing header is an error.
ParseResult<DigestChallenge> www_authenticate(const Message& message);
ParseResult<DigestChallenge> proxy_authenticate(const Message& message);
ParseResult<DigestCredentials> authorization(const Message& message);
ParseResult<DigestCredentials> proxy_authorization(const Message& message);

struct DigestInput {
  DigestAlgorithm algorithm = DigestAlgorithm::md5;
  std::string_view username;
  std::string_view realm;
  std::string_view password;
  std::string_view method; // REGISTER
  std::string_view uri;    // the digest-uri
  std::string_view nonce;
  std::string_view qop;    // "" (RFC 2069 compatibility), "auth" or "auth-int"
  std::string_view nc;     // with qop
  std::string_view cnonce; // with qop or a -sess algorithm
  std::string_view body;   // auth-int only
};

// Lower-case hex of MD5 or SHA-256 (the algorithm's hash, -sess or not).
std::string digest_hash(DigestAlgorithm algorithm, std::string_view data);
// HA1 = H(username:realm:password), for -sess H(HA1:nonce:cnonce) (RFC 7616 section 3.4.2).
std::string digest_ha1(const DigestInput& input);
// HA2 = H(method:uri), for auth-int H(method:uri:H(body)) (RFC 7616 section 3.4.3).
std::string digest_ha2(const DigestInput& input);
// qop absent: H(HA1:nonce:HA2); else H(HA1:nonce:nc:cnonce:qop:HA2) (RFC 7616 section 3.4.1).
std::string compute_response(const DigestInput& input);

// The response these credentials should carry for `password` and `method`: what a
// registrar compares with credentials.response. nullopt when the algorithm or the qop is
// unknown, or qop is given without nc and cnonce.
std::optional<std::string> expected_response(const DigestCredentials& credentials,
                                             std::string_view password, std::string_view method,
                                             std::string_view body = {});

} // namespace phonerig::wire::sip
