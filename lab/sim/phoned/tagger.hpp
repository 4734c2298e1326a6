// The user-space 802.1Q tagger between the phone's TAP and its port (DESIGN.md, "The
// simulated lab"): frames the kernel sends out of the TAP leave the port tagged with the
// voice VLAN (untagged while it is 0); frames heard on the port on that VLAN (untagged ones
// while it is 0) for the TAP's MAC, broadcast or multicast go into the TAP untagged. A hook
// sees every port frame first and may keep it (the phone's CDP/LLDP/DHCP).
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "drivers/api/result.hpp"
#include "drivers/wire/address.hpp"
#include "drivers/wire/bytes.hpp"

namespace phonerig::sim::phoned {

class Tagger {
 public:
  // A port frame (tag back in the bytes); true keeps it from the TAP.
  using Hook = std::function<bool(const wire::ByteVector& frame)>;

  // Creates the TAP (with `mac`, up) and the port socket; nothing moves until start().
  static api::Result<std::unique_ptr<Tagger>> open(boost::asio::any_io_executor ex,
                                                   const std::string& port_interface,
                                                   const std::string& tap, const wire::Mac& mac,
                                                   bool disable_ipv6);
  ~Tagger();

  void start();
  void stop();  // idempotent: nothing more is read or written
  void set_hook(Hook hook) { hook_ = std::move(hook); }
  void set_vlan(std::uint16_t vlan) { vlan_ = vlan; }  // 0: untagged
  std::uint16_t vlan() const { return vlan_; }
  // A whole frame out of the port, as given.
  bool send(wire::Bytes frame);
  // A frame of the phone's (untagged), tagged as the TAP's frames are, out of the port.
  bool send_tagged(wire::Bytes frame);

  std::uint64_t to_port() const { return to_port_; }
  std::uint64_t to_tap() const { return to_tap_; }

 private:
  Tagger(boost::asio::any_io_executor ex, int tap_fd, int port_fd, wire::Mac mac);
  void wait_tap();
  void wait_port();
  void on_port_frame(const wire::ByteVector& frame);

  boost::asio::posix::stream_descriptor tap_;
  boost::asio::posix::stream_descriptor port_;
  wire::Mac mac_;
  Hook hook_;
  std::uint16_t vlan_ = 0;
  bool stopped_ = false;
  std::uint64_t to_port_ = 0;
  std::uint64_t to_tap_ = 0;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace phonerig::sim::phoned
