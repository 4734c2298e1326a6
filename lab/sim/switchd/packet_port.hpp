// One switch port's veth, as the switch process (in the switch namespace) sees it: an
// AF_PACKET socket bound to it (every protocol, promiscuous, the kernel's stripped 802.1Q tag
// recovered from PACKET_AUXDATA, its own sends never read back), its administrative state
// (SIOCSIFFLAGS) and its offloads (SIOCETHTOOL, as `ethtool -K` does it).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "drivers/api/result.hpp"
#include "drivers/wire/bytes.hpp"
#include "drivers/wire/link.hpp"

namespace phonerig::sim::switchd {

// Turns off tx/rx checksumming, TSO, GSO, GRO, rx-vlan-hw-parse and tx-vlan-hw-insert
// (what the device lets change) in one ETHTOOL_SFEATURES request.
api::Result<bool> offloads_off(const std::string& ifname);

// Sets IFF_UP on or off.
api::Result<bool> set_admin_up(const std::string& ifname, bool up);

class PacketPort {
 public:
  static api::Result<PacketPort> open(const std::string& ifname);
  PacketPort() = default;
  PacketPort(PacketPort&& other) noexcept;
  PacketPort& operator=(PacketPort&& other) noexcept;
  ~PacketPort();

  int fd() const { return fd_; }
  std::uint32_t ifindex() const { return ifindex_; }
  const std::string& name() const { return name_; }

  struct Received {
    std::size_t length = 0;                 // bytes in the buffer
    std::optional<wire::VlanTag> aux;       // the tag the kernel took out of the bytes
  };
  // One frame, without blocking: nothing when none is waiting (or the link went down:
  // ENETDOWN is consumed and reported as nothing).
  std::optional<Received> receive(wire::ByteVector& buffer);

  // Sends the bytes as they are (a tag in them stays). False when the kernel refused
  // (queue full, link down): the frame is lost, as on a wire.
  bool send(wire::Bytes frame);

 private:
  int fd_ = -1;
  std::uint32_t ifindex_ = 0;
  std::string name_;
};

}  // namespace phonerig::sim::switchd
