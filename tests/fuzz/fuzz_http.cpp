// libFuzzer target for the HTTP/1.1 parsers (drivers/wire/http.hpp). For requests and
// responses alike:
//  - the streaming parser gives the same outcome wherever the input is split in two feeds;
//  - errors stay inside the input;
//  - what parses, rebuilt and parsed again, rebuilds to the same bytes (build normalises:
//    Content-Length set, Transfer-Encoding and trailers dropped, values trimmed).
#include "drivers/wire/http.hpp"

#include <cstddef>
#include <cstdint>

namespace {

using namespace phonerig::wire;

// Generous limits for re-parsing what we built: the property is about framing, and
// "Name: value" may be longer than the "Name:value" that came in.
constexpr http::Limits kRoomy{1u << 20, 10000, 1u << 26};
// Small limits for the first parse, so the fuzzer reaches them.
constexpr http::Limits kTight{2048, 20, 4096};

struct Outcome {
  http::FeedResult::Status status;
  std::size_t consumed;
  ParseError error;
};

template <class Parser> Outcome feed_split(Bytes input, std::size_t split) {
  Parser parser(kTight);
  http::FeedResult first = parser.feed(input.first(split));
  if (!first.need_more()) return {first.status, first.consumed, first.error};
  http::FeedResult second = parser.feed(input.subspan(split));
  return {second.status, split + second.consumed, second.error};
}

template <class Parser> void check_split_invariance(Bytes input, std::size_t split) {
  Outcome whole = feed_split<Parser>(input, input.size());
  Outcome parts = feed_split<Parser>(input, split);
  if (whole.status != parts.status) __builtin_trap();
  if (whole.status == http::FeedResult::Status::error) {
    if (!(whole.error == parts.error) || whole.error.offset > input.size()) __builtin_trap();
  } else if (whole.consumed != parts.consumed) {
    __builtin_trap();
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Bytes input(data, size);
  std::size_t split = size == 0 ? 0 : data[0] % (size + 1);
  check_split_invariance<http::RequestParser>(input, split);
  check_split_invariance<http::ResponseParser>(input, split);

  if (auto request = http::parse_request(input, kTight)) {
    (void)http::decode_target(request->target);
    (void)http::keep_alive(*request);
    ByteVector built = http::build_request(*request);
    auto again = http::parse_request(built, kRoomy);
    if (!again || http::build_request(*again) != built) __builtin_trap();
  } else if (request.error().offset > size) {
    __builtin_trap();
  }
  if (auto response = http::parse_response(input, kTight)) {
    ByteVector built = http::build_response(*response);
    auto again = http::parse_response(built, kRoomy);
    if (!again || http::build_response(*again) != built) __builtin_trap();
  } else if (response.error().offset > size) {
    __builtin_trap();
  }
  return 0;
}
