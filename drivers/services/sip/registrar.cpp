#include "drivers/services/sip/registrar.hpp"

#include "drivers/services/sip/registrar_detail.hpp"
#include "drivers/wire/sip_headers.hpp"
#include "drivers/wire/sip_names.hpp"
#include "drivers/wire/sip_text.hpp"

#include <utility>

namespace phonerig::services::sip {

namespace ws = wire::sip;

namespace {

// The methods this registrar knows (RFC 3261 and its common extensions): known ones it
// does not serve get 405 with Allow, any other 501 (RFC 3261 section 8.2.1).
constexpr std::string_view kKnownMethods[] = {
    "INVITE", "ACK",   "BYE",     "CANCEL", "OPTIONS", "REGISTER", "SUBSCRIBE",
    "NOTIFY", "REFER", "MESSAGE", "INFO",   "PRACK",   "UPDATE",   "PUBLISH"};
constexpr std::string_view kAllow = "REGISTER, OPTIONS";

bool known_method(std::string_view method) {
  for (std::string_view m : kKnownMethods) {
    if (m == method) return true;
  }
  return false;
}

std::string fnv_hex(std::string_view a, std::string_view b) {
  std::uint64_t h = 1469598103934665603ull;
  for (std::string_view part : {a, std::string_view("\x1f"), b}) {
    for (char c : part) {
      h ^= static_cast<unsigned char>(c);
      h *= 1099511628211ull;
    }
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(10, '0');
  for (int i = 9; i >= 0; --i, h >>= 4)
    out[static_cast<std::size_t>(i)] = kHex[h & 0xf];
  return out;
}

// The raw header lines of a request that did not parse, read leniently: the method of
// the start line and the values of Via, From, To, Call-ID and CSeq.
struct Salvage {
  std::string_view method;
  std::vector<std::string_view> via;
  std::string_view from, to, call_id, cseq;
};

std::optional<Salvage> salvage(std::string_view text) {
  Salvage s;
  std::size_t pos = 0;
  bool first = true;
  while (pos < text.size()) {
    std::size_t end = text.find("\r\n", pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 2;
    if (first) {
      first = false;
      std::size_t sp = line.find(' ');
      if (sp == std::string_view::npos || !ws::is_token(line.substr(0, sp))) return std::nullopt;
      s.method = line.substr(0, sp);
      if (ws::iequals(s.method.substr(0, std::min<std::size_t>(4, s.method.size())), "SIP/")) {
        return std::nullopt; // a response: never answered
      }
      continue;
    }
    if (line.empty()) break;
    std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view name = ws::trim(line.substr(0, colon));
    std::string_view value = ws::trim(line.substr(colon + 1));
    for (char c : value) {
      if ((static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == 0x7f) return std::nullopt;
    }
    if (ws::same_header(name, "Via")) {
      s.via.push_back(value);
    } else if (ws::same_header(name, "From") && s.from.empty()) {
      s.from = value;
    } else if (ws::same_header(name, "To") && s.to.empty()) {
      s.to = value;
    } else if (ws::same_header(name, "Call-ID") && s.call_id.empty()) {
      s.call_id = value;
    } else if (ws::same_header(name, "CSeq") && s.cseq.empty()) {
      s.cseq = value;
    }
  }
  if (s.via.empty() || s.from.empty() || s.to.empty() || s.call_id.empty() || s.cseq.empty()) {
    return std::nullopt;
  }
  return s;
}

} // namespace

std::string_view to_string(Transport transport) {
  return transport == Transport::udp ? "udp" : "tcp";
}

Registrar::Registrar(RegistrarConfig config)
    : config_(std::move(config)), nonces_(config_.secret, config_.nonce_lifetime_s) {}

std::string Registrar::to_tag(std::string_view call_id) const {
  return fnv_hex(config_.secret, call_id);
}

Outcome Registrar::on_datagram(wire::Bytes datagram, const Peer& peer, Instant now) {
  ws::Limits limits;
  limits.max_header_bytes = 16 * 1024;
  limits.max_body = 64 * 1024;
  auto message = ws::parse(datagram, limits);
  if (!message) return on_malformed(datagram, message.error(), peer, now);
  return on_message(*message, peer, now);
}

Outcome Registrar::on_malformed(wire::Bytes raw, const wire::ParseError& error, const Peer& peer,
                                Instant now) {
  Outcome out;
  api::Event event = detail::service_event(now, "request.malformed", std::nullopt);
  event.attrs["service"] = std::string("sip");
  event.attrs["error"] = error.what;
  event.attrs["offset"] = static_cast<std::int64_t>(error.offset);
  event.attrs["src"] = peer.address;
  event.attrs["src_port"] = static_cast<std::int64_t>(peer.port);
  std::optional<Salvage> s = salvage(wire::as_string_view(raw));
  std::vector<ws::Via> vias;
  bool answer = s && s->method != "ACK" && ws::parse_cseq(s->cseq).has_value();
  for (std::size_t i = 0; answer && i < s->via.size(); ++i) {
    auto list = ws::parse_via_list(s->via[i]);
    if (!list)
      answer = false;
    else
      vias.insert(vias.end(), list->begin(), list->end());
  }
  if (answer) {
    ws::Message response =
        detail::response_head(400, "Bad Request", vias, peer, s->from, s->to, to_tag(s->call_id),
                              s->call_id, s->cseq, config_.server_name);
    response.add("Warning", "399 phonerig " + ws::quote(error.to_string()));
    Reply reply{detail::serialize(response), peer.address, detail::reply_port(vias.front(), peer),
                400};
    api::Event sent = detail::service_event(now, "sip.response", std::nullopt);
    sent.attrs["status"] = std::int64_t{400};
    sent.attrs["reason"] = std::string("Bad Request");
    sent.attrs["call_id"] = std::string(s->call_id);
    sent.attrs["transport"] = std::string(to_string(peer.transport));
    sent.attrs["dst"] = peer.address;
    sent.attrs["dst_port"] = static_cast<std::int64_t>(reply.port);
    out.reply = std::move(reply);
    event.attrs["answered"] = std::int64_t{1};
    out.events.push_back(std::move(event));
    out.events.push_back(std::move(sent));
  } else {
    event.attrs["answered"] = std::int64_t{0};
    out.events.push_back(std::move(event));
  }
  return out;
}

Outcome Registrar::on_message(const ws::Message& message, const Peer& peer, Instant now) {
  if (message.is_response()) return {}; // a registrar sends no requests: nothing to match
  Context ctx{message, peer, now};
  ctx.headers = detail::index_headers(message);
  const detail::Headers& h = ctx.headers;
  // Via, From, To, Call-ID, CSeq: without them there is no answer (section 8.1.1).
  std::optional<std::string> problem;
  for (const ws::Header* via : h.via) {
    auto list = ws::parse_via_list(via->value, via->value_offset);
    if (!list) {
      problem = list.error().what;
      break;
    }
    ctx.vias.insert(ctx.vias.end(), list->begin(), list->end());
  }
  if (!problem) {
    if (ctx.vias.empty())
      problem = "Via: missing";
    else if (h.from == nullptr)
      problem = "From: missing";
    else if (h.to == nullptr)
      problem = "To: missing";
    else if (h.call_id == nullptr)
      problem = "Call-ID: missing";
    else if (h.cseq == nullptr)
      problem = "CSeq: missing";
  }
  if (!problem) {
    auto to_address = ws::parse_name_addr(h.to->value, h.to->value_offset);
    auto cseq = ws::parse_cseq(h.cseq->value, h.cseq->value_offset);
    if (!to_address)
      problem = "To: " + to_address.error().what;
    else if (!cseq)
      problem = cseq.error().what;
    else if (!ws::parse_call_id(h.call_id->value, h.call_id->value_offset))
      problem = "Call-ID: malformed";
    else if (!ws::parse_name_addr(h.from->value, h.from->value_offset))
      problem = "From: malformed";
    if (!problem) {
      ctx.to_address = std::move(*to_address);
      ctx.cseq = std::move(*cseq);
    }
  }
  if (problem) {
    std::string text = ws::build_string(message);
    return on_malformed(wire::as_bytes(text), wire::ParseError{0, *problem}, peer, now);
  }
  ctx.from = h.from->value;
  ctx.to = h.to->value;
  ctx.call_id = h.call_id->value;
  ctx.cseq_raw = h.cseq->value;
  for (const ws::Header* contact : h.contact) {
    auto list = ws::parse_contact(contact->value, contact->value_offset);
    if (!list) {
      ctx.contacts_error = list.error();
      ctx.contacts = {};
      break;
    }
    ctx.contacts.wildcard = ctx.contacts.wildcard || list->wildcard;
    for (auto& c : list->contacts)
      ctx.contacts.contacts.push_back(std::move(c));
  }
  if (h.expires != nullptr) {
    auto expires =
        ws::parse_number(h.expires->value, h.expires->value_offset, "Expires", 0xffffffffu);
    if (expires)
      ctx.expires = *expires;
    else
      ctx.expires_error = expires.error();
  }

  // The phone this request speaks for: a Cisco device name, the User-Agent, the instance.
  std::optional<std::string_view> user_agent;
  if (h.user_agent != nullptr) user_agent = h.user_agent->value;
  std::string device_name, instance;
  const ws::ContactList* contacts = &ctx.contacts;
  if (!contacts->contacts.empty()) {
    const ws::NameAddr& first = contacts->contacts.front();
    device_name = first.cisco_device_name().value_or("");
    instance = first.instance_id().value_or("");
    ctx.phone = mac_from_device_name(device_name);
    if (!ctx.phone) ctx.phone = mac_from_instance(instance);
  }
  if (!ctx.phone && user_agent) ctx.phone = mac_from_device_name(*user_agent);

  api::Event received = detail::service_event(now, "sip.request", ctx.phone);
  received.attrs["method"] = message.method;
  received.attrs["call_id"] = std::string(ctx.call_id);
  received.attrs["cseq"] = static_cast<std::int64_t>(ctx.cseq.number);
  received.attrs["aor"] = canonical_aor(ctx.to_address.uri);
  if (!contacts->contacts.empty()) {
    received.attrs["contact"] = ws::to_string(contacts->contacts.front().uri);
  } else if (contacts->wildcard) {
    received.attrs["contact"] = std::string("*");
  }
  if (ctx.expires) received.attrs["expires"] = static_cast<std::int64_t>(*ctx.expires);
  if (user_agent) received.attrs["user_agent"] = std::string(*user_agent);
  if (!device_name.empty()) received.attrs["device_name"] = device_name;
  received.attrs["transport"] = std::string(to_string(peer.transport));
  received.attrs["authorized"] = std::int64_t{h.authorization != nullptr ? 1 : 0};
  received.attrs["src"] = peer.address;
  received.attrs["src_port"] = static_cast<std::int64_t>(peer.port);
  if (peer.local_address) received.attrs["dst"] = *peer.local_address;
  received.attrs["dst_port"] = static_cast<std::int64_t>(peer.local_port);
  ctx.out.events.push_back(std::move(received));

  if (message.method == "ACK") return std::move(ctx.out); // never answered (section 17.2.2)

  // A retransmission of a request already answered gets the same answer (17.2.2).
  std::string transaction;
  if (peer.transport == Transport::udp) {
    const ws::Via& top = ctx.vias.front();
    transaction = top.branch().value_or("") + '\x1f' + top.sent_by() + '\x1f' + message.method +
                  '\x1f' + std::string(ctx.call_id) + '\x1f' + std::to_string(ctx.cseq.number);
    if (auto it = transactions_.find(transaction); it != transactions_.end()) {
      ctx.out.reply = it->second;
      ctx.out.reply->address = peer.address;
      api::Event sent = detail::service_event(now, "sip.response", ctx.phone);
      sent.attrs["status"] = static_cast<std::int64_t>(it->second.status);
      sent.attrs["method"] = message.method;
      sent.attrs["call_id"] = std::string(ctx.call_id);
      sent.attrs["cseq"] = static_cast<std::int64_t>(ctx.cseq.number);
      sent.attrs["transport"] = std::string("udp");
      sent.attrs["dst"] = peer.address;
      sent.attrs["dst_port"] = static_cast<std::int64_t>(it->second.port);
      ctx.out.events.push_back(std::move(sent));
      return std::move(ctx.out);
    }
  }

  if (message.method == "REGISTER") {
    handle_register(ctx);
  } else if (message.method == "OPTIONS") {
    // RFC 3261 section 11.2: 200 with Allow and Accept.
    ws::Message response =
        detail::response_head(200, "OK", ctx.vias, peer, ctx.from, ctx.to, to_tag(ctx.call_id),
                              ctx.call_id, ctx.cseq_raw, config_.server_name);
    response.add("Allow", std::string(kAllow));
    response.add("Accept", "application/sdp");
    response.add("Accept-Language", "en");
    respond(ctx, std::move(response));
  } else {
    bool known = known_method(message.method);
    int status = known ? 405 : 501;
    ws::Message response = detail::response_head(status, detail::reason_phrase(status), ctx.vias,
                                                 peer, ctx.from, ctx.to, to_tag(ctx.call_id),
                                                 ctx.call_id, ctx.cseq_raw, config_.server_name);
    if (known) response.add("Allow", std::string(kAllow)); // section 8.2.1
    respond(ctx, std::move(response));
  }

  if (!transaction.empty() && ctx.out.reply && config_.transaction_cache > 0) {
    if (transaction_order_.size() >= config_.transaction_cache) {
      transactions_.erase(transaction_order_.front().key);
      transaction_order_.pop_front();
    }
    transactions_.emplace(transaction, *ctx.out.reply);
    transaction_order_.push_back(Transaction{std::move(transaction), now.steady_ms});
  }
  return std::move(ctx.out);
}

void Registrar::respond(Context& ctx, ws::Message response) {
  Reply reply;
  reply.status = response.status_code;
  reply.address = ctx.peer.address;
  reply.port = ctx.peer.transport == Transport::udp ? detail::reply_port(ctx.vias.front(), ctx.peer)
                                                    : ctx.peer.port;
  api::Event sent = detail::service_event(ctx.now, "sip.response", ctx.phone);
  sent.attrs["status"] = static_cast<std::int64_t>(response.status_code);
  sent.attrs["reason"] = response.reason;
  sent.attrs["method"] = ctx.cseq.method;
  sent.attrs["call_id"] = std::string(ctx.call_id);
  sent.attrs["cseq"] = static_cast<std::int64_t>(ctx.cseq.number);
  if (ctx.granted) sent.attrs["expires"] = static_cast<std::int64_t>(*ctx.granted);
  sent.attrs["transport"] = std::string(to_string(ctx.peer.transport));
  sent.attrs["dst"] = ctx.peer.address;
  sent.attrs["dst_port"] = static_cast<std::int64_t>(reply.port);
  if (ctx.peer.local_address) sent.attrs["src"] = *ctx.peer.local_address;
  sent.attrs["src_port"] = static_cast<std::int64_t>(ctx.peer.local_port);
  reply.bytes = detail::serialize(response);
  ctx.out.events.push_back(std::move(sent));
  ctx.out.reply = std::move(reply);
}

std::vector<api::Event> Registrar::expire(Instant now) {
  std::vector<api::Event> events;
  while (!transaction_order_.empty() &&
         now.steady_ms - transaction_order_.front().at_ms > config_.transaction_ms) {
    transactions_.erase(transaction_order_.front().key);
    transaction_order_.pop_front();
  }
  if (next_expiry_ms_ == 0 || now.steady_ms < next_expiry_ms_) return events;
  std::int64_t next = 0;
  for (auto it = bindings_.begin(); it != bindings_.end();) {
    auto& list = it->second;
    for (auto b = list.begin(); b != list.end();) {
      if (b->expires_at_ms <= now.steady_ms) {
        api::Event event = detail::service_event(now, "sip.binding", b->phone);
        event.attrs["aor"] = it->first;
        event.attrs["action"] = std::string("expired");
        event.attrs["contact"] = b->contact_uri;
        event.attrs["transport"] = std::string(to_string(b->transport));
        if (!b->device_name.empty()) event.attrs["device_name"] = b->device_name;
        if (!b->instance.empty()) event.attrs["instance"] = b->instance;
        events.push_back(std::move(event));
        b = list.erase(b);
        --binding_count_;
      } else {
        if (next == 0 || b->expires_at_ms < next) next = b->expires_at_ms;
        ++b;
      }
    }
    it = list.empty() ? bindings_.erase(it) : std::next(it);
  }
  next_expiry_ms_ = next;
  return events;
}

std::vector<Binding> Registrar::bindings(std::string_view aor) const {
  auto it = bindings_.find(std::string(aor));
  return it == bindings_.end() ? std::vector<Binding>{} : it->second;
}

} // namespace phonerig::services::sip
