#include "drivers/services/discovery/packet_socket.hpp"

#include <arpa/inet.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <utility>

#include "drivers/services/common/packet_io.hpp"
#include "drivers/wire/cdp.hpp"
#include "drivers/wire/lldp.hpp"

namespace phonerig::services::discovery {

namespace {

std::string errno_text() { return std::strerror(errno); }

// Classic BPF over the frame as the socket sees it (tag, if any, already in aux data):
// accept EtherType 0x88cc (LLDP), destination 01:00:0c:cc:cc:cc (CDP) or 01:80:c2:00:00:0e
// (LLDP nearest bridge); drop the rest in the kernel.
constexpr std::array<sock_filter, 11> kFilter{{
    {BPF_LD | BPF_H | BPF_ABS, 0, 0, 12},           // 0: A = EtherType
    {BPF_JMP | BPF_JEQ | BPF_K, 7, 0, 0x88cc},      // 1: LLDP -> accept (9)
    {BPF_LD | BPF_W | BPF_ABS, 0, 0, 0},            // 2: A = dst[0..3]
    {BPF_JMP | BPF_JEQ | BPF_K, 0, 2, 0x01000ccc},  // 3: CDP prefix -> 4, else 6
    {BPF_LD | BPF_H | BPF_ABS, 0, 0, 4},            // 4: A = dst[4..5]
    {BPF_JMP | BPF_JEQ | BPF_K, 3, 4, 0xcccc},      // 5: -> accept (9) / drop (10)
    {BPF_JMP | BPF_JEQ | BPF_K, 0, 3, 0x0180c200},  // 6: LLDP group prefix -> 7, else drop
    {BPF_LD | BPF_H | BPF_ABS, 0, 0, 4},            // 7: A = dst[4..5]
    {BPF_JMP | BPF_JEQ | BPF_K, 0, 1, 0x000e},      // 8: -> accept (9) / drop (10)
    {BPF_RET | BPF_K, 0, 0, 0x40000},               // 9: accept, whole frame
    {BPF_RET | BPF_K, 0, 0, 0},                     // 10: drop
}};

bool join_group(int fd, int ifindex, const wire::Mac& group) {
  packet_mreq mreq{};
  mreq.mr_ifindex = ifindex;
  mreq.mr_type = PACKET_MR_MULTICAST;
  mreq.mr_alen = 6;
  std::memcpy(mreq.mr_address, group.octets.data(), 6);
  return setsockopt(fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mreq, sizeof mreq) == 0;
}

}  // namespace

api::Result<PacketSocket> PacketSocket::open(const std::string& interface) {
  const std::string what = "discovery: raw socket on interface '" + interface + "'";
  if (interface.empty() || interface.size() >= IFNAMSIZ) {
    return api::fail(api::Fault::config, "discovery: no usable interface name given ('" +
                                             interface + "')");
  }
  const unsigned ifindex = if_nametoindex(interface.c_str());
  if (ifindex == 0) return api::fail(api::Fault::rig, what + ": " + errno_text());

  PacketSocket s;
  // Protocol 0 until bind(): a socket opened with ETH_P_ALL would queue frames of every
  // interface in the gap before bind.
  s.fd_ = ::socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (s.fd_ < 0) return api::fail(api::Fault::rig, what + ": socket: " + errno_text());
  s.ifindex_ = static_cast<int>(ifindex);

  const int on = 1;
  if (setsockopt(s.fd_, SOL_PACKET, PACKET_AUXDATA, &on, sizeof on) != 0) {
    return api::fail(api::Fault::rig, what + ": PACKET_AUXDATA: " + errno_text());
  }
  sock_fprog prog{static_cast<unsigned short>(kFilter.size()),
                  const_cast<sock_filter*>(kFilter.data())};
  if (setsockopt(s.fd_, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof prog) != 0) {
    return api::fail(api::Fault::rig, what + ": SO_ATTACH_FILTER: " + errno_text());
  }
  sockaddr_ll addr{};
  addr.sll_family = AF_PACKET;
  addr.sll_protocol = htons(ETH_P_ALL);
  addr.sll_ifindex = s.ifindex_;
  if (::bind(s.fd_, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    return api::fail(api::Fault::rig, what + ": bind: " + errno_text());
  }
  // A NIC's multicast filter would drop the group addresses otherwise (lldpd does the same).
  if (!join_group(s.fd_, s.ifindex_, wire::cdp::kMulticast) ||
      !join_group(s.fd_, s.ifindex_, wire::lldp::kNearestBridge)) {
    return api::fail(api::Fault::rig, what + ": PACKET_ADD_MEMBERSHIP: " + errno_text());
  }
  ifreq ifr{};
  std::memcpy(ifr.ifr_name, interface.c_str(), interface.size() + 1);
  if (ioctl(s.fd_, SIOCGIFHWADDR, &ifr) != 0) {
    return api::fail(api::Fault::rig, what + ": SIOCGIFHWADDR: " + errno_text());
  }
  s.mac_ = wire::Mac::from_bytes(
      wire::Bytes(reinterpret_cast<const std::uint8_t*>(ifr.ifr_hwaddr.sa_data), 6));
  return s;
}

PacketSocket::~PacketSocket() {
  if (fd_ >= 0) ::close(fd_);
}

PacketSocket::PacketSocket(PacketSocket&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), ifindex_(other.ifindex_), mac_(other.mac_) {}

PacketSocket& PacketSocket::operator=(PacketSocket&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
    ifindex_ = other.ifindex_;
    mac_ = other.mac_;
  }
  return *this;
}

int PacketSocket::release() { return std::exchange(fd_, -1); }

std::optional<PacketSocket::Received> PacketSocket::receive(int fd) {
  std::array<std::uint8_t, 9216> buffer;  // a jumbo frame; CDP and LLDP are far smaller
  auto raw = receive_raw(fd, buffer);
  if (!raw) return std::nullopt;
  Received r;
  r.outgoing = raw->outgoing;
  r.frame = with_tag(wire::Bytes(buffer.data(), raw->length), raw->tag);
  return r;
}

bool PacketSocket::send(int fd, wire::Bytes frame) { return send_raw(fd, frame); }

}  // namespace phonerig::services::discovery
