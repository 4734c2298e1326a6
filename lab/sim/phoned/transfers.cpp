#include "lab/sim/phoned/transfers.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>

#include "drivers/wire/tftp.hpp"

namespace phonerig::sim::phoned {
namespace asio = boost::asio;
using asio::ip::tcp;
using asio::ip::udp;

namespace {

asio::ip::address_v4 v4(wire::Ipv4 a) { return asio::ip::address_v4(a.value); }
wire::Ipv4 from_v4(const asio::ip::address& a) {
  return a.is_v4() ? wire::Ipv4{a.to_v4().to_uint()} : wire::Ipv4{};
}

}  // namespace

void Emitter::emit(api::Event event) const {
  if (sink == nullptr) return;
  event.source = api::EventSource::service;
  event.phone = phone;
  sink->emit(std::move(event));
}

// ---- HTTP ----

HttpFetch::HttpFetch(asio::any_io_executor ex, wire::Ipv4 server, std::uint16_t port,
                     std::string file, std::chrono::milliseconds timeout, Emitter events,
                     FetchDone done)
    : socket_(ex),
      timer_(ex),
      server_(server),
      port_(port),
      file_(std::move(file)),
      timeout_(timeout),
      events_(events),
      done_(std::move(done)) {}

void HttpFetch::start() {
  auto self = shared_from_this();
  const std::string host = server_.to_string() + ":" + std::to_string(port_);
  request_ = std::string(wire::as_string_view(
      wire::http::build_request(wire::http::make_get("/" + file_, host))));
  timer_.expires_after(timeout_);
  timer_.async_wait([self](const boost::system::error_code& ec) {
    if (ec || self->finished_) return;
    self->finish({phone::FetchOutcome::timeout, {}, "timed out"});
  });
  socket_.async_connect(tcp::endpoint(v4(server_), port_), [self, host](const boost::system::error_code& ec) {
    if (self->finished_) return;
    if (ec) {
      self->finish({phone::FetchOutcome::error, {}, ec.message()});
      return;
    }
    auto e = api::make_event(api::EventSource::service, "http.get");
    e.attrs["path"] = "/" + self->file_;
    e.attrs["host"] = host;
    e.attrs["dst"] = self->server_;
    e.attrs["dst_port"] = std::int64_t{self->port_};
    self->events_.emit(std::move(e));
    asio::async_write(self->socket_, asio::buffer(self->request_),
                      [self](const boost::system::error_code& wec, std::size_t) {
                        if (self->finished_) return;
                        if (wec) {
                          self->finish({phone::FetchOutcome::error, {}, wec.message()});
                          return;
                        }
                        self->read();
                      });
  });
}

void HttpFetch::read() {
  auto self = shared_from_this();
  socket_.async_read_some(asio::buffer(buffer_), [self](const boost::system::error_code& ec,
                                                        std::size_t n) {
    if (self->finished_) return;
    wire::http::FeedResult r;
    if (ec == asio::error::eof) {
      r = self->parser_.finish();
    } else if (ec) {
      self->finish({phone::FetchOutcome::error, {}, ec.message()});
      return;
    } else {
      r = self->parser_.feed(wire::Bytes(self->buffer_.data(), n));
    }
    if (r.need_more()) {
      if (ec) {
        self->finish({phone::FetchOutcome::error, {}, "connection closed mid-response"});
      } else {
        self->read();
      }
      return;
    }
    if (r.failed()) {
      self->finish({phone::FetchOutcome::error, {}, "bad response: " + r.error.to_string()});
      return;
    }
    auto response = self->parser_.take();
    auto e = api::make_event(api::EventSource::service, "http.status");
    e.attrs["path"] = "/" + self->file_;
    e.attrs["status"] = std::int64_t{response.status};
    e.attrs["bytes"] = static_cast<std::int64_t>(response.body.size());
    e.attrs["src"] = self->server_;
    e.attrs["src_port"] = std::int64_t{self->port_};
    self->events_.emit(std::move(e));
    FetchReport report;
    report.detail = std::to_string(response.status) + ", " + std::to_string(response.body.size()) + " bytes";
    if (response.status == 200) {
      report.outcome = phone::FetchOutcome::ok;
      report.bytes = std::move(response.body);
    } else {
      report.outcome = response.status == 404 ? phone::FetchOutcome::not_found : phone::FetchOutcome::error;
    }
    self->finish(std::move(report));
  });
}

void HttpFetch::finish(FetchReport report) {
  if (finished_) return;
  finished_ = true;
  boost::system::error_code ignored;
  timer_.cancel();
  socket_.shutdown(tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
  auto done = std::move(done_);
  if (done) done(std::move(report));
}

void HttpFetch::cancel() {
  done_ = nullptr;
  finish({});
}

// ---- TFTP ----

TftpFetch::TftpFetch(asio::any_io_executor ex, wire::Ipv4 server, std::uint16_t port,
                     std::string file, std::chrono::milliseconds retransmit, int tries,
                     Emitter events, FetchDone done)
    : socket_(ex),
      timer_(ex),
      server_(server),
      port_(port),
      file_(std::move(file)),
      retransmit_(retransmit),
      tries_(tries),
      events_(events),
      done_(std::move(done)) {}

void TftpFetch::start() {
  auto self = shared_from_this();
  boost::system::error_code ec;
  socket_.open(udp::v4(), ec);
  if (!ec) socket_.bind(udp::endpoint(udp::v4(), 0), ec);
  if (ec) {
    asio::post(socket_.get_executor(), [self, ec] {
      self->finish({phone::FetchOutcome::error, {}, "socket: " + ec.message()});
    });
    return;
  }
  started_ = std::chrono::steady_clock::now();
  wire::tftp::Request rrq;
  rrq.filename = file_;
  rrq.mode = wire::tftp::Mode::octet;
  last_ = wire::tftp::build(rrq);
  peer_ = udp::endpoint(v4(server_), port_);
  auto e = api::make_event(api::EventSource::service, "tftp.rrq");
  e.attrs["file"] = file_;
  e.attrs["mode"] = std::string("octet");
  e.attrs["dst"] = server_;
  e.attrs["dst_port"] = std::int64_t{port_};
  events_.emit(std::move(e));
  send_last();
  arm();
  receive();
}

void TftpFetch::send_last() {
  boost::system::error_code ignored;
  socket_.send_to(asio::buffer(last_), peer_, 0, ignored);
}

void TftpFetch::arm() {
  auto self = shared_from_this();
  timer_.expires_after(retransmit_);
  timer_.async_wait([self](const boost::system::error_code& ec) {
    if (ec || self->finished_) return;
    if (++self->silent_ >= self->tries_) {
      auto e = api::make_event(api::EventSource::service, "tftp.error");
      e.attrs["file"] = self->file_;
      e.attrs["code"] = std::int64_t{0};
      e.attrs["message"] = std::string("timed out (client)");
      self->events_.emit(std::move(e));
      self->finish({phone::FetchOutcome::timeout, {}, "timed out"});
      return;
    }
    ++self->retransmits_;
    self->send_last();
    self->arm();
  });
}

void TftpFetch::receive() {
  auto self = shared_from_this();
  socket_.async_receive_from(asio::buffer(buffer_), from_, [self](const boost::system::error_code& ec,
                                                                  std::size_t n) {
    if (self->finished_) return;
    if (ec) {
      if (ec == asio::error::operation_aborted) return;
      self->receive();  // ICMP errors and the like: the timer decides
      return;
    }
    if (from_v4(self->from_.address()) != self->server_) {
      self->receive();
      return;
    }
    if (self->tid_ == 0) self->tid_ = self->from_.port();
    if (self->from_.port() != self->tid_) {  // RFC 1350 section 4: another TID
      auto err = wire::tftp::build(wire::tftp::make_error(wire::tftp::ErrorCode::unknown_transfer_id));
      boost::system::error_code ignored;
      self->socket_.send_to(asio::buffer(err), self->from_, 0, ignored);
      self->receive();
      return;
    }
    self->peer_ = self->from_;
    auto packet = wire::tftp::parse(wire::Bytes(self->buffer_.data(), n));
    if (!packet) {
      self->receive();
      return;
    }
    if (auto* data = std::get_if<wire::tftp::Data>(&*packet)) {
      if (data->block == self->expected_) {
        if (self->data_.size() + data->payload.size() > 256u * 1024 * 1024) {
          self->finish({phone::FetchOutcome::error, {}, "file too large"});
          return;
        }
        self->data_.insert(self->data_.end(), data->payload.begin(), data->payload.end());
        ++self->blocks_;
        ++self->expected_;
        self->silent_ = 0;
        self->last_ = wire::tftp::build(wire::tftp::Ack{data->block});
        self->send_last();
        if (data->payload.size() < wire::tftp::kDefaultBlockSize) {
          auto e = api::make_event(api::EventSource::service, "tftp.done");
          e.attrs["file"] = self->file_;
          e.attrs["bytes"] = static_cast<std::int64_t>(self->data_.size());
          e.attrs["blocks"] = static_cast<std::int64_t>(self->blocks_);
          e.attrs["retransmits"] = std::int64_t{self->retransmits_};
          e.attrs["duration_ms"] = static_cast<std::int64_t>(
              std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                    self->started_)
                  .count());
          e.attrs["src"] = self->server_;
          e.attrs["src_port"] = std::int64_t{self->tid_};
          self->events_.emit(std::move(e));
          const std::string detail = std::to_string(self->data_.size()) + " bytes";
          auto done = std::move(self->done_);
          self->done_ = nullptr;
          self->dally();
          if (done) done({phone::FetchOutcome::ok, std::move(self->data_), detail});
          return;
        }
        self->arm();
      } else if (static_cast<std::uint16_t>(data->block + 1) == self->expected_) {
        self->send_last();  // our ACK was lost: say it again
      }
      self->receive();
      return;
    }
    if (auto* error = std::get_if<wire::tftp::Error>(&*packet)) {
      auto e = api::make_event(api::EventSource::service, "tftp.error");
      e.attrs["file"] = self->file_;
      e.attrs["code"] = static_cast<std::int64_t>(error->code);
      e.attrs["message"] = error->message;
      e.attrs["src"] = self->server_;
      e.attrs["src_port"] = std::int64_t{self->tid_};
      self->events_.emit(std::move(e));
      const auto outcome = error->code == wire::tftp::ErrorCode::file_not_found
                               ? phone::FetchOutcome::not_found
                               : phone::FetchOutcome::error;
      self->finish({outcome, {}, "ERROR " + std::to_string(static_cast<int>(error->code)) + " " + error->message});
      return;
    }
    self->receive();  // OACK (we asked for no option), stray ACK: ignored
  });
}

void TftpFetch::finish(FetchReport report) {
  if (finished_) return;
  finished_ = true;
  timer_.cancel();
  boost::system::error_code ignored;
  socket_.close(ignored);
  auto done = std::move(done_);
  if (done) done(std::move(report));
}

// RFC 1350 section 6: the final ACK may be lost, and the server then sends the last DATA
// again until it gives up. The file is delivered, but the socket stays open a while to ACK
// such a repeat (the branch for block + 1 == expected_ in receive()), so that the server,
// and a capture, see the transfer end as it did. Fixed, not scaled by short timers: the
// server's patience does not shrink with ours.
void TftpFetch::dally() {
  constexpr std::chrono::seconds kDally{10};
  dallying_ = true;
  auto self = shared_from_this();
  timer_.cancel();
  timer_.expires_after(kDally);
  timer_.async_wait([self](const boost::system::error_code& ec) {
    if (ec) return;
    self->finish({});
  });
  receive();
}

void TftpFetch::cancel() {
  done_ = nullptr;
  if (!dallying_) finish({});  // a delivered file dallies on; its timer ends it
}

}  // namespace phonerig::sim::phoned
