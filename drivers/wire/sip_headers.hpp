// The structured SIP headers a registrar reads and writes (RFC 3261 section 20, RFC 5626
// section 4.1, Cisco's Contact parameters of reference section 8.1): parse from a header
// value, build back, and read them from a Message. Parameters keep their order and the
// case of their names, so a header built from a parsed one reads the same.
#pragma once

#include "drivers/wire/bytes.hpp"
#include "drivers/wire/sip_message.hpp"
#include "drivers/wire/sip_text.hpp"
#include "drivers/wire/sip_uri.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace phonerig::wire::sip {

// Every parser takes one header value and `base`, the absolute offset of its first
// character (Header::value_offset), for errors such as "Via: expected '/' ...".

// via-parm = sent-protocol LWS sent-by *( SEMI via-params ) (section 20.42)
struct Via {
  std::string protocol = "SIP/2.0"; // protocol-name "/" protocol-version, LWS removed
  std::string transport = "UDP";    // as sent: UDP, TCP, TLS, SCTP, WS
  std::string host;
  std::optional<std::uint16_t> port;
  Params params; // branch, received, rport, maddr, ttl, and any other, in order

  std::optional<std::string> branch() const { return param_value(params, "branch"); }
  std::optional<std::string> received() const { return param_value(params, "received"); }
  // RFC 3581: `rport` alone in a request, `rport=<port>` in the response.
  bool has_rport() const { return has_param(params, "rport"); }
  std::optional<std::uint16_t> rport() const;
  std::string sent_by() const; // host[:port]
  bool operator==(const Via&) const = default;
};
ParseResult<Via> parse_via(std::string_view value, std::size_t base = 0);
// A whole Via header value: one or more via-parms separated by commas.
ParseResult<std::vector<Via>> parse_via_list(std::string_view value, std::size_t base = 0);
std::string to_string(const Via& via);

// name-addr / addr-spec with header parameters: From, To (section 20.20, 20.39), one
// Contact (20.10) or Route element.
struct NameAddr {
  std::optional<std::string> display_name; // without quotes; nullopt when absent
  bool display_quoted = false;
  // false: written as a bare addr-spec ("sip:a@b;tag=1"). Built with brackets anyway when
  // there is a display name or the URI has parameters or headers (section 20.10).
  bool angle_brackets = true;
  Uri uri;
  Params params; // after the URI: tag, expires, q, +sip.instance, ...

  std::optional<std::string> tag() const { return param_value(params, "tag"); }

  // Contact parameters, checked by parse_contact():
  std::optional<std::uint32_t> expires() const;  // delta-seconds (section 20.10)
  std::optional<std::uint16_t> q_millis() const; // qvalue x 1000: "0.500" -> 500
  // RFC 5626 section 4.1: +sip.instance="<urn:uuid:...>"; returns the URN without <>.
  std::optional<std::string> instance_id() const;
  std::optional<std::uint32_t> reg_id() const; // RFC 5626 reg-id
  // Cisco (reference section 8.1): +u.sip!devicename.ccm.cisco.com="SEP<MAC>",
  // +u.sip!model.ccm.cisco.com="<model enum>"; x-cisco-newreg in CUCM's 200 OK.
  std::optional<std::string> cisco_device_name() const;
  std::optional<std::string> cisco_model() const;
  bool cisco_new_registration() const { return has_param(params, "x-cisco-newreg"); }

  bool operator==(const NameAddr&) const = default;
};
ParseResult<NameAddr> parse_name_addr(std::string_view value, std::size_t base = 0);
std::string to_string(const NameAddr& address);

inline constexpr std::string_view kInstanceParam = "+sip.instance";
inline constexpr std::string_view kRegIdParam = "reg-id";
inline constexpr std::string_view kCiscoDeviceNameParam = "+u.sip!devicename.ccm.cisco.com";
inline constexpr std::string_view kCiscoModelParam = "+u.sip!model.ccm.cisco.com";
inline constexpr std::string_view kCiscoNewRegParam = "x-cisco-newreg";

// Contact = ( STAR / (contact-param *(COMMA contact-param)) ) (section 20.10).
struct ContactList {
  bool wildcard = false; // "Contact: *" (only with Expires: 0, a registrar checks)
  std::vector<NameAddr> contacts;
  bool operator==(const ContactList&) const = default;
};
// One Contact header value. Checks expires (32-bit delta-seconds), q (qvalue),
// reg-id (1..2^31-1) and that +sip.instance is a quoted "<URN>".
ParseResult<ContactList> parse_contact(std::string_view value, std::size_t base = 0);
std::string to_string(const ContactList& contacts);

// CSeq = 1*DIGIT LWS Method (section 20.16); the number fits 32 bits (section 8.1.1.5).
struct CSeq {
  std::uint32_t number = 0;
  std::string method;
  bool operator==(const CSeq&) const = default;
};
ParseResult<CSeq> parse_cseq(std::string_view value, std::size_t base = 0);
std::string to_string(const CSeq& cseq);

// callid = word [ "@" word ] (section 20.8): no whitespace, not empty.
ParseResult<std::string> parse_call_id(std::string_view value, std::size_t base = 0);

// A decimal header value no larger than `max`: Expires, Min-Expires (delta-seconds, 32
// bits), Content-Length, Max-Forwards (0-255, section 20.22). `name` prefixes errors.
ParseResult<std::uint32_t> parse_number(std::string_view value, std::size_t base,
                                        std::string_view name, std::uint32_t max);

// The same, read from a message. A required header that is missing is an error
// ("From: missing" at offset 0); optional ones read as nullopt.
ParseResult<std::vector<Via>> vias(const Message& message);
ParseResult<NameAddr> from(const Message& message);
ParseResult<NameAddr> to(const Message& message);
ParseResult<CSeq> cseq(const Message& message);
ParseResult<std::string> call_id(const Message& message);
// Every Contact header, in order; none gives an empty list.
ParseResult<ContactList> contacts(const Message& message);
ParseResult<std::optional<std::uint32_t>> expires(const Message& message);
ParseResult<std::optional<std::uint32_t>> min_expires(const Message& message);
ParseResult<std::optional<std::uint32_t>> max_forwards(const Message& message);
std::optional<std::string_view> user_agent(const Message& message);
std::optional<std::string_view> server(const Message& message);

} // namespace phonerig::wire::sip
