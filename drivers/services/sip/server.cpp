#include "drivers/services/sip/server.hpp"

#include "drivers/services/common/endpoints.hpp"
#include "drivers/services/sip/tcp_connection.hpp"

#include <array>
#include <atomic>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <cerrno>
#include <cstring>
#include <net/if.h>
#include <random>
#include <set>
#include <sys/socket.h>
#include <utility>

namespace phonerig::services::sip {

namespace asio = boost::asio;
using asio::ip::tcp;
using asio::ip::udp;

namespace {

Instant instant_now() {
  return Instant{std::chrono::duration_cast<std::chrono::milliseconds>(
                     std::chrono::steady_clock::now().time_since_epoch())
                     .count(),
                 api::realtime_ns()};
}

std::string random_secret() {
  std::random_device device;
  std::string secret(32, '\0');
  for (char& c : secret)
    c = static_cast<char>(device() & 0xff);
  return secret;
}

asio::ip::address_v4 to_asio(wire::Ipv4 address) {
  return asio::ip::address_v4(address.value);
}

std::string describe(const Config& config, std::string_view transport, std::uint16_t port) {
  std::string text =
      std::string(transport) + " " + config.address.to_string() + ":" + std::to_string(port);
  if (!config.interface.empty()) text += " on " + config.interface;
  return text;
}

template <class Socket>
api::Result<bool> bind_to_device(Socket& socket, const Config& config, std::string_view what) {
  if (config.interface.empty()) return true;
  if (setsockopt(socket.native_handle(), SOL_SOCKET, SO_BINDTODEVICE, config.interface.c_str(),
                 static_cast<socklen_t>(config.interface.size())) != 0) {
    return api::fail(api::Fault::rig, "sip: cannot bind the " + std::string(what) +
                                          " socket to interface " + config.interface + ": " +
                                          std::strerror(errno));
  }
  return true;
}

} // namespace

struct Server::Impl : std::enable_shared_from_this<Server::Impl>, ConnectionOwner {
  Impl(asio::any_io_executor ex, Config cfg, api::EventSink& sink)
      : strand(asio::make_strand(ex)), config(std::move(cfg)), events(sink),
        registrar(config.registrar), udp_socket(strand), acceptor(strand), tick(strand) {}

  asio::strand<asio::any_io_executor> strand;
  Config config;
  api::EventSink& events;
  Registrar registrar;
  udp::socket udp_socket;
  tcp::acceptor acceptor;
  asio::steady_timer tick;
  std::uint16_t bound_port = 0;
  std::atomic<bool> stopped{false};
  std::set<std::shared_ptr<TcpConnection>> connections;
  std::array<std::uint8_t, 65536> datagram{};
  udp::endpoint sender;

  // ConnectionOwner
  Outcome handle(const wire::sip::Message& message, const Peer& peer) override {
    return registrar.on_message(message, peer, instant_now());
  }
  Outcome malformed(wire::Bytes raw, const wire::ParseError& error, const Peer& peer) override {
    return registrar.on_malformed(raw, error, peer, instant_now());
  }
  void emit(std::vector<api::Event>& list) override {
    for (api::Event& e : list)
      events.emit(std::move(e));
  }
  void closed(const std::shared_ptr<TcpConnection>& connection) override {
    connections.erase(connection);
  }
  const Config& settings() const override { return config; }

  void listening(std::string_view transport) {
    events.emit(api::listening_event("sip", transport, config.address, bound_port, config.interface));
  }

  void serve_datagram(std::size_t length) {
    Peer peer;
    peer.transport = Transport::udp;
    peer.address = to_ipv4(sender.address());
    peer.port = sender.port();
    if (!config.address.is_zero()) peer.local_address = config.address;
    peer.local_port = bound_port;
    Outcome out = registrar.on_datagram(wire::Bytes(datagram.data(), length), peer, instant_now());
    emit(out.events);
    if (out.reply) {
      boost::system::error_code ignored; // a full send buffer drops the reply: UDP retransmits
      udp_socket.send_to(asio::buffer(out.reply->bytes),
                         udp::endpoint(to_asio(out.reply->address), out.reply->port), 0, ignored);
    }
  }

  void receive() {
    udp_socket.async_receive_from(
        asio::buffer(datagram), sender,
        [self = shared_from_this()](const boost::system::error_code& ec, std::size_t length) {
          if (self->stopped) return;
          if (!ec) {
            self->serve_datagram(length);
            // Drain what is already queued before going back to the reactor.
            for (int i = 0; i < 64 && !self->stopped; ++i) {
              boost::system::error_code more;
              std::size_t n = self->udp_socket.receive_from(asio::buffer(self->datagram),
                                                            self->sender, 0, more);
              if (more) break;
              self->serve_datagram(n);
            }
          } else if (ec == asio::error::operation_aborted) {
            return;
          }
          self->receive();
        });
  }

