#include "drivers/wire/sip_message.hpp"

#include "drivers/wire/sip_headers.hpp"
#include "drivers/wire/sip_names.hpp"
#include "drivers/wire/sip_text.hpp"

#include <utility>

namespace phonerig::wire::sip {

namespace {

constexpr std::string_view kVersion = "SIP/2.0";

bool is_ctl(char c) {
  auto byte = static_cast<unsigned char>(c);
  return (byte < 0x20 && c != '\t') || byte == 0x7f;
}

std::string hex_byte(char c) {
  static constexpr char kHex[] = "0123456789abcdef";
  auto byte = static_cast<unsigned char>(c);
  return std::string("0x") + kHex[byte >> 4] + kHex[byte & 0x0f];
}

// HCOLON = *( SP / HTAB ) ":" SWS, on one line.
bool valid_separator(std::string_view separator) {
  std::size_t colons = 0;
  for (char c : separator) {
    if (c == ':') {
      ++colons;
    } else if (c != ' ' && c != '\t') {
      return false;
    }
  }
  return colons == 1;
}

// The header section up to and including its empty line, or a need for more bytes.
struct Head {
  Message message;
  std::size_t length = 0; // bytes through the empty line
  std::optional<std::uint64_t> content_length;
  std::size_t content_length_offset = 0;
};

// SIP-Version = "SIP" "/" 1*DIGIT "." 1*DIGIT (RFC 3261 section 25.1); only 2.0 is spoken.
ParseResult<bool> check_version(TextScanner& s, std::string_view version, std::size_t at) {
  if (iequals(version, kVersion)) return true;
  bool shaped = version.size() > 4 && iequals(version.substr(0, 4), "SIP/");
  if (shaped) {
    std::string_view number = version.substr(4);
    std::size_t dot = number.find('.');
    shaped = dot != std::string_view::npos &&
             parse_decimal(number.substr(0, dot), 0xffffffffu).has_value() &&
             parse_decimal(number.substr(dot + 1), 0xffffffffu).has_value();
  }
  return s.error_at(at, (shaped ? "unsupported version " : "bad version '") + std::string(version) +
                            (shaped ? "" : "'"));
}

// Validates the start line into `message`. With `partial`, the line is not yet complete:
// running out of text is not an error, only a character that can never fit is.
ParseResult<bool> parse_start_line(std::string_view line, std::size_t base, bool partial,
                                   Message& message) {
  TextScanner s(line, base, "start line");
  if (line.empty()) return partial ? ParseResult<bool>(true) : s.error("empty");
  if (line.size() >= 4 && iequals(line.substr(0, 4), "SIP/")) {
    // Status-Line = SIP-Version SP Status-Code SP Reason-Phrase
    std::string_view version = s.take_while([](char c) { return c != ' '; });
    if (s.at_end()) return partial ? ParseResult<bool>(true) : s.error("no SP after the version");
    PHONERIG_CHECK(check_version(s, version, 0));
    s.consume(' ');
    std::size_t code_at = s.position();
    std::string_view code = s.take_while([](char c) { return c != ' '; });
    if (s.at_end() && partial) return true;
    auto number = parse_decimal(code, 699); // Status-Code = 3DIGIT, classes 1xx-6xx
    if (code.size() != 3 || !number || *number < 100) {
      return s.error_at(code_at, "bad status code '" + std::string(code) + "'");
    }
    if (s.at_end()) return s.error("no SP after the status code");
    s.consume(' ');
    std::string_view reason = s.take_rest();
    for (std::size_t i = 0; i < reason.size(); ++i) {
      if (is_ctl(reason[i])) {
        return s.error_at(line.size() - reason.size() + i,
                          "invalid character " + hex_byte(reason[i]) + " in the reason phrase");
      }
    }
    message.version = std::string(version);
    message.status_code = static_cast<int>(*number);
    message.reason = std::string(reason);
    return true;
  }
  // Request-Line = Method SP Request-URI SP SIP-Version
  std::string_view method = s.take_while(is_token_char);
  if (s.at_end()) {
    return partial ? ParseResult<bool>(true) : s.error("no SP after the method");
  }
  if (s.peek() != ' ') {
    return s.error("invalid character " + hex_byte(s.peek()) + " in the method");
  }
  if (method.empty()) return s.error("empty method");
  s.consume(' ');
  std::size_t uri_at = s.position();
  std::string_view uri = s.take_while([](char c) { return c != ' ' && !is_ctl(c); });
  if (s.at_end()) return partial ? ParseResult<bool>(true) : s.error("no SP after the Request-URI");
  if (s.peek() != ' ') {
    return s.error("invalid character " + hex_byte(s.peek()) + " in the Request-URI");
  }
  if (uri.empty()) return s.error_at(uri_at, "empty Request-URI");
  s.consume(' ');
  std::size_t version_at = s.position();
  std::string_view version = s.take_rest();
  if (partial) return true;
  PHONERIG_CHECK(check_version(s, version, version_at));
  message.method = std::string(method);
  message.request_uri = std::string(uri);
  message.version = std::string(version);
  return true;
}

// Header field: name HCOLON value (RFC 3261 section 7.3.1).
ParseResult<Header> parse_header_line(std::string_view line, std::size_t base) {
  TextScanner s(line, base, "header");
  std::string_view name = s.take_while(is_token_char);
  s.skip_ws();
  if (s.at_end() || s.peek() != ':') {
    if (name.empty()) return s.error("line does not start with a header name");
    if (s.at_end()) return s.error("no ':' after the name '" + std::string(name) + "'");
    return s.error("expected ':' after the name '" + std::string(name) + "', found " +
                   (is_ctl(s.peek()) ? hex_byte(s.peek()) : "'" + std::string(1, s.peek()) + "'"));
  }
  if (name.empty()) return s.error("empty header name");
  s.consume(':');
  s.skip_ws();
  std::size_t value_at = s.offset();
  std::string_view separator = line.substr(name.size(), s.position() - name.size());
  std::string_view value = trim(s.take_rest());
  return Header{std::string(name), std::string(value), value_at, std::string(separator)};
}

// Checks what a message must get right whatever carries it: CSeq (section 8.1.1.5),
// Content-Length, control characters, and that every list header splits.
ParseResult<bool> check_headers(Head& head) {
  const Message& m = head.message;
  bool seen_cseq = false;
  for (const Header& h : m.headers) {
    TextScanner s(h.value, h.value_offset, h.canonical());
    for (std::size_t i = 0; i < h.value.size(); ++i) {
      if (is_ctl(h.value[i])) return s.error_at(i, "control character " + hex_byte(h.value[i]));
    }
    if (same_header(h.name, "Content-Length")) {
      auto length = parse_decimal(h.value, 0xffffffffu);
      if (!length) return s.error_at(0, "'" + h.value + "' is not a number");
      if (head.content_length && *head.content_length != *length) {
        return s.error_at(0, "appears twice with different values");
      }
      head.content_length = *length;
      head.content_length_offset = h.value_offset;
    } else if (same_header(h.name, "CSeq")) {
      if (seen_cseq) return s.error_at(0, "appears more than once");
      seen_cseq = true;
      PHONERIG_TRY(CSeq cseq, parse_cseq(h.value, h.value_offset));
      if (m.is_request() && cseq.method != m.method) {
        return s.error_at(0, "method " + cseq.method + " does not match the request method " +
                                 m.method);
      }
    } else if (is_list_header(h.name)) {
      PHONERIG_CHECK(split_list(h.value, h.value_offset, h.canonical()));
    }
  }
  return true;
}

// Reads the header section at the start of `data` (absolute offset `base`). nullopt:
// the section is not complete yet (every complete line is already checked).
ParseResult<std::optional<Head>> parse_head(Bytes data, std::size_t base, const Limits& limits) {
  ByteReader reader(data, base);
  Head head;
  bool start_done = false;
  for (;;) {
    // The next line: up to CRLF; a CR or LF alone is an error (section 7: lines end in CRLF).
    Bytes rest = reader.peek_rest();
    std::size_t length = 0;
    bool found = false;
    for (; length < rest.size(); ++length) {
      if (rest[length] == '\n') {
        return parse_error(reader.offset() + length, "header section: LF without CR");
      }
      if (rest[length] != '\r') continue;
      if (length + 1 == rest.size()) break;
      if (rest[length + 1] != '\n') {
        return parse_error(reader.offset() + length, "header section: CR without LF");
      }
      found = true;
      break;
    }
    if (reader.position() + length + 2 > limits.max_header_bytes) {
      return parse_error(base + limits.max_header_bytes,
                         "header section: longer than " + std::to_string(limits.max_header_bytes) +
                             " bytes");
    }
    std::size_t line_at = reader.offset();
    PHONERIG_TRY(Bytes raw, reader.bytes(length, "header line"));
    std::string_view line = as_string_view(raw);
    if (!start_done) {
      PHONERIG_CHECK(parse_start_line(line, line_at, !found, head.message));
    }
    if (!found) return std::optional<Head>();
    PHONERIG_CHECK(reader.skip(2, "CRLF"));
    if (!start_done) {
      start_done = true;
      continue;
    }
    if (line.empty()) break;
    if (line.front() == ' ' || line.front() == '\t') {
      // Continuation line (section 7.3.1): one SP joins it to the value above.
      if (head.message.headers.empty()) {
        return parse_error(line_at, "header: continuation line with no header before it");
      }
      std::string& value = head.message.headers.back().value;
      std::string_view more = trim(line);
      if (!more.empty()) value += value.empty() ? std::string(more) : " " + std::string(more);
      continue;
    }
    if (head.message.headers.size() == limits.max_headers) {
      return parse_error(line_at, "header section: more than " +
                                      std::to_string(limits.max_headers) + " headers");
    }
    PHONERIG_TRY(Header header, parse_header_line(line, line_at));
    head.message.headers.push_back(std::move(header));
  }
  head.length = reader.position();
  PHONERIG_CHECK(check_headers(head));
  if (head.content_length && *head.content_length > limits.max_body) {
    return parse_error(head.content_length_offset,
                       "Content-Length: " + std::to_string(*head.content_length) +
                           " exceeds the body limit of " + std::to_string(limits.max_body));
  }
  return std::optional<Head>(std::move(head));
}

} // namespace

std::string_view Header::canonical() const {
  return canonical_name(name);
}

Message Message::request(std::string method, std::string request_uri) {
  Message m;
  m.method = std::move(method);
  m.request_uri = std::move(request_uri);
  return m;
}

Message Message::response(int status_code, std::string reason) {
  Message m;
  m.status_code = status_code;
  m.reason = std::move(reason);
  return m;
}

const Header* Message::find(std::string_view name) const {
  for (const Header& h : headers) {
    if (same_header(h.name, name)) return &h;
  }
  return nullptr;
}

Header* Message::find(std::string_view name) {
  return const_cast<Header*>(std::as_const(*this).find(name));
}

std::optional<std::string_view> Message::get(std::string_view name) const {
  const Header* h = find(name);
  if (h == nullptr) return std::nullopt;
  return std::string_view(h->value);
}

std::vector<std::string_view> Message::values(std::string_view name) const {
  std::vector<std::string_view> out;
  bool list = is_list_header(name);
  for (const Header& h : headers) {
    if (!same_header(h.name, name)) continue;
    auto items = list ? split_list(h.value, 0, "")
                      : ParseResult<std::vector<ListItem>>(std::vector<ListItem>{});
    if (list && items) {
      for (const ListItem& item : *items)
        out.push_back(item.text);
    } else {
      out.push_back(h.value);
    }
  }
  return out;
}

std::size_t Message::count(std::string_view name) const {
  std::size_t n = 0;
  for (const Header& h : headers)
    n += same_header(h.name, name) ? 1 : 0;
  return n;
}

Message& Message::add(std::string name, std::string value) {
  headers.push_back(Header{std::move(name), std::move(value), 0, ": "});
  return *this;
}

Message& Message::set(std::string_view name, std::string value) {
  if (Header* h = find(name)) {
    h->value = std::move(value);
    return *this;
  }
  return add(std::string(name), std::move(value));
}

std::size_t Message::remove(std::string_view name) {
  return std::erase_if(headers, [&](const Header& h) { return same_header(h.name, name); });
}

ParseResult<Message> parse(Bytes datagram, const Limits& limits) {
  PHONERIG_TRY(std::optional<Head> head, parse_head(datagram, 0, limits));
  if (!head) {
    return parse_error(datagram.size(), "header section: no empty line ends it");
  }
  ByteReader reader(datagram);
  PHONERIG_CHECK(reader.skip(head->length, "header section"));
  std::size_t available = reader.remaining();
  std::size_t length = available;
  if (head->content_length) {
    if (*head->content_length > available) {
      return parse_error(head->content_length_offset,
                         "Content-Length: " + std::to_string(*head->content_length) + " but only " +
                             std::to_string(available) + " bytes follow the header section");
    }
    // Section 18.3: on a datagram, bytes beyond Content-Length are discarded.
    length = static_cast<std::size_t>(*head->content_length);
  } else if (available > limits.max_body) {
    return parse_error(reader.offset(), "body: " + std::to_string(available) +
                                            " bytes exceed the limit of " +
                                            std::to_string(limits.max_body));
  }
  PHONERIG_TRY(Bytes body, reader.bytes(length, "body"));
  head->message.body = std::string(as_string_view(body));
  return std::move(head->message);
}

StreamFrame parse_stream(Bytes buffer, const Limits& limits) {
  StreamFrame frame;
  ByteReader reader(buffer);
  // Section 7.5: CRLFs before a start line are ignored; RFC 5626 keep-alives are such.
  while (reader.remaining() >= 2) {
    Bytes next = reader.peek_rest();
    if (next[0] != '\r' || next[1] != '\n') break;
    (void)reader.skip(2, "CRLF");
    ++frame.keepalive_crlfs;
  }
  frame.consumed = reader.position();
  std::size_t start = reader.offset();
  auto head = parse_head(reader.peek_rest(), start, limits);
  if (!head) {
    frame.status = StreamFrame::Status::error;
    frame.error = std::move(head).error();
    return frame;
  }
  if (!head->has_value()) return frame;
  Head& h = **head;
  if (!h.content_length) {
    frame.status = StreamFrame::Status::error;
    frame.error = ParseError{start, "Content-Length: required on a stream transport"};
    return frame;
  }
  (void)reader.skip(h.length, "header section");
  auto body = reader.bytes(static_cast<std::size_t>(*h.content_length), "body");
  if (!body) return frame;
  h.message.body = std::string(as_string_view(*body));
  frame.status = StreamFrame::Status::complete;
  frame.message = std::move(h.message);
  frame.consumed = reader.position();
  return frame;
}

std::string build_string(const Message& message) {
  std::string out;
  std::string_view version = message.version.empty() ? kVersion : message.version;
  if (message.is_request()) {
    out.append(message.method).append(" ").append(message.request_uri).append(" ");
    out.append(version).append("\r\n");
  } else {
    out.append(version).append(" ").append(std::to_string(message.status_code)).append(" ");
    out.append(message.reason).append("\r\n");
  }
  std::string length = std::to_string(message.body.size());
  bool has_length = false;
  for (const Header& h : message.headers) {
    bool is_length = same_header(h.name, "Content-Length");
    has_length = has_length || is_length;
    out.append(h.name).append(valid_separator(h.separator) ? h.separator : ": ");
    out.append(is_length ? length : h.value).append("\r\n");
  }
  if (!has_length) out.append("Content-Length: ").append(length).append("\r\n");
  out.append("\r\n").append(message.body);
  return out;
}

ByteVector build(const Message& message) {
  std::string text = build_string(message);
  return ByteVector(text.begin(), text.end());
}

} // namespace phonerig::wire::sip
