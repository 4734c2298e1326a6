#include "lab/sim/phoned/netdev.hpp"

#include <net/if.h>
#include <arpa/inet.h>
#include <fcntl.h>
#include <net/if_arp.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/if_tun.h>
#include <linux/sockios.h>
#include <net/route.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>

#include "drivers/netlink/offloads.hpp"
#include "drivers/services/common/packet_io.hpp"

namespace phonerig::sim::phoned {
namespace {

std::string errno_text() { return std::strerror(errno); }

api::Error rig(const std::string& what) { return api::Error{api::Fault::rig, what + ": " + errno_text()}; }

bool fill_name(ifreq& ifr, const std::string& name) {
  if (name.empty() || name.size() >= IFNAMSIZ) return false;
  std::memset(&ifr, 0, sizeof ifr);
  std::memcpy(ifr.ifr_name, name.c_str(), name.size() + 1);
  return true;
}

sockaddr_in inet(wire::Ipv4 address) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(address.value);
  return a;
}

// The tag offloads off, so that the tagger sees tags as they are on the wire; best effort:
// the aux data carries the tag either way.
void vlan_offloads_off(int sock, const std::string& interface) {
  static constexpr std::array<const char*, 2> kVlan = {"rx-vlan-hw-parse", "tx-vlan-hw-insert"};
  (void)netlink::features_off(sock, interface, kVlan, " (a phone's port)");
}

bool set_up(int sock, const std::string& interface) {
  ifreq ifr{};
  if (!fill_name(ifr, interface)) return false;
  if (ioctl(sock, SIOCGIFFLAGS, &ifr) != 0) return false;
  ifr.ifr_flags = static_cast<short>(ifr.ifr_flags | IFF_UP);
  return ioctl(sock, SIOCSIFFLAGS, &ifr) == 0;
}

}  // namespace

Fd& Fd::operator=(Fd&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.release();
  }
  return *this;
}

Fd::~Fd() {
  if (fd_ >= 0) ::close(fd_);
}

