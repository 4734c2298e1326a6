// DHCP option 82, Relay Agent Information (RFC 3046): the sub-options a relay (a switch
// doing DHCP snooping, a router's ip helper) adds to a client's message on its way to the
// server, and which the server echoes back in its reply (RFC 3046 section 2.2).
#pragma once

#include "drivers/wire/bytes.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace phonerig::wire::dhcp {

namespace relay_sub_option {
inline constexpr std::uint8_t kCircuitId = 1; // RFC 3046 section 3.1
inline constexpr std::uint8_t kRemoteId = 2;  // RFC 3046 section 3.2
} // namespace relay_sub_option

struct RelayAgentInfo {
  // RFC 3046 section 2.0: SubOpt (1 byte), Len (1 byte), value; no Pad, no End.
  struct SubOption {
    std::uint8_t code = 0;
    ByteVector data; // at most 255 bytes
    bool operator==(const SubOption&) const = default;
  };
  std::vector<SubOption> sub_options; // wire order, unknown codes kept

  std::optional<ByteVector> circuit_id() const; // first sub-option 1
  std::optional<ByteVector> remote_id() const;  // first sub-option 2
  std::optional<ByteVector> find(std::uint8_t code) const;
  // Replaces the first sub-option `code`, or appends one.
  void set(std::uint8_t code, Bytes data);

  bool operator==(const RelayAgentInfo&) const = default;
};

// `value` is the whole option 82 value; errors are reported relative to value[0] + `base`.
ParseResult<RelayAgentInfo> parse_relay_agent_info(Bytes value, std::size_t base = 0);
// The option 82 value (without code and length). A sub-option over 255 bytes is a
// programmer error: std::length_error.
ByteVector build_relay_agent_info(const RelayAgentInfo& info);

} // namespace phonerig::wire::dhcp
