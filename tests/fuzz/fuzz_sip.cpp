// libFuzzer target for the SIP codec: the datagram parser, the stream framer, and the
// structured header and digest parsers on every header of a message that parses. Whatever
// parses must build and parse back to the same value (Content-Length aside, which build()
// sets from the body).
#include "drivers/wire/sip_digest.hpp"
#include "drivers/wire/sip_headers.hpp"
#include "drivers/wire/sip_message.hpp"

#include <cstddef>
#include <cstdint>
#include <string>

namespace {

using namespace phonerig::wire;
using namespace phonerig::wire::sip;

void check(bool condition) {
  if (!condition) __builtin_trap();
}

// What build() writes for Content-Length: the body size, in every Content-Length header,
// or one appended.
Message with_content_length(Message m) {
  std::string length = std::to_string(m.body.size());
  bool found = false;
  for (Header& h : m.headers) {
    if (h.canonical() == "Content-Length") {
      h.value = length;
      found = true;
    }
  }
  if (!found) m.add("Content-Length", length);
  return m;
}

template <class T, class Parse> void round_trip(const ParseResult<T>& parsed, Parse parse_again) {
  if (!parsed) return;
  auto again = parse_again(to_string(*parsed));
  check(again.has_value());
  check(*again == *parsed);
}

void check_headers(const Message& m) {
  for (const Header& h : m.headers) {
    std::string_view name = h.canonical();
    std::string_view v = h.value;
    if (name == "Via") {
      auto list = parse_via_list(v, h.value_offset);
      if (list) {
        for (const Via& via : *list) {
          round_trip(ParseResult<Via>(via), [](const std::string& s) { return parse_via(s); });
        }
      }
    } else if (name == "From" || name == "To" || name == "Route" || name == "Record-Route") {
      round_trip(parse_name_addr(v), [](const std::string& s) { return parse_name_addr(s); });
    } else if (name == "Contact") {
      round_trip(parse_contact(v), [](const std::string& s) { return parse_contact(s); });
    } else if (name == "CSeq") {
      round_trip(parse_cseq(v), [](const std::string& s) { return parse_cseq(s); });
    } else if (name == "WWW-Authenticate" || name == "Proxy-Authenticate") {
      round_trip(parse_digest_challenge(v),
                 [](const std::string& s) { return parse_digest_challenge(s); });
    } else if (name == "Authorization" || name == "Proxy-Authorization") {
      auto credentials = parse_digest_credentials(v);
      round_trip(credentials, [](const std::string& s) { return parse_digest_credentials(s); });
      if (credentials) (void)expected_response(*credentials, "password", "REGISTER");
    }
  }
  if (m.is_request()) (void)parse_uri(m.request_uri);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Bytes input(data, size);
  // Reparse with room for the Content-Length header build() may add.
  Limits relaxed;
  relaxed.max_headers += 1;
  relaxed.max_header_bytes += 64;

  auto message = parse(input);
  if (message) {
    check(message->headers.size() <= Limits{}.max_headers);
    ByteVector built = build(*message);
    auto again = parse(built, relaxed);
    check(again.has_value());
    check(*again == with_content_length(*message));
    check_headers(*message);
  }

  StreamFrame frame = parse_stream(input);
  check(frame.consumed <= size);
  if (frame.complete()) {
    // The framed bytes, keep-alives skipped, are the same message as a datagram.
    Bytes framed =
        input.subspan(2 * frame.keepalive_crlfs, frame.consumed - 2 * frame.keepalive_crlfs);
    auto datagram = parse(framed);
    check(datagram.has_value());
    check(*datagram == frame.message);
  } else if (frame.status == StreamFrame::Status::need_more) {
    check(frame.consumed == 2 * frame.keepalive_crlfs);
  }
  return 0;
}
