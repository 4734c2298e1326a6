// Internals shared by registrar.cpp and register.cpp: the request being answered and the
// response builder. Not part of the service's interface.
#pragma once

#include "drivers/services/sip/registrar.hpp"
#include "drivers/wire/sip_headers.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace phonerig::services::sip {

namespace detail {

// The headers the registrar reads, found in one pass (each name looked up once).
struct Headers {
  const wire::sip::Header* from = nullptr;
  const wire::sip::Header* to = nullptr;
  const wire::sip::Header* call_id = nullptr;
  const wire::sip::Header* cseq = nullptr;
  const wire::sip::Header* expires = nullptr;
  const wire::sip::Header* user_agent = nullptr;
  const wire::sip::Header* authorization = nullptr;
  std::vector<const wire::sip::Header*> via;
  std::vector<const wire::sip::Header*> contact;
  std::vector<const wire::sip::Header*> require;
};
Headers index_headers(const wire::sip::Message& message);

} // namespace detail

struct Registrar::Context {
  Context(const wire::sip::Message& r, const Peer& p, Instant n) : request(r), peer(p), now(n) {}
  const wire::sip::Message& request;
  const Peer& peer;
  Instant now;
  std::vector<wire::sip::Via> vias;
  std::string_view from; // raw values, echoed as received (RFC 3261 section 8.2.6.2)
  std::string_view to;
  std::string_view call_id;
  std::string_view cseq_raw;
  wire::sip::CSeq cseq;
  wire::sip::NameAddr to_address;
  detail::Headers headers;
  wire::sip::ContactList contacts;
  std::optional<wire::ParseError> contacts_error;
  std::optional<std::uint32_t> expires; // the Expires header
  std::optional<wire::ParseError> expires_error;
  std::optional<std::uint32_t> granted; // for the sip.response event
  std::optional<wire::Mac> phone;
  Outcome out;
};

namespace detail {

api::Event service_event(Instant now, std::string_view kind, const std::optional<wire::Mac>& phone);

// The headers every response copies from its request (RFC 3261 section 8.2.6.2): Via
// (the top one with received/rport, RFC 3581 section 4), From, To with our tag when it
// has none, Call-ID, CSeq; then Server.
wire::sip::Message response_head(int status, std::string_view reason,
                                 const std::vector<wire::sip::Via>& vias, const Peer& peer,
                                 std::string_view from, std::string_view to,
                                 std::string_view to_tag, std::string_view call_id,
                                 std::string_view cseq, std::string_view server);

// RFC 3261 section 18.2.2 for UDP: to the source address always (we never send anywhere
// but the peer that asked: maddr is ignored), to the source port when the top Via has
// rport (RFC 3581), else to the sent-by port (5060 when absent).
std::uint16_t reply_port(const wire::sip::Via& top, const Peer& peer);

std::string_view reason_phrase(int status);

// A response as sent: status line, headers, Content-Length, body. Precondition: the
// response has no Content-Length header of its own (ours never do).
std::string serialize(const wire::sip::Message& response);

// RFC 1123 date for the Date header (RFC 3261 section 20.17).
std::string http_date(std::int64_t wall_ns);

} // namespace detail
} // namespace phonerig::services::sip
