#include "drivers/wire/sip_digest.hpp"

#include <array>
#include <openssl/evp.h>
#include <stdexcept>

namespace phonerig::wire::sip {

namespace {

struct AuthParam {
  std::string name;
  std::string value;
  bool quoted = false;
  std::size_t at = 0; // position of the name within the header value
};

struct AuthHeader {
  std::string scheme;
  std::vector<AuthParam> params;
};

bool is_unquoted_value_char(char c) {
  auto byte = static_cast<unsigned char>(c);
  return byte > 0x20 && byte != 0x7f && c != ',' && c != '"';
}

// auth-scheme LWS auth-param *(COMMA auth-param), auth-param = token EQUAL
// ( token / quoted-string ) (RFC 3261 section 25.1, RFC 7235 section 2.1).
ParseResult<AuthHeader> parse_auth_header(TextScanner& s) {
  AuthHeader header;
  s.skip_ws();
  PHONERIG_TRY(std::string_view scheme, s.token("scheme"));
  if (!iequals(scheme, "Digest")) {
    return s.error_at(0, "scheme '" + std::string(scheme) + "' is not Digest");
  }
  header.scheme = std::string(scheme);
  s.skip_ws();
  if (s.at_end()) return s.error("no parameters after the scheme");
  for (;;) {
    s.skip_ws();
    std::size_t at = s.position();
    PHONERIG_TRY(std::string_view name, s.token("parameter name"));
    for (const AuthParam& seen : header.params) {
      if (iequals(seen.name, name)) {
        return s.error_at(at, "duplicate parameter " + std::string(name));
      }
    }
    AuthParam param{std::string(name), {}, false, at};
    s.skip_ws();
    PHONERIG_CHECK(s.expect('=', "after " + param.name));
    s.skip_ws();
    if (s.peek() == '"') {
      PHONERIG_TRY(param.value, s.quoted_string(param.name));
      param.quoted = true;
    } else {
      std::string_view value = s.take_while(is_unquoted_value_char);
      if (value.empty()) return s.error(param.name + ": empty value");
      param.value = std::string(value);
    }
    header.params.push_back(std::move(param));
    s.skip_ws();
    if (s.at_end()) return header;
    PHONERIG_CHECK(s.expect(',', "between parameters"));
  }
}

bool is_hex8(std::string_view text) {
  if (text.size() != 8) return false;
  for (char c : text) {
    bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    if (!hex) return false;
  }
  return true;
}

void append_param(std::string& out, std::string_view name, std::string_view value, bool quoted) {
  out += out.back() == ' ' ? "" : ", ";
  out.append(name).append("=").append(quoted ? quote(value) : std::string(value));
}

// Token-valued parameters (algorithm, qop, nc) are written bare when they are tokens,
// quoted otherwise, so that whatever was parsed reads back the same.
void append_token(std::string& out, std::string_view name, std::string_view value) {
  append_param(out, name, value, !is_token(value));
}

void append_other(std::string& out, const Params& other) {
  for (const Param& p : other)
    append_param(out, p.name, p.value.value_or(""), p.quoted);
}

template <class T>
ParseResult<T> from_header(const Message& message, std::string_view name,
                           ParseResult<T> (*parse)(std::string_view, std::size_t,
                                                   std::string_view)) {
  const Header* h = message.find(name);
  if (h == nullptr) return parse_error(0, std::string(name) + ": missing");
  return parse(h->value, h->value_offset, name);
}

} // namespace

std::optional<DigestAlgorithm> parse_digest_algorithm(std::string_view text) {
  if (iequals(text, "MD5")) return DigestAlgorithm::md5;
  if (iequals(text, "MD5-sess")) return DigestAlgorithm::md5_sess;
  if (iequals(text, "SHA-256")) return DigestAlgorithm::sha256;
  if (iequals(text, "SHA-256-sess")) return DigestAlgorithm::sha256_sess;
  return std::nullopt;
}

std::string_view to_string(DigestAlgorithm algorithm) {
  switch (algorithm) {
  case DigestAlgorithm::md5: return "MD5";
  case DigestAlgorithm::md5_sess: return "MD5-sess";
  case DigestAlgorithm::sha256: return "SHA-256";
  case DigestAlgorithm::sha256_sess: return "SHA-256-sess";
  }
  return "MD5";
}

std::optional<DigestAlgorithm> DigestChallenge::digest_algorithm() const {
  return algorithm ? parse_digest_algorithm(*algorithm) : DigestAlgorithm::md5;
}

std::optional<DigestAlgorithm> DigestCredentials::digest_algorithm() const {
  return algorithm ? parse_digest_algorithm(*algorithm) : DigestAlgorithm::md5;
}

ParseResult<DigestChallenge> parse_digest_challenge(std::string_view value, std::size_t base,
                                                    std::string_view context) {
  TextScanner s(value, base, context);
  PHONERIG_TRY(AuthHeader header, parse_auth_header(s));
  DigestChallenge c;
  c.scheme = header.scheme;
  bool has_realm = false;
  bool has_nonce = false;
  for (AuthParam& p : header.params) {
    if (iequals(p.name, "realm")) {
      c.realm = std::move(p.value);
      has_realm = true;
    } else if (iequals(p.name, "nonce")) {
      c.nonce = std::move(p.value);
      has_nonce = true;
    } else if (iequals(p.name, "domain")) {
      c.domain = std::move(p.value);
    } else if (iequals(p.name, "opaque")) {
      c.opaque = std::move(p.value);
    } else if (iequals(p.name, "stale")) {
      if (!iequals(p.value, "true") && !iequals(p.value, "false")) {
        return s.error_at(p.at, "stale '" + p.value + "' is neither true nor false");
      }
      c.stale = iequals(p.value, "true");
    } else if (iequals(p.name, "algorithm")) {
      c.algorithm = std::move(p.value);
    } else if (iequals(p.name, "qop")) {
      // qop-options = "qop" EQUAL LDQUOT qop-value *("," qop-value) RDQUOT
      auto items = split_list(p.value, 0, "");
      if (!items || items->empty()) return s.error_at(p.at, "qop: empty or malformed list");
      for (const ListItem& item : *items)
        c.qop.emplace_back(item.text);
    } else {
      c.other.push_back(Param{std::move(p.name), std::move(p.value), p.quoted});
    }
  }
  if (!has_realm) return s.error_at(0, "missing realm");
  if (!has_nonce) return s.error_at(0, "missing nonce");
  return c;
}

ParseResult<DigestCredentials> parse_digest_credentials(std::string_view value, std::size_t base,
                                                        std::string_view context) {
  TextScanner s(value, base, context);
  PHONERIG_TRY(AuthHeader header, parse_auth_header(s));
  DigestCredentials c;
  c.scheme = header.scheme;
  // RFC 2617 section 3.2.2: username, realm, nonce, digest-uri and response are required.
  std::array<std::pair<std::string_view, std::string*>, 5> required{{
      {"username", &c.username},
      {"realm", &c.realm},
      {"nonce", &c.nonce},
      {"uri", &c.uri},
      {"response", &c.response},
  }};
  std::array<bool, 5> seen{};
  for (AuthParam& p : header.params) {
    bool known = false;
    for (std::size_t i = 0; i < required.size(); ++i) {
      if (iequals(p.name, required[i].first)) {
        *required[i].second = std::move(p.value);
        seen[i] = true;
        known = true;
      }
    }
    if (known) continue;
    if (iequals(p.name, "algorithm")) {
      c.algorithm = std::move(p.value);
    } else if (iequals(p.name, "cnonce")) {
      c.cnonce = std::move(p.value);
    } else if (iequals(p.name, "opaque")) {
      c.opaque = std::move(p.value);
    } else if (iequals(p.name, "qop")) {
      c.qop = std::move(p.value);
    } else if (iequals(p.name, "nc")) {
      // nonce-count = "nc" EQUAL nc-value, nc-value = 8LHEX
      if (!is_hex8(p.value)) {
        return s.error_at(p.at, "nc '" + p.value + "' is not 8 hex digits");
      }
      c.nc = std::move(p.value);
    } else {
      c.other.push_back(Param{std::move(p.name), std::move(p.value), p.quoted});
    }
  }
  for (std::size_t i = 0; i < required.size(); ++i) {
    if (!seen[i]) return s.error_at(0, "missing " + std::string(required[i].first));
  }
  return c;
}

std::string to_string(const DigestChallenge& c) {
  std::string out = c.scheme + " ";
  append_param(out, "realm", c.realm, true);
  if (c.domain) append_param(out, "domain", *c.domain, true);
  append_param(out, "nonce", c.nonce, true);
  if (c.opaque) append_param(out, "opaque", *c.opaque, true);
  if (c.stale) append_param(out, "stale", *c.stale ? "true" : "false", false);
  if (c.algorithm) append_token(out, "algorithm", *c.algorithm);
  if (!c.qop.empty()) {
    std::string options;
    for (const std::string& q : c.qop)
      options += (options.empty() ? "" : ",") + q;
    append_param(out, "qop", options, true);
  }
  append_other(out, c.other);
  return out;
}

std::string to_string(const DigestCredentials& c) {
  std::string out = c.scheme + " ";
  append_param(out, "username", c.username, true);
  append_param(out, "realm", c.realm, true);
  append_param(out, "nonce", c.nonce, true);
  append_param(out, "uri", c.uri, true);
  append_param(out, "response", c.response, true);
  if (c.algorithm) append_token(out, "algorithm", *c.algorithm);
  if (c.cnonce) append_param(out, "cnonce", *c.cnonce, true);
  if (c.opaque) append_param(out, "opaque", *c.opaque, true);
  if (c.qop) append_token(out, "qop", *c.qop);
  if (c.nc) append_token(out, "nc", *c.nc);
  append_other(out, c.other);
  return out;
}

ParseResult<DigestChallenge> www_authenticate(const Message& message) {
  return from_header<DigestChallenge>(message, "WWW-Authenticate", &parse_digest_challenge);
}

ParseResult<DigestChallenge> proxy_authenticate(const Message& message) {
  return from_header<DigestChallenge>(message, "Proxy-Authenticate", &parse_digest_challenge);
}

ParseResult<DigestCredentials> authorization(const Message& message) {
  return from_header<DigestCredentials>(message, "Authorization", &parse_digest_credentials);
}

ParseResult<DigestCredentials> proxy_authorization(const Message& message) {
  return from_header<DigestCredentials>(message, "Proxy-Authorization", &parse_digest_credentials);
}

std::string digest_hash(DigestAlgorithm algorithm, std::string_view data) {
  bool md5 = algorithm == DigestAlgorithm::md5 || algorithm == DigestAlgorithm::md5_sess;
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  if (EVP_Digest(data.data(), data.size(), digest.data(), &length, md5 ? EVP_md5() : EVP_sha256(),
                 nullptr) != 1) {
    // Only a libcrypto without these digests (a FIPS provider refusing MD5) gets here.
    throw std::runtime_error("EVP_Digest failed for " + std::string(to_string(algorithm)));
  }
  return to_hex(Bytes(digest.data(), length));
}

std::string digest_ha1(const DigestInput& in) {
  std::string joined;
  joined.append(in.username).append(":").append(in.realm).append(":").append(in.password);
  std::string ha1 = digest_hash(in.algorithm, joined);
  if (in.algorithm == DigestAlgorithm::md5_sess || in.algorithm == DigestAlgorithm::sha256_sess) {
    std::string sess = ha1;
    sess.append(":").append(in.nonce).append(":").append(in.cnonce);
    ha1 = digest_hash(in.algorithm, sess);
  }
  return ha1;
}

std::string digest_ha2(const DigestInput& in) {
  std::string joined;
  joined.append(in.method).append(":").append(in.uri);
  if (iequals(in.qop, "auth-int")) joined.append(":").append(digest_hash(in.algorithm, in.body));
  return digest_hash(in.algorithm, joined);
}

std::string compute_response(const DigestInput& in) {
  std::string joined = digest_ha1(in);
  joined.append(":").append(in.nonce).append(":");
  if (!in.qop.empty()) {
    joined.append(in.nc).append(":").append(in.cnonce).append(":").append(in.qop).append(":");
  }
  joined.append(digest_ha2(in));
  return digest_hash(in.algorithm, joined);
}

std::optional<std::string> expected_response(const DigestCredentials& c, std::string_view password,
                                             std::string_view method, std::string_view body) {
  auto algorithm = c.digest_algorithm();
  if (!algorithm) return std::nullopt;
  std::string_view qop = c.qop ? std::string_view(*c.qop) : std::string_view();
  if (!qop.empty() && (!iequals(qop, "auth") && !iequals(qop, "auth-int"))) return std::nullopt;
  if (!qop.empty() && (!c.nc || !c.cnonce)) return std::nullopt;
  DigestInput in;
  in.algorithm = *algorithm;
  in.username = c.username;
  in.realm = c.realm;
  in.password = password;
  in.method = method;
  in.uri = c.uri;
  in.nonce = c.nonce;
  in.qop = qop;
  in.nc = c.nc ? std::string_view(*c.nc) : std::string_view();
  in.cnonce = c.cnonce ? std::string_view(*c.cnonce) : std::string_view();
  in.body = body;
  return compute_response(in);
}

} // namespace phonerig::wire::sip
