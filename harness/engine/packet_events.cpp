#include "harness/engine/packet_events.hpp"

#include <cctype>

#include "drivers/wire/sip_headers.hpp"

namespace phonerig::engine {

namespace {

std::int64_t i64(std::uint64_t value) { return static_cast<std::int64_t>(value); }

api::AttrList dotted(const std::vector<wire::Ipv4>& addresses) {
  api::AttrList out;
  for (const auto& a : addresses) out.push_back(a.to_string());
  return out;
}

// LLDP IDs as text: a MAC or an IPv4 address when the subtype says so, else the bytes.
template <class Id>
std::string printable(const Id& id) {
  if (auto mac = id.as_mac()) return mac->to_string();
  if (auto ip = id.as_ipv4()) return ip->to_string();
  std::string text = id.as_text();
  for (char& c : text) {
    if (!std::isprint(static_cast<unsigned char>(c))) c = '.';
  }
  return text;
}

}  // namespace

api::Event packet_event(const FrameInfo& frame, std::string_view kind) {
  api::Event event;
  event.time_ns = frame.time_ns;
  event.source = api::EventSource::capture;
  event.kind = std::string(kind);
  auto& a = event.attrs;
  if (frame.src_ip) a["src"] = *frame.src_ip;
  if (frame.dst_ip) a["dst"] = *frame.dst_ip;
  if (frame.src_port) a["src_port"] = std::int64_t{*frame.src_port};
  if (frame.dst_port) a["dst_port"] = std::int64_t{*frame.dst_port};
  if (frame.src_mac) a["src_mac"] = *frame.src_mac;
  if (frame.dst_mac) a["dst_mac"] = *frame.dst_mac;
  if (frame.vlan) a["vlan"] = std::int64_t{*frame.vlan};
  if (frame.pcp) a["pcp"] = std::int64_t{*frame.pcp};
  a["length"] = std::int64_t{frame.length};
  return event;
}

api::Event malformed_event(const FrameInfo& frame, std::string_view layer,
                           const wire::ParseError& error, std::size_t base) {
  api::Event event = packet_event(frame, "frame.malformed");
  event.attrs["layer"] = std::string(layer);
  event.attrs["error"] = error.what;
  event.attrs["offset"] = i64(error.offset + base);
  return event;
}

api::Event cdp_event(const FrameInfo& frame, const wire::cdp::Decoded& decoded) {
  using namespace wire::cdp;
  const Packet& p = decoded.packet;
  api::Event event = packet_event(frame, "cdp.rx");
  auto& a = event.attrs;
  // Device ID is required by the event kind; a PDU without TLV 0x0001 says so as "".
  a["device_id"] = p.device_id().value_or("");
  if (auto v = p.port_id()) a["port_id"] = *v;
  if (auto v = p.platform()) a["platform"] = *v;
  if (auto v = p.software_version()) a["software_version"] = *v;
  if (auto v = p.capabilities()) a["capabilities"] = i64(*v);
  if (auto v = p.native_vlan()) a["native_vlan"] = std::int64_t{*v};
  if (auto v = p.voice_vlan()) a["voice_vlan"] = std::int64_t{*v};
  if (auto q = p.find<VoipVlanQuery>()) a["voice_vlan_query"] = std::int64_t{q->vlan};
  if (auto r = p.find<PowerRequested>(); r && !r->milliwatts.empty()) {
    a["power_requested_mw"] = i64(r->milliwatts.front());
  }
  if (auto r = p.find<PowerAvailable>(); r && !r->milliwatts.empty()) {
    a["power_available_mw"] = i64(r->milliwatts.front());
  }
  if (auto addresses = p.addresses(); !addresses.empty()) a["addresses"] = dotted(addresses);
  a["checksum_ok"] = std::int64_t{decoded.checksum_good ? 1 : 0};
  return event;
}

api::Event lldp_event(const FrameInfo& frame, const wire::lldp::Packet& packet) {
  using namespace wire::lldp;
  api::Event event = packet_event(frame, "lldp.rx");
  auto& a = event.attrs;
  a["chassis_id"] = printable(packet.chassis_id);
  a["port_id"] = printable(packet.port_id);
  if (const auto* name = find<SystemName>(packet)) a["system_name"] = name->text;
  if (const auto* d = find<SystemDescription>(packet)) a["system_description"] = d->text;
  if (const auto* med = find<MedCapabilities>(packet)) {
    a["med_class"] = std::int64_t{med->device_type};
  }
  if (auto voice = find_policy(packet, app_type::kVoice)) {
    a["voice_vlan"] = std::int64_t{voice->vlan_id};
    a["voice_priority"] = std::int64_t{voice->priority};
    a["voice_dscp"] = std::int64_t{voice->dscp};
  }
  if (const auto* power = find<ExtendedPower>(packet)) {
    a["power_mw"] = std::int64_t{power->power_tenths_watt} * 100;
  }
  if (auto v = find_inventory(packet, med_subtype::kSoftwareRevision)) a["software_revision"] = *v;
  if (auto v = find_inventory(packet, med_subtype::kModel)) a["model"] = *v;
  return event;
}

api::Event dhcp_event(const FrameInfo& frame, const wire::dhcp::Message& m,
                      wire::dhcp::MessageType type) {
  using namespace wire::dhcp;
  std::string kind = "dhcp.";
  for (const char* c = to_string(type); *c != '\0'; ++c) {
    kind += static_cast<char>(std::tolower(static_cast<unsigned char>(*c)));
  }
  api::Event event = packet_event(frame, kind);
  auto& a = event.attrs;
  a["xid"] = std::int64_t{m.xid};
  // chaddr is required: a non-Ethernet chaddr shows as its first six bytes.
  std::optional<wire::Mac> mac = m.mac();
  a["chaddr"] = mac.value_or(wire::Mac::from_bytes(wire::Bytes(m.chaddr.data(), 6)));
  if (mac) event.phone = *mac;
  if (!m.ciaddr.is_zero()) a["ciaddr"] = m.ciaddr;
  if (!m.yiaddr.is_zero()) a["yiaddr"] = m.yiaddr;
  if (!m.giaddr.is_zero()) a["giaddr"] = m.giaddr;
  const Options& o = m.options;
  // Typed accessors report a malformed option as an error: the attribute is then left out
  // (the service decides what to do with such a message; the capture only reports it).
  if (auto v = o.server_id(); v && *v) a["server_id"] = **v;
  if (auto v = o.requested_ip(); v && *v) a["requested_ip"] = **v;
  if (auto v = o.lease_time(); v && *v) a["lease_s"] = std::int64_t{**v};
  if (auto v = o.vendor_class(); v && *v) a["vendor_class"] = **v;
  if (auto v = o.parameter_request_list(); v && !v->empty()) {
    api::AttrList codes;
    for (auto code : *v) codes.push_back(std::to_string(code));
    a["parameter_request_list"] = codes;
  }
  if (auto v = o.tftp_server_addresses(); v && !v->empty()) a["tftp_servers"] = dotted(*v);
  if (auto v = o.tftp_server_name(); v && *v) a["tftp_server_name"] = **v;
  if (auto v = o.routers(); v && !v->empty()) a["routers"] = dotted(*v);
  if (auto v = o.subnet_mask(); v && *v) a["subnet_mask"] = **v;
  api::AttrList codes;
  for (const auto& option : o.items()) {
    if (option.code != option::kPad) codes.push_back(std::to_string(option.code));
  }
  a["options"] = codes;
  // Option 56, Message (RFC 2132 section 9.9): NVT ASCII, the reason of a NAK.
  if (auto text = o.get(56)) {
    std::string message(text->begin(), text->end());
    while (!message.empty() && message.back() == '\0') message.pop_back();
    a["message"] = message;
  }
  return event;
}

api::Event sip_event(const FrameInfo& frame, const wire::sip::Message& m,
                     std::string_view transport) {
  namespace sip = wire::sip;
  api::Event event = packet_event(frame, m.is_request() ? "sip.request" : "sip.response");
  auto& a = event.attrs;
  if (m.is_request()) {
    a["method"] = m.method;
  } else {
    a["status"] = std::int64_t{m.status_code};
    a["reason"] = m.reason;
  }
  if (auto cseq = sip::cseq(m)) {
    a["cseq"] = std::int64_t{cseq->number};
    if (m.is_response()) a["method"] = cseq->method;
  }
  if (auto id = sip::call_id(m)) a["call_id"] = *id;
  std::optional<std::uint32_t> expires;
  if (auto e = sip::expires(m); e && *e) expires = **e;
  if (auto contacts = sip::contacts(m); contacts && !contacts->contacts.empty()) {
    const sip::NameAddr& first = contacts->contacts.front();
    if (!expires) expires = first.expires();
    if (m.is_request()) {
      a["contact"] = sip::to_string(first.uri);
      if (auto name = first.cisco_device_name()) a["device_name"] = *name;
    }
  }
  if (expires) a["expires"] = std::int64_t{*expires};
  if (m.is_request()) {
    if (auto to = sip::to(m)) a["aor"] = sip::to_string(to->uri);
    if (auto agent = sip::user_agent(m)) a["user_agent"] = std::string(*agent);
    a["authorized"] = std::int64_t{m.find("Authorization") != nullptr ? 1 : 0};
  }
  a["transport"] = std::string(transport);
  return event;
}

std::optional<wire::Mac> mac_from_device_name(std::string_view name) {
  if (name.size() != 15) return std::nullopt;
  if (name.substr(0, 3) != "SEP" && name.substr(0, 3) != "sep") return std::nullopt;
  for (char c : name.substr(3)) {
    if (!std::isxdigit(static_cast<unsigned char>(c))) return std::nullopt;
  }
  return wire::Mac::parse(name.substr(3));
}

}  // namespace phonerig::engine
