// Link and network addresses as values: a MAC and an IPv4 address.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "drivers/wire/bytes.hpp"

namespace phonerig::wire {

struct Mac {
  std::array<std::uint8_t, 6> octets{};

  static Mac broadcast() { return Mac{{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}}; }
  // Accepts "00:1b:53:48:9e:e0", "00-1B-53-48-9E-E0", "001b.5348.9ee0" and "001B53489EE0".
  static std::optional<Mac> parse(std::string_view text);
  static Mac from_bytes(Bytes six);  // precondition: six.size() == 6

  std::string to_string() const;  // "00:1b:53:48:9e:e0"
  std::string to_cisco() const;   // "001B53489EE0", as in SEP<MAC> file and device names
  bool is_multicast() const { return (octets[0] & 0x01) != 0; }
  bool is_broadcast() const { return *this == broadcast(); }
  auto operator<=>(const Mac&) const = default;
};

struct Ipv4 {
  std::uint32_t value = 0;  // host order: 198.18.0.1 == 0xc6120001

  static Ipv4 any() { return Ipv4{0}; }
  static Ipv4 broadcast() { return Ipv4{0xffffffffu}; }
  static std::optional<Ipv4> parse(std::string_view dotted);  // strict dotted quad
  static Ipv4 from_bytes(Bytes four);                          // precondition: size 4

  std::string to_string() const;
  std::array<std::uint8_t, 4> to_bytes() const;
  bool is_zero() const { return value == 0; }
  auto operator<=>(const Ipv4&) const = default;
};

ParseResult<Mac> read_mac(ByteReader& reader, std::string_view field);
ParseResult<Ipv4> read_ipv4(ByteReader& reader, std::string_view field);
void write_mac(ByteWriter& writer, const Mac& mac);
void write_ipv4(ByteWriter& writer, Ipv4 address);

}  // namespace phonerig::wire
