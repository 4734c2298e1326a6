#include "drivers/wire/dhcp_relay_agent.hpp"

#include <stdexcept>
#include <string>

namespace phonerig::wire::dhcp {

std::optional<ByteVector> RelayAgentInfo::find(std::uint8_t code) const {
  for (const auto& sub : sub_options) {
    if (sub.code == code) return sub.data;
  }
  return std::nullopt;
}

std::optional<ByteVector> RelayAgentInfo::circuit_id() const {
  return find(relay_sub_option::kCircuitId);
}

std::optional<ByteVector> RelayAgentInfo::remote_id() const {
  return find(relay_sub_option::kRemoteId);
}

void RelayAgentInfo::set(std::uint8_t code, Bytes data) {
  for (auto& sub : sub_options) {
    if (sub.code == code) {
      sub.data.assign(data.begin(), data.end());
      return;
    }
  }
  sub_options.push_back(SubOption{code, ByteVector(data.begin(), data.end())});
}

ParseResult<RelayAgentInfo> parse_relay_agent_info(Bytes value, std::size_t base) {
  RelayAgentInfo info;
  ByteReader reader(value, base);
  while (!reader.empty()) {
    std::size_t at = reader.offset();
    PHONERIG_TRY(std::uint8_t code, reader.u8("option 82: sub-option code"));
    const std::string name = "option 82: sub-option " + std::to_string(code);
    if (reader.empty()) return parse_error(at, name + ": no length byte before the end");
    PHONERIG_TRY(std::uint8_t length, reader.u8("option 82: sub-option length"));
    if (length > reader.remaining()) {
      return parse_error(at, name + ": length " + std::to_string(length) +
                                 " runs past the end of the option, " +
                                 std::to_string(reader.remaining()) + " bytes left");
    }
    PHONERIG_TRY(Bytes data, reader.bytes(length, name));
    info.sub_options.push_back(
        RelayAgentInfo::SubOption{code, ByteVector(data.begin(), data.end())});
  }
  return info;
}

ByteVector build_relay_agent_info(const RelayAgentInfo& info) {
  ByteWriter writer;
  for (const auto& sub : info.sub_options) {
    if (sub.data.size() > 255) {
      throw std::length_error("dhcp option 82: sub-option " + std::to_string(sub.code) + " has " +
                              std::to_string(sub.data.size()) + " bytes, at most 255 fit");
    }
    writer.u8(sub.code).u8(static_cast<std::uint8_t>(sub.data.size())).bytes(sub.data);
  }
  return writer.take();
}

} // namespace phonerig::wire::dhcp
