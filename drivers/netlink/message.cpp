#include "drivers/netlink/message.hpp"

#include <algorithm>
#include <cstring>
#include <string>

namespace phonerig::netlink {

namespace {
constexpr std::uint16_t kTypeMask = 0x3fff;  // NLA_TYPE_MASK: without NLA_F_NESTED, _NET_BYTEORDER
}

MessageBuilder::MessageBuilder(std::uint16_t type, std::uint16_t flags, std::uint32_t seq,
                               std::uint32_t port) {
  u32(0);  // nlmsg_len, patched by finish()
  u16(type);
  u16(flags);
  u32(seq);
  u32(port);
}

void MessageBuilder::put(const void* data, std::size_t size) {
  const auto* first = static_cast<const std::uint8_t*>(data);
  bytes_.insert(bytes_.end(), first, first + size);
}

void MessageBuilder::pad() { bytes_.resize(align4(bytes_.size()), 0); }

void MessageBuilder::patch_u16(std::size_t offset, std::uint16_t value) {
  std::memcpy(bytes_.data() + offset, &value, sizeof value);
}

void MessageBuilder::patch_u32(std::size_t offset, std::uint32_t value) {
  std::memcpy(bytes_.data() + offset, &value, sizeof value);
}

MessageBuilder& MessageBuilder::u8(std::uint8_t value) {
  put(&value, sizeof value);
  return *this;
}

MessageBuilder& MessageBuilder::u16(std::uint16_t value) {
  put(&value, sizeof value);
  return *this;
}

MessageBuilder& MessageBuilder::u32(std::uint32_t value) {
  put(&value, sizeof value);
  return *this;
}

MessageBuilder& MessageBuilder::attr_u16(std::uint16_t type, std::uint16_t value) {
  u16(static_cast<std::uint16_t>(kAttrHeaderLength + sizeof value)).u16(type).u16(value);
  pad();
  return *this;
}

MessageBuilder& MessageBuilder::attr_u32(std::uint16_t type, std::uint32_t value) {
  u16(static_cast<std::uint16_t>(kAttrHeaderLength + sizeof value)).u16(type).u32(value);
  return *this;
}

MessageBuilder& MessageBuilder::attr_string(std::uint16_t type, std::string_view value) {
  u16(static_cast<std::uint16_t>(kAttrHeaderLength + value.size() + 1)).u16(type);
  put(value.data(), value.size());
  u8(0);
  pad();
  return *this;
}

MessageBuilder& MessageBuilder::attr_chars(std::uint16_t type, std::string_view value) {
  u16(static_cast<std::uint16_t>(kAttrHeaderLength + value.size())).u16(type);
  put(value.data(), value.size());
  pad();
  return *this;
}

std::size_t MessageBuilder::begin(std::uint16_t type) {
  std::size_t start = bytes_.size();
  u16(0).u16(type);  // length patched by end()
  return start;
}

MessageBuilder& MessageBuilder::end(std::size_t start) {
  pad();
  patch_u16(start, static_cast<std::uint16_t>(bytes_.size() - start));
  return *this;
}

Bytes MessageBuilder::finish() && {
  pad();
  patch_u32(0, static_cast<std::uint32_t>(bytes_.size()));
  return std::move(bytes_);
}

api::Result<bool> HostReader::need(std::size_t offset, std::size_t size,
                                   std::string_view field) const {
  if (offset > bytes_.size() || bytes_.size() - offset < size) {
    return api::fail(api::Fault::rig, "netlink message: " + std::string(field) + " at offset " +
                                          std::to_string(offset) + " runs past the end (" +
                                          std::to_string(bytes_.size()) + " bytes)");
  }
  return true;
}

api::Result<std::uint16_t> HostReader::u16(std::size_t offset, std::string_view field) const {
  PHONERIG_CHECK(need(offset, 2, field));
  std::uint16_t value = 0;
  std::memcpy(&value, bytes_.data() + offset, sizeof value);
  return value;
}

api::Result<std::uint32_t> HostReader::u32(std::size_t offset, std::string_view field) const {
  PHONERIG_CHECK(need(offset, 4, field));
  std::uint32_t value = 0;
  std::memcpy(&value, bytes_.data() + offset, sizeof value);
  return value;
}

api::Result<std::int32_t> HostReader::s32(std::size_t offset, std::string_view field) const {
  PHONERIG_TRY(std::uint32_t value, u32(offset, field));
  return static_cast<std::int32_t>(value);
}

api::Result<std::vector<Attribute>> parse_attributes(std::span<const std::uint8_t> bytes) {
  HostReader reader(bytes);
  std::vector<Attribute> attributes;
  std::size_t offset = 0;
  while (bytes.size() - offset >= kAttrHeaderLength) {
    PHONERIG_TRY(std::uint16_t length, reader.u16(offset, "nla_len"));
    PHONERIG_TRY(std::uint16_t type, reader.u16(offset + 2, "nla_type"));
    if (length < kAttrHeaderLength || length > bytes.size() - offset) {
      return api::fail(api::Fault::rig, "netlink attribute type " + std::to_string(type) +
                                            ": length " + std::to_string(length) +
                                            " is invalid at offset " + std::to_string(offset));
    }
    attributes.push_back(Attribute{static_cast<std::uint16_t>(type & kTypeMask),
                                   bytes.subspan(offset + kAttrHeaderLength,
                                                 length - kAttrHeaderLength)});
    offset += std::min(align4(length), bytes.size() - offset);
  }
  return attributes;
}

const Attribute* find_attribute(const std::vector<Attribute>& attributes, std::uint16_t type) {
  for (const Attribute& attribute : attributes) {
    if (attribute.type == type) return &attribute;
  }
  return nullptr;
}

std::string_view attribute_string(const Attribute& attribute) {
  std::string_view text(reinterpret_cast<const char*>(attribute.payload.data()),
                        attribute.payload.size());
  return text.substr(0, text.find('\0'));
}

}  // namespace phonerig::netlink
