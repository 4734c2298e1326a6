// Internal to the decoder: one frame's addresses, and the events each protocol's decoded
// message becomes (attributes exactly as drivers/api/event_kinds.cpp declares them).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "drivers/api/event.hpp"
#include "drivers/wire/address.hpp"
#include "drivers/wire/bytes.hpp"
#include "drivers/wire/cdp.hpp"
#include "drivers/wire/dhcp.hpp"
#include "drivers/wire/lldp.hpp"
#include "drivers/wire/sip_message.hpp"

namespace phonerig::engine {

// What every packet event of a frame carries (the common packet attributes).
struct FrameInfo {
  std::int64_t time_ns = 0;
  std::uint32_t length = 0;  // on the wire
  std::optional<wire::Mac> src_mac;
  std::optional<wire::Mac> dst_mac;
  std::optional<std::uint16_t> vlan;  // innermost 802.1Q tag
  std::optional<std::uint8_t> pcp;
  std::optional<wire::Ipv4> src_ip;
  std::optional<wire::Ipv4> dst_ip;
  std::optional<std::uint16_t> src_port;
  std::optional<std::uint16_t> dst_port;
};

// A capture event of `kind` at the frame's time with the common packet attributes.
api::Event packet_event(const FrameInfo& frame, std::string_view kind);

// frame.malformed: `layer` is the codec that refused the bytes; `offset` is absolute in the
// frame when the caller adds the payload's offset (for a reassembled TCP stream, the
// offset within the message).
api::Event malformed_event(const FrameInfo& frame, std::string_view layer,
                           const wire::ParseError& error, std::size_t base = 0);

api::Event cdp_event(const FrameInfo& frame, const wire::cdp::Decoded& decoded);
api::Event lldp_event(const FrameInfo& frame, const wire::lldp::Packet& packet);
// dhcp.<type>; the phone is the chaddr when it is an Ethernet address.
api::Event dhcp_event(const FrameInfo& frame, const wire::dhcp::Message& message,
                      wire::dhcp::MessageType type);
// sip.request or sip.response; `transport` is "udp" or "tcp".
api::Event sip_event(const FrameInfo& frame, const wire::sip::Message& message,
                     std::string_view transport);

// "SEP001E4A000001" -> 00:1e:4a:00:00:01 (CDP Device ID, SIP device name).
std::optional<wire::Mac> mac_from_device_name(std::string_view name);

}  // namespace phonerig::engine
