// Netlink messages as bytes (RFC 3549; the kernel's include/uapi/linux/netlink.h): a builder
// for the requests libnl 3.7 has no setter for (802.1Q links, netem qdiscs), and a
// bounds-checked reader for what the kernel sends back (extended acks, link notifications).
// Netlink is in host byte order; attributes are type-length-value, aligned to 4 bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "drivers/api/result.hpp"

namespace phonerig::netlink {

using Bytes = std::vector<std::uint8_t>;

inline constexpr std::size_t kHeaderLength = 16;     // struct nlmsghdr
inline constexpr std::size_t kAttrHeaderLength = 4;  // struct nlattr
constexpr std::size_t align4(std::size_t n) { return (n + 3) & ~std::size_t{3}; }

class MessageBuilder {
 public:
  // The header (struct nlmsghdr): length is filled by finish(). Sequence 0 and port 0 let
  // the socket choose, as libnl's nl_send_auto does.
  MessageBuilder(std::uint16_t type, std::uint16_t flags, std::uint32_t seq = 0,
                 std::uint32_t port = 0);

  // Fixed-layout fields (a family header, a struct payload), in host order.
  MessageBuilder& u8(std::uint8_t value);
  MessageBuilder& u16(std::uint16_t value);
  MessageBuilder& u32(std::uint32_t value);
  MessageBuilder& s32(std::int32_t value) { return u32(static_cast<std::uint32_t>(value)); }

  // Attributes, padded to 4 bytes.
  MessageBuilder& attr_u16(std::uint16_t type, std::uint16_t value);
  MessageBuilder& attr_u32(std::uint16_t type, std::uint32_t value);
  MessageBuilder& attr_string(std::uint16_t type, std::string_view value);  // NUL-terminated
  // A string without its NUL: the kernel's NLA_STRING policy takes either, and iproute2
  // sends IFLA_INFO_KIND this way (addattr_l with strlen).
  MessageBuilder& attr_chars(std::uint16_t type, std::string_view value);

  // An attribute holding others (and, for TCA_OPTIONS, a struct first): begin() returns
  // where it starts, end() writes its length.
  std::size_t begin(std::uint16_t type);
  MessageBuilder& end(std::size_t start);

  Bytes finish() &&;

 private:
  void put(const void* data, std::size_t size);
  void pad();
  void patch_u16(std::size_t offset, std::uint16_t value);
  void patch_u32(std::size_t offset, std::uint32_t value);

  Bytes bytes_;
};

// Reads host-order fields from bytes the kernel sent; every read is checked against the end.
class HostReader {
 public:
  explicit HostReader(std::span<const std::uint8_t> bytes) : bytes_(bytes) {}

  api::Result<std::uint16_t> u16(std::size_t offset, std::string_view field) const;
  api::Result<std::uint32_t> u32(std::size_t offset, std::string_view field) const;
  api::Result<std::int32_t> s32(std::size_t offset, std::string_view field) const;
  std::span<const std::uint8_t> bytes() const { return bytes_; }

 private:
  api::Result<bool> need(std::size_t offset, std::size_t size, std::string_view field) const;

  std::span<const std::uint8_t> bytes_;
};

struct Attribute {
  std::uint16_t type = 0;  // flags (nested, byte order) masked off
  std::span<const std::uint8_t> payload;
};

// The attributes laid end to end in `bytes`; an error names the offset of a bad length.
api::Result<std::vector<Attribute>> parse_attributes(std::span<const std::uint8_t> bytes);

// The first attribute of `type`, or nullptr.
const Attribute* find_attribute(const std::vector<Attribute>& attributes, std::uint16_t type);

// A NUL-terminated string attribute's text, without the NUL.
std::string_view attribute_string(const Attribute& attribute);

}  // namespace phonerig::netlink
