#include "drivers/services/http/server.hpp"

#include "drivers/services/common/endpoints.hpp"
#include "drivers/services/common/stop_on_strand.hpp"

#include <sys/socket.h>

#include <atomic>
#include <cstring>
#include <set>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>

namespace phonerig::services::http {

namespace asio = boost::asio;
namespace whttp = wire::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

constexpr std::size_t kReadBuffer = 16 * 1024;
constexpr std::size_t kBodyChunk = 256 * 1024;

}  // namespace

struct Connection;

struct Server::Impl : std::enable_shared_from_this<Server::Impl> {
  Impl(asio::any_io_executor ex, Config config_in, api::EventSink& sink)
      : strand(asio::make_strand(ex)), acceptor(strand), config(std::move(config_in)),
        events(sink) {}

  asio::strand<asio::any_io_executor> strand;
  tcp::acceptor acceptor;
  Config config;
  api::EventSink& events;
  tcp::endpoint local;
  std::set<std::shared_ptr<Connection>> connections;
  std::atomic<std::size_t> connection_count{0};
  bool stopped = false;
  std::atomic<bool> stop_requested{false};  // stop() was called

  void accept();
  void ended(const std::shared_ptr<Connection>& connection) {
    connections.erase(connection);
    connection_count = connections.size();
  }
  void stop_all();
};

struct Connection : std::enable_shared_from_this<Connection> {
  Connection(std::shared_ptr<Server::Impl> owner_in, tcp::socket socket_in)
      : owner(std::move(owner_in)), socket(std::move(socket_in)), idle(owner->strand),
        parser(whttp::Limits{owner->config.max_header_bytes, 100, 64 * 1024}),
        in(kReadBuffer) {
    boost::system::error_code ec;
    peer = socket.remote_endpoint(ec);
    local = socket.local_endpoint(ec);
  }

  std::shared_ptr<Server::Impl> owner;
  tcp::socket socket;
  asio::steady_timer idle;
  whttp::RequestParser parser;
  std::vector<std::uint8_t> in;
  std::size_t in_begin = 0;
  std::size_t in_end = 0;
  Answer current;
  std::vector<std::uint8_t> chunk;
  std::uint64_t body_sent = 0;
  tcp::endpoint peer;
  tcp::endpoint local;
  Clock::time_point last_activity = Clock::now();
  bool closed = false;

  api::Event event(std::string_view kind, std::optional<wire::Mac> phone, bool inbound) {
    api::Event e = api::make_event(api::EventSource::service, kind);
    e.phone = phone;
    if (inbound) {
      set_endpoint_attrs(e, peer, local);
    } else {
      set_endpoint_attrs(e, local, peer);
    }
    return e;
  }

  void start() {
    arm_idle(Clock::now() + owner->config.idle_timeout);
    process();
  }

  void arm_idle(Clock::time_point at) {
    idle.expires_at(at);
    idle.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
      if (ec || self->closed) return;
      const auto due = self->last_activity + self->owner->config.idle_timeout;
      if (Clock::now() >= due) {
        self->close();
      } else {
        self->arm_idle(due);
      }
    });
  }

  void read() {
    socket.async_read_some(
        asio::buffer(in), [self = shared_from_this()](const boost::system::error_code& ec,
                                                      std::size_t size) {
          if (self->closed) return;
          if (ec) {
            self->close();
            return;
          }
          self->last_activity = Clock::now();
          self->in_begin = 0;
          self->in_end = size;
          self->process();
        });
  }

  // Feeds what is buffered to the parser: answers a complete request, reads more otherwise.
  void process() {
    if (in_begin == in_end) {
      read();
      return;
    }
    const whttp::FeedResult result =
        parser.feed(wire::Bytes(in.data() + in_begin, in_end - in_begin));
    if (result.failed()) {
      malformed(result.error);
      return;
    }
    if (result.need_more()) {
      in_begin = in_end;
      read();
      return;
    }
    in_begin += result.consumed;
    whttp::Request request = parser.take();
    parser.reset();
    respond(request);
  }

  void malformed(const wire::ParseError& error) {
    api::Event e = event("request.malformed", std::nullopt, true);
    e.attrs["service"] = std::string("http");
    e.attrs["error"] = error.what;
    e.attrs["offset"] = static_cast<std::int64_t>(error.offset);
    e.attrs["answered"] = std::int64_t{1};
    owner->events.emit(std::move(e));
    current = answer_malformed();
    emit_status(current, std::nullopt);
    write_head();
  }

  void emit_status(const Answer& answer, std::optional<wire::Mac> phone) {
    api::Event e = event("http.status", phone, false);
    if (!answer.path.empty()) e.attrs["path"] = answer.path;
    e.attrs["status"] = static_cast<std::int64_t>(answer.status);
    e.attrs["bytes"] = static_cast<std::int64_t>(answer.body ? answer.content_length : 0);
    owner->events.emit(std::move(e));
  }

  void respond(const whttp::Request& request) {
    current = answer(request, *owner->config.store,
                     ResponderOptions{owner->config.missing_status});
    const std::optional<wire::Mac> phone = files::phone_of(current.path);
    if (current.is_get) {
      api::Event e = event("http.get", phone, true);
      e.attrs["path"] = current.path;
      if (const std::string* host = request.headers.find("host")) e.attrs["host"] = *host;
      if (const std::string* agent = request.headers.find("user-agent")) {
        e.attrs["user_agent"] = *agent;
      }
      owner->events.emit(std::move(e));
    }
    if (current.missing) {
      api::Event e = event("file.missing", phone, true);
      e.attrs["file"] = current.path;
      e.attrs["transport"] = std::string("http");
      e.attrs["reason"] = std::string(files::to_string(current.missing->refusal));
      owner->events.emit(std::move(e));
    }
    emit_status(current, phone);
    write_head();
  }

  void write_head() {
    body_sent = 0;
    std::vector<asio::const_buffer> buffers{asio::buffer(current.head)};
    const bool whole = current.body && current.body->is_virtual();
    if (whole) {
      const auto bytes = current.body->bytes();
      buffers.push_back(asio::buffer(bytes.data(), bytes.size()));
    }
    asio::async_write(socket, buffers,
                      [self = shared_from_this(), whole](const boost::system::error_code& ec,
                                                         std::size_t) {
                        if (self->closed) return;
                        if (ec) {
                          self->close();
                          return;
                        }
                        self->last_activity = Clock::now();
                        if (whole || !self->current.body) {
                          self->answered();
                        } else {
                          self->write_body();
                        }
                      });
  }

  // A root file goes in chunks read with pread: a firmware image is never held whole.
  void write_body() {
    const files::File& file = *current.body;
    if (body_sent >= file.size()) {
      answered();
      return;
    }
    chunk.resize(kBodyChunk);
    auto read = file.read(body_sent, chunk);
    if (!read || *read == 0) {
      close();  // the length is promised: a short body can only end the connection
      return;
    }
    body_sent += *read;
    asio::async_write(socket, asio::buffer(chunk.data(), *read),
                      [self = shared_from_this()](const boost::system::error_code& ec,
                                                  std::size_t) {
                        if (self->closed) return;
                        if (ec) {
                          self->close();
                          return;
                        }
                        self->last_activity = Clock::now();
                        self->write_body();
                      });
  }

  void answered() {
    if (!current.keep_alive) {
      boost::system::error_code ec;
      socket.shutdown(tcp::socket::shutdown_send, ec);
      close();
      return;
    }
    current = Answer{};
    process();
  }

  void close() {
    if (closed) return;
    closed = true;
    // Leave the count before the socket closes: a peer that sees the EOF must find the
    // connection already gone from connections().
    owner->ended(shared_from_this());
    boost::system::error_code ec;
    idle.cancel();
    socket.close(ec);
  }
};

