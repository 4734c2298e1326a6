#include "drivers/services/sip/tcp_connection.hpp"

#include "drivers/services/common/endpoints.hpp"
#include "drivers/services/sip/server.hpp"
#include "drivers/wire/sip_text.hpp"

#include <boost/asio/write.hpp>
#include <utility>

namespace phonerig::services::sip {

namespace asio = boost::asio;

namespace {

wire::sip::Limits stream_limits() {
  wire::sip::Limits limits;
  limits.max_header_bytes = 16 * 1024;
  limits.max_body = 64 * 1024;
  return limits;
}

// The Content-Length of a complete head text (section 20.14, compact form "l"), for
// waiting until its body is in without parsing again; nullopt when absent or bad.
std::optional<std::size_t> content_length(std::string_view head) {
  std::size_t pos = head.find("\r\n");
  while (pos != std::string_view::npos && pos + 2 < head.size()) {
    std::size_t start = pos + 2;
    std::size_t end = head.find("\r\n", start);
    if (end == std::string_view::npos) end = head.size();
    std::string_view line = head.substr(start, end - start);
    std::size_t colon = line.find(':');
    if (colon != std::string_view::npos) {
      std::string_view name = wire::sip::trim(line.substr(0, colon));
      if (wire::sip::iequals(name, "Content-Length") || wire::sip::iequals(name, "l")) {
        auto value = wire::sip::parse_decimal(wire::sip::trim(line.substr(colon + 1)), 1u << 30);
        if (!value) return std::nullopt;
        return static_cast<std::size_t>(*value);
      }
    }
    pos = end;
  }
  return std::nullopt;
}

} // namespace

TcpConnection::TcpConnection(asio::ip::tcp::socket socket, ConnectionOwner& owner,
                             asio::strand<asio::any_io_executor> strand, std::uint16_t local_port)
    : socket_(std::move(socket)), owner_(owner), idle_(strand) {
  boost::system::error_code ec;
  auto remote = socket_.remote_endpoint(ec);
  auto local = socket_.local_endpoint(ec);
  peer_.transport = Transport::tcp;
  if (!ec) {
    peer_.address = to_ipv4(remote.address());
    peer_.port = remote.port();
    peer_.local_address = to_ipv4(local.address());
  }
  peer_.local_port = local_port;
  socket_.set_option(asio::ip::tcp::no_delay(true), ec);
}

void TcpConnection::start() {
  arm_idle();
  read();
}

void TcpConnection::arm_idle() {
  idle_.expires_after(owner_.settings().tcp_idle_timeout);
  idle_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
    if (!ec && !self->closed_) self->finish();
  });
}

void TcpConnection::read() {
  socket_.async_read_some(
      asio::buffer(chunk_),
      [self = shared_from_this()](const boost::system::error_code& ec, std::size_t n) {
        if (self->closed_) return;
        if (ec) return self->finish();
        if (self->closing_) return self->read(); // draining until our 400 is written
        self->in_.append(self->chunk_.data(), n);
        self->arm_idle();
        self->process();
        if (!self->closed_ && !self->closing_) self->read();
      });
}

void TcpConnection::overflow(std::string what) {
  std::vector<api::Event> events;
  api::Event e = api::make_event(api::EventSource::service, "request.malformed");
  e.attrs["service"] = std::string("sip");
  e.attrs["error"] = std::move(what);
  e.attrs["offset"] = static_cast<std::int64_t>(in_.size());
  e.attrs["answered"] = std::int64_t{0};
  e.attrs["src"] = peer_.address;
  e.attrs["src_port"] = static_cast<std::int64_t>(peer_.port);
  events.push_back(std::move(e));
  owner_.emit(events);
  finish();
}

void TcpConnection::process() {
  static const wire::sip::Limits limits = stream_limits();
  std::size_t pos = 0;
  while (!closed_ && !closing_) {
    // RFC 5626 section 3.5.1: CRLF CRLF is a ping, answered with one CRLF.
    std::size_t crlfs = 0;
    while (in_.size() - pos >= 2 && in_[pos] == '\r' && in_[pos + 1] == '\n') {
      pos += 2;
      ++crlfs;
    }
    if (crlfs >= 2) send("\r\n");
    if (pos >= in_.size()) break;
    if (need_total_ != 0 && in_.size() - pos < need_total_) break;
    if (need_total_ == 0) {
      std::size_t from = std::max(pos, scanned_ >= 3 ? scanned_ - 3 : 0);
      std::size_t end = in_.find("\r\n\r\n", from);
      if (end == std::string::npos) {
        scanned_ = in_.size();
        break;
      }
    }
    wire::Bytes rest = wire::as_bytes(std::string_view(in_).substr(pos));
    wire::sip::StreamFrame frame = wire::sip::parse_stream(rest, limits);
    if (frame.status == wire::sip::StreamFrame::Status::need_more) {
      std::size_t head_end = in_.find("\r\n\r\n", pos) + 4 - pos;
      auto length = content_length(std::string_view(in_).substr(pos, head_end));
      need_total_ = length ? head_end + *length : 0;
      if (need_total_ == 0) break; // cannot happen: parse_stream wants Content-Length
      break;
    }
    if (frame.status == wire::sip::StreamFrame::Status::error) {
      Outcome out = owner_.malformed(rest, frame.error, peer_);
      owner_.emit(out.events);
      if (out.reply) send(std::move(out.reply->bytes));
      // The stream cannot be resynchronised (section 18.3): close once the 400 is out.
      closing_ = true;
      if (!writing_) finish();
      return;
    }
    pos += frame.consumed;
    scanned_ = pos;
    need_total_ = 0;
    Outcome out = owner_.handle(frame.message, peer_);
    owner_.emit(out.events);
    if (out.reply) send(std::move(out.reply->bytes));
  }
  if (closed_) return;
  if (pos > 0) {
    in_.erase(0, pos);
    scanned_ = scanned_ > pos ? scanned_ - pos : 0;
  }
  if (in_.size() > owner_.settings().tcp_max_buffer) {
    overflow("more than " + std::to_string(owner_.settings().tcp_max_buffer) +
             " bytes buffered without a complete message");
  }
}

void TcpConnection::send(std::string bytes) {
  if (closed_) return;
  unsent_ += bytes.size();
  out_.push_back(std::move(bytes));
  if (unsent_ > owner_.settings().tcp_max_unsent) {
    overflow("the peer leaves more than " + std::to_string(owner_.settings().tcp_max_unsent) +
             " bytes of responses unread");
    return;
  }
  if (!writing_) write_next();
}

void TcpConnection::write_next() {
  if (out_.empty() || closed_) {
    writing_ = false;
    if (closing_ && !closed_) finish();
    return;
  }
  // Every response queued so far goes out in one gathered write.
  writing_ = true;
  batch_.clear();
  buffers_.clear();
  while (!out_.empty()) {
    batch_.push_back(std::move(out_.front()));
    out_.pop_front();
  }
  for (const std::string& bytes : batch_)
    buffers_.push_back(asio::buffer(bytes));
  asio::async_write(
      socket_, buffers_,
      [self = shared_from_this()](const boost::system::error_code& ec, std::size_t n) {
        if (self->closed_) return;
        if (ec) return self->finish();
        self->unsent_ -= n;
        self->write_next();
      });
}

void TcpConnection::close() {
  if (closed_) return;
  closed_ = true;
  boost::system::error_code ignored;
  idle_.cancel();
  socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
}

void TcpConnection::finish() {
  if (closed_) return;
  close();
  owner_.closed(shared_from_this());
}

} // namespace phonerig::services::sip
