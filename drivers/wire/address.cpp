#include "drivers/wire/address.hpp"

#include <cstdio>

namespace phonerig::wire {

namespace {
int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

std::optional<Mac> Mac::parse(std::string_view text) {
  Mac mac;
  std::size_t digits = 0;
  for (char c : text) {
    if (c == ':' || c == '-' || c == '.') continue;
    int v = hex_digit(c);
    if (v < 0 || digits >= 12) return std::nullopt;
    auto& octet = mac.octets[digits / 2];
    octet = static_cast<std::uint8_t>((octet << 4) | v);
    ++digits;
  }
  if (digits != 12) return std::nullopt;
  return mac;
}

Mac Mac::from_bytes(Bytes six) {
  Mac mac;
  for (std::size_t i = 0; i < 6 && i < six.size(); ++i) mac.octets[i] = six[i];
  return mac;
}

std::string Mac::to_string() const {
  char buf[18];
  std::snprintf(buf, sizeof buf, "%02x:%02x:%02x:%02x:%02x:%02x", octets[0], octets[1], octets[2],
                octets[3], octets[4], octets[5]);
  return buf;
}

std::string Mac::to_cisco() const {
  char buf[13];
  std::snprintf(buf, sizeof buf, "%02X%02X%02X%02X%02X%02X", octets[0], octets[1], octets[2],
                octets[3], octets[4], octets[5]);
  return buf;
}

std::optional<Ipv4> Ipv4::parse(std::string_view dotted) {
  std::uint32_t value = 0;
  int parts = 0;
  std::size_t i = 0;
  while (parts < 4) {
    if (i >= dotted.size() || dotted[i] < '0' || dotted[i] > '9') return std::nullopt;
    unsigned part = 0;
    std::size_t start = i;
    while (i < dotted.size() && dotted[i] >= '0' && dotted[i] <= '9') {
      part = part * 10 + static_cast<unsigned>(dotted[i] - '0');
      if (part > 255 || i - start >= 3) return std::nullopt;
      ++i;
    }
    if (i - start > 1 && dotted[start] == '0') return std::nullopt;  // no octal-looking parts
    value = (value << 8) | part;
    ++parts;
    if (parts < 4) {
      if (i >= dotted.size() || dotted[i] != '.') return std::nullopt;
      ++i;
    }
  }
  if (i != dotted.size()) return std::nullopt;
  return Ipv4{value};
}

Ipv4 Ipv4::from_bytes(Bytes four) {
  std::uint32_t v = 0;
  for (std::size_t i = 0; i < 4 && i < four.size(); ++i) v = (v << 8) | four[i];
  return Ipv4{v};
}

std::string Ipv4::to_string() const {
  return std::to_string(value >> 24) + "." + std::to_string((value >> 16) & 0xff) + "." +
         std::to_string((value >> 8) & 0xff) + "." + std::to_string(value & 0xff);
}

std::array<std::uint8_t, 4> Ipv4::to_bytes() const {
  return {static_cast<std::uint8_t>(value >> 24), static_cast<std::uint8_t>(value >> 16),
          static_cast<std::uint8_t>(value >> 8), static_cast<std::uint8_t>(value)};
}

ParseResult<Mac> read_mac(ByteReader& reader, std::string_view field) {
  PHONERIG_TRY(Bytes raw, reader.bytes(6, field));
  return Mac::from_bytes(raw);
}

ParseResult<Ipv4> read_ipv4(ByteReader& reader, std::string_view field) {
  PHONERIG_TRY(Bytes raw, reader.bytes(4, field));
  return Ipv4::from_bytes(raw);
}

void write_mac(ByteWriter& writer, const Mac& mac) { writer.bytes(Bytes(mac.octets)); }

void write_ipv4(ByteWriter& writer, Ipv4 address) {
  auto b = address.to_bytes();
  writer.bytes(Bytes(b));
}

}  // namespace phonerig::wire
