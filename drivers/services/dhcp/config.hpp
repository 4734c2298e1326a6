// What the DHCP server serves: plain values, filled by the lab-file mapping (or a test).
#pragma once

#include "drivers/wire/address.hpp"
#include "drivers/wire/bytes.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace phonerig::services::dhcp {

// A phone's fixed address (and host name, option 12, when not empty).
struct Reservation {
  wire::Mac mac;
  wire::Ipv4 address;
  std::string hostname;
};

// Dynamic addresses, first..last inclusive, for the `allowed` MACs without a reservation.
struct Pool {
  wire::Ipv4 first;
  wire::Ipv4 last;
};

struct Config {
  // Interface to serve on (SO_BINDTODEVICE) and to send L2 unicast replies from. Empty:
  // no binding (tests on loopback only); unicast replies to clients without an address
  // then fall back to broadcast.
  std::string interface;
  // Server identifier (option 54), the source of L2 unicast replies. Required.
  wire::Ipv4 server_address;
  wire::Ipv4 subnet_mask{0xffffff00u};           // option 1
  std::vector<wire::Ipv4> routers;               // option 3 (omitted when empty)
  std::vector<wire::Ipv4> dns_servers;           // option 6
  std::string domain;                            // option 15
  std::uint32_t lease_time_s = 3600;             // option 51
  std::optional<std::uint32_t> renewal_time_s;   // option 58; default 50 % of the lease
  std::optional<std::uint32_t> rebinding_time_s; // option 59; default 87.5 % of the lease
  std::vector<wire::Ipv4> tftp_servers; // option 150, preference order (omitted when empty)
  std::string tftp_server_name;         // option 66 (omitted when empty)
  // Any other option, code -> value bytes (without code and length); sent in every
  // OFFER/ACK. Replaces a built-in option of the same code.
  std::map<std::uint8_t, wire::ByteVector> extra_options;
  std::vector<Reservation> reservations;
  std::optional<Pool> pool;
  // MACs that may take a pool address. Reserved MACs need not be listed. Every other
  // MAC is ignored (dhcp.ignored), as DESIGN.md's safety rules ask.
  std::vector<wire::Mac> allowed;
  // Lease journal (lease_journal.hpp); empty: leases live in memory only.
  std::filesystem::path lease_file;
  std::chrono::milliseconds lease_flush_interval{100};
  std::uint16_t port = 67; // RFC 2131 section 4.1; tests and the benchmark may change it
  // How long an OFFER holds a pool address for its client before another may take it.
  std::uint32_t offer_hold_s = 60;
  // How long a DECLINEd address stays unavailable (RFC 2131 section 4.3.3).
  std::uint32_t decline_hold_s = 600;
};

} // namespace phonerig::services::dhcp
