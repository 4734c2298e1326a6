#include "drivers/wire/http.hpp"

#include <algorithm>
#include <utility>

namespace phonerig::wire::http {
namespace {

constexpr std::size_t kMaxChunkLine = 4096; // chunk-size and extensions

char lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                            [](char x, char y) { return lower(x) == lower(y); });
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
int hex_value(char c) {
  if (is_digit(c)) return c - '0';
  c = lower(c);
  return (c >= 'a' && c <= 'f') ? c - 'a' + 10 : -1;
}

// tchar of RFC 9110 section 5.6.2.
bool is_tchar(char c) {
  return is_digit(c) || (lower(c) >= 'a' && lower(c) <= 'z') ||
         std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
    text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t'))
    text.remove_suffix(1);
  return text;
}

// For error messages: printable ASCII as is, the rest as \xNN, cut after 40 characters.
std::string quoted(std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  for (std::size_t i = 0; i < text.size() && i < 40; ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
      out += static_cast<char>(c);
    } else {
      out.append("\\x").append(1, kHex[c >> 4]).append(1, kHex[c & 0x0f]);
    }
  }
  return out + (text.size() > 40 ? "...\"" : "\"");
}

// Index of the first byte that may not appear in a field value or reason phrase
// (RFC 9110 section 5.5: VCHAR, obs-text, SP, HTAB), or npos.
std::size_t bad_text_byte(std::string_view text) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if ((c < 0x20 && c != '\t') || c == 0x7f) return i;
  }
  return std::string_view::npos;
}

// HTTP-version = "HTTP/" DIGIT "." DIGIT (RFC 9112 section 2.3); we speak 1.0 and 1.1.
ParseResult<int> parse_version(std::string_view text, std::size_t offset) {
  if (text.size() != 8 || text.substr(0, 5) != "HTTP/" || !is_digit(text[5]) || text[6] != '.' ||
      !is_digit(text[7])) {
    return parse_error(offset, "version: " + quoted(text) + " is not HTTP/<digit>.<digit>");
  }
  if (text[5] != '1' || text[7] > '1') {
    return parse_error(offset, "version: " + std::string(text) +
                                   " is not supported (HTTP/1.0 or HTTP/1.1)");
  }
  return text[7] - '0';
}

bool has_no_body(int status) {
  return status / 100 == 1 || status == 204 || status == 304;
}

// Every Content-Length field (spelling and place kept) gets the body size, or one is added,
// so repeated fields never disagree.
void set_content_length(Headers& headers, std::size_t size) {
  bool found = false;
  for (Header& header : headers.items) {
    if (iequals(header.name, "content-length")) {
      header.value = std::to_string(size);
      found = true;
    }
  }
  if (!found) headers.add("Content-Length", std::to_string(size));
}

void write_head(ByteWriter& writer, const Headers& headers, Bytes body) {
  for (const Header& header : headers.items) {
    writer.bytes(header.name).bytes(": ").bytes(header.value).bytes("\r\n");
  }
  writer.bytes("\r\n").bytes(body);
}

} // namespace

const std::string* Headers::find(std::string_view name) const {
  for (const Header& header : items) {
    if (iequals(header.name, name)) return &header.value;
  }
  return nullptr;
}

std::size_t Headers::count(std::string_view name) const {
  return static_cast<std::size_t>(std::count_if(
      items.begin(), items.end(), [&](const Header& h) { return iequals(h.name, name); }));
}

void Headers::add(std::string name, std::string value) {
  items.push_back(Header{std::move(name), std::move(value)});
}

void Headers::set(std::string_view name, std::string value) {
  for (Header& header : items) {
    if (iequals(header.name, name)) {
      header.value = std::move(value);
      return;
    }
  }
  add(std::string(name), std::move(value));
}

MessageParser::MessageParser(Kind kind, Limits limits) : kind_(kind), limits_(limits) {}

void MessageParser::reset() {
  *this = MessageParser(kind_, limits_);
}

FeedResult MessageParser::fail(std::size_t offset, std::string what) {
  state_ = State::failed;
  error_ = ParseError{offset, std::move(what)};
  return FeedResult{FeedResult::Status::error, 0, error_};
}

