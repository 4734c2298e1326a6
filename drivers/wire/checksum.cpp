#include "drivers/wire/checksum.hpp"

namespace phonerig::wire {

std::uint32_t ones_complement_add(Bytes data, std::uint32_t sum) {
  std::uint64_t acc = sum;
  std::size_t i = 0;
  for (; i + 1 < data.size(); i += 2) acc += static_cast<std::uint32_t>((data[i] << 8) | data[i + 1]);
  if (i < data.size()) acc += static_cast<std::uint32_t>(data[i] << 8);
  while (acc >> 32) acc = (acc & 0xffffffffu) + (acc >> 32);
  return static_cast<std::uint32_t>(acc);
}

std::uint16_t ones_complement_finish(std::uint32_t sum) {
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<std::uint16_t>(~sum & 0xffff);
}

std::uint32_t pseudo_header_sum(Ipv4 src, Ipv4 dst, std::uint8_t protocol, std::uint16_t length) {
  std::uint64_t acc = (src.value >> 16) + (src.value & 0xffff) + (dst.value >> 16) +
                      (dst.value & 0xffff) + protocol + length;
  while (acc >> 32) acc = (acc & 0xffffffffu) + (acc >> 32);
  return static_cast<std::uint32_t>(acc);
}

}  // namespace phonerig::wire
