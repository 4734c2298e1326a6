#include "drivers/services/http/responder.hpp"

#include <algorithm>
#include <cctype>

namespace phonerig::services::http {

namespace http = wire::http;

namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

Answer status_answer(int status, bool keep_alive) {
  Answer answer;
  answer.status = status;
  answer.keep_alive = keep_alive;
  http::Response response = http::make_status_response(status);
  if (status == 405) response.headers.add("Allow", "GET, HEAD");
  if (!keep_alive) response.headers.add("Connection", "close");
  answer.head = build_head(response, 0);
  return answer;
}

}  // namespace

wire::ByteVector build_head(const http::Response& response, std::uint64_t content_length) {
  std::string out = response.version_minor == 0 ? "HTTP/1.0 " : "HTTP/1.1 ";
  out += std::to_string(response.status) + " " + response.reason + "\r\n";
  bool has_length = false;
  for (const http::Header& header : response.headers.items) {
    if (iequals(header.name, "transfer-encoding")) continue;  // the body goes whole
    out += header.name + ": ";
    if (iequals(header.name, "content-length")) {
      out += std::to_string(content_length);
      has_length = true;
    } else {
      out += header.value;
    }
    out += "\r\n";
  }
  if (!has_length) out += "Content-Length: " + std::to_string(content_length) + "\r\n";
  out += "\r\n";
  return wire::ByteVector(out.begin(), out.end());
}

Answer answer(const http::Request& request, const files::FileStore& store,
              const ResponderOptions& options) {
  const bool keep = http::keep_alive(request);
  const bool is_get = request.method == "GET";
  const bool is_head = request.method == "HEAD";
  if (!is_get && !is_head) {
    Answer out = status_answer(405, keep);
    out.path = request.target;
    return out;
  }
  auto path = http::decode_target(request.target);
  if (!path) {
    Answer out = status_answer(400, keep);
    out.is_get = is_get;
    out.path = request.target;
    return out;
  }
  files::Lookup found = store.lookup(*path);
  if (!found) {
    const files::Refusal refusal = found.error().refusal;
    const int status = refusal == files::Refusal::outside_root ? 403
                       : refusal == files::Refusal::unreadable ? 403
                                                                : options.missing_status;
    Answer out = status_answer(status, keep);
    out.is_get = is_get;
    out.path = *path;
    out.missing = found.error();
    return out;
  }
  Answer out;
  out.status = 200;
  out.keep_alive = keep;
  out.is_get = is_get;
  out.path = *path;
  out.content_length = found->size();
  http::Response response = http::make_file_response({});
  if (!keep) response.headers.add("Connection", "close");
  out.head = build_head(response, out.content_length);
  if (is_get) out.body = std::move(*found);
  return out;
}

Answer answer_malformed() { return status_answer(400, false); }

}  // namespace phonerig::services::http
