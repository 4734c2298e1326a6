// The TFTP server's Boost.Asio shell: a UDP socket on port 69 that reads requests, and one
// new UDP socket per transfer (its TID, RFC 1350 section 4) driving a Transfer (transfer.hpp)
// with a timer. Everything runs on a strand of the executor given to start().
//
// Events (source service): service.listening; tftp.rrq for each read request received;
// file.missing and tftp.error when a request is refused; tftp.done when the last block is
// acknowledged; tftp.error when a transfer ends otherwise (ERROR sent or received, timeout);
// request.malformed for a datagram that does not parse (answered with ERROR 4 on port 69,
// ignored inside a transfer). `phone` is set when the file name names one (SEP<MAC>...).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>

#include "drivers/api/event_sink.hpp"
#include "drivers/api/result.hpp"
#include "drivers/services/files/file_store.hpp"
#include "drivers/services/tftp/transfer.hpp"
#include "drivers/wire/address.hpp"

namespace phonerig::services::tftp {

struct Config {
  wire::Ipv4 address = wire::Ipv4::any();  // bind address of port 69 and of every transfer
  std::uint16_t port = wire::tftp::kPort;  // 0: any free port (tests)
  std::string interface;                   // SO_BINDTODEVICE when not empty
  std::shared_ptr<files::FileStore> store;  // required
  TransferLimits limits;
  std::size_t max_transfers = 1024;  // concurrent; a request beyond gets ERROR 0 "busy"
};

class Server {
 public:
  // Errors: Fault::config without a store; Fault::rig naming the address, port, interface and
  // errno text when a socket cannot be opened or bound.
  static api::Result<std::unique_ptr<Server>> start(boost::asio::any_io_executor ex,
                                                    Config config, api::EventSink& events);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  void stop();  // idempotent; closes every socket, cancels every timer
  std::vector<std::string> where() const;  // "udp 198.18.0.1:69 on eth0"
  std::uint16_t port() const;               // the bound port (when Config.port was 0)
  std::size_t active_transfers() const;

  struct Impl;

 private:
  explicit Server(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<Impl> impl_;
};

}  // namespace phonerig::services::tftp
