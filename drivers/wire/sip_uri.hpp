// SIP and SIPS URIs (RFC 3261 section 19.1): enough for a registrar to read the
// Request-URI, the address of record in To and the bindings in Contact.
#pragma once

#include "drivers/wire/bytes.hpp"
#include "drivers/wire/sip_text.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace phonerig::wire::sip {

struct Uri {
  // sip:user:password@host:port;uri-parameters?headers
  std::string scheme = "sip"; // as sent; compare with iequals
  std::string user;           // as sent, %-escapes kept; empty when there is no userinfo
  std::optional<std::string> password;
  std::string host; // hostname, IPv4 address, or IPv6 reference with its brackets
  std::optional<std::uint16_t> port;
  Params params; // uri-parameters: transport, user, lr, maddr, ... (never quoted)
  std::vector<std::pair<std::string, std::string>> headers; // after '?': hname=hvalue
  // Any other scheme (tel:, urn:, http:): everything after the ':' as sent; the fields
  // above are then empty.
  std::string opaque;

  bool is_sip() const; // sip or sips
  bool is_sips() const;
  // The transport parameter when present ("tcp").
  std::optional<std::string> transport() const { return param_value(params, "transport"); }
  // "host" or "host:port", as a Via sent-by or a binding key would compare it.
  std::string host_port() const;
  bool operator==(const Uri&) const = default;
};

// hostport = host [ ":" port ] at the scanner (RFC 3261 section 25.1), shared with Via's
// sent-by: a hostname, an IPv4 address or an IPv6 reference kept with its brackets.
ParseResult<bool> parse_host_port(TextScanner& scanner, std::string& host,
                                  std::optional<std::uint16_t>& port);

// `base` is the absolute offset of text[0], for errors ("URI: port 70000 out of range").
ParseResult<Uri> parse_uri(std::string_view text, std::size_t base = 0);
std::string to_string(const Uri& uri);

} // namespace phonerig::wire::sip
