// One TCP connection of the registrar (RFC 3261 section 18.3): reads, frames messages by
// Content-Length, hands each to the owner (the core, on the server's strand), writes the
// responses back in order. Closed on idle timeout, on a framing error (after its 400),
// when more than Config::tcp_max_buffer bytes wait unframed, or when the peer leaves
// more than Config::tcp_max_unsent bytes of responses unread.
#pragma once

#include "drivers/services/sip/registrar.hpp"

#include <array>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <deque>
#include <memory>
#include <string>
#include <vector>

namespace phonerig::services::sip {

struct Config;
class TcpConnection;

class ConnectionOwner {
public:
  virtual ~ConnectionOwner() = default;
  virtual Outcome handle(const wire::sip::Message& message, const Peer& peer) = 0;
  virtual Outcome malformed(wire::Bytes raw, const wire::ParseError& error, const Peer& peer) = 0;
  virtual void emit(std::vector<api::Event>& events) = 0;
  virtual void closed(const std::shared_ptr<TcpConnection>& connection) = 0;
  virtual const Config& settings() const = 0;
};

class TcpConnection : public std::enable_shared_from_this<TcpConnection> {
public:
  TcpConnection(boost::asio::ip::tcp::socket socket, ConnectionOwner& owner,
                boost::asio::strand<boost::asio::any_io_executor> strand, std::uint16_t local_port);
  void start();
  void close(); // idempotent; does not call owner.closed()

private:
  void read();
  void arm_idle();
  void process();
  void send(std::string bytes);
  void write_next();
  void finish(); // close and tell the owner
  void overflow(std::string what);

  boost::asio::ip::tcp::socket socket_;
  ConnectionOwner& owner_;
  boost::asio::steady_timer idle_;
  Peer peer_;
  std::array<char, 16384> chunk_{};
  std::string in_;
  std::size_t scanned_ = 0;        // no "\r\n\r\n" ends before this offset
  std::size_t need_total_ = 0;     // a head is complete; its body needs this many bytes
  std::deque<std::string> out_;    // waiting to be written
  std::vector<std::string> batch_; // being written, in one gathered write
  std::vector<boost::asio::const_buffer> buffers_;
  std::size_t unsent_ = 0;
  bool writing_ = false;
  bool closing_ = false; // close once the queued responses are written
  bool closed_ = false;
};

} // namespace phonerig::services::sip
