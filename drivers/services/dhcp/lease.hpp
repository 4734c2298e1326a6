// A lease as the core keeps it, and its one-line text form in the lease journal.
#pragma once

#include "drivers/wire/address.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace phonerig::services::dhcp {

enum class LeaseState { offered, bound, released, declined };
// "offered", "bound", "released", "declined": the dhcp.lease `state` values.
const char* to_string(LeaseState state);

struct Lease {
  wire::Mac mac;
  wire::Ipv4 address;
  LeaseState state = LeaseState::offered;
  std::int64_t expires_s = 0; // CLOCK_REALTIME seconds: survives a restart of the host
  bool reserved = false;
  wire::Ipv4 giaddr; // relay it was given through, 0 when direct

  bool operator==(const Lease&) const = default;
};

// Journal line, without its newline:
//   "bound 02:00:00:00:00:01 198.18.10.10 1767225600 r 198.18.0.2"
// (state, MAC, address, expiry in CLOCK_REALTIME seconds, "r" reserved / "p" pool, relay).
std::string to_journal_line(const Lease& lease);
// nullopt for a line that is not one (a torn last write after a crash).
std::optional<Lease> from_journal_line(std::string_view line);

} // namespace phonerig::services::dhcp