void Server::Impl::accept() {
  // The acceptor lives on the strand, so the accepted socket does too.
  acceptor.async_accept([self = shared_from_this()](const boost::system::error_code& ec,
                                                    tcp::socket socket) {
    if (self->stopped || ec == asio::error::operation_aborted) return;
    if (!ec) {
      if (self->connections.size() >= self->config.max_connections) {
        boost::system::error_code ignored;
        socket.close(ignored);
      } else {
        auto connection = std::make_shared<Connection>(self, std::move(socket));
        self->connections.insert(connection);
        self->connection_count = self->connections.size();
        connection->start();
      }
    }
    self->accept();
  });
}

void Server::Impl::stop_all() {
  if (stopped) return;
  stopped = true;
  boost::system::error_code ec;
  acceptor.close(ec);
  auto all = std::move(connections);
  connections.clear();
  connection_count = 0;
  for (const auto& connection : all) {
    connection->closed = true;
    connection->idle.cancel();
    connection->socket.close(ec);
  }
}

api::Result<std::unique_ptr<Server>> Server::start(asio::any_io_executor ex, Config config,
                                                   api::EventSink& events) {
  if (!config.store) return api::fail(api::Fault::config, "http: no file store configured");
  if (config.missing_status != 404 && config.missing_status != 503) {
    return api::fail(api::Fault::config, "http: missing_status must be 404 or 503, not " +
                                             std::to_string(config.missing_status));
  }
  auto impl = std::make_shared<Impl>(ex, std::move(config), events);
  const Config& c = impl->config;
  const tcp::endpoint endpoint(asio::ip::address_v4(c.address.value), c.port);
  const std::string where = "tcp " + endpoint.address().to_string() + ":" +
                            std::to_string(c.port) +
                            (c.interface.empty() ? "" : " on " + c.interface);
  boost::system::error_code ec;
  impl->acceptor.open(tcp::v4(), ec);
  if (ec) return api::fail(api::Fault::rig, "http: cannot open " + where + ": " + ec.message());
  if (!c.interface.empty() &&
      ::setsockopt(impl->acceptor.native_handle(), SOL_SOCKET, SO_BINDTODEVICE,
                   c.interface.c_str(), static_cast<socklen_t>(c.interface.size())) != 0) {
    return api::fail(api::Fault::rig,
                     "http: cannot bind " + where + " to the interface: " + std::strerror(errno));
  }
  impl->acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  impl->acceptor.bind(endpoint, ec);
  if (!ec) impl->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return api::fail(api::Fault::rig, "http: cannot listen on " + where + ": " + ec.message());
  impl->local = impl->acceptor.local_endpoint(ec);
  events.emit(api::listening_event("http", "tcp", c.address, impl->local.port(), c.interface));
  asio::post(impl->strand, [impl] { impl->accept(); });
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

Server::~Server() { stop(); }

void Server::stop() {
  if (!impl_ || impl_->stop_requested.exchange(true)) return;
  stop_on_strand(impl_->strand, [impl = impl_] { impl->stop_all(); });
}

std::vector<std::string> Server::where() const {
  return {"tcp " + impl_->config.address.to_string() + ":" + std::to_string(impl_->local.port()) +
          (impl_->config.interface.empty() ? "" : " on " + impl_->config.interface)};
}

std::uint16_t Server::port() const { return impl_->local.port(); }

std::size_t Server::connections() const { return impl_->connection_count; }

}  // namespace phonerig::services::http
