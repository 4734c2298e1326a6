#include "drivers/services/dhcp/server.hpp"

#include "drivers/services/dhcp/core.hpp"
#include "drivers/services/common/endpoints.hpp"
#include "drivers/services/dhcp/lease_journal.hpp"
#include "drivers/wire/ip.hpp"

#include <arpa/inet.h>
#include <array>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <sys/socket.h>
#include <unistd.h>

namespace phonerig::services::dhcp {

namespace asio = boost::asio;
using asio::ip::udp;

struct Server::Impl : std::enable_shared_from_this<Impl> {
  Impl(asio::any_io_executor ex, Config config, api::EventSink& sink)
      : core(std::move(config)), events(sink), socket(ex), expire_timer(ex) {}
  ~Impl() {
    if (packet_fd >= 0) ::close(packet_fd);
  }

  Core core;
  api::EventSink& events;
  udp::socket socket;
  asio::steady_timer expire_timer;
  std::unique_ptr<LeaseJournal> journal;
  int packet_fd = -1; // AF_PACKET SOCK_DGRAM, for link-layer unicast
  int ifindex = 0;
  bool stopped = false;
  std::array<std::uint8_t, 4096> buffer{};

  const Config& config() const { return core.config(); }

  void emit_all(Outcome& out) {
    for (auto& e : out.events)
      events.emit(std::move(e));
    if (journal) {
      for (const Lease& lease : out.journal)
        journal->append(lease);
    }
  }

  void wait_readable() {
    socket.async_wait(udp::socket::wait_read,
                      [self = shared_from_this()](const boost::system::error_code& ec) {
                        if (ec || self->stopped) return;
                        self->drain();
                        self->wait_readable();
                      });
  }

  // Reads what is queued (a bounded batch per wake-up, so timers still run).
  void drain() {
    for (int i = 0; i < 256 && !stopped; ++i) {
      udp::endpoint from;
      boost::system::error_code ec;
      const std::size_t n = socket.receive_from(asio::buffer(buffer), from, 0, ec);
      if (ec) return; // would_block: drained
      Datagram datagram{wire::Bytes(buffer.data(), n), to_ipv4(from.address()),
                        from.port(), api::realtime_ns()};
      Outcome out = core.handle(datagram);
      if (out.reply) send(*out.reply);
      emit_all(out);
    }
  }

  void send(const Reply& reply) {
    boost::system::error_code ec;
    Destination to = reply.to;
    if (to.delivery == Delivery::link_unicast && packet_fd < 0) to.delivery = Delivery::broadcast;
    switch (to.delivery) {
    case Delivery::udp:
      socket.send_to(asio::buffer(reply.payload),
                     udp::endpoint(asio::ip::address_v4(to.address.value), to.port), 0, ec);
      break;
    case Delivery::broadcast:
      socket.send_to(asio::buffer(reply.payload),
                     udp::endpoint(asio::ip::address_v4::broadcast(), wire::dhcp::kClientPort), 0,
                     ec);
      break;
    case Delivery::link_unicast: {
      wire::Ipv4Build ip;
      ip.src = config().server_address;
      ip.dst = to.address;
      const wire::ByteVector packet = wire::build_ipv4(
          ip, wire::build_udp(ip.src, ip.dst, config().port, to.port, reply.payload));
      sockaddr_ll ll{};
      ll.sll_family = AF_PACKET;
      ll.sll_protocol = htons(ETH_P_IP);
      ll.sll_ifindex = ifindex;
      ll.sll_halen = 6;
      std::memcpy(ll.sll_addr, to.mac.octets.data(), 6);
      ::sendto(packet_fd, packet.data(), packet.size(), 0, reinterpret_cast<sockaddr*>(&ll),
               sizeof ll);
      break;
    }
    }
  }

  void arm_expire() {
    expire_timer.expires_after(std::chrono::seconds(1));
    expire_timer.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
      if (ec || self->stopped) return;
      Outcome out = self->core.expire(api::realtime_ns());
      self->emit_all(out);
      self->arm_expire();
    });
  }

  void stop() {
    if (stopped) return;
    stopped = true;
    boost::system::error_code ignored;
    socket.close(ignored);
    expire_timer.cancel();
    if (packet_fd >= 0) {
      ::close(packet_fd);
      packet_fd = -1;
    }
    if (journal) {
      std::string error;
      journal->close(error);
    }
  }
};

namespace {

std::string where_text(const Config& c) {
  return "0.0.0.0:" + std::to_string(c.port) +
         (c.interface.empty() ? std::string() : " on " + c.interface);
}

} // namespace

api::Result<std::unique_ptr<Server>> Server::start(asio::any_io_executor ex, Config config,
                                                   api::EventSink& events) {
  if (auto problem = check_config(config)) return api::fail(api::Fault::config, *problem);
  auto impl = std::make_shared<Impl>(ex, std::move(config), events);
  const Config& c = impl->config();
  const auto fail_errno = [&](const std::string& what) {
    return api::fail(api::Fault::rig,
                     "dhcp: " + what + " udp " + where_text(c) + ": " + std::strerror(errno));
  };
  boost::system::error_code ec;
  impl->socket.open(udp::v4(), ec);
  if (ec) return api::fail(api::Fault::rig, "dhcp: cannot open a UDP socket: " + ec.message());
  const int fd = impl->socket.native_handle();
  ::fcntl(fd, F_SETFD, FD_CLOEXEC); // programs the rig starts must not inherit port 67
  const int on = 1;
  if (::setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &on, sizeof on) != 0) {
    return fail_errno("cannot set SO_BROADCAST on");
  }
  if (!c.interface.empty()) {
    if (::setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, c.interface.c_str(),
                     static_cast<socklen_t>(c.interface.size())) != 0) {
      return fail_errno("cannot bind to interface (SO_BINDTODEVICE) for");
    }
    impl->ifindex = static_cast<int>(::if_nametoindex(c.interface.c_str()));
    if (impl->ifindex == 0) return fail_errno("no interface " + c.interface + " for");
    impl->packet_fd = ::socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (impl->packet_fd < 0) return fail_errno("cannot open AF_PACKET socket for");
  }
  const int buffer_size = 4 << 20; // absorbs bursts (the benchmark's unthrottled run)
  ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buffer_size, sizeof buffer_size);
  impl->socket.bind(udp::endpoint(asio::ip::address_v4::any(), c.port), ec);
  if (ec) {
    return api::fail(api::Fault::rig,
                     "dhcp: cannot bind udp " + where_text(c) + ": " + ec.message());
  }
  impl->socket.non_blocking(true, ec);

  const std::int64_t now = api::realtime_ns();
  if (!c.lease_file.empty()) {
    auto loaded = load_journal(c.lease_file);
    if (!loaded) return api::fail(loaded.error().fault, loaded.error().message);
    Outcome restored = impl->core.restore(*loaded, now);
    auto journal = LeaseJournal::create(c.lease_file, impl->core.records(), c.lease_flush_interval);
    if (!journal) return api::fail(journal.error().fault, journal.error().message);
    impl->journal = std::move(*journal);
    impl->emit_all(restored);
  }

  events.emit(api::listening_event("dhcp", "udp", c.server_address, c.port, c.interface));

  impl->wait_readable();
  impl->arm_expire();
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

Server::~Server() {
  stop();
}

void Server::stop() {
  impl_->stop();
}

std::vector<std::string> Server::where() const {
  return {"udp " + where_text(impl_->config()) + " (server id " +
          impl_->config().server_address.to_string() + ")"};
}

} // namespace phonerig::services::dhcp