FeedResult MessageParser::feed(Bytes data) {
  if (state_ == State::done) return FeedResult{FeedResult::Status::complete, 0, {}};
  if (state_ == State::failed) return FeedResult{FeedResult::Status::error, 0, error_};
  std::size_t i = 0;
  while (i < data.size() && state_ != State::done && state_ != State::failed) {
    if (state_ == State::body || state_ == State::chunk_data || state_ == State::until_close) {
      std::size_t take = data.size() - i;
      if (state_ != State::until_close)
        take = static_cast<std::size_t>(std::min<std::uint64_t>(take, remaining_));
      auto appended = append_body(data.subspan(i, take));
      if (!appended) return fail(appended.error().offset, appended.error().what);
      i += take;
      offset_ += take;
      remaining_ -= state_ == State::until_close ? 0 : take;
      if (remaining_ == 0 && state_ == State::body) state_ = State::done;
      if (remaining_ == 0 && state_ == State::chunk_data) state_ = State::chunk_crlf;
      continue;
    }
    char c = static_cast<char>(data[i]);
    if (state_ == State::chunk_crlf) { // RFC 9112 section 7.1: chunk-data CRLF
      // line_ holds the CR once it is seen.
      if (c != (line_.empty() ? '\r' : '\n'))
        return fail(offset_, "chunk data: not followed by CRLF");
      line_ = line_.empty() ? "\r" : "";
      if (line_.empty()) state_ = State::chunk_size;
      ++i, ++offset_;
      continue;
    }
    if (line_.empty()) line_start_ = offset_;
    if (state_ == State::chunk_size) {
      if (line_.size() >= kMaxChunkLine) {
        return fail(offset_,
                    "chunk size line: longer than " + std::to_string(kMaxChunkLine) + " bytes");
      }
    } else if (++section_bytes_ > limits_.max_header_bytes) {
      return fail(offset_, std::string(state_ == State::trailers ? "trailer" : "header") +
                               " section: longer than " + std::to_string(limits_.max_header_bytes) +
                               " bytes");
    }
    ++i, ++offset_;
    if (c != '\n') {
      line_.push_back(c);
      continue;
    }
    if (line_.empty() || line_.back() != '\r')
      return fail(offset_ - 1, "line: bare LF (lines end in CRLF)");
    line_.pop_back();
    if (std::size_t cr = line_.find('\r'); cr != std::string::npos) {
      return fail(line_start_ + cr, "line: bare CR");
    }
    auto handled = on_line(line_, line_start_);
    line_.clear();
    if (!handled) return fail(handled.error().offset, handled.error().what);
  }
  if (state_ == State::done) return FeedResult{FeedResult::Status::complete, i, {}};
  return FeedResult{FeedResult::Status::need_more, i, {}};
}

FeedResult MessageParser::finish() {
  switch (state_) {
  case State::done: return FeedResult{FeedResult::Status::complete, 0, {}};
  case State::failed: return FeedResult{FeedResult::Status::error, 0, error_};
  case State::until_close:
    state_ = State::done;
    return FeedResult{FeedResult::Status::complete, 0, {}};
  case State::start_line:
  case State::headers: return fail(offset_, "header section: connection closed before its end");
  case State::body:
    return fail(offset_, "body: connection closed with " + std::to_string(remaining_) +
                             " bytes of the Content-Length missing");
  default: return fail(offset_, "chunked body: connection closed before the last chunk");
  }
}

ParseResult<bool> MessageParser::on_line(std::string_view line, std::size_t line_offset) {
  switch (state_) {
  case State::start_line:
    // RFC 9112 section 2.2: a server SHOULD ignore empty lines before the request-line.
    if (line.empty() && kind_ == Kind::request) return true;
    PHONERIG_CHECK(on_start_line(line, line_offset));
    state_ = State::headers;
    return true;
  case State::headers:
    if (line.empty()) return on_headers_end();
    return on_field(line, line_offset,
                    kind_ == Kind::request ? request_.headers : response_.headers);
  case State::trailers:
    if (line.empty()) {
      state_ = State::done;
      return true;
    }
    return on_field(line, line_offset, response_.trailers);
  default: return on_chunk_size(line, line_offset);
  }
}

