#include "lab/sim/switchd/packet_port.hpp"

#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <linux/sockios.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <vector>

#include "drivers/netlink/offloads.hpp"
#include "drivers/services/common/packet_io.hpp"

#ifndef PACKET_IGNORE_OUTGOING
#define PACKET_IGNORE_OUTGOING 23
#endif

namespace phonerig::sim::switchd {

namespace {

api::Error os_error(const std::string& what, const std::string& ifname, int err) {
  return api::Error{api::Fault::rig, what + " on switch port " + ifname + ": " +
                                         std::strerror(err)};
}

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

api::Result<bool> fill_ifreq(ifreq& request, const std::string& ifname) {
  if (ifname.empty() || ifname.size() >= IFNAMSIZ) {
    return api::fail(api::Fault::config, "switch port name '" + ifname + "' is not 1-15 characters");
  }
  std::memcpy(request.ifr_name, ifname.data(), ifname.size());
  return true;
}

}  // namespace

api::Result<bool> offloads_off(const std::string& ifname) {
  Fd sock(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (sock.get() < 0) return wire::unexpected(os_error("socket(AF_INET)", ifname, errno));
  return netlink::features_off(sock.get(), ifname, netlink::kOffPatterns, " (a switch port)");
}

api::Result<bool> set_admin_up(const std::string& ifname, bool up) {
  Fd sock(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (sock.get() < 0) return wire::unexpected(os_error("socket(AF_INET)", ifname, errno));
  ifreq request{};
  PHONERIG_CHECK(fill_ifreq(request, ifname));
  if (::ioctl(sock.get(), SIOCGIFFLAGS, &request) < 0) {
    return wire::unexpected(os_error("SIOCGIFFLAGS", ifname, errno));
  }
  const short before = request.ifr_flags;
  if (up) {
    request.ifr_flags = static_cast<short>(request.ifr_flags | IFF_UP);
  } else {
    request.ifr_flags = static_cast<short>(request.ifr_flags & ~IFF_UP);
  }
  if (request.ifr_flags == before) return true;
  if (::ioctl(sock.get(), SIOCSIFFLAGS, &request) < 0) {
    return wire::unexpected(os_error(up ? "SIOCSIFFLAGS up" : "SIOCSIFFLAGS down", ifname, errno));
  }
  return true;
}

api::Result<PacketPort> PacketPort::open(const std::string& ifname) {
  const unsigned index = ::if_nametoindex(ifname.c_str());
  if (index == 0) {
    return wire::unexpected(os_error("if_nametoindex (no such interface in this namespace?)",
                                     ifname, errno));
  }
  PacketPort port;
  port.name_ = ifname;
  port.ifindex_ = index;
  port.fd_ = ::socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, htons(ETH_P_ALL));
  if (port.fd_ < 0) return wire::unexpected(os_error("socket(AF_PACKET)", ifname, errno));

  sockaddr_ll address{};
  address.sll_family = AF_PACKET;
  address.sll_protocol = htons(ETH_P_ALL);
  address.sll_ifindex = static_cast<int>(index);
  if (::bind(port.fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) < 0) {
    return wire::unexpected(os_error("bind(AF_PACKET)", ifname, errno));
  }
  const int one = 1;
  if (::setsockopt(port.fd_, SOL_PACKET, PACKET_AUXDATA, &one, sizeof one) < 0) {
    return wire::unexpected(os_error("PACKET_AUXDATA", ifname, errno));
  }
  if (::setsockopt(port.fd_, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof one) < 0) {
    return wire::unexpected(os_error("PACKET_IGNORE_OUTGOING", ifname, errno));
  }
  packet_mreq membership{};
  membership.mr_ifindex = static_cast<int>(index);
  membership.mr_type = PACKET_MR_PROMISC;
  if (::setsockopt(port.fd_, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &membership,
                   sizeof membership) < 0) {
    return wire::unexpected(os_error("PACKET_ADD_MEMBERSHIP promiscuous", ifname, errno));
  }
  const int buffer = 4 * 1024 * 1024;
  ::setsockopt(port.fd_, SOL_SOCKET, SO_RCVBUF, &buffer, sizeof buffer);  // best effort
  ::setsockopt(port.fd_, SOL_SOCKET, SO_SNDBUF, &buffer, sizeof buffer);
  return port;
}

PacketPort::PacketPort(PacketPort&& other) noexcept
    : fd_(other.fd_), ifindex_(other.ifindex_), name_(std::move(other.name_)) {
  other.fd_ = -1;
}

PacketPort& PacketPort::operator=(PacketPort&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.fd_;
    ifindex_ = other.ifindex_;
    name_ = std::move(other.name_);
    other.fd_ = -1;
  }
  return *this;
}

PacketPort::~PacketPort() {
  if (fd_ >= 0) ::close(fd_);
}

std::optional<PacketPort::Received> PacketPort::receive(wire::ByteVector& buffer) {
  for (;;) {
    auto raw = services::receive_raw(fd_, buffer);
    if (!raw) return std::nullopt;
    if (raw->outgoing) continue;  // belt and braces
    Received received;
    received.length = raw->length;
    received.aux = raw->tag;
    return received;
  }
}

bool PacketPort::send(wire::Bytes frame) { return services::send_raw(fd_, frame); }

}  // namespace phonerig::sim::switchd
