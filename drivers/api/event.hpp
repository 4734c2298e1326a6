// The Event every part of the harness meets on (DESIGN.md, "Events"): packets decoded from
// the capture, what the services did, what the switch and the links reported. The list of
// kinds and their attributes is closed: a kind is added here, documented, by the issue
// that first needs it, and validate() rejects anything not declared.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "drivers/api/result.hpp"
#include "drivers/wire/address.hpp"

namespace phonerig::api {

enum class EventSource { capture, service, switch_port, link };
std::string_view to_string(EventSource source);

enum class AttrType { string, integer, address, mac, list };
std::string_view to_string(AttrType type);

using AttrList = std::vector<std::string>;
using AttrValue = std::variant<std::string, std::int64_t, wire::Ipv4, wire::Mac, AttrList>;
AttrType type_of(const AttrValue& value);
std::string to_string(const AttrValue& value);

struct AttrSpec {
  std::string_view name;
  AttrType type;
  bool required;
  std::string_view doc;
};

struct KindSpec {
  std::string_view kind;  // dotted and stable: "dhcp.offer"
  std::string_view doc;
  bool packet;            // a wire packet kind: also takes the common packet attributes
  std::span<const AttrSpec> attrs;
};

// Every kind there is, and the attributes every packet kind may carry (src, dst, ports,
// VLAN tag, frame length).
std::span<const KindSpec> event_kinds();
std::span<const AttrSpec> packet_attrs();
const KindSpec* find_kind(std::string_view kind);

struct Event {
  std::int64_t time_ns = 0;  // CLOCK_REALTIME; the kernel capture stamp for packets
  EventSource source = EventSource::capture;
  std::optional<wire::Mac> phone;  // unknown until correlated (MAC, DHCP chaddr, address)
  std::string kind;
  std::map<std::string, AttrValue, std::less<>> attrs;

  const AttrValue* attr(std::string_view name) const;
  std::optional<std::string> string_attr(std::string_view name) const;
  std::optional<std::int64_t> integer_attr(std::string_view name) const;
};

// The kind is declared, every attribute is declared for it with its type, and every
// required attribute is present. Errors are Fault::internal: a service or decoder bug.
Result<bool> validate(const Event& event);

// One line: "1700000000.123456789 capture 00:1e:4a:00:00:01 dhcp.offer xid=... yiaddr=..."
std::string to_string(const Event& event);

}  // namespace phonerig::api
