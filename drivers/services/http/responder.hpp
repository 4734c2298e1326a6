// The pure core of the HTTP 6970 server: one parsed request (or a parse error) in, the
// response out: its head as bytes, and the file whose bytes follow it. No sockets.
//
// As CUCM's TFTP service answers on 6970 (protocols.md section 6): GET and HEAD of a file
// give 200 with Content-length, Cache-Control: no-store and Content-type: */*; a missing
// file gives 404, or 503 as CUCM does for a file it does not have (Options::missing_status);
// a name outside the root gives 403; another method 405 (Allow: GET, HEAD); a target that
// does not decode 400; a request that does not parse 400 and the connection closes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "drivers/services/files/file_store.hpp"
#include "drivers/wire/http.hpp"

namespace phonerig::services::http {

struct ResponderOptions {
  int missing_status = 404;  // 404, or 503 like CUCM for a file it does not serve
};

struct Answer {
  int status = 200;
  wire::ByteVector head;              // status line, fields, empty line
  std::optional<files::File> body;    // sent after the head (GET of a file)
  std::uint64_t content_length = 0;   // of the file for GET and HEAD, else 0
  bool keep_alive = true;             // the connection stays open after this answer
  bool is_get = false;                // the request was a GET (an http.get event)
  std::string path;                   // decoded target, or the raw target when it did not decode
  std::optional<files::Refused> missing;  // why the file was not served
};

// The head of a response whose body of `content_length` bytes is sent separately:
// every Content-Length field of `response` gets that value (one is added if none).
wire::ByteVector build_head(const wire::http::Response& response, std::uint64_t content_length);

Answer answer(const wire::http::Request& request, const files::FileStore& store,
              const ResponderOptions& options);

// A request that did not parse: 400, Connection: close.
Answer answer_malformed();

}  // namespace phonerig::services::http
