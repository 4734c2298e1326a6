// The pure parts of answering: building an OFFER/ACK/NAK from the request and the Config,
// choosing where it goes (RFC 2131 section 4.1), and the packet events that describe a
// message. No sockets, no clock: times are passed in.
#pragma once

#include "drivers/api/event.hpp"
#include "drivers/services/dhcp/config.hpp"
#include "drivers/wire/dhcp.hpp"

#include <cstdint>
#include <optional>
#include <string_view>

namespace phonerig::services::dhcp {

// How a reply leaves the server.
enum class Delivery {
  udp,          // a plain UDP datagram to dst:dst_port (a relay, or a client's ciaddr)
  broadcast,    // to 255.255.255.255:68 on the served interface
  link_unicast, // to yiaddr at the link layer: an Ethernet frame to `mac` (the client
                // has no address yet, so no ARP can find it; RFC 2131 section 4.1)
};
const char* to_string(Delivery delivery);

struct Destination {
  Delivery delivery = Delivery::broadcast;
  wire::Ipv4 address = wire::Ipv4::broadcast();
  std::uint16_t port = wire::dhcp::kClientPort;
  wire::Mac mac; // link_unicast only
};

// RFC 2131 section 4.1, in this order: giaddr set -> the relay, port 67 (every reply,
// NAK too); a NAK otherwise -> broadcast; ciaddr set -> unicast to it; broadcast flag ->
// broadcast; otherwise link-layer unicast to chaddr at yiaddr (an INFORM without ciaddr
// goes back to the address it came from).
Destination destination_of(const wire::dhcp::Message& request, wire::dhcp::MessageType reply,
                           wire::Ipv4 yiaddr, wire::Ipv4 source);

// An OFFER or ACK for `request` giving `yiaddr` (INFORM: yiaddr 0 and `with_lease`
// false: no 51/58/59, RFC 2131 section 4.3.5). Options: 53, 54, the lease times, 1, 3,
// 6, 12, 15, 66, 150, the extra options, 61 echoed (RFC 6842), 82 echoed unchanged
// (RFC 3046 section 2.2); then ordered by the client's parameter request list (RFC 2132
// section 9.8). 150 and 66 are sent whether requested or not: phones need them and
// dhclient/udhcpc only see what is sent.
wire::dhcp::Message make_reply(const Config& config, const wire::dhcp::Message& request,
                               wire::dhcp::MessageType type, wire::Ipv4 yiaddr, bool with_lease,
                               std::string_view hostname);
// A NAK (RFC 2131 table 3): 53, 54, 56 (reason), 61 and 82 echoed; yiaddr and ciaddr 0.
wire::dhcp::Message make_nak(const Config& config, const wire::dhcp::Message& request,
                             std::string_view reason);

// The packet event of a message received (source=service, phone=chaddr) or sent (with
// its destination). Options the typed accessors refuse are left out of the attributes.
api::Event received_event(const wire::dhcp::Message& message, wire::dhcp::MessageType type,
                          wire::Ipv4 source, std::uint16_t source_port, std::uint16_t server_port,
                          std::int64_t now_ns);
api::Event sent_event(const wire::dhcp::Message& message, wire::dhcp::MessageType type,
                      wire::Ipv4 server, std::uint16_t server_port, const Destination& to,
                      std::int64_t now_ns);

} // namespace phonerig::services::dhcp
