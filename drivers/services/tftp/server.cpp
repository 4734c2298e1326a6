#include "drivers/services/tftp/server.hpp"

#include "drivers/services/common/endpoints.hpp"
#include "drivers/services/common/stop_on_strand.hpp"

#include <sys/socket.h>

#include <array>
#include <atomic>
#include <cstring>
#include <map>
#include <mutex>

#include <boost/asio/ip/udp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include "drivers/services/tftp/request.hpp"

namespace phonerig::services::tftp {

namespace asio = boost::asio;
namespace tftp = wire::tftp;
using udp = asio::ip::udp;
using Clock = std::chrono::steady_clock;

namespace {

constexpr std::size_t kReceiveBuffer = 65536;

std::string describe(const udp::endpoint& endpoint) {
  return endpoint.address().to_string() + ":" + std::to_string(endpoint.port());
}

// Opens and binds a UDP socket, bound to the interface first when one is named.
api::Result<bool> open_socket(udp::socket& socket, const Config& config, std::uint16_t port) {
  boost::system::error_code ec;
  const udp::endpoint local(asio::ip::address_v4(config.address.value), port);
  const std::string where = "udp " + describe(local) +
                            (config.interface.empty() ? "" : " on " + config.interface);
  socket.open(udp::v4(), ec);
  if (ec) return api::fail(api::Fault::rig, "tftp: cannot open " + where + ": " + ec.message());
  if (!config.interface.empty() &&
      ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_BINDTODEVICE, config.interface.c_str(),
                   static_cast<socklen_t>(config.interface.size())) != 0) {
    const std::string why = std::strerror(errno);
    socket.close(ec);
    return api::fail(api::Fault::rig, "tftp: cannot bind " + where + " to the interface: " + why);
  }
  if (port != 0) socket.set_option(udp::socket::reuse_address(true), ec);
  socket.bind(local, ec);
  if (ec) {
    const std::string why = ec.message();
    socket.close(ec);
    return api::fail(api::Fault::rig, "tftp: cannot bind " + where + ": " + why);
  }
  return true;
}

}  // namespace

struct Session;

struct Server::Impl : std::enable_shared_from_this<Server::Impl> {
  Impl(asio::any_io_executor ex, Config config_in, api::EventSink& sink)
      : strand(asio::make_strand(ex)), listen(strand), config(std::move(config_in)),
        events(sink) {}

  asio::strand<asio::any_io_executor> strand;
  udp::socket listen;
  Config config;
  api::EventSink& events;
  udp::endpoint local;
  std::array<std::uint8_t, kReceiveBuffer> buffer{};
  udp::endpoint sender;
  std::map<udp::endpoint, std::shared_ptr<Session>> sessions;
  std::atomic<std::size_t> session_count{0};
  bool stopped = false;
  std::atomic<bool> stop_requested{false};  // stop() was called

  void receive();
  void on_datagram(std::size_t size);
  void refuse(const udp::endpoint& to, const tftp::Error& error, const std::string& file,
              std::optional<wire::Mac> phone);
  void stop_all();
  void ended(const udp::endpoint& peer);
};

struct Session : std::enable_shared_from_this<Session> {
  Session(std::shared_ptr<Server::Impl> owner_in, Transfer transfer_in, udp::endpoint peer_in)
      : owner(std::move(owner_in)), socket(owner->strand), timer(owner->strand),
        transfer(std::move(transfer_in)), peer(peer_in),
        phone(files::phone_of(transfer.file().name())) {}

  std::shared_ptr<Server::Impl> owner;
  udp::socket socket;
  asio::steady_timer timer;
  Transfer transfer;
  udp::endpoint peer;
  udp::endpoint local;
  udp::endpoint sender;
  std::optional<wire::Mac> phone;
  std::string requested;  // the name as the client sent it
  std::array<std::uint8_t, kReceiveBuffer> buffer{};
  bool timer_armed = false;
  TimePoint armed_for{};
  bool closed = false;

  api::Event event(std::string_view kind, const udp::endpoint& src, const udp::endpoint& dst) {
    api::Event e = api::make_event(api::EventSource::service, kind);
    e.phone = phone;
    set_endpoint_attrs(e, src, dst);
    return e;
  }

  void begin() {
    apply(transfer.start(Clock::now()));
    if (!closed) receive();
  }

  void receive() {
    socket.async_receive_from(
        asio::buffer(buffer), sender,
        [self = shared_from_this()](const boost::system::error_code& ec, std::size_t size) {
          if (ec || self->closed) return;
          self->on_datagram(size);
          if (!self->closed) self->receive();
        });
  }

