// libFuzzer target for the link, IPv4, UDP and TCP decoders (drivers/wire/packet.hpp):
// the first byte picks the link type and whether the capture is marked as cut by a snap
// length; the rest is the frame. Decoding must never crash, read out of bounds or hang,
// and what it returns must stay inside the frame.
#include <cstddef>
#include <cstdint>

#include "drivers/wire/packet.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace phonerig::wire;
  if (size < 1) return 0;
  static constexpr LinkType kTypes[] = {LinkType::ethernet, LinkType::linux_sll,
                                        LinkType::linux_sll2, LinkType::raw, LinkType::ipv4};
  const LinkType type = kTypes[(data[0] & 0x7f) % 5];
  const bool cut = (data[0] & 0x80) != 0;
  Bytes frame(data + 1, size - 1);
  auto packet = decode_packet(type, frame, cut ? frame.size() + 1000 : 0);
  if (!packet) {
    if (packet.error().offset > frame.size()) __builtin_trap();
    return 0;
  }
  Bytes payload = packet->payload();
  if (!payload.empty() &&
      (payload.data() < frame.data() || payload.data() + payload.size() > frame.data() + frame.size())) {
    __builtin_trap();
  }
  return 0;
}
