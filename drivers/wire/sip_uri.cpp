#include "drivers/wire/sip_uri.hpp"

namespace phonerig::wire::sip {

namespace {

bool is_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_hex(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
// Characters never part of a URI as SIP carries it: CTL, SP, and the delimiters of the
// header syntax around it (RFC 3986 section 2, RFC 3261 section 19.1.2).
bool is_excluded(char c) {
  auto byte = static_cast<unsigned char>(c);
  return byte <= 0x20 || byte == 0x7f || c == '<' || c == '>' || c == '"';
}
// user = 1*( unreserved / escaped / user-unreserved ): everything but the delimiters.
bool is_user_char(char c) {
  return !is_excluded(c) && c != '@' && c != ':';
}
bool is_password_char(char c) {
  return !is_excluded(c) && c != '@';
}
// hostname = *( domainlabel "." ) toplabel; '_' is tolerated, as resolvers do.
bool is_host_char(char c) {
  return is_alpha(c) || is_digit(c) || c == '-' || c == '.' || c == '_';
}
bool is_ipv6_char(char c) {
  return is_hex(c) || c == ':' || c == '.';
}
// paramchar and hnv chars, without the separators of the list they sit in.
bool is_param_char(char c) {
  return !is_excluded(c) && c != ';' && c != '?' && c != '=';
}
bool is_header_char(char c) {
  return !is_excluded(c) && c != '&' && c != '=';
}

std::string shown(char c) {
  if (static_cast<unsigned char>(c) > 0x20 && static_cast<unsigned char>(c) < 0x7f) {
    return std::string("'") + c + "'";
  }
  static constexpr char kHex[] = "0123456789abcdef";
  auto byte = static_cast<unsigned char>(c);
  return std::string("0x") + kHex[byte >> 4] + kHex[byte & 0x0f];
}

ParseResult<bool> check_escapes(TextScanner& s, std::string_view text, std::size_t at,
                                std::string_view what) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') continue;
    if (i + 2 >= text.size() || !is_hex(text[i + 1]) || !is_hex(text[i + 2])) {
      return s.error_at(at + i, std::string(what) + ": bad %-escape");
    }
  }
  return true;
}

} // namespace

ParseResult<bool> parse_host_port(TextScanner& s, std::string& host_out,
                                  std::optional<std::uint16_t>& port_out) {
  std::size_t host_at = s.position();
  if (s.peek() == '[') {
    s.consume('[');
    std::string_view address = s.take_while(is_ipv6_char);
    if (address.empty()) return s.error("empty IPv6 reference");
    PHONERIG_CHECK(s.expect(']', "to close the IPv6 reference"));
    host_out = "[" + std::string(address) + "]";
  } else {
    std::string_view host = s.take_while(is_host_char);
    if (host.empty()) {
      return s.error_at(host_at, s.at_end()
                                     ? std::string("no host")
                                     : "invalid character " + shown(s.peek()) + " in the host");
    }
    host_out = std::string(host);
  }
  if (s.consume(':')) {
    std::size_t port_at = s.position();
    std::string_view digits = s.take_while(is_digit);
    auto port = parse_decimal(digits, 65535);
    if (!port) {
      if (digits.empty()) return s.error_at(port_at, "empty port");
      return s.error_at(port_at, "port " + std::string(digits) + " out of range");
    }
    port_out = static_cast<std::uint16_t>(*port);
  }
  return true;
}

bool Uri::is_sip() const {
  return iequals(scheme, "sip") || iequals(scheme, "sips");
}
bool Uri::is_sips() const {
  return iequals(scheme, "sips");
}

std::string Uri::host_port() const {
  return port ? host + ":" + std::to_string(*port) : host;
}

ParseResult<Uri> parse_uri(std::string_view text, std::size_t base) {
  TextScanner s(text, base, "URI");
  Uri uri;
  // scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) (RFC 3986 section 3.1)
  std::string_view scheme = s.take_while(
      [](char c) { return is_alpha(c) || is_digit(c) || c == '+' || c == '-' || c == '.'; });
  if (scheme.empty() || !is_alpha(scheme.front()) || s.peek() != ':') {
    return s.error_at(0, "no scheme");
  }
  s.consume(':');
  uri.scheme = std::string(scheme);
  if (!uri.is_sip()) {
    std::size_t at = s.position();
    std::string_view opaque = s.take_while([](char c) { return !is_excluded(c); });
    if (!s.at_end()) return s.error("invalid character " + shown(s.peek()));
    if (opaque.empty()) return s.error_at(at, "empty after the scheme");
    uri.opaque = std::string(opaque);
    return uri;
  }
  // userinfo = ( user / telephone-subscriber ) [ ":" password ] "@"; '@' appears nowhere
  // else in a SIP URI, so its presence decides.
  if (s.rest().find('@') != std::string_view::npos) {
    std::size_t user_at = s.position();
    std::string_view user = s.take_while(is_user_char);
    if (user.empty()) return s.error("empty user");
    PHONERIG_CHECK(check_escapes(s, user, user_at, "user"));
    uri.user = std::string(user);
    if (s.consume(':')) uri.password = std::string(s.take_while(is_password_char));
    PHONERIG_CHECK(s.expect('@', "after the user"));
  }
  PHONERIG_CHECK(parse_host_port(s, uri.host, uri.port));
  // uri-parameters = *( ";" uri-parameter ), uri-parameter = pname [ "=" pvalue ]
  while (s.consume(';')) {
    std::size_t at = s.position();
    std::string_view name = s.take_while(is_param_char);
    if (name.empty()) return s.error_at(at, "empty parameter name");
    Param param{std::string(name), std::nullopt, false};
    if (s.consume('=')) {
      std::size_t value_at = s.position();
      std::string_view value = s.take_while(is_param_char);
      if (value.empty()) return s.error_at(value_at, "parameter " + param.name + ": empty value");
      PHONERIG_CHECK(check_escapes(s, value, value_at, "parameter " + param.name));
      param.value = std::string(value);
    }
    uri.params.push_back(std::move(param));
  }
  // headers = "?" header *( "&" header ), header = hname "=" hvalue
  if (s.consume('?')) {
    do {
      std::size_t at = s.position();
      std::string_view name = s.take_while(is_header_char);
      if (name.empty()) return s.error_at(at, "empty header name");
      PHONERIG_CHECK(s.expect('=', "after the URI header name"));
      std::string_view value = s.take_while(is_header_char);
      uri.headers.emplace_back(std::string(name), std::string(value));
    } while (s.consume('&'));
  }
  if (!s.at_end()) return s.error("unexpected " + shown(s.peek()));
  return uri;
}

std::string to_string(const Uri& uri) {
  std::string out = uri.scheme + ":";
  if (!uri.is_sip()) return out + uri.opaque;
  if (!uri.user.empty()) {
    out += uri.user;
    if (uri.password) out += ":" + *uri.password;
    out += '@';
  }
  out += uri.host_port();
  append_params(out, uri.params);
  for (std::size_t i = 0; i < uri.headers.size(); ++i) {
    out += (i == 0) ? '?' : '&';
    out += uri.headers[i].first + "=" + uri.headers[i].second;
  }
  return out;
}

} // namespace phonerig::wire::sip
