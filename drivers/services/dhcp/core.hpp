// The DHCP server's decisions (RFC 2131 section 4.3), with no socket, clock or thread: a
// datagram and the time in, a reply (with where it goes), events and lease records out.
//
// Who is answered: the MACs of the reservations, and the `allowed` MACs (pool addresses).
// Every other chaddr gets no reply and a dhcp.ignored event (DESIGN.md, safety rules).
//
// REQUEST, by client state (RFC 2131 section 4.3.2; reference/protocols.md 4.4):
// - SELECTING (option 54 present): 54 not ours -> the client chose another server: our
//   offer is freed, no reply. Otherwise ACK when option 50 is the address this client
//   has (its reservation, its offer or lease, or a free pool address), else NAK.
// - INIT-REBOOT (no 54, ciaddr 0, option 50): NAK when 50 is on another network or is not
//   the address of the client's record; no reply when there is no record of the client.
// - RENEWING / REBINDING (no 54, ciaddr set): ACK when ciaddr is the client's address,
//   NAK when the client has another address here, no reply without a record.
// DECLINE marks the address unavailable for decline_hold_s (a reserved one too: its
// phone then gets no OFFER until then, and dhcp.ignored says why). RELEASE frees it.
// INFORM is ACKed with the configured options and no lease (section 4.3.5).
#pragma once

#include "drivers/api/event.hpp"
#include "drivers/services/dhcp/config.hpp"
#include "drivers/services/dhcp/lease.hpp"
#include "drivers/services/dhcp/reply.hpp"
#include "drivers/wire/dhcp.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace phonerig::services::dhcp {

// A datagram that arrived on the server port.
struct Datagram {
  wire::Bytes payload;
  wire::Ipv4 source;
  std::uint16_t source_port = 0;
  std::int64_t now_ns = 0; // CLOCK_REALTIME
};

struct Reply {
  wire::ByteVector payload; // the UDP payload
  Destination to;
};

struct Outcome {
  std::optional<Reply> reply;
  std::vector<api::Event> events;
  std::vector<Lease> journal; // lease records to append to the lease journal
};

// A config the server cannot serve: nullopt when fine, else what is wrong.
std::optional<std::string> check_config(const Config& config);

struct MacHash {
  std::size_t operator()(const wire::Mac& mac) const noexcept;
};

class Core {
public:
  explicit Core(Config config); // precondition: check_config(config) is nullopt

  Outcome handle(const Datagram& datagram);
  // Leases read back from the journal at start: the bound ones still running are
  // restored (dhcp.lease state=restored), declined addresses stay unavailable, the rest
  // (expired, or no longer matching the config) are dropped.
  Outcome restore(const std::vector<Lease>& leases, std::int64_t now_ns);
  // Bound leases past their end: dhcp.lease state=expired; stale offers freed.
  Outcome expire(std::int64_t now_ns);

  // What the journal must keep (compaction): bound and released leases, declined addresses.
  std::vector<Lease> records() const;
  const Lease* lease_of(const wire::Mac& mac) const;
  const Config& config() const { return config_; }

private:
  struct Context;
  void discover(Context& c);
  void request(Context& c);
  void decline(Context& c);
  void release(Context& c);
  void inform(Context& c);

  // The address this client gets: its reservation; else its lease's address while free;
  // else `wanted` when in the pool and free; else the first free pool address. nullopt
  // with `why` when none.
  std::optional<wire::Ipv4> choose(const wire::Mac& mac, std::optional<wire::Ipv4> wanted,
                                   std::int64_t now_s, std::string& why) const;
  bool free_for(wire::Ipv4 address, const wire::Mac& mac, std::int64_t now_s) const;
  bool has_record(const wire::Mac& mac) const;
  void ack(Context& c, wire::Ipv4 address);
  void nak(Context& c, const std::string& reason);
  void ignore(Context& c, const std::string& reason);
  void send(Context& c, wire::dhcp::Message reply, wire::dhcp::MessageType type, wire::Ipv4 yiaddr);
  void set_lease(Lease lease);
  void drop_lease(const wire::Mac& mac);
  api::Event lease_event(const Lease& lease, const char* state, std::int64_t now_ns) const;

  Config config_;
  std::unordered_map<wire::Mac, const Reservation*, MacHash> reservations_;
  std::unordered_map<std::uint32_t, wire::Mac> reserved_addresses_;
  std::unordered_map<wire::Mac, bool, MacHash> allowed_;
  std::unordered_map<wire::Mac, Lease, MacHash> leases_;
  std::unordered_map<std::uint32_t, wire::Mac> lease_addresses_; // address -> MAC
  std::unordered_map<std::uint32_t, Lease> declined_;            // address -> record
};

} // namespace phonerig::services::dhcp
