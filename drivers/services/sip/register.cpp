// REGISTER, RFC 3261 section 10.3 (reference section 8.3), and its digest authentication.
#include "drivers/services/sip/registrar.hpp"
#include "drivers/services/sip/registrar_detail.hpp"
#include "drivers/wire/sip_digest.hpp"
#include "drivers/wire/sip_headers.hpp"
#include "drivers/wire/sip_text.hpp"

#include <algorithm>
#include <utility>

namespace phonerig::services::sip {

namespace ws = wire::sip;

namespace {

api::Event auth_event(const Instant& now, const std::optional<wire::Mac>& phone,
                      const std::string& aor, std::string_view result,
                      std::string_view username = {}, std::string_view algorithm = {}) {
  api::Event event = detail::service_event(now, "sip.auth", phone);
  event.attrs["aor"] = aor;
  event.attrs["result"] = std::string(result);
  if (!username.empty()) event.attrs["username"] = std::string(username);
  if (!algorithm.empty()) event.attrs["algorithm"] = std::string(algorithm);
  return event;
}

// RFC 2617 section 3.2.2.5: the digest-uri names the Request-URI. Compared as URIs, with
// an absent port the same as the default one: SIPp writes "sip:host:5060" for a
// Request-URI "sip:host".
bool same_request_uri(std::string_view digest_uri, std::string_view request_uri) {
  if (digest_uri == request_uri) return true;
  auto a = ws::parse_uri(digest_uri);
  auto b = ws::parse_uri(request_uri);
  if (!a || !b || !a->is_sip() || !b->is_sip()) return false;
  const std::uint16_t default_port = a->is_sips() ? 5061 : 5060;
  return ws::iequals(a->scheme, b->scheme) && a->user == b->user && ws::iequals(a->host, b->host) &&
         a->port.value_or(default_port) == b->port.value_or(default_port);
}

std::uint32_t remaining_s(std::int64_t expires_at_ms, std::int64_t now_ms) {
  const std::int64_t left = expires_at_ms - now_ms;
  return left <= 0 ? 0 : static_cast<std::uint32_t>((left + 999) / 1000);
}

} // namespace

void Registrar::reject(Context& ctx, int status, std::string_view warning) {
  ws::Message response = detail::response_head(status, detail::reason_phrase(status), ctx.vias,
                                               ctx.peer, ctx.from, ctx.to, to_tag(ctx.call_id),
                                               ctx.call_id, ctx.cseq_raw, config_.server_name);
  if (!warning.empty()) response.add("Warning", "399 phonerig " + ws::quote(warning));
  respond(ctx, std::move(response));
}

bool Registrar::authenticate(Context& ctx, const std::string& aor, const std::string& user) {
  const ws::Message& request = ctx.request;
  const std::string algorithm(ws::to_string(config_.algorithm));
  auto challenge = [&](bool stale) {
    ws::DigestChallenge c;
    c.realm = config_.realm;
    c.nonce = nonces_.make(ctx.now.steady_ms);
    c.algorithm = algorithm;
    if (config_.offer_qop) c.qop = {"auth"};
    if (stale) c.stale = true;
    ws::Message response =
        detail::response_head(401, "Unauthorized", ctx.vias, ctx.peer, ctx.from, ctx.to,
                              to_tag(ctx.call_id), ctx.call_id, ctx.cseq_raw, config_.server_name);
    response.add("WWW-Authenticate", ws::to_string(c));
    respond(ctx, std::move(response));
  };
  if (ctx.headers.authorization == nullptr) {
    challenge(false);
    ctx.out.events.push_back(auth_event(ctx.now, ctx.phone, aor, "challenged"));
    return false;
  }
  auto credentials = ws::parse_digest_credentials(ctx.headers.authorization->value,
                                                  ctx.headers.authorization->value_offset);
  if (!credentials) {
    reject(ctx, 400, credentials.error().what);
    ctx.out.events.push_back(auth_event(ctx.now, ctx.phone, aor, "bad_request"));
    return false;
  }
  const ws::DigestCredentials& c = *credentials;
  const std::string used_algorithm = c.algorithm.value_or("MD5");
  // Credentials for another realm or a nonce we did not issue: a fresh challenge
  // (RFC 2617 section 3.2.2: the server may challenge again).
  const NonceMint::Check nonce = nonces_.check(c.nonce, ctx.now.steady_ms);
  if (!ws::iequals(c.scheme, "Digest") || c.realm != config_.realm ||
      nonce == NonceMint::Check::invalid) {
    challenge(false);
    ctx.out.events.push_back(
        auth_event(ctx.now, ctx.phone, aor, "challenged", c.username, used_algorithm));
    return false;
  }
  // Section 10.3 step 4: these credentials must be the AoR's own.
  const auto named = config_.auth_names.find(user);
  const std::string_view expected_username =
      named == config_.auth_names.end() ? std::string_view(user) : std::string_view(named->second);
  auto password = config_.users.find(c.username);
  if (c.username != expected_username || password == config_.users.end()) {
    reject(ctx, 403, "credentials are not those of " + aor);
    ctx.out.events.push_back(
        auth_event(ctx.now, ctx.phone, aor, "unknown_user", c.username, used_algorithm));
    return false;
  }
  auto expected = ws::expected_response(c, password->second, request.method, request.body);
  if (!same_request_uri(c.uri, request.request_uri) || !expected) {
    reject(ctx, 400,
           !expected ? "unsupported digest algorithm or qop"
                     : "digest uri does not match the Request-URI");
    ctx.out.events.push_back(
        auth_event(ctx.now, ctx.phone, aor, "bad_request", c.username, used_algorithm));
    return false;
  }
  if (ws::to_lower(c.response) != *expected) {
    // A wrong password is final: 403, not a new 401 that a phone would answer with the
    // same wrong credentials forever (documented in the service's README).
    reject(ctx, 403, "wrong password");
    ctx.out.events.push_back(
        auth_event(ctx.now, ctx.phone, aor, "wrong_password", c.username, used_algorithm));
    return false;
  }
  if (nonce == NonceMint::Check::stale) {
    // The digest was right but the nonce too old: stale=true (RFC 2617 section 3.2.1).
    challenge(true);
    ctx.out.events.push_back(
        auth_event(ctx.now, ctx.phone, aor, "stale", c.username, used_algorithm));
    return false;
  }
  ctx.out.events.push_back(
      auth_event(ctx.now, ctx.phone, aor, "accepted", c.username, used_algorithm));
  return true;
}

void Registrar::handle_register(Context& ctx) {
  const ws::Message& request = ctx.request;
  // Step 1: we are responsible for any domain, but the Request-URI must be a SIP URI.
  auto request_uri = ws::parse_uri(request.request_uri);
  if (!request_uri) return reject(ctx, 400, request_uri.error().what);
  if (!request_uri->is_sip()) return reject(ctx, 416);
  // Step 2: no extension is supported, so any Require is refused (section 8.2.2).
  if (!ctx.headers.require.empty()) {
    std::string unsupported;
    for (const ws::Header* option : ctx.headers.require) {
      unsupported += (unsupported.empty() ? "" : ", ") + option->value;
    }
    ws::Message response =
        detail::response_head(420, "Bad Extension", ctx.vias, ctx.peer, ctx.from, ctx.to,
                              to_tag(ctx.call_id), ctx.call_id, ctx.cseq_raw, config_.server_name);
    response.add("Unsupported", unsupported);
    return respond(ctx, std::move(response));
  }
  // Step 5: the address of record is the To URI.
  const ws::Uri& to_uri = ctx.to_address.uri;
  if (!to_uri.is_sip()) return reject(ctx, 404, "the To URI is not a SIP URI");
  const std::string aor = canonical_aor(to_uri);
  const std::string& user = to_uri.user;
  // Step 4: only the users of the lab file, unless accept_any (and no authentication).
  const bool listed = config_.users.find(user) != config_.users.end();
  if (!listed && (config_.auth || (!config_.users.empty() && !config_.accept_any))) {
    reject(ctx, 403, "unknown user " + user);
    ctx.out.events.push_back(auth_event(ctx.now, ctx.phone, aor, "unknown_user", user));
    return;
  }
  // Step 3: authentication.
  if (config_.auth && !authenticate(ctx, aor, user)) return;

  if (ctx.contacts_error) return reject(ctx, 400, ctx.contacts_error->what);
  if (ctx.expires_error) return reject(ctx, 400, ctx.expires_error->what);
  const ws::ContactList* contacts = &ctx.contacts;
  const std::optional<std::uint32_t>* expires_header = &ctx.expires;
  auto found = bindings_.find(aor);
  const std::int64_t now_ms = ctx.now.steady_ms;
  std::optional<std::string_view> user_agent;
  if (ctx.headers.user_agent != nullptr) user_agent = ctx.headers.user_agent->value;

  auto binding_event = [&](const Binding& b, std::string_view action) {
    api::Event event = detail::service_event(ctx.now, "sip.binding", b.phone);
    event.attrs["aor"] = aor;
    event.attrs["action"] = std::string(action);
    event.attrs["contact"] = b.contact_uri;
    if (action == "created" || action == "refreshed") {
      event.attrs["expires"] = static_cast<std::int64_t>(b.granted_s);
      event.attrs["requested_expires"] = static_cast<std::int64_t>(b.requested_s);
    }
    event.attrs["transport"] = std::string(to_string(b.transport));
    if (!b.user_agent.empty()) event.attrs["user_agent"] = b.user_agent;
    if (!b.device_name.empty()) event.attrs["device_name"] = b.device_name;
    if (!b.instance.empty()) event.attrs["instance"] = b.instance;
    ctx.out.events.push_back(std::move(event));
  };
  // Step 7: the same Call-ID with a CSeq not higher aborts the whole request. RFC 3261
  // names no status; as for an out-of-order request in a dialog (section 12.2.2): 500.
  auto out_of_order = [&](const Binding& b) {
    return b.call_id == ctx.call_id && ctx.cseq.number <= b.cseq;
  };

  std::vector<std::string> created; // keys bound by this request
  std::optional<std::uint32_t> first_granted;
  if (contacts->wildcard) {
    // Step 6: "*" alone, with Expires: 0, removes every binding of the AoR.
    if (!contacts->contacts.empty() || !*expires_header || **expires_header != 0) {
      return reject(ctx, 400, "Contact: * needs Expires: 0 and no other Contact");
    }
    if (found != bindings_.end()) {
      for (const Binding& b : found->second) {
        if (out_of_order(b)) return reject(ctx, 500, "CSeq out of order for this Call-ID");
      }
      for (const Binding& b : found->second)
        binding_event(b, "removed");
      binding_count_ -= found->second.size();
      bindings_.erase(found);
      found = bindings_.end();
    }
  } else if (!contacts->contacts.empty()) {
    struct Change {
      const ws::NameAddr* contact;
      std::string key;
      std::uint32_t requested;
      std::uint32_t granted;
    };
    std::vector<Change> changes;
    std::size_t additions = 0;
    for (const ws::NameAddr& contact : contacts->contacts) {
      const std::uint32_t requested =
          contact.expires().value_or(expires_header->value_or(config_.default_expires));
      if (requested != 0 && requested < config_.min_expires) {
        ws::Message response = detail::response_head(
            423, "Interval Too Brief", ctx.vias, ctx.peer, ctx.from, ctx.to, to_tag(ctx.call_id),
            ctx.call_id, ctx.cseq_raw, config_.server_name);
        response.add("Min-Expires", std::to_string(config_.min_expires));
        return respond(ctx, std::move(response));
      }
      const std::uint32_t granted =
          requested == 0
              ? 0
              : std::min(requested, config_.granted_expires.value_or(config_.max_expires));
      std::string key = contact_key(contact.uri);
      bool exists = false;
      if (found != bindings_.end()) {
        for (const Binding& b : found->second) {
          if (b.key != key) continue;
          if (out_of_order(b)) return reject(ctx, 500, "CSeq out of order for this Call-ID");
          exists = true;
        }
      }
      if (!exists && granted != 0) ++additions;
      changes.push_back(Change{&contact, std::move(key), requested, granted});
    }
    if (binding_count_ + additions > config_.max_bindings) {
      return reject(ctx, 503, "binding table full");
    }
    // Atomic from here on: every check has passed.
    if (found == bindings_.end() && additions > 0) found = bindings_.try_emplace(aor).first;
    for (Change& change : changes) {
      if (!first_granted) first_granted = change.granted;
      std::vector<Binding>* list = found == bindings_.end() ? nullptr : &found->second;
      auto existing = list == nullptr
                          ? std::vector<Binding>::iterator{}
                          : std::find_if(list->begin(), list->end(),
                                         [&](const Binding& b) { return b.key == change.key; });
      const bool exists = list != nullptr && existing != list->end();
      if (change.granted == 0) {
        if (exists) {
          binding_event(*existing, "removed");
          list->erase(existing);
          --binding_count_;
        }
        continue;
      }
      ws::NameAddr bound = *change.contact;
      ws::remove_param(bound.params, "expires");
      Binding b;
      b.contact = ws::to_string(bound);
      b.contact_uri = ws::to_string(bound.uri);
      b.key = change.key;
      b.call_id = std::string(ctx.call_id);
      b.cseq = ctx.cseq.number;
      b.expires_at_ms = now_ms + std::int64_t{change.granted} * 1000;
      b.granted_s = change.granted;
      b.requested_s = change.requested;
      b.transport = ctx.peer.transport;
      b.source = ctx.peer.address;
      b.source_port = ctx.peer.port;
      b.device_name = bound.cisco_device_name().value_or("");
      b.instance = bound.instance_id().value_or("");
      b.phone = mac_from_device_name(b.device_name);
      if (!b.phone) b.phone = mac_from_instance(b.instance);
      if (!b.phone) b.phone = ctx.phone;
      if (user_agent) b.user_agent = std::string(*user_agent);
      if (next_expiry_ms_ == 0 || b.expires_at_ms < next_expiry_ms_) {
        next_expiry_ms_ = b.expires_at_ms;
      }
      if (exists) {
        *existing = std::move(b);
        binding_event(*existing, "refreshed");
      } else {
        created.push_back(b.key);
        list->push_back(std::move(b));
        ++binding_count_;
        binding_event(list->back(), "created");
      }
    }
    if (found != bindings_.end() && found->second.empty()) {
      bindings_.erase(found);
      found = bindings_.end();
    }
  }

  // Step 8: 200 with every current binding and its expires; CUCM sends an Expires header
  // (reference 8.2), so both are given.
  ws::Message response =
      detail::response_head(200, "OK", ctx.vias, ctx.peer, ctx.from, ctx.to, to_tag(ctx.call_id),
                            ctx.call_id, ctx.cseq_raw, config_.server_name);
  if (found != bindings_.end()) {
    for (const Binding& b : found->second) {
      std::string value =
          b.contact + ";expires=" + std::to_string(remaining_s(b.expires_at_ms, now_ms));
      if (!b.device_name.empty() &&
          std::find(created.begin(), created.end(), b.key) != created.end()) {
        value += ";x-cisco-newreg";
      }
      response.add("Contact", std::move(value));
    }
  }
  if (first_granted) response.add("Expires", std::to_string(*first_granted));
  ctx.granted = first_granted;
  response.add("Date", detail::http_date(ctx.now.wall_ns));
  respond(ctx, std::move(response));
}

} // namespace phonerig::services::sip
