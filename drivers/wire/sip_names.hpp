// SIP header names: the compact forms (RFC 3261 section 7.3.3 and the extensions that
// define one), the canonical spelling of the names phonerig meets, and which headers
// are comma-separated lists (RFC 3261 section 7.3.1).
#pragma once

#include <string_view>

namespace phonerig::wire::sip {

// The long name in its RFC spelling: "v" -> "Via", "CALL-ID" -> "Call-ID"; a name the
// table does not know comes back as given.
std::string_view canonical_name(std::string_view name);
// The compact form of a long name ("Via" -> "v"), or "" when it has none.
std::string_view compact_name(std::string_view name);
// True when both spell the same header (case-insensitive, compact forms expanded).
bool same_header(std::string_view a, std::string_view b);
// Headers whose whole value is a comma-separated list, so that several values may share
// one line (Via, Contact, Route, Supported, ...). WWW-Authenticate, Authorization and
// their proxy forms are not, although they may appear more than once (RFC 3261 7.3.1).
bool is_list_header(std::string_view name);

} // namespace phonerig::wire::sip
