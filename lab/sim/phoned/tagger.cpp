#include "lab/sim/phoned/tagger.hpp"

#include <unistd.h>

#include <array>

#include "lab/sim/phoned/netdev.hpp"

namespace phonerig::sim::phoned {

api::Result<std::unique_ptr<Tagger>> Tagger::open(boost::asio::any_io_executor ex,
                                                  const std::string& port_interface,
                                                  const std::string& tap, const wire::Mac& mac,
                                                  bool disable_ipv6) {
  auto port = open_port(port_interface);
  if (!port) return wire::unexpected(port.error());
  auto tap_fd = open_tap(tap, mac, disable_ipv6);
  if (!tap_fd) return wire::unexpected(tap_fd.error());
  return std::unique_ptr<Tagger>(new Tagger(ex, tap_fd->release(), port->release(), mac));
}

Tagger::Tagger(boost::asio::any_io_executor ex, int tap_fd, int port_fd, wire::Mac mac)
    : tap_(ex, tap_fd), port_(ex, port_fd), mac_(mac) {}

Tagger::~Tagger() {
  *alive_ = false;
  stop();
}

void Tagger::start() {
  wait_tap();
  wait_port();
}

void Tagger::stop() {
  if (stopped_) return;
  stopped_ = true;
  boost::system::error_code ignored;
  tap_.cancel(ignored);
  port_.cancel(ignored);
}

bool Tagger::send(wire::Bytes frame) {
  if (stopped_) return false;
  const bool ok = send_port(port_.native_handle(), frame);
  if (ok) ++to_port_;
  return ok;
}

bool Tagger::send_tagged(wire::Bytes frame) {
  if (vlan_ == 0) return send(frame);
  const auto tagged = add_tag(frame, vlan_);
  return send(tagged);
}

void Tagger::wait_tap() {
  if (stopped_) return;
  auto alive = alive_;
  tap_.async_wait(boost::asio::posix::stream_descriptor::wait_read,
                  [this, alive](const boost::system::error_code& ec) {
                    if (!*alive || ec || stopped_) return;
                    std::array<std::uint8_t, 65536> buffer;
                    for (int i = 0; i < 64; ++i) {
                      const ssize_t n = ::read(tap_.native_handle(), buffer.data(), buffer.size());
                      if (n <= 0) break;
                      send_tagged(wire::Bytes(buffer.data(), static_cast<std::size_t>(n)));
                    }
                    wait_tap();
                  });
}

void Tagger::wait_port() {
  if (stopped_) return;
  auto alive = alive_;
  port_.async_wait(boost::asio::posix::stream_descriptor::wait_read,
                   [this, alive](const boost::system::error_code& ec) {
                     if (!*alive || ec || stopped_) return;
                     for (int i = 0; i < 64 && !stopped_; ++i) {
                       auto r = receive_port(port_.native_handle());
                       if (!r) break;
                       if (r->outgoing) continue;
                       on_port_frame(r->frame);
                       if (!*alive) return;
                     }
                     wait_port();
                   });
}

void Tagger::on_port_frame(const wire::ByteVector& frame) {
  if (frame.size() < 14) return;
  if (hook_ && hook_(frame)) return;
  if (stopped_) return;
  const auto vlan = vlan_of(frame);
  wire::ByteVector inner;
  if (vlan_ == 0) {
    if (vlan && *vlan != 0) return;       // another VLAN's frame
    inner = vlan ? strip_tag(frame) : frame;  // priority-tagged (VLAN 0) counts as untagged
  } else {
    if (!vlan || *vlan != vlan_) return;
    inner = strip_tag(frame);
  }
  const auto dst = wire::Mac::from_bytes(wire::Bytes(inner).subspan(0, 6));
  if (dst != mac_ && !dst.is_multicast()) return;
  if (::write(tap_.native_handle(), inner.data(), inner.size()) > 0) ++to_tap_;
}

}  // namespace phonerig::sim::phoned
