// HTTP/1.1 messages (RFC 9110 semantics, RFC 9112 syntax), enough for what a Cisco phone
// fetches from the TFTP server's HTTP service on TCP 6970: GET requests, and responses with a
// Content-Length, chunked, or close-delimited body.
//
// The parsers are streaming, in the manner of the request_parser of Boost.Asio's HTTP server
// example: feed() bytes as they arrive; each call answers complete (with how many of the fed
// bytes belong to the message; the rest starts the next one), need more, or an error whose
// offset counts from the first byte of the message.
//
// Strictness (RFC 9112 allows either; being strict keeps parse and build symmetric):
// - Lines end in CRLF; a bare LF or a bare CR is an error (RFC 9112 section 2.2).
// - obs-fold (a field line starting with SP/HTAB) is rejected (RFC 9112 section 5.2).
// - Whitespace between a field name and its colon is rejected (RFC 9112 section 5.1).
// - Content-Length "5, 5" or repeated equal values are accepted, differing values are an error
//   (RFC 9110 section 8.6); Transfer-Encoding in a request is an error (we serve GETs).
// Limits (errors, never unbounded allocation): header section (start line, field lines and
// the empty line) <= 16 KiB, <= 100 fields, body <= 64 MiB by default.
#pragma once

#include "drivers/wire/bytes.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace phonerig::wire::http {

inline constexpr std::uint16_t kCiscoTftpHttpPort = 6970; // CUCM TFTP service over HTTP

struct Header {
  std::string name;  // as sent; compared case-insensitively (RFC 9110 section 5.1)
  std::string value; // without leading/trailing whitespace (RFC 9112 section 5)
  bool operator==(const Header&) const = default;
};

// Field lines in the order received.
struct Headers {
  std::vector<Header> items;

  const std::string* find(std::string_view name) const; // first match, any case
  std::size_t count(std::string_view name) const;
  void add(std::string name, std::string value);
  // Replaces the value of the first field of that name (keeping its spelling), or adds it.
  void set(std::string_view name, std::string value);
  bool operator==(const Headers&) const = default;
};

struct Request {
  std::string method = "GET";
  std::string target = "/"; // request-target as sent; see decode_target()
  int version_minor = 1;    // HTTP/1.<minor>: 0 or 1
  Headers headers;
  ByteVector body;
  bool operator==(const Request&) const = default;
};

struct Response {
  int version_minor = 1;
  int status = 200;
  std::string reason = "OK";
  Headers headers;
  ByteVector body;
  Headers trailers; // trailer fields of a chunked body (RFC 9112 section 7.1.2)
  bool operator==(const Response&) const = default;
};

struct Limits {
  std::size_t max_header_bytes = 16 * 1024;
  std::size_t max_headers = 100;
  std::size_t max_body = 64 * 1024 * 1024;
};

struct FeedResult {
  enum class Status { complete, need_more, error };
  Status status = Status::need_more;
  std::size_t consumed = 0; // bytes of this feed that belong to the message
  ParseError error;         // when status == error

  bool complete() const { return status == Status::complete; }
  bool need_more() const { return status == Status::need_more; }
  bool failed() const { return status == Status::error; }
};

// The state machine both parsers share; use RequestParser or ResponseParser.
class MessageParser {
public:
  enum class Kind { request, response };
  MessageParser(Kind kind, Limits limits);

  FeedResult feed(Bytes data);
  // The connection closed: completes a close-delimited response body, else an error.
  FeedResult finish();
  // Back to the start, for the next message on the same connection (a 1xx interim
  // response completes as a message of its own; reset and read the final one).
  void reset();

protected:
  enum class State {
    start_line,
    headers,
    body,
    chunk_size,
    chunk_data,
    chunk_crlf,
    trailers,
    until_close,
    done,
    failed
  };

  FeedResult fail(std::size_t offset, std::string what);
  ParseResult<bool> on_line(std::string_view line, std::size_t line_offset);
  ParseResult<bool> on_start_line(std::string_view line, std::size_t offset);
  ParseResult<bool> on_field(std::string_view line, std::size_t offset, Headers& into);
  ParseResult<bool> on_headers_end();
  ParseResult<bool> on_chunk_size(std::string_view line, std::size_t offset);
  ParseResult<bool> append_body(Bytes data);

  Kind kind_;
  Limits limits_;
  State state_ = State::start_line;
  std::size_t offset_ = 0;                 // bytes of the message seen so far
  std::size_t section_bytes_ = 0;          // of the header (or trailer) section so far
  std::string line_;                       // the line being read (bounded by the section limit)
  std::vector<std::size_t> field_offsets_; // where each field line of the section began
  std::size_t line_start_ = 0;
  std::uint64_t remaining_ = 0; // of the Content-Length body or of the current chunk
  bool head_response_ = false;  // set by ResponseParser::expect_no_body
  ParseError error_;
  Request request_;
  Response response_;
};

class RequestParser : public MessageParser {
public:
  explicit RequestParser(Limits limits = {}) : MessageParser(Kind::request, limits) {}
  const Request& request() const { return request_; } // once complete
  Request take() { return std::move(request_); }
};

class ResponseParser : public MessageParser {
public:
  explicit ResponseParser(Limits limits = {}) : MessageParser(Kind::response, limits) {}
  // The response answers a HEAD: no body whatever the headers say (RFC 9112 section 6.3).
  // Call before feeding; reset() clears it.
  void expect_no_body() { head_response_ = true; }
  const Response& response() const { return response_; } // once complete
  Response take() { return std::move(response_); }
};

// One whole message in `data`; bytes left over, or a message cut short, are errors (a
// response without length runs to the end of `data`).
ParseResult<Request> parse_request(Bytes data, Limits limits = {});
ParseResult<Response> parse_response(Bytes data, Limits limits = {});

// Bytes on the wire. The body size replaces the value of every Content-Length present
// (keeping its spelling), or one is added: always in a response (but 1xx/204/304), in a
// request when it has a body. Responses go whole: a Transfer-Encoding field is dropped.
ByteVector build_request(const Request& request);
ByteVector build_response(const Response& response);

// "OK", "Not Found"... for the codes a file server answers; "" for others.
std::string_view reason_phrase(int status);
// GET <target> HTTP/1.1 with Host, as a phone sends it.
Request make_get(std::string target, std::string host);
// A file as CUCM's TFTP service answers it on 6970 (protocols.md section 6):
// HTTP/1.1 200 OK, Content-length, Cache-Control: no-store, Content-type: */*.
Response make_file_response(ByteVector body);
// A bodyless status answer (404, 503...) with Content-length: 0.
Response make_status_response(int status);
// Whether the connection stays open after this exchange (RFC 9112 section 9.3).
bool keep_alive(const Request& request);

// The path of a request-target, percent-decoded (RFC 3986 section 2.1): the query is
// dropped, "%2e%2e" becomes "..", so the server can reject path escapes on the decoded text.
// Origin form ("/a/b?q") or absolute form ("http://host/a/b"). Errors: a bad or cut escape,
// a NUL (escaped or not), another form of target; offsets index the target.
ParseResult<std::string> decode_target(std::string_view target);

} // namespace phonerig::wire::http
