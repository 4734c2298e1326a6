// RFC 1071 Internet checksum, shared by IPv4, UDP and TCP (CDP's odd-byte variant lives
// in cdp.cpp).
#pragma once

#include <cstdint>

#include "drivers/wire/address.hpp"
#include "drivers/wire/bytes.hpp"

namespace phonerig::wire {

// Adds big-endian 16-bit words of `data` to `sum` (an odd last byte is padded with a zero,
// RFC 1071 section 4.1); not folded.
std::uint32_t ones_complement_add(Bytes data, std::uint32_t sum = 0);
// Folds the carries and complements: the value to put in a checksum field.
std::uint16_t ones_complement_finish(std::uint32_t sum);
inline std::uint16_t internet_checksum(Bytes data) {
  return ones_complement_finish(ones_complement_add(data));
}
// The IPv4 pseudo-header sum of RFC 768 / RFC 793: src, dst, zero, protocol, length.
std::uint32_t pseudo_header_sum(Ipv4 src, Ipv4 dst, std::uint8_t protocol, std::uint16_t length);

}  // namespace phonerig::wire
