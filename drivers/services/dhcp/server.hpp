// The DHCP server's socket shell around Core (core.hpp): one UDP socket on 0.0.0.0:67
// (broadcasts arrive there) bound to the declared interface (SO_BINDTODEVICE), a lease
// journal (lease_journal.hpp, written in batches by its own thread), and an expiry sweep.
//
// Replies to a client that has no address yet and did not ask for broadcast (RFC 2131
// section 4.1: "unicasts DHCPOFFER and DHCPACK messages to the client's hardware address
// and 'yiaddr' address") leave through an AF_PACKET SOCK_DGRAM socket on the interface:
// the IPv4/UDP datagram is built here (src = server_address:67, dst = yiaddr:68) and the
// kernel adds the Ethernet header to chaddr. Chosen over the ARP-entry trick (SIOCSARP,
// dnsmasq's way) because it changes no kernel state of the rig host and does not depend on
// a route to yiaddr existing on that interface. Needs CAP_NET_RAW; without an interface
// (loopback tests) such replies are broadcast instead.
//
// Threading: every handler runs on the executor given to start(). Call stop() on that
// executor, or when its io_context is not running.
#pragma once

#include "drivers/api/event_sink.hpp"
#include "drivers/api/result.hpp"
#include "drivers/services/dhcp/config.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <memory>
#include <string>
#include <vector>

namespace phonerig::services::dhcp {

class Server {
public:
  // Binds, restores the lease file (dhcp.lease state=restored per lease) and emits
  // service.listening. Errors (Fault::rig): bad config, bind/interface/lease file failures.
  static api::Result<std::unique_ptr<Server>> start(boost::asio::any_io_executor ex, Config config,
                                                    api::EventSink& events);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Closes the sockets, cancels the timers, writes and syncs the lease journal. Idempotent.
  void stop();
  // "udp 0.0.0.0:67 on eth0 (server id 198.18.0.1)".
  std::vector<std::string> where() const;

  struct Impl;

private:
  explicit Server(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<Impl> impl_;
};

} // namespace phonerig::services::dhcp