ParseResult<bool> MessageParser::on_start_line(std::string_view line, std::size_t offset) {
  std::size_t sp1 = line.find(' ');
  if (kind_ == Kind::response) { // status-line = HTTP-version SP status-code SP [reason]
    PHONERIG_TRY(response_.version_minor, parse_version(line.substr(0, sp1), offset));
    if (sp1 == std::string_view::npos) {
      return parse_error(offset + line.size(), "status line: no status code after the version");
    }
    std::string_view rest = line.substr(sp1 + 1);
    if (rest.size() < 3 || !is_digit(rest[0]) || !is_digit(rest[1]) || !is_digit(rest[2]) ||
        (rest.size() > 3 && rest[3] != ' ')) {
      return parse_error(offset + sp1 + 1,
                         "status code: " + quoted(rest.substr(0, 4)) + " is not three digits");
    }
    response_.status = (rest[0] - '0') * 100 + (rest[1] - '0') * 10 + (rest[2] - '0');
    if (response_.status < 100 || response_.status > 599) { // RFC 9110 section 15
      return parse_error(offset + sp1 + 1, "status code: " + std::to_string(response_.status) +
                                               " is out of range 100..599");
    }
    // A missing SP after the code is tolerated: the reason phrase is optional.
    std::string_view reason = rest.size() > 3 ? rest.substr(4) : "";
    if (std::size_t bad = bad_text_byte(reason); bad != std::string_view::npos) {
      return parse_error(offset + sp1 + 5 + bad, "reason phrase: control byte");
    }
    response_.reason = std::string(reason);
    return true;
  }
  // request-line = method SP request-target SP HTTP-version (RFC 9112 section 3)
  std::size_t sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos) {
    return parse_error(offset, "request line: " + quoted(line) +
                                   " is not <method> SP <target> SP <version>");
  }
  std::string_view method = line.substr(0, sp1);
  std::string_view target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  auto bad_method = std::find_if_not(method.begin(), method.end(), is_tchar);
  if (method.empty() || bad_method != method.end()) {
    return parse_error(offset + static_cast<std::size_t>(bad_method - method.begin()),
                       "method: " + quoted(method) + " is not a token");
  }
  auto bad_target = std::find_if(target.begin(), target.end(), [](char c) {
    return static_cast<unsigned char>(c) <= 0x20 || static_cast<unsigned char>(c) >= 0x7f;
  });
  if (target.empty() || bad_target != target.end()) {
    return parse_error(offset + sp1 + 1 + static_cast<std::size_t>(bad_target - target.begin()),
                       "request target: " + quoted(target) +
                           " is empty or has a byte outside VCHAR");
  }
  PHONERIG_TRY(request_.version_minor, parse_version(line.substr(sp2 + 1), offset + sp2 + 1));
  request_.method = std::string(method);
  request_.target = std::string(target);
  return true;
}

ParseResult<bool> MessageParser::on_field(std::string_view line, std::size_t offset,
                                          Headers& into) {
  // field-line = field-name ":" OWS field-value OWS (RFC 9112 section 5)
  if (line.front() == ' ' || line.front() == '\t') {
    return parse_error(offset, "header: obs-fold (a line starting with whitespace) is rejected");
  }
  std::size_t colon = line.find(':');
  if (colon == std::string_view::npos) {
    return parse_error(offset, "header: " + quoted(line) + " has no colon");
  }
  std::string_view name = line.substr(0, colon);
  auto bad = std::find_if_not(name.begin(), name.end(), is_tchar);
  if (name.empty() || bad != name.end()) {
    std::size_t at = static_cast<std::size_t>(bad - name.begin());
    std::string why = (bad != name.end() && (*bad == ' ' || *bad == '\t'))
                          ? " has whitespace before the colon"
                          : " is not a token";
    return parse_error(offset + at, "header: name " + quoted(name) + why);
  }
  std::string_view raw = line.substr(colon + 1);
  std::string_view value = trim(raw);
  if (std::size_t at = bad_text_byte(value); at != std::string_view::npos) {
    std::size_t lead = raw.find_first_not_of(" \t");
    return parse_error(offset + colon + 1 + lead + at,
                       "header " + quoted(name) + ": control byte in the value");
  }
  if (into.items.size() >= limits_.max_headers) {
    return parse_error(offset,
                       "headers: more than " + std::to_string(limits_.max_headers) + " fields");
  }
  into.add(std::string(name), std::string(value));
  field_offsets_.push_back(offset);
  return true;
}

