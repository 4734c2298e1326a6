// The SIP connection to the CallManager and the sip.request / sip.response events of what
// crosses it (declared in transfers.hpp).
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>

#include "drivers/wire/sip_headers.hpp"
#include "drivers/wire/sip_message.hpp"
#include "lab/sim/phoned/transfers.hpp"

namespace phonerig::sim::phoned {
namespace asio = boost::asio;
using asio::ip::tcp;
using asio::ip::udp;

namespace {

asio::ip::address_v4 v4(wire::Ipv4 a) { return asio::ip::address_v4(a.value); }

}  // namespace

// ---- SIP ----

api::Event sip_event(const std::string& text, const std::string& transport) {
  namespace sip = wire::sip;
  auto parsed = sip::parse(text);
  if (!parsed) {
    auto e = api::make_event(api::EventSource::service, "sip.request");
    e.attrs["method"] = text.substr(0, text.find(' '));
    e.attrs["transport"] = transport;
    return e;
  }
  const auto& m = *parsed;
  auto e = api::make_event(api::EventSource::service, m.is_request() ? "sip.request" : "sip.response");
  if (m.is_request()) {
    e.attrs["method"] = m.method;
    if (auto to = sip::to(m)) e.attrs["aor"] = sip::to_string(to->uri);
    if (auto c = sip::contacts(m); c && !c->contacts.empty()) {
      e.attrs["contact"] = sip::to_string(c->contacts.front().uri);
      if (auto d = c->contacts.front().cisco_device_name()) e.attrs["device_name"] = *d;
    }
    if (auto ua = sip::user_agent(m)) e.attrs["user_agent"] = std::string(*ua);
    e.attrs["authorized"] = std::int64_t{m.find("Authorization") != nullptr ||
                                         m.find("Proxy-Authorization") != nullptr};
  } else {
    e.attrs["status"] = std::int64_t{m.status_code};
    e.attrs["reason"] = m.reason;
  }
  if (auto id = sip::call_id(m)) e.attrs["call_id"] = *id;
  if (auto cs = sip::cseq(m)) {
    e.attrs["cseq"] = std::int64_t{cs->number};
    if (m.is_response()) e.attrs["method"] = cs->method;
  }
  if (auto ex = sip::expires(m); ex && *ex) e.attrs["expires"] = std::int64_t{**ex};
  e.attrs["transport"] = transport;
  return e;
}

SipLink::SipLink(asio::any_io_executor ex, Emitter events, Bytes on_bytes)
    : ex_(ex), tcp_(ex), udp_(ex), timer_(ex), events_(events), on_bytes_(std::move(on_bytes)) {}

void SipLink::connect(wire::Ipv4 server, std::uint16_t port, bool udp,
                      std::chrono::milliseconds timeout, ConnectDone done) {
  auto self = shared_from_this();
  use_udp_ = udp;
  server_ = server;
  port_ = port;
  if (udp) {
    boost::system::error_code ec;
    udp_.open(udp::v4(), ec);
    if (!ec) udp_.connect(udp::endpoint(v4(server), port), ec);
    std::uint16_t local = 0;
    if (!ec) local = udp_.local_endpoint(ec).port();
    asio::post(ex_, [self, ec, local, done] {
      if (self->closed_) return;
      if (ec) {
        done(phone::ConnectOutcome::refused, 0);
        return;
      }
      self->open_ = true;
      done(phone::ConnectOutcome::connected, local);
      self->read_udp();
      self->write_next();
    });
    return;
  }
  auto syn = api::make_event(api::EventSource::service, "tcp.syn");
  syn.attrs["dst"] = server;
  syn.attrs["dst_port"] = std::int64_t{port};
  events_.emit(std::move(syn));
  auto fired = std::make_shared<bool>(false);
  timer_.expires_after(timeout);
  timer_.async_wait([self, fired, done](const boost::system::error_code& ec) {
    if (ec || *fired || self->closed_) return;
    *fired = true;
    boost::system::error_code ignored;
    self->tcp_.close(ignored);
    done(phone::ConnectOutcome::timeout, 0);
  });
  tcp_.async_connect(tcp::endpoint(v4(server), port), [self, fired, done](const boost::system::error_code& ec) {
    if (*fired || self->closed_) return;
    *fired = true;
    self->timer_.cancel();
    if (ec) {
      done(ec == asio::error::connection_refused ? phone::ConnectOutcome::refused
                                                 : phone::ConnectOutcome::timeout,
           0);
      return;
    }
    boost::system::error_code lec;
    const auto local = self->tcp_.local_endpoint(lec);
    auto est = api::make_event(api::EventSource::service, "tcp.established");
    est.attrs["dst"] = self->server_;
    est.attrs["dst_port"] = std::int64_t{self->port_};
    est.attrs["src_port"] = std::int64_t{local.port()};
    self->events_.emit(std::move(est));
    self->open_ = true;
    done(phone::ConnectOutcome::connected, local.port());
    self->read_tcp();
    self->write_next();
  });
}

void SipLink::send(std::string text) {
  if (closed_) return;
  auto e = sip_event(text, use_udp_ ? "udp" : "tcp");
  e.attrs["dst"] = server_;
  e.attrs["dst_port"] = std::int64_t{port_};
  events_.emit(std::move(e));
  queue_.push_back(std::move(text));
  write_next();
}

void SipLink::write_next() {
  if (!open_ || writing_ || queue_.empty() || closed_) return;
  auto self = shared_from_this();
  if (use_udp_) {
    while (!queue_.empty()) {
      boost::system::error_code ignored;
      udp_.send(asio::buffer(queue_.front()), 0, ignored);
      queue_.pop_front();
    }
    return;
  }
  writing_ = true;
  asio::async_write(tcp_, asio::buffer(queue_.front()), [self](const boost::system::error_code& ec, std::size_t) {
    self->writing_ = false;
    if (self->closed_) return;
    self->queue_.pop_front();
    if (ec) return;
    self->write_next();
  });
}

void SipLink::note_received(wire::Bytes bytes) {
  stream_.append(wire::as_string_view(bytes));
  while (!stream_.empty()) {
    auto frame = wire::sip::parse_stream(wire::as_bytes(stream_));
    if (frame.status != wire::sip::StreamFrame::Status::complete || frame.consumed == 0) {
      if (frame.status == wire::sip::StreamFrame::Status::error) stream_.clear();
      break;
    }
    auto e = sip_event(stream_.substr(0, frame.consumed), use_udp_ ? "udp" : "tcp");
    e.attrs["src"] = server_;
    e.attrs["src_port"] = std::int64_t{port_};
    events_.emit(std::move(e));
    stream_.erase(0, frame.consumed);
  }
}

void SipLink::read_tcp() {
  auto self = shared_from_this();
  tcp_.async_read_some(asio::buffer(buffer_), [self](const boost::system::error_code& ec, std::size_t n) {
    if (self->closed_ || ec) return;
    wire::ByteVector bytes(self->buffer_.begin(), self->buffer_.begin() + static_cast<std::ptrdiff_t>(n));
    self->note_received(bytes);
    if (self->on_bytes_) self->on_bytes_(std::move(bytes));
    self->read_tcp();
  });
}

void SipLink::read_udp() {
  auto self = shared_from_this();
  udp_.async_receive(asio::buffer(buffer_), [self](const boost::system::error_code& ec, std::size_t n) {
    if (self->closed_ || ec == asio::error::operation_aborted) return;
    if (!ec) {
      wire::ByteVector bytes(self->buffer_.begin(), self->buffer_.begin() + static_cast<std::ptrdiff_t>(n));
      self->stream_.clear();  // each datagram is one message
      self->note_received(bytes);
      if (self->on_bytes_) self->on_bytes_(std::move(bytes));
    }
    self->read_udp();
  });
}

void SipLink::close() {
  if (closed_) return;
  closed_ = true;
  on_bytes_ = nullptr;
  boost::system::error_code ignored;
  timer_.cancel();
  tcp_.close(ignored);
  udp_.close(ignored);
}

}  // namespace phonerig::sim::phoned
