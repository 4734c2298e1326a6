// Canonical AoRs, Contact comparison keys and the phone (MAC) a request speaks for.
#include "drivers/services/sip/registrar.hpp"
#include "drivers/wire/sip_text.hpp"

#include <cctype>

namespace phonerig::services::sip {

namespace ws = wire::sip;

std::string canonical_aor(const ws::Uri& uri) {
  return ws::to_lower(uri.scheme) + ":" + uri.user + (uri.user.empty() ? "" : "@") +
         ws::to_lower(uri.host);
}

std::string contact_key(const ws::Uri& uri) {
  // RFC 3261 section 19.1.4: scheme, user, host (any case), port (absent != 5060) and the
  // transport, user, ttl, method and maddr parameters must match.
  std::string key = ws::to_lower(uri.scheme) + ":" + uri.user + "@" + ws::to_lower(uri.host);
  if (uri.port) key += ":" + std::to_string(*uri.port);
  for (std::string_view name : {"transport", "user", "ttl", "method", "maddr"}) {
    if (auto value = ws::param_value(uri.params, name)) {
      key += ";" + std::string(name) + "=" + ws::to_lower(*value);
    }
  }
  if (!uri.opaque.empty()) key += uri.opaque;
  return key;
}

std::optional<wire::Mac> mac_from_device_name(std::string_view text) {
  for (std::size_t at = 0; (at = text.find("SEP", at)) != std::string_view::npos; ++at) {
    std::string_view hex = text.substr(at + 3, 12);
    if (hex.size() != 12) return std::nullopt;
    bool all_hex = true;
    for (char c : hex)
      all_hex = all_hex && std::isxdigit(static_cast<unsigned char>(c));
    if (all_hex &&
        (at + 15 == text.size() || !std::isxdigit(static_cast<unsigned char>(text[at + 15])))) {
      return wire::Mac::parse(hex);
    }
  }
  return std::nullopt;
}

std::optional<wire::Mac> mac_from_instance(std::string_view urn) {
  // Cisco phones: urn:uuid:00000000-0000-0000-0000-<mac> (reference section 8.2).
  constexpr std::string_view kPrefix = "urn:uuid:00000000-0000-0000-0000-";
  if (urn.size() != kPrefix.size() + 12 || !ws::iequals(urn.substr(0, kPrefix.size()), kPrefix)) {
    return std::nullopt;
  }
  return wire::Mac::parse(urn.substr(kPrefix.size()));
}

} // namespace phonerig::services::sip
