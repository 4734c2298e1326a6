// The phone's file and SIP clients over the kernel's stack (through the TAP): an HTTP GET on
// TCP 6970 parsed with drivers/wire's streaming parser, a TFTP RRQ client (octet, RFC 1350:
// one TID, retransmission of the last packet, a timeout), and the SIP connection to the
// CallManager (TCP, or UDP). Each emits the events of what it did (source service, phone
// set) and reports once through its callback on the executor; cancel() makes it quiet.
#pragma once

#include <array>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <string>

#include "drivers/api/event_sink.hpp"
#include "drivers/wire/address.hpp"
#include "drivers/wire/bytes.hpp"
#include "drivers/wire/http.hpp"
#include "lab/sim/phone/phone.hpp"

namespace phonerig::sim::phoned {

struct FetchReport {
  phone::FetchOutcome outcome = phone::FetchOutcome::error;
  wire::ByteVector bytes;
  std::string detail;  // "200, 1234 bytes", "404", "connection refused", "ERROR 1 File not found"
};
using FetchDone = std::function<void(FetchReport)>;

struct Emitter {
  api::EventSink* sink = nullptr;
  wire::Mac phone;
  void emit(api::Event event) const;  // sets source and phone
};

class HttpFetch : public std::enable_shared_from_this<HttpFetch> {
 public:
  HttpFetch(boost::asio::any_io_executor ex, wire::Ipv4 server, std::uint16_t port,
            std::string file, std::chrono::milliseconds timeout, Emitter events, FetchDone done);
  void start();
  void cancel();

 private:
  void finish(FetchReport report);
  void read();

  boost::asio::ip::tcp::socket socket_;
  boost::asio::steady_timer timer_;
  wire::Ipv4 server_;
  std::uint16_t port_;
  std::string file_;
  std::chrono::milliseconds timeout_;
  Emitter events_;
  FetchDone done_;
  std::string request_;
  std::array<std::uint8_t, 16384> buffer_{};
  wire::http::ResponseParser parser_;
  bool finished_ = false;
};

class TftpFetch : public std::enable_shared_from_this<TftpFetch> {
 public:
  TftpFetch(boost::asio::any_io_executor ex, wire::Ipv4 server, std::uint16_t port,
            std::string file, std::chrono::milliseconds retransmit, int tries, Emitter events,
            FetchDone done);
  void start();
  void cancel();

 private:
  void finish(FetchReport report);
  void receive();
  void arm();
  void send_last();

  boost::asio::ip::udp::socket socket_;
  boost::asio::steady_timer timer_;
  wire::Ipv4 server_;
  std::uint16_t port_;
  std::string file_;
  std::chrono::milliseconds retransmit_;
  int tries_;
  Emitter events_;
  FetchDone done_;
  boost::asio::ip::udp::endpoint peer_;      // where the last packet goes (69, then the TID)
  boost::asio::ip::udp::endpoint from_;
  std::uint16_t tid_ = 0;
  wire::ByteVector last_;
  wire::ByteVector data_;
  std::uint16_t expected_ = 1;
  std::uint64_t blocks_ = 0;
  int retransmits_ = 0;
  int silent_ = 0;
  std::chrono::steady_clock::time_point started_;
  std::array<std::uint8_t, 65536> buffer_{};
  bool finished_ = false;
  bool dallying_ = false;  // file delivered; still answering a repeated last DATA

  void dally();
};

// The SIP connection: connect() reports once (connected with the local port, refused, timed
// out); received bytes go to on_bytes; send() queues a message.
class SipLink : public std::enable_shared_from_this<SipLink> {
 public:
  using ConnectDone = std::function<void(phone::ConnectOutcome, std::uint16_t local_port)>;
  using Bytes = std::function<void(wire::ByteVector)>;
  SipLink(boost::asio::any_io_executor ex, Emitter events, Bytes on_bytes);
  void connect(wire::Ipv4 server, std::uint16_t port, bool udp, std::chrono::milliseconds timeout,
               ConnectDone done);
  void send(std::string text);
  void close();

 private:
  void read_tcp();
  void read_udp();
  void write_next();
  void note_received(wire::Bytes bytes);

  boost::asio::any_io_executor ex_;
  boost::asio::ip::tcp::socket tcp_;
  boost::asio::ip::udp::socket udp_;
  boost::asio::steady_timer timer_;
  Emitter events_;
  Bytes on_bytes_;
  bool use_udp_ = false;
  bool open_ = false;
  bool closed_ = false;
  wire::Ipv4 server_;
  std::uint16_t port_ = 0;
  std::deque<std::string> queue_;
  bool writing_ = false;
  std::string stream_;  // received bytes not yet framed, for the sip.response events
  std::array<std::uint8_t, 65536> buffer_{};
};

// The sip.request / sip.response event of one message (transport "tcp" or "udp").
api::Event sip_event(const std::string& text, const std::string& transport);

}  // namespace phonerig::sim::phoned
