// The SIP registrar's Boost.Asio shell: UDP and TCP on one port (5060), each request
// handed to the pure core (registrar.hpp) on one strand, responses sent per RFC 3261
// section 18.2.2, binding expiry on a timer. TCP: many connections, messages framed by
// Content-Length (section 18.3), an idle timeout, a cap on the bytes buffered per
// connection, so a half-open or garbage connection never holds up another.
#pragma once

#include "drivers/api/event_sink.hpp"
#include "drivers/api/result.hpp"
#include "drivers/services/sip/registrar.hpp"
#include "drivers/wire/address.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace phonerig::services::sip {

struct Config {
  wire::Ipv4 address = wire::Ipv4::any(); // bind address; any: every address
  std::uint16_t port = 5060;              // 0: the kernel picks (tests); TCP gets UDP's port
  std::string interface;                  // non-empty: SO_BINDTODEVICE to it
  bool udp = true;
  bool tcp = true;
  RegistrarConfig registrar; // realm, users, auth, expiries, nonce lifetime
  // A TCP connection with no byte received for this long is closed. Cisco phones refresh
  // every ~115 s on their connection (reference section 10), so the default is above it.
  std::chrono::milliseconds tcp_idle_timeout{std::chrono::seconds(300)};
  std::size_t tcp_max_buffer = 96 * 1024;       // unframed bytes per connection, then closed
  std::size_t tcp_max_connections = 4096;       // beyond: new connections are closed at once
  std::size_t tcp_max_unsent = 4 * 1024 * 1024; // responses the peer does not read, then closed
  int udp_receive_buffer = 4 * 1024 * 1024;     // SO_RCVBUF, for bursts
};

class Server {
public:
  // Binds (and listens), emits service.listening per transport, starts serving on `ex`.
  // Fault::rig with the address, port, interface and errno text when a bind fails.
  static api::Result<std::unique_ptr<Server>> start(boost::asio::any_io_executor ex, Config config,
                                                    api::EventSink& events);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Idempotent: closes the sockets and every connection, cancels the timers (on the
  // server's strand: at once when called there, else as soon as the executor runs).
  void stop();
  // "udp 198.18.0.1:5060 on eth0", one line per transport.
  std::vector<std::string> where() const;
  // The bound port (after port 0).
  std::uint16_t port() const;

  struct Impl;

private:
  explicit Server(std::shared_ptr<Impl> impl);
  std::shared_ptr<Impl> impl_;
};

} // namespace phonerig::services::sip
