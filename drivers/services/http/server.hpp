// The HTTP/1.1 server on TCP 6970 (CUCM's TFTP service over HTTP, protocols.md section 6):
// GET and HEAD of the FileStore's files, keep-alive and pipelined requests, built on the
// streaming parser of drivers/wire/http.hpp and the pure responder (responder.hpp).
// Everything runs on a strand of the executor given to start().
//
// Events (source service): service.listening; http.get for each GET; http.status for each
// response (path, status, bytes of body sent); file.missing for a file not served;
// request.malformed for a request that does not parse (answered 400, connection closed;
// the server goes on). `phone` is set when the path names one (SEP<MAC>...).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>

#include "drivers/api/event_sink.hpp"
#include "drivers/api/result.hpp"
#include "drivers/services/files/file_store.hpp"
#include "drivers/services/http/responder.hpp"
#include "drivers/wire/address.hpp"

namespace phonerig::services::http {

struct Config {
  wire::Ipv4 address = wire::Ipv4::any();
  std::uint16_t port = wire::http::kCiscoTftpHttpPort;  // 0: any free port (tests)
  std::string interface;                                // SO_BINDTODEVICE when not empty
  std::shared_ptr<files::FileStore> store;              // required
  int missing_status = 404;  // 404, or 503 as CUCM answers a file it does not have
  std::size_t max_header_bytes = 8 * 1024;  // request line + fields; more is a 400
  std::chrono::milliseconds idle_timeout{30000};  // a connection silent this long is closed
  std::size_t max_connections = 256;              // more are closed at once
};

class Server {
 public:
  // Errors: Fault::config without a store or with a missing_status other than 404/503;
  // Fault::rig naming the address, port, interface and errno text when it cannot listen.
  static api::Result<std::unique_ptr<Server>> start(boost::asio::any_io_executor ex,
                                                    Config config, api::EventSink& events);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  void stop();  // idempotent; closes the listener and every connection
  std::vector<std::string> where() const;  // "tcp 198.18.0.1:6970 on eth0"
  std::uint16_t port() const;
  std::size_t connections() const;

  struct Impl;

 private:
  explicit Server(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<Impl> impl_;
};

}  // namespace phonerig::services::http
