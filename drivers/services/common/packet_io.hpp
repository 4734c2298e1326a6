// Frames on an AF_PACKET socket (packet(7)) opened with PACKET_AUXDATA, for the CDP/LLDP
// service, the simulated switch's ports and the emulated phone's port. The kernel takes a
// received 802.1Q tag out of the frame's bytes and reports it beside them (DESIGN.md, "What
// the machines here have"); this reads it back as libpcap does.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "drivers/wire/bytes.hpp"
#include "drivers/wire/link.hpp"

namespace phonerig::services {

struct RawFrame {
  std::size_t length = 0;            // bytes in the buffer (the frame, cut at its size)
  std::size_t wire_length = 0;       // the frame's own length (MSG_TRUNC)
  bool outgoing = false;             // PACKET_OUTGOING: a frame this host sent
  std::optional<wire::VlanTag> tag;  // the 802.1Q tag the kernel took out of the bytes
};

// One frame into `buffer` without blocking; nullopt when none is waiting (EAGAIN) or on an
// error. EINTR is retried; ENETDOWN (the link went down since the last read) is consumed and
// the next frame read.
std::optional<RawFrame> receive_raw(int fd, std::span<std::uint8_t> buffer);

// The frame with its tag back in place after the source MAC (IEEE 802.1Q), as captured.
wire::ByteVector with_tag(wire::Bytes frame, const std::optional<wire::VlanTag>& tag);

// Sends one whole frame without blocking (EINTR retried); false with errno set when the
// kernel refused it or took only part.
bool send_raw(int fd, wire::Bytes frame);

}  // namespace phonerig::services
