// SIP messages (RFC 3261 section 7): the start line, the ordered header fields and the
// body, parsed from one UDP datagram or framed out of a TCP byte stream (section 18.3,
// with the RFC 5626 section 3.5.1 CRLF keep-alives), and built back.
#pragma once

#include "drivers/wire/bytes.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace phonerig::wire::sip {

// One header field line. The value is unfolded (RFC 3261 section 7.3.1: a continuation
// line's CRLF and leading whitespace become one SP) and trimmed; several comma-separated
// values stay on their line as sent, values() splits them.
struct Header {
  std::string name; // as sent: "v", "via", "Via"
  std::string value;
  // Where the value started in the parsed buffer (0 for a header built in code), so the
  // structured parsers of sip_headers.hpp report absolute offsets; not part of equality.
  std::size_t value_offset = 0;
  // The bytes between name and value as sent (HCOLON and the whitespace after it), kept
  // so that "Expires:  3600" comes back byte for byte; not part of equality. build()
  // writes ": " when this is not one ':' among SP/HTAB.
  std::string separator = ": ";

  // The long name in its RFC spelling ("v" -> "Via"); unknown names as sent.
  std::string_view canonical() const;
  bool operator==(const Header& other) const { return name == other.name && value == other.value; }
};

struct Message {
  // Request-Line = Method SP Request-URI SP SIP-Version (RFC 3261 section 7.1).
  std::string method;      // empty for a response
  std::string request_uri; // as sent; sip_uri.hpp parses it
  // Status-Line = SIP-Version SP Status-Code SP Reason-Phrase (section 7.2).
  int status_code = 0; // 0 for a request
  std::string reason;
  std::string version = "SIP/2.0"; // as sent; only SIP/2.0 (any case) parses
  std::vector<Header> headers;     // in order
  std::string body;                // bytes, possibly binary

  static Message request(std::string method, std::string request_uri);
  static Message response(int status_code, std::string reason);

  bool is_request() const { return status_code == 0; }
  bool is_response() const { return status_code != 0; }

  // First header of that name (compact or long form, any case), or nullptr.
  const Header* find(std::string_view name) const;
  Header* find(std::string_view name);
  // Its value; nullopt when absent.
  std::optional<std::string_view> get(std::string_view name) const;
  // Every value of that header in order; for list headers (Via, Contact, ...) the values
  // of each line split at top-level commas. A list that does not split (an unterminated
  // quoted string) is returned whole: parse() rejects such messages.
  std::vector<std::string_view> values(std::string_view name) const;
  std::size_t count(std::string_view name) const;

  Message& add(std::string name, std::string value);
  // Replaces the value of the first header of that name (keeping its place and its
  // spelling), or appends one.
  Message& set(std::string_view name, std::string value);
  // Removes every header of that name; returns how many.
  std::size_t remove(std::string_view name);

  bool operator==(const Message&) const = default;
};

// Bounds applied before anything is stored (RFC 3261 leaves them to the implementation).
struct Limits {
  std::size_t max_header_bytes = 64 * 1024; // start line through the empty line
  std::size_t max_headers = 200;
  std::size_t max_body = 1024 * 1024;
};

// One UDP datagram (RFC 3261 section 18.3): the body is what follows the empty line.
// A Content-Length larger than that is an error; bytes beyond a smaller one are
// discarded, as section 18.3 says. The CSeq method must match a request's method and
// the CSeq number fit 32 bits (section 8.1.1.5); list headers must split.
ParseResult<Message> parse(Bytes datagram, const Limits& limits = {});
inline ParseResult<Message> parse(std::string_view datagram, const Limits& limits = {}) {
  return parse(as_bytes(datagram), limits);
}

// The result of framing a stream: a whole message, a need for more bytes, or an error
// (after which the connection cannot be resynchronised and should be closed).
struct StreamFrame {
  enum class Status { complete, need_more, error };
  Status status = Status::need_more;
  Message message; // complete only
  // complete: the keep-alive CRLFs, the message and its body; need_more: only the
  // keep-alive CRLFs, which the caller may drop. Never beyond the buffer.
  std::size_t consumed = 0;
  // CRLF pairs skipped before the start line (RFC 3261 section 7.5; RFC 5626 section
  // 3.5.1: a double CRLF "ping" is answered with a single CRLF "pong").
  std::size_t keepalive_crlfs = 0;
  ParseError error; // error only

  bool complete() const { return status == Status::complete; }
};

// Frames the next message at the start of `buffer` (stream transports: TCP, TLS). The
// Content-Length header is required (section 18.3) and bounds the body.
StreamFrame parse_stream(Bytes buffer, const Limits& limits = {});

// The message as sent: start line, "Name: value" lines, empty line, body. Content-Length
// is set to the body size (every Content-Length header is rewritten in place, one is
// appended when there is none). Precondition: no CR or LF inside names and values.
ByteVector build(const Message& message);
std::string build_string(const Message& message);

} // namespace phonerig::wire::sip