  void on_datagram(std::size_t size) {
    if (sender != peer) {
      // RFC 1350 section 4: a packet from another TID gets ERROR 5; the transfer goes on.
      tftp::Error error{tftp::ErrorCode::unknown_transfer_id, "Unknown transfer ID"};
      boost::system::error_code ec;
      socket.send_to(asio::buffer(tftp::build(error)), sender, 0, ec);
      api::Event e = event("tftp.error", local, sender);
      e.attrs["code"] = static_cast<std::int64_t>(error.code);
      e.attrs["message"] = error.message;
      owner->events.emit(std::move(e));
      return;
    }
    apply(transfer.on_packet(wire::Bytes(buffer.data(), size), Clock::now()));
  }

  void on_timer(const boost::system::error_code& ec) {
    timer_armed = false;
    if (ec || closed) return;
    apply(transfer.on_timeout(Clock::now()));
  }

  void arm(TimePoint deadline) {
    if (timer_armed && armed_for <= deadline) return;  // fires early and re-arms: fewer syscalls
    timer_armed = true;
    armed_for = deadline;
    timer.expires_at(deadline);
    timer.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
      self->on_timer(ec);
    });
  }

  void apply(Transfer::Step step) {
    for (const wire::ByteVector& packet : step.send) {
      boost::system::error_code ec;
      socket.send_to(asio::buffer(packet), peer, 0, ec);
    }
    if (step.malformed) {
      api::Event e = event("request.malformed", peer, local);
      e.attrs["service"] = std::string("tftp");
      e.attrs["error"] = step.malformed->what;
      e.attrs["offset"] = static_cast<std::int64_t>(step.malformed->offset);
      e.attrs["answered"] = std::int64_t{0};
      owner->events.emit(std::move(e));
    }
    if (step.error_sent || step.error_received) {
      const bool sent = step.error_sent.has_value();
      const tftp::Error& error = sent ? *step.error_sent : *step.error_received;
      api::Event e = sent ? event("tftp.error", local, peer) : event("tftp.error", peer, local);
      e.attrs["file"] = transfer.file().name();
      e.attrs["code"] = static_cast<std::int64_t>(error.code);
      e.attrs["message"] = error.message;
      owner->events.emit(std::move(e));
    }
    if (transfer.state() == Transfer::State::done) {
      const Transfer::Stats& stats = transfer.stats();
      api::Event e = event("tftp.done", local, peer);
      e.attrs["file"] = transfer.file().name();
      e.attrs["bytes"] = static_cast<std::int64_t>(stats.bytes);
      e.attrs["blocks"] = static_cast<std::int64_t>(stats.blocks);
      e.attrs["retransmits"] = static_cast<std::int64_t>(stats.retransmits);
      e.attrs["duration_ms"] = static_cast<std::int64_t>(stats.duration.count());
      owner->events.emit(std::move(e));
    }
    if (transfer.finished()) {
      close();
      owner->ended(peer);
      return;
    }
    if (step.deadline) arm(*step.deadline);
  }

  void close() {
    if (closed) return;
    closed = true;
    boost::system::error_code ec;
    timer.cancel();
    socket.close(ec);
  }
};

void Server::Impl::receive() {
  listen.async_receive_from(
      asio::buffer(buffer), sender,
      [self = shared_from_this()](const boost::system::error_code& ec, std::size_t size) {
        if (self->stopped || ec == asio::error::operation_aborted) return;
        if (!ec) self->on_datagram(size);
        self->receive();
      });
}

void Server::Impl::refuse(const udp::endpoint& to, const tftp::Error& error,
                          const std::string& file, std::optional<wire::Mac> phone) {
  boost::system::error_code ec;
  listen.send_to(asio::buffer(tftp::build(error)), to, 0, ec);
  api::Event e = api::make_event(api::EventSource::service, "tftp.error");
  e.phone = phone;
  set_endpoint_attrs(e, local, to);
  if (!file.empty()) e.attrs["file"] = file;
  e.attrs["code"] = static_cast<std::int64_t>(error.code);
  e.attrs["message"] = error.message;
  events.emit(std::move(e));
}

