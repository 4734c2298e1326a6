// The phone's devices: its TAP (/dev/net/tun, IFF_TAP | IFF_NO_PI, the phone's MAC, up,
// gone with the process), a raw AF_PACKET socket on its port (promiscuous, PACKET_AUXDATA:
// the kernel moves a received 802.1Q tag out of the bytes, DESIGN.md "What the machines
// here have"), and the lease on the TAP (address, mask, default route) through ioctls.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "drivers/api/result.hpp"
#include "drivers/wire/address.hpp"
#include "drivers/wire/bytes.hpp"

namespace phonerig::sim::phoned {

// One owned descriptor.
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(Fd&& other) noexcept : fd_(other.release()) {}
  Fd& operator=(Fd&& other) noexcept;
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd();
  int get() const { return fd_; }
  int release() {
    const int fd = fd_;
    fd_ = -1;
    return fd;
  }

 private:
  int fd_ = -1;
};

// Creates TAP `name` with `mac` and brings it up; the fd reads what the kernel sends out of
// it and writes what it receives. `disable_ipv6`: no IPv6 (router solicitations, MLD) on it.
api::Result<Fd> open_tap(const std::string& name, const wire::Mac& mac, bool disable_ipv6);

// A raw socket on `interface`: bound to it, promiscuous, aux data on, outgoing frames not
// queued; the interface is brought up and its rxvlan/txvlan offloads switched off.
api::Result<Fd> open_port(const std::string& interface);

struct PortFrame {
  wire::ByteVector frame;  // the 802.1Q tag put back when the kernel had moved it out
  bool outgoing = false;
};
// One frame, or nullopt when none is waiting.
std::optional<PortFrame> receive_port(int fd);
// One whole frame out of the port; false (errno set) when the kernel refused it.
bool send_port(int fd, wire::Bytes frame);

// The lease on `interface`: address/mask, and a default route via `router` when not zero.
api::Result<bool> set_address(const std::string& interface, wire::Ipv4 address, wire::Ipv4 mask,
                              wire::Ipv4 router);
// Removes the IPv4 address (and with it the routes through the interface).
api::Result<bool> clear_address(const std::string& interface);
// Takes the interface administratively down or up: a rebooting phone's PHY drops the link,
// so the switch sees the carrier go and come back (and announces again at link-up).
api::Result<bool> set_link(const std::string& interface, bool up);

// The 802.1Q helpers of the tagger: the first tag's VLAN id, or nullopt when untagged.
std::optional<std::uint16_t> vlan_of(wire::Bytes frame);
// Inserts a tag (TPID 0x8100, PCP `pcp`) after the source MAC.
wire::ByteVector add_tag(wire::Bytes frame, std::uint16_t vlan, std::uint8_t pcp = 0);
// Removes the first tag (frame must be tagged).
wire::ByteVector strip_tag(wire::Bytes frame);

}  // namespace phonerig::sim::phoned