ParseResult<bool> MessageParser::on_headers_end() {
  const Headers& headers = kind_ == Kind::request ? request_.headers : response_.headers;
  std::optional<std::uint64_t> length;
  for (std::size_t i = 0; i < headers.items.size(); ++i) {
    const Header& header = headers.items[i];
    std::size_t at = field_offsets_[i];
    if (iequals(header.name, "transfer-encoding") && kind_ == Kind::request) {
      std::string coding = header.value;
      std::transform(coding.begin(), coding.end(), coding.begin(), lower);
      bool chunked = coding.find("chunked") != std::string::npos;
      return parse_error(at, chunked ? "transfer-encoding: chunked request bodies are not supported"
                                     : "transfer-encoding: " + quoted(header.value) +
                                           " is not supported in a request");
    }
    if (!iequals(header.name, "content-length")) continue;
    // Content-Length = 1*DIGIT; a list of equal values is one value (RFC 9110 section 8.6).
    std::string_view list = header.value;
    while (true) {
      std::size_t comma = list.find(',');
      std::string_view item = trim(list.substr(0, comma));
      if (item.empty() || !std::all_of(item.begin(), item.end(), is_digit)) {
        return parse_error(at,
                           "content-length: " + quoted(header.value) + " is not a decimal number");
      }
      std::uint64_t value = 0;
      for (char digit : item) {
        value = value * 10 + static_cast<std::uint64_t>(digit - '0');
        if (value > limits_.max_body) {
          return parse_error(at, "content-length: " + std::string(item) +
                                     " exceeds the body limit of " +
                                     std::to_string(limits_.max_body) + " bytes");
        }
      }
      if (length && *length != value) {
        return parse_error(at, "content-length: " + std::to_string(value) + " conflicts with " +
                                   std::to_string(*length));
      }
      length = value;
      if (comma == std::string_view::npos) break;
      list.remove_prefix(comma + 1);
    }
  }
  field_offsets_.clear();
  state_ = State::done;
  if (kind_ == Kind::response) {
    if (head_response_ || has_no_body(response_.status)) return true;
    if (const std::string* coding = headers.find("transfer-encoding")) {
      // RFC 9112 section 6.3: chunked last means chunked framing, else read until close.
      std::string_view last = trim(std::string_view(*coding).substr(coding->rfind(',') + 1));
      state_ = iequals(last, "chunked") ? State::chunk_size : State::until_close;
      return true;
    }
    if (!length) {
      state_ = State::until_close;
      return true;
    }
  }
  if (length && *length > 0) {
    remaining_ = *length;
    state_ = State::body;
  }
  return true;
}

ParseResult<bool> MessageParser::on_chunk_size(std::string_view line, std::size_t offset) {
  // chunk = chunk-size [chunk-ext] CRLF chunk-data CRLF (RFC 9112 section 7.1)
  std::size_t digits = 0;
  std::uint64_t size = 0;
  while (digits < line.size() && hex_value(line[digits]) >= 0) {
    if (digits == 15) {
      return parse_error(offset, "chunk size: " + quoted(line) + " has more than 15 hex digits");
    }
    size = size * 16 + static_cast<std::uint64_t>(hex_value(line[digits++]));
  }
  std::string_view ext = trim(line.substr(digits));
  if (digits == 0 || (!ext.empty() && ext.front() != ';')) {
    return parse_error(offset + digits,
                       "chunk size: " + quoted(line) + " is not <hex>[;extension]");
  }
  std::size_t body = response_.body.size();
  if (size > limits_.max_body - body) {
    return parse_error(offset, "chunk size: " + std::to_string(size) +
                                   " takes the body past its limit of " +
                                   std::to_string(limits_.max_body) + " bytes");
  }
  remaining_ = size;
  state_ = size == 0 ? State::trailers : State::chunk_data;
  section_bytes_ = 0;
  return true;
}

ParseResult<bool> MessageParser::append_body(Bytes data) {
  ByteVector& body = kind_ == Kind::request ? request_.body : response_.body;
  if (data.size() > limits_.max_body - body.size()) {
    return parse_error(offset_ + (limits_.max_body - body.size()),
                       "body: longer than the limit of " + std::to_string(limits_.max_body) +
                           " bytes");
  }
  body.insert(body.end(), data.begin(), data.end());
  return true;
}

namespace {
template <class Parser> ParseResult<Parser> parse_whole(Parser parser, Bytes data, bool response) {
  FeedResult result = parser.feed(data);
  if (result.need_more() && response) result = parser.finish();
  if (result.failed()) return unexpected(result.error);
  if (result.need_more()) return parse_error(data.size(), "message: ends before it is complete");
  if (result.consumed < data.size()) {
    return parse_error(result.consumed,
                       "message: " + std::to_string(data.size() - result.consumed) +
                           " bytes after its end");
  }
  return parser;
}
} // namespace

ParseResult<Request> parse_request(Bytes data, Limits limits) {
  PHONERIG_TRY(RequestParser parser, parse_whole(RequestParser(limits), data, false));
  return parser.take();
}

ParseResult<Response> parse_response(Bytes data, Limits limits) {
  PHONERIG_TRY(ResponseParser parser, parse_whole(ResponseParser(limits), data, true));
  return parser.take();
}

ByteVector build_request(const Request& request) {
  Headers headers = request.headers;
  if (!request.body.empty() || headers.find("content-length") != nullptr) {
    set_content_length(headers, request.body.size());
  }
  ByteWriter writer;
  writer.bytes(request.method).bytes(" ").bytes(request.target).bytes(" HTTP/1.");
  writer.bytes(request.version_minor == 0 ? "0\r\n" : "1\r\n");
  write_head(writer, headers, request.body);
  return writer.take();
}

