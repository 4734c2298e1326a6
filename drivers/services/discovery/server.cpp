#include "drivers/services/discovery/server.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <chrono>
#include <utility>

#include "drivers/services/discovery/packet_socket.hpp"

namespace phonerig::services::discovery {

struct Server::Impl : std::enable_shared_from_this<Server::Impl> {
  Impl(boost::asio::any_io_executor ex, Core c, int fd, api::EventSink& sink)
      : executor(ex), core(std::move(c)), descriptor(ex, fd), timer(ex), events(sink) {}

  boost::asio::any_io_executor executor;
  Core core;
  boost::asio::posix::stream_descriptor descriptor;
  boost::asio::steady_timer timer;
  api::EventSink& events;
  std::atomic<bool> stopped{false};

  void run(Output out) {
    for (Outgoing& s : out.sends) {
      if (!descriptor.is_open()) break;
      // Stamp at the send; a frame the kernel refused is not reported as sent.
      if (PacketSocket::send(descriptor.native_handle(), s.frame)) {
        s.event.time_ns = api::realtime_ns();
        events.emit(std::move(s.event));
      }
    }
    for (api::Event& e : out.events) events.emit(std::move(e));
  }

  // (Re)arms for the core's next due time; a wait already pending ends as aborted.
  void arm_timer() {
    if (stopped) return;
    const std::int64_t wait_ns = std::max<std::int64_t>(core.next_due_ns() - api::realtime_ns(), 0);
    timer.expires_after(std::chrono::nanoseconds(wait_ns));
    timer.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
      if (ec || self->stopped) return;
      self->run(self->core.on_tick(api::realtime_ns()));
      self->arm_timer();
    });
  }

  void wait_read() {
    if (stopped) return;
    descriptor.async_wait(boost::asio::posix::stream_descriptor::wait_read,
                          [self = shared_from_this()](const boost::system::error_code& ec) {
                            if (ec || self->stopped) return;
                            self->drain();
                            self->wait_read();
                          });
  }

  // Everything waiting, a bounded batch at a time so the timer is never starved.
  void drain() {
    for (int i = 0; i < 256 && descriptor.is_open(); ++i) {
      auto received = PacketSocket::receive(descriptor.native_handle());
      if (!received) return;
      if (received->outgoing) continue;  // our own frames, seen on the way out
      Output out = core.on_frame(received->frame, api::realtime_ns());
      const bool announced = !out.sends.empty();
      run(std::move(out));
      if (announced) arm_timer();  // a phone appeared: fast-start repeats may now be due first
    }
  }

  void close() {
    stopped = true;
    boost::system::error_code ignored;
    timer.cancel();
    descriptor.close(ignored);
  }
};

Server::Server(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}

Server::~Server() { stop(); }

api::Result<std::unique_ptr<Server>> Server::start(boost::asio::any_io_executor ex, Config config,
                                                   api::EventSink& events) {
  auto socket = PacketSocket::open(config.interface);
  if (!socket) return wire::Unexpected<api::Error>{socket.error()};
  const wire::Mac mac = config.source_mac.value_or(socket->mac());
  const std::string interface = config.interface;
  const bool cdp = config.cdp;
  const bool lldp = config.lldp;
  auto impl = std::make_shared<Impl>(ex, Core(std::move(config), mac), socket->release(), events);

  for (const auto& [on, name] : {std::pair{cdp, "cdp"}, std::pair{lldp, "lldp"}}) {
    if (!on) continue;
    events.emit(api::listening_event(name, "raw", std::nullopt, std::nullopt, interface));
  }
  // The first announcement and the reads start on the executor, like everything after.
  boost::asio::dispatch(impl->executor, [impl] {
    if (impl->stopped) return;
    impl->run(impl->core.start(api::realtime_ns()));
    impl->wait_read();
    impl->arm_timer();
  });
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

void Server::phone_appeared(const wire::Mac& phone) {
  boost::asio::post(impl_->executor, [impl = impl_, phone] {
    if (impl->stopped) return;
    impl->run(impl->core.phone_appeared(phone, api::realtime_ns()));
    impl->arm_timer();  // the LLDP fast-start repeats come before the next periodic one
  });
}

void Server::stop() {
  if (!impl_ || impl_->stopped.exchange(true)) return;
  boost::asio::post(impl_->executor, [impl = impl_] { impl->close(); });
}

std::vector<std::string> Server::where() const {
  const Config& c = impl_->core.config();
  std::string protocols = c.cdp && c.lldp ? "cdp+lldp" : c.cdp ? "cdp" : c.lldp ? "lldp" : "none";
  return {"raw " + protocols + " on " + c.interface + " (" + impl_->core.own_mac().to_string() +
          "), voice vlan " + std::to_string(c.voice_vlan) + ", every " +
          std::to_string(c.interval.count() / 1000) + " s"};
}

}  // namespace phonerig::services::discovery
