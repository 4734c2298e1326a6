// One raw AF_PACKET socket on one interface, for the discovery shell: bound by ifindex,
// member of the CDP and LLDP group addresses, a classic BPF filter that lets only CDP and
// LLDP frames up, and PACKET_AUXDATA so a frame whose 802.1Q tag the kernel moved out of
// the bytes gets it back (DESIGN.md, "What the machines here have").
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "drivers/api/result.hpp"
#include "drivers/wire/address.hpp"
#include "drivers/wire/bytes.hpp"

namespace phonerig::services::discovery {

class PacketSocket {
 public:
  // Opens and binds the socket (non-blocking). Fault::rig with the interface and the errno
  // text when the interface is missing or the socket cannot be opened (no CAP_NET_RAW).
  static api::Result<PacketSocket> open(const std::string& interface);

  PacketSocket() = default;
  ~PacketSocket();
  PacketSocket(PacketSocket&& other) noexcept;
  PacketSocket& operator=(PacketSocket&& other) noexcept;
  PacketSocket(const PacketSocket&) = delete;
  PacketSocket& operator=(const PacketSocket&) = delete;

  int fd() const { return fd_; }
  // Gives the descriptor away (to an Asio descriptor that closes it).
  int release();
  const wire::Mac& mac() const { return mac_; }
  int ifindex() const { return ifindex_; }

  struct Received {
    wire::ByteVector frame;  // with its 802.1Q tag back in place when it had one
    bool outgoing = false;   // PACKET_OUTGOING: a frame this host sent
  };
  // One frame, or nullopt when none is waiting (EAGAIN) or on an error.
  static std::optional<Received> receive(int fd);
  // Sends one whole frame; false with errno set when the kernel refused it.
  static bool send(int fd, wire::Bytes frame);

 private:
  int fd_ = -1;
  int ifindex_ = 0;
  wire::Mac mac_;
};

}  // namespace phonerig::services::discovery