ByteVector build_response(const Response& response) {
  Headers headers = response.headers;
  // We never send chunked: the body goes whole, framed by Content-Length.
  std::erase_if(headers.items,
                [](const Header& h) { return iequals(h.name, "transfer-encoding"); });
  if (!has_no_body(response.status)) set_content_length(headers, response.body.size());
  ByteWriter writer;
  writer.bytes(response.version_minor == 0 ? "HTTP/1.0 " : "HTTP/1.1 ");
  writer.bytes(std::to_string(response.status)).bytes(" ").bytes(response.reason).bytes("\r\n");
  write_head(writer, headers, response.body);
  return writer.take();
}

std::string_view reason_phrase(int status) {
  // RFC 9110 section 15, the codes a file server answers.
  static constexpr std::pair<int, std::string_view> kReasons[] = {
      {100, "Continue"},
      {200, "OK"},
      {204, "No Content"},
      {206, "Partial Content"},
      {301, "Moved Permanently"},
      {302, "Found"},
      {304, "Not Modified"},
      {400, "Bad Request"},
      {403, "Forbidden"},
      {404, "Not Found"},
      {405, "Method Not Allowed"},
      {408, "Request Timeout"},
      {413, "Content Too Large"},
      {414, "URI Too Long"},
      {431, "Request Header Fields Too Large"},
      {500, "Internal Server Error"},
      {501, "Not Implemented"},
      {503, "Service Unavailable"},
      {505, "HTTP Version Not Supported"}};
  for (const auto& [code, reason] : kReasons) {
    if (code == status) return reason;
  }
  return "";
}

Request make_get(std::string target, std::string host) {
  Request request;
  request.target = std::move(target);
  request.headers.add("Host", std::move(host));
  return request;
}

Response make_file_response(ByteVector body) {
  Response response;
  response.headers.add("Content-length", std::to_string(body.size()));
  response.headers.add("Cache-Control", "no-store");
  response.headers.add("Content-type", "*/*");
  response.body = std::move(body);
  return response;
}

Response make_status_response(int status) {
  Response response;
  response.status = status;
  response.reason = std::string(reason_phrase(status));
  if (!has_no_body(status)) response.headers.add("Content-length", "0");
  return response;
}

bool keep_alive(const Request& request) {
  const std::string* connection = request.headers.find("connection");
  auto has = [&](std::string_view token) {
    if (connection == nullptr) return false;
    std::string_view list = *connection;
    while (!list.empty()) {
      std::size_t comma = list.find(',');
      if (iequals(trim(list.substr(0, comma)), token)) return true;
      list = comma == std::string_view::npos ? "" : list.substr(comma + 1);
    }
    return false;
  };
  if (has("close")) return false;
  return request.version_minor >= 1 || has("keep-alive");
}

ParseResult<std::string> decode_target(std::string_view target) {
  std::size_t start = 0;
  if (target.empty() || target.front() != '/') {
    std::size_t scheme = target.find("://");
    std::string_view name = target.substr(0, scheme);
    if (scheme == std::string_view::npos || !(iequals(name, "http") || iequals(name, "https"))) {
      return parse_error(0,
                         "target: " + quoted(target) + " is neither origin form nor absolute form");
    }
    start = target.find_first_of("/?#", scheme + 3);
  }
  std::size_t end = start == std::string_view::npos ? start : target.find_first_of("?#", start);
  std::string path;
  if (start == std::string_view::npos || target[start] != '/') return std::string("/");
  for (std::size_t i = start; i < std::min(end, target.size()); ++i) {
    char c = target[i];
    if (c == '\0') return parse_error(i, "target: NUL in the path");
    if (c != '%') {
      path.push_back(c);
      continue;
    }
    if (target.size() - i < 3) {
      return parse_error(i, "target: percent-escape " + quoted(target.substr(i, 3)) + " cut short");
    }
    int high = hex_value(target[i + 1]);
    int low = hex_value(target[i + 2]);
    if (high < 0 || low < 0) {
      return parse_error(i, "target: percent-escape " + quoted(target.substr(i, 3)) +
                                " is not %<hex><hex>");
    }
    char decoded = static_cast<char>(high * 16 + low);
    if (decoded == '\0') return parse_error(i, "target: NUL (%00) in the path");
    path.push_back(decoded);
    i += 2;
  }
  return path;
}

} // namespace phonerig::wire::http