  void accept() {
    acceptor.async_accept(
        [self = shared_from_this()](const boost::system::error_code& ec, tcp::socket socket) {
          if (self->stopped || ec == asio::error::operation_aborted) return;
          if (!ec) {
            if (self->connections.size() >= self->config.tcp_max_connections) {
              boost::system::error_code ignored;
              socket.close(ignored);
            } else {
              auto connection = std::make_shared<TcpConnection>(std::move(socket), *self,
                                                                self->strand, self->bound_port);
              self->connections.insert(connection);
              connection->start();
            }
          }
          self->accept();
        });
  }

  void schedule_tick() {
    tick.expires_after(std::chrono::seconds(1));
    tick.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
      if (ec || self->stopped) return;
      std::vector<api::Event> expired = self->registrar.expire(instant_now());
      self->emit(expired);
      self->schedule_tick();
    });
  }

  void close_all() {
    boost::system::error_code ignored;
    udp_socket.close(ignored);
    acceptor.close(ignored);
    tick.cancel();
    auto all = connections;
    connections.clear();
    for (const auto& c : all)
      c->close();
  }
};

Server::Server(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}

Server::~Server() {
  stop();
}

api::Result<std::unique_ptr<Server>> Server::start(asio::any_io_executor ex, Config config,
                                                   api::EventSink& events) {
  if (!config.udp && !config.tcp) {
    return api::fail(api::Fault::config, "sip: neither udp nor tcp is enabled");
  }
  if (config.registrar.secret.empty()) config.registrar.secret = random_secret();
  auto impl = std::make_shared<Impl>(ex, std::move(config), events);
  const Config& c = impl->config;
  boost::system::error_code ec;
  std::uint16_t port = c.port;
  auto failed = [&](std::string_view transport, std::string_view step) {
    return api::fail(api::Fault::rig, "sip: cannot " + std::string(step) + " " +
                                          describe(c, transport, port) + ": " + ec.message());
  };
  if (c.udp) {
    udp::socket& s = impl->udp_socket;
    if (s.open(udp::v4(), ec)) return failed("udp", "open");
    PHONERIG_TRY(auto ok, bind_to_device(s, c, "udp"));
    (void)ok;
    s.set_option(udp::socket::reuse_address(true), ec);
    s.set_option(asio::socket_base::receive_buffer_size(c.udp_receive_buffer), ec);
    if (s.bind(udp::endpoint(to_asio(c.address), port), ec)) return failed("udp", "bind");
    port = s.local_endpoint().port();
    s.non_blocking(true, ec);
  }
  if (c.tcp) {
    tcp::acceptor& a = impl->acceptor;
    if (a.open(tcp::v4(), ec)) return failed("tcp", "open");
    PHONERIG_TRY(auto ok, bind_to_device(a, c, "tcp"));
    (void)ok;
    a.set_option(tcp::acceptor::reuse_address(true), ec);
    if (a.bind(tcp::endpoint(to_asio(c.address), port), ec)) return failed("tcp", "bind");
    if (a.listen(asio::socket_base::max_listen_connections, ec)) return failed("tcp", "listen on");
    port = a.local_endpoint().port();
  }
  impl->bound_port = port;
  if (c.udp) impl->listening("udp");
  if (c.tcp) impl->listening("tcp");
  asio::post(impl->strand, [impl] {
    if (impl->stopped) return;
    if (impl->config.udp) impl->receive();
    if (impl->config.tcp) impl->accept();
    impl->schedule_tick();
  });
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

void Server::stop() {
  if (!impl_ || impl_->stopped.exchange(true)) return;
  if (impl_->strand.running_in_this_thread()) {
    impl_->close_all();
  } else {
    asio::post(impl_->strand, [impl = impl_] { impl->close_all(); });
  }
}

std::vector<std::string> Server::where() const {
  std::vector<std::string> lines;
  if (impl_->config.udp) lines.push_back(describe(impl_->config, "udp", impl_->bound_port));
  if (impl_->config.tcp) lines.push_back(describe(impl_->config, "tcp", impl_->bound_port));
  return lines;
}

std::uint16_t Server::port() const {
  return impl_->bound_port;
}

} // namespace phonerig::services::sip
