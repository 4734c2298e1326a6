// The SIP registrar's pure core (RFC 3261 section 10.3, reference section 8): a request
// and the time in, a response (and where to send it) and events out. No sockets, no
// clock reads, no threads; the shell (server.hpp) owns those.
#pragma once

#include "drivers/api/event.hpp"
#include "drivers/services/sip/nonce.hpp"
#include "drivers/wire/address.hpp"
#include "drivers/wire/bytes.hpp"
#include "drivers/wire/sip_digest.hpp"
#include "drivers/wire/sip_message.hpp"
#include "drivers/wire/sip_uri.hpp"

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace phonerig::services::sip {

struct RegistrarConfig {
  // Digest realm (RFC 2617 section 3.2.1); CUCM uses "ccmsipline".
  std::string realm = "phonerig";
  // Address-of-record user -> password. When non-empty, a REGISTER for any other user is
  // refused with 403 (unless accept_any), with or without authentication.
  std::map<std::string, std::string, std::less<>> users;
  // Benches and open labs: register any user (only when auth is off; with auth on an
  // unlisted user has no password to check and gets 403).
  bool accept_any = false;
  // AoR user -> the digest username its line authenticates with (a Cisco line's authName,
  // which often differs from its directory number). Absent: the AoR user itself. The
  // password is users[digest username].
  std::map<std::string, std::string, std::less<>> auth_names;
  // Digest authentication (RFC 3261 section 22): 401 challenge, then the credentials.
  bool auth = false;
  wire::sip::DigestAlgorithm algorithm = wire::sip::DigestAlgorithm::md5;
  bool offer_qop = true;                // qop="auth" in the challenge (RFC 2617 section 3.2.1)
  std::uint32_t nonce_lifetime_s = 300; // older nonces: 401 stale=true
  // Expiry (RFC 3261 section 10.3 step 7). granted_expires set: every binding gets
  // min(asked, granted_expires), as CUCM grants 120 s to a phone asking 3600 (reference
  // 8.2); unset: min(asked, max_expires). Asked below min_expires (and not 0): 423.
  std::optional<std::uint32_t> granted_expires;
  std::uint32_t default_expires = 3600; // neither Expires header nor contact parameter
  std::uint32_t min_expires = 60;
  std::uint32_t max_expires = 7200;
  // Key of the nonce HMAC and of the To tags; Server::start draws a random one when empty.
  std::string secret;
  std::string server_name = "phonerig-registrar"; // Server header (RFC 3261 20.35)
  std::size_t max_bindings = 100000;              // across all AoRs; beyond: 503
  // Server transactions (RFC 3261 section 17.2.2): the last response to a UDP request is
  // kept by (branch, sent-by, method) and sent again when the request is retransmitted,
  // for transaction_ms (Timer J = 64*T1) or until transaction_cache newer ones push it out.
  std::size_t transaction_cache = 65536;
  std::int64_t transaction_ms = 32000;
};

enum class Transport { udp, tcp };
std::string_view to_string(Transport transport);

// Where a request came from and arrived.
struct Peer {
  Transport transport = Transport::udp;
  wire::Ipv4 address;
  std::uint16_t port = 0;
  std::optional<wire::Ipv4> local_address; // when known
  std::uint16_t local_port = 0;
};

// The time of a decision: a monotonic clock for expiry and nonces, the wall clock for
// event stamps and the Date header.
struct Instant {
  std::int64_t steady_ms = 0;
  std::int64_t wall_ns = 0;
};

// A response to send: on UDP to address:port (RFC 3261 section 18.2.2 with RFC 3581),
// on TCP back on the connection the request came on.
struct Reply {
  std::string bytes;
  wire::Ipv4 address;
  std::uint16_t port = 0;
  int status = 0;
};

struct Outcome {
  std::optional<Reply> reply;
  std::vector<api::Event> events;
};

struct Binding {
  std::string contact; // Contact as bound (name-addr, its own expires parameter removed)
  std::string contact_uri; // its URI alone, for events
  std::string key;     // URI comparison key (RFC 3261 section 19.1.4, simplified)
  std::string call_id;
  std::uint32_t cseq = 0;
  std::int64_t expires_at_ms = 0; // steady clock
  std::uint32_t granted_s = 0;
  std::uint32_t requested_s = 0;
  Transport transport = Transport::udp;
  wire::Ipv4 source;
  std::uint16_t source_port = 0;
  std::optional<wire::Mac> phone;
  std::string instance;
  std::string device_name;
  std::string user_agent;
};

class Registrar {
public:
  explicit Registrar(RegistrarConfig config);

  // One UDP datagram: parsed here; malformed ones go to on_malformed.
  Outcome on_datagram(wire::Bytes datagram, const Peer& peer, Instant now);
  // One message framed from a stream (or parsed from a datagram).
  Outcome on_message(const wire::sip::Message& message, const Peer& peer, Instant now);
  // Bytes that did not parse: a request.malformed event, and a 400 when enough of the
  // request is readable to answer it (Via, From, To, Call-ID, CSeq).
  Outcome on_malformed(wire::Bytes raw, const wire::ParseError& error, const Peer& peer,
                       Instant now);
  // Removes bindings whose time is up (sip.binding action=expired) and old transactions.
  std::vector<api::Event> expire(Instant now);

  // The current bindings of an AoR ("sip:1003@198.18.0.10", canonical form).
  std::vector<Binding> bindings(std::string_view aor) const;
  std::size_t binding_count() const { return binding_count_; }
  const RegistrarConfig& config() const { return config_; }
  const NonceMint& nonces() const { return nonces_; }

private:
  struct Context; // one request being answered (registrar.cpp)

  void handle_register(Context& ctx);
  // Digest authentication (RFC 3261 section 22.4): true to go on; false when a 401, 403
  // or 400 has been given.
  bool authenticate(Context& ctx, const std::string& aor, const std::string& user);
  void reject(Context& ctx, int status, std::string_view warning = {});
  void respond(Context& ctx, wire::sip::Message response);
  std::string to_tag(std::string_view call_id) const;

  RegistrarConfig config_;
  NonceMint nonces_;
  std::unordered_map<std::string, std::vector<Binding>> bindings_;
  std::size_t binding_count_ = 0;
  std::int64_t next_expiry_ms_ = 0; // 0: nothing bound

  struct Transaction {
    std::string key;
    std::int64_t at_ms = 0;
  };
  std::unordered_map<std::string, Reply> transactions_;
  std::deque<Transaction> transaction_order_;
};

// Canonical forms and the phone a request speaks for, shared with the tests.
std::string canonical_aor(const wire::sip::Uri& uri); // "sip:user@host", host lower-case
std::string contact_key(const wire::sip::Uri& uri);
// The MAC from a Cisco device name "SEP<MAC>", a text containing one (User-Agent), or a
// Cisco instance URN "urn:uuid:00000000-0000-0000-0000-<mac>".
std::optional<wire::Mac> mac_from_device_name(std::string_view text);
std::optional<wire::Mac> mac_from_instance(std::string_view urn);

} // namespace phonerig::services::sip