void Server::Impl::on_datagram(std::size_t size) {
  const udp::endpoint from = sender;
  auto parsed = tftp::parse(wire::Bytes(buffer.data(), size));
  const tftp::Request* request = parsed ? std::get_if<tftp::Request>(&*parsed) : nullptr;
  if (request == nullptr) {
    const std::string what =
        parsed ? "opcode " + std::to_string(static_cast<int>(tftp::opcode_of(*parsed))) +
                     " is not a request"
               : parsed.error().what;
    const tftp::Error error{tftp::ErrorCode::illegal_operation, "malformed request: " + what};
    api::Event e = api::make_event(api::EventSource::service, "request.malformed");
    set_endpoint_attrs(e, from, local);
    e.attrs["service"] = std::string("tftp");
    e.attrs["error"] = what;
    e.attrs["offset"] = static_cast<std::int64_t>(parsed ? 0 : parsed.error().offset);
    e.attrs["answered"] = std::int64_t{1};
    events.emit(std::move(e));
    refuse(from, error, {}, std::nullopt);
    return;
  }
  const std::optional<wire::Mac> phone = files::phone_of(request->filename);
  if (!request->write) {
    api::Event e = api::make_event(api::EventSource::service, "tftp.rrq");
    e.phone = phone;
    set_endpoint_attrs(e, from, local);
    e.attrs["file"] = request->filename;
    e.attrs["mode"] = std::string(tftp::to_string(request->mode));
    const tftp::Options& o = request->options;
    if (auto v = o.blksize(); v && v->has_value()) e.attrs["blksize"] = std::int64_t{**v};
    if (auto v = o.tsize(); v && v->has_value()) {
      e.attrs["tsize"] = static_cast<std::int64_t>(**v);
    }
    if (auto v = o.timeout(); v && v->has_value()) e.attrs["timeout"] = std::int64_t{**v};
    if (auto v = o.windowsize(); v && v->has_value()) e.attrs["windowsize"] = std::int64_t{**v};
    events.emit(std::move(e));
  }
  // The client sent its RRQ again before our first packet reached it: one transfer is enough.
  if (sessions.count(from) != 0) return;
  if (sessions.size() >= config.max_transfers) {
    refuse(from, tftp::Error{tftp::ErrorCode::not_defined, "server busy"}, request->filename,
           phone);
    return;
  }
  auto decision = decide(*request, *config.store, config.limits, Clock::now());
  if (auto* refusal = std::get_if<Refusal>(&decision)) {
    if (refusal->missing) {
      api::Event e = api::make_event(api::EventSource::service, "file.missing");
      e.phone = phone;
      set_endpoint_attrs(e, from, local);
      e.attrs["file"] = request->filename;
      e.attrs["transport"] = std::string("tftp");
      e.attrs["reason"] = std::string(files::to_string(refusal->missing->refusal));
      events.emit(std::move(e));
    }
    refuse(from, refusal->error, request->filename, phone);
    return;
  }
  auto session =
      std::make_shared<Session>(shared_from_this(), std::move(std::get<Transfer>(decision)), from);
  auto opened = open_socket(session->socket, config, 0);
  if (!opened) {
    refuse(from, tftp::Error{tftp::ErrorCode::not_defined, "no transfer socket"},
           request->filename, phone);
    return;
  }
  boost::system::error_code ec;
  session->local = session->socket.local_endpoint(ec);
  if (config.address.is_zero()) session->local = udp::endpoint(local.address(), session->local.port());
  session->socket.set_option(asio::socket_base::send_buffer_size(1 << 20), ec);
  sessions[from] = session;
  session_count = sessions.size();
  session->begin();
}

void Server::Impl::ended(const udp::endpoint& peer) {
  sessions.erase(peer);
  session_count = sessions.size();
}

void Server::Impl::stop_all() {
  if (stopped) return;
  stopped = true;
  boost::system::error_code ec;
  listen.close(ec);
  auto all = std::move(sessions);
  sessions.clear();
  session_count = 0;
  for (auto& [peer, session] : all) session->close();
}

api::Result<std::unique_ptr<Server>> Server::start(asio::any_io_executor ex, Config config,
                                                   api::EventSink& events) {
  if (!config.store) return api::fail(api::Fault::config, "tftp: no file store configured");
  auto impl = std::make_shared<Impl>(ex, std::move(config), events);
  auto opened = open_socket(impl->listen, impl->config, impl->config.port);
  if (!opened) return wire::Unexpected<api::Error>{opened.error()};
  boost::system::error_code ec;
  impl->local = impl->listen.local_endpoint(ec);
  events.emit(api::listening_event("tftp", "udp", impl->config.address, impl->local.port(),
                                   impl->config.interface));
  asio::post(impl->strand, [impl] { impl->receive(); });
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

Server::~Server() { stop(); }

void Server::stop() {
  if (!impl_ || impl_->stop_requested.exchange(true)) return;
  stop_on_strand(impl_->strand, [impl = impl_] { impl->stop_all(); });
}

std::vector<std::string> Server::where() const {
  const std::string address = impl_->config.address.to_string();
  return {"udp " + address + ":" + std::to_string(impl_->local.port()) +
          (impl_->config.interface.empty() ? "" : " on " + impl_->config.interface)};
}

std::uint16_t Server::port() const { return impl_->local.port(); }

std::size_t Server::active_transfers() const { return impl_->session_count; }

}  // namespace phonerig::services::tftp
