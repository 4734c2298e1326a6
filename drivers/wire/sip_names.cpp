#include "drivers/wire/sip_names.hpp"

#include "drivers/wire/sip_text.hpp"

#include <array>

namespace phonerig::wire::sip {

namespace {

struct Compact {
  char letter;
  std::string_view name;
};

// RFC 3261 section 7.3.3 (c e f i k l m s t v), RFC 6665 (o u), RFC 3515 (r),
// RFC 3892 (b), RFC 4028 (x), RFC 3841 (a j d), RFC 4474 (y n).
constexpr std::array<Compact, 20> kCompact{{
    {'a', "Accept-Contact"},
    {'b', "Referred-By"},
    {'c', "Content-Type"},
    {'d', "Request-Disposition"},
    {'e', "Content-Encoding"},
    {'f', "From"},
    {'i', "Call-ID"},
    {'j', "Reject-Contact"},
    {'k', "Supported"},
    {'l', "Content-Length"},
    {'m', "Contact"},
    {'n', "Identity-Info"},
    {'o', "Event"},
    {'r', "Refer-To"},
    {'s', "Subject"},
    {'t', "To"},
    {'u', "Allow-Events"},
    {'v', "Via"},
    {'x', "Session-Expires"},
    {'y', "Identity"},
}};

// RFC 3261 section 20, the extensions above and RFC 3325, spelled as their RFCs spell them.
constexpr std::array<std::string_view, 59> kKnown{{
    "Accept",
    "Accept-Encoding",
    "Accept-Language",
    "Alert-Info",
    "Allow",
    "Authentication-Info",
    "Authorization",
    "Call-ID",
    "Call-Info",
    "Contact",
    "Content-Disposition",
    "Content-Encoding",
    "Content-Language",
    "Content-Length",
    "Content-Type",
    "CSeq",
    "Date",
    "Error-Info",
    "Expires",
    "From",
    "In-Reply-To",
    "Max-Forwards",
    "Min-Expires",
    "MIME-Version",
    "Organization",
    "Priority",
    "Proxy-Authenticate",
    "Proxy-Authorization",
    "Proxy-Require",
    "Record-Route",
    "Reply-To",
    "Require",
    "Retry-After",
    "Route",
    "Server",
    "Subject",
    "Supported",
    "Timestamp",
    "To",
    "Unsupported",
    "User-Agent",
    "Via",
    "Warning",
    "WWW-Authenticate",
    "Event",
    "Allow-Events",
    "Refer-To",
    "Referred-By",
    "Session-Expires",
    "Path",
    "Service-Route",
    "Reason",
    "Session-ID",
    "Accept-Contact",
    "Reject-Contact",
    "Request-Disposition",
    "Identity",
    "Identity-Info",
    "P-Asserted-Identity",
}};

// Comma-separated lists: RFC 3261 section 20 (Accept ... Warning), RFC 3327 Path,
// RFC 3608 Service-Route, RFC 3326 Reason, RFC 6665 Allow-Events, RFC 3841, RFC 3325.
constexpr std::array<std::string_view, 27> kLists{{
    "Accept",
    "Accept-Encoding",
    "Accept-Language",
    "Alert-Info",
    "Allow",
    "Call-Info",
    "Contact",
    "Content-Encoding",
    "Content-Language",
    "Error-Info",
    "In-Reply-To",
    "Proxy-Require",
    "Record-Route",
    "Require",
    "Route",
    "Supported",
    "Unsupported",
    "Via",
    "Warning",
    "Path",
    "Service-Route",
    "Reason",
    "Allow-Events",
    "Accept-Contact",
    "Reject-Contact",
    "Request-Disposition",
    "P-Asserted-Identity",
}};

} // namespace

std::string_view canonical_name(std::string_view name) {
  if (name.size() == 1) {
    for (const Compact& c : kCompact) {
      if (iequals(name, std::string_view(&c.letter, 1))) return c.name;
    }
    return name;
  }
  for (std::string_view known : kKnown) {
    if (iequals(name, known)) return known;
  }
  return name;
}

std::string_view compact_name(std::string_view name) {
  for (const Compact& c : kCompact) {
    if (iequals(name, c.name)) return std::string_view(&c.letter, 1);
  }
  return {};
}

bool same_header(std::string_view a, std::string_view b) {
  return iequals(canonical_name(a), canonical_name(b));
}

bool is_list_header(std::string_view name) {
  std::string_view canonical = canonical_name(name);
  for (std::string_view list : kLists) {
    if (iequals(canonical, list)) return true;
  }
  return false;
}

} // namespace phonerig::wire::sip
