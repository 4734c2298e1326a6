#include "drivers/services/common/packet_io.hpp"

#include <linux/if_packet.h>
#include <sys/socket.h>

#include <array>
#include <cerrno>
#include <cstring>

namespace phonerig::services {

std::optional<RawFrame> receive_raw(int fd, std::span<std::uint8_t> buffer) {
  for (;;) {
    iovec iov{buffer.data(), buffer.size()};
    alignas(cmsghdr) std::array<char, CMSG_SPACE(sizeof(tpacket_auxdata))> control{};
    sockaddr_ll from{};
    msghdr message{};
    message.msg_name = &from;
    message.msg_namelen = sizeof from;
    message.msg_iov = &iov;
    message.msg_iovlen = 1;
    message.msg_control = control.data();
    message.msg_controllen = control.size();
    const ssize_t n = ::recvmsg(fd, &message, MSG_DONTWAIT | MSG_TRUNC);
    if (n < 0) {
      if (errno == EINTR || errno == ENETDOWN) continue;
      return std::nullopt;
    }
    RawFrame frame;
    frame.wire_length = static_cast<std::size_t>(n);
    frame.length = std::min(frame.wire_length, buffer.size());
    frame.outgoing = from.sll_pkttype == PACKET_OUTGOING;
    for (cmsghdr* c = CMSG_FIRSTHDR(&message); c != nullptr; c = CMSG_NXTHDR(&message, c)) {
      if (c->cmsg_level != SOL_PACKET || c->cmsg_type != PACKET_AUXDATA ||
          c->cmsg_len < CMSG_LEN(sizeof(tpacket_auxdata))) {
        continue;
      }
      tpacket_auxdata aux;
      std::memcpy(&aux, CMSG_DATA(c), sizeof aux);
      // libpcap's rule: a tag when the kernel says so, or a non-zero TCI from kernels that
      // predate TP_STATUS_VLAN_VALID.
      if ((aux.tp_status & TP_STATUS_VLAN_VALID) == 0 && aux.tp_vlan_tci == 0) continue;
      wire::VlanTag tag;
      tag.tpid = (aux.tp_status & TP_STATUS_VLAN_TPID_VALID) != 0 && aux.tp_vlan_tpid != 0
                     ? aux.tp_vlan_tpid
                     : wire::ethertype::kVlan;
      tag.pcp = static_cast<std::uint8_t>(aux.tp_vlan_tci >> 13);
      tag.dei = ((aux.tp_vlan_tci >> 12) & 1u) != 0;
      tag.vid = static_cast<std::uint16_t>(aux.tp_vlan_tci & 0x0fffu);
      frame.tag = tag;
    }
    return frame;
  }
}

wire::ByteVector with_tag(wire::Bytes frame, const std::optional<wire::VlanTag>& tag) {
  wire::ByteVector out(frame.begin(), frame.end());
  if (!tag || out.size() < 12) return out;
  const std::uint16_t tci = static_cast<std::uint16_t>((tag->pcp & 0x7u) << 13 |
                                                       (tag->dei ? 1u : 0u) << 12 |
                                                       (tag->vid & 0x0fffu));
  const std::uint8_t bytes[4] = {static_cast<std::uint8_t>(tag->tpid >> 8),
                                 static_cast<std::uint8_t>(tag->tpid & 0xff),
                                 static_cast<std::uint8_t>(tci >> 8),
                                 static_cast<std::uint8_t>(tci & 0xff)};
  out.insert(out.begin() + 12, bytes, bytes + 4);
  return out;
}

bool send_raw(int fd, wire::Bytes frame) {
  for (;;) {
    const ssize_t n = ::send(fd, frame.data(), frame.size(), MSG_DONTWAIT);
    if (n < 0 && errno == EINTR) continue;
    return n == static_cast<ssize_t>(frame.size());
  }
}

}  // namespace phonerig::services