api::Result<bool> set_link(const std::string& interface, bool up) {
  const std::string what = "link of '" + interface + "'";
  ifreq ifr{};
  if (!fill_name(ifr, interface)) return api::fail(api::Fault::config, what + ": not an interface name");
  Fd sock(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (sock.get() < 0) return wire::unexpected(rig(what + ": socket"));
  if (ioctl(sock.get(), SIOCGIFFLAGS, &ifr) != 0) return wire::unexpected(rig(what + ": get flags"));
  ifr.ifr_flags = static_cast<short>(up ? (ifr.ifr_flags | IFF_UP) : (ifr.ifr_flags & ~IFF_UP));
  if (ioctl(sock.get(), SIOCSIFFLAGS, &ifr) != 0) return wire::unexpected(rig(what + ": set flags"));
  return true;
}

api::Result<Fd> open_tap(const std::string& name, const wire::Mac& mac, bool disable_ipv6) {
  const std::string what = "TAP '" + name + "'";
  ifreq ifr{};
  if (!fill_name(ifr, name)) return api::fail(api::Fault::config, what + ": not an interface name");
  Fd tap(::open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC));
  if (tap.get() < 0) return wire::unexpected(rig(what + ": open /dev/net/tun"));
  ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
  if (ioctl(tap.get(), TUNSETIFF, &ifr) != 0) return wire::unexpected(rig(what + ": TUNSETIFF"));
  Fd sock(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (sock.get() < 0) return wire::unexpected(rig(what + ": socket"));
  fill_name(ifr, name);
  ifr.ifr_hwaddr.sa_family = ARPHRD_ETHER;
  std::memcpy(ifr.ifr_hwaddr.sa_data, mac.octets.data(), 6);
  if (ioctl(sock.get(), SIOCSIFHWADDR, &ifr) != 0) {
    return wire::unexpected(rig(what + ": set MAC " + mac.to_string()));
  }
  if (disable_ipv6) {
    std::ofstream("/proc/sys/net/ipv6/conf/" + name + "/disable_ipv6") << "1\n";
  }
  if (!set_up(sock.get(), name)) return wire::unexpected(rig(what + ": set up"));
  return tap;
}

api::Result<Fd> open_port(const std::string& interface) {
  const std::string what = "raw socket on '" + interface + "'";
  const unsigned ifindex = if_nametoindex(interface.c_str());
  if (ifindex == 0) return wire::unexpected(rig(what));
  Fd sock(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (sock.get() >= 0) {
    vlan_offloads_off(sock.get(), interface);
    if (!set_up(sock.get(), interface)) return wire::unexpected(rig(what + ": set up"));
  }
  Fd fd(::socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (fd.get() < 0) return wire::unexpected(rig(what + ": socket"));
  const int on = 1;
  if (setsockopt(fd.get(), SOL_PACKET, PACKET_AUXDATA, &on, sizeof on) != 0) {
    return wire::unexpected(rig(what + ": PACKET_AUXDATA"));
  }
#ifdef PACKET_IGNORE_OUTGOING
  setsockopt(fd.get(), SOL_PACKET, PACKET_IGNORE_OUTGOING, &on, sizeof on);  // also filtered below
#endif
  sockaddr_ll addr{};
  addr.sll_family = AF_PACKET;
  addr.sll_protocol = htons(ETH_P_ALL);
  addr.sll_ifindex = static_cast<int>(ifindex);
  if (::bind(fd.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    return wire::unexpected(rig(what + ": bind"));
  }
  packet_mreq mreq{};
  mreq.mr_ifindex = static_cast<int>(ifindex);
  mreq.mr_type = PACKET_MR_PROMISC;
  if (setsockopt(fd.get(), SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mreq, sizeof mreq) != 0) {
    return wire::unexpected(rig(what + ": promiscuous"));
  }
  int size = 4 * 1024 * 1024;
  setsockopt(fd.get(), SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
  return fd;
}

std::optional<PortFrame> receive_port(int fd) {
  std::array<std::uint8_t, 65536> buffer;
  auto raw = services::receive_raw(fd, buffer);
  if (!raw) return std::nullopt;
  PortFrame r;
  r.outgoing = raw->outgoing;
  r.frame = services::with_tag(wire::Bytes(buffer.data(), raw->length), raw->tag);
  return r;
}

bool send_port(int fd, wire::Bytes frame) { return services::send_raw(fd, frame); }

api::Result<bool> set_address(const std::string& interface, wire::Ipv4 address, wire::Ipv4 mask,
                              wire::Ipv4 router) {
  const std::string what = "address " + address.to_string() + " on '" + interface + "'";
  Fd sock(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (sock.get() < 0) return wire::unexpected(rig(what + ": socket"));
  ifreq ifr{};
  if (!fill_name(ifr, interface)) return api::fail(api::Fault::config, what + ": bad name");
  auto a = inet(address);
  std::memcpy(&ifr.ifr_addr, &a, sizeof a);
  if (ioctl(sock.get(), SIOCSIFADDR, &ifr) != 0) return wire::unexpected(rig(what + ": SIOCSIFADDR"));
  if (mask.is_zero()) mask = wire::Ipv4{0xffffff00u};
  fill_name(ifr, interface);
  auto m = inet(mask);
  std::memcpy(&ifr.ifr_netmask, &m, sizeof m);
  if (ioctl(sock.get(), SIOCSIFNETMASK, &ifr) != 0) {
    return wire::unexpected(rig(what + ": netmask " + mask.to_string()));
  }
  if (!router.is_zero()) {
    rtentry route{};
    auto dst = inet(wire::Ipv4{});
    auto gw = inet(router);
    auto genmask = inet(wire::Ipv4{});
    std::memcpy(&route.rt_dst, &dst, sizeof dst);
    std::memcpy(&route.rt_gateway, &gw, sizeof gw);
    std::memcpy(&route.rt_genmask, &genmask, sizeof genmask);
    route.rt_flags = RTF_UP | RTF_GATEWAY;
    char dev[IFNAMSIZ];
    std::memcpy(dev, interface.c_str(), interface.size() + 1);
    route.rt_dev = dev;
    if (ioctl(sock.get(), SIOCADDRT, &route) != 0 && errno != EEXIST) {
      return wire::unexpected(rig(what + ": default route via " + router.to_string()));
    }
  }
  return true;
}

api::Result<bool> clear_address(const std::string& interface) {
  Fd sock(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (sock.get() < 0) return wire::unexpected(rig("socket"));
  ifreq ifr{};
  if (!fill_name(ifr, interface)) return api::fail(api::Fault::config, "bad name");
  auto a = inet(wire::Ipv4{});
  std::memcpy(&ifr.ifr_addr, &a, sizeof a);
  if (ioctl(sock.get(), SIOCSIFADDR, &ifr) != 0 && errno != EADDRNOTAVAIL) {
    return wire::unexpected(rig("clear address on '" + interface + "'"));
  }
  return true;
}

std::optional<std::uint16_t> vlan_of(wire::Bytes frame) {
  if (frame.size() < 18) return std::nullopt;
  const std::uint16_t type = static_cast<std::uint16_t>(frame[12] << 8 | frame[13]);
  if (type != 0x8100 && type != 0x88a8) return std::nullopt;
  return static_cast<std::uint16_t>((frame[14] << 8 | frame[15]) & 0x0fff);
}

wire::ByteVector add_tag(wire::Bytes frame, std::uint16_t vlan, std::uint8_t pcp) {
  wire::ByteVector out(frame.begin(), frame.end());
  if (out.size() < 12) return out;
  const std::uint16_t tci = static_cast<std::uint16_t>((pcp & 7) << 13 | (vlan & 0x0fff));
  const std::uint8_t tag[4] = {0x81, 0x00, static_cast<std::uint8_t>(tci >> 8),
                               static_cast<std::uint8_t>(tci & 0xff)};
  out.insert(out.begin() + 12, tag, tag + 4);
  return out;
}

wire::ByteVector strip_tag(wire::Bytes frame) {
  wire::ByteVector out(frame.begin(), frame.end());
  if (out.size() >= 18) out.erase(out.begin() + 12, out.begin() + 16);
  return out;
}

}  // namespace phonerig::sim::phoned
