// Received CDP and LLDP frames as events (drivers/api/event_kinds.cpp, cdp.rx and lldp.rx),
// and the request.malformed a frame that does not decode becomes.
#include <string>

#include "drivers/services/discovery/discovery_core.hpp"
#include "drivers/wire/lldp_med.hpp"

namespace phonerig::services::discovery {

namespace {

namespace cdp = wire::cdp;
namespace lldp = wire::lldp;

api::Event rx_event(std::string_view kind, const wire::LinkFrame& link, std::size_t frame_length,
                    std::int64_t time_ns) {
  api::Event e;
  e.time_ns = time_ns;
  e.source = api::EventSource::service;
  e.kind = std::string(kind);
  e.phone = link.src;
  if (link.src) e.attrs["src_mac"] = *link.src;
  if (link.dst) e.attrs["dst_mac"] = *link.dst;
  if (!link.vlans.empty()) {
    e.attrs["vlan"] = static_cast<std::int64_t>(link.vlans.front().vid);
    e.attrs["pcp"] = static_cast<std::int64_t>(link.vlans.front().pcp);
  }
  e.attrs["length"] = static_cast<std::int64_t>(frame_length);
  return e;
}

}  // namespace

std::string printable(const lldp::ChassisId& id) {
  if (auto mac = id.as_mac()) return mac->to_string();
  if (auto ip = id.as_ipv4()) return ip->to_string();
  return id.as_text();
}

std::string printable(const lldp::PortId& id) {
  if (auto mac = id.as_mac()) return mac->to_string();
  if (auto ip = id.as_ipv4()) return ip->to_string();
  return id.as_text();
}

api::Event cdp_rx_event(const cdp::Decoded& decoded, const wire::LinkFrame& link,
                        std::size_t frame_length, std::int64_t time_ns) {
  const cdp::Packet& p = decoded.packet;
  api::Event e = rx_event("cdp.rx", link, frame_length, time_ns);
  e.attrs["device_id"] = p.device_id().value_or("");
  if (auto v = p.port_id()) e.attrs["port_id"] = *v;
  if (auto v = p.platform()) e.attrs["platform"] = *v;
  if (auto v = p.software_version()) e.attrs["software_version"] = *v;
  if (auto v = p.capabilities()) e.attrs["capabilities"] = static_cast<std::int64_t>(*v);
  if (auto v = p.native_vlan()) e.attrs["native_vlan"] = static_cast<std::int64_t>(*v);
  if (auto v = p.voice_vlan()) e.attrs["voice_vlan"] = static_cast<std::int64_t>(*v);
  if (auto q = p.find<cdp::VoipVlanQuery>()) {
    e.attrs["voice_vlan_query"] = static_cast<std::int64_t>(q->vlan);
  }
  if (auto r = p.find<cdp::PowerRequested>(); r && !r->milliwatts.empty()) {
    e.attrs["power_requested_mw"] = static_cast<std::int64_t>(r->milliwatts.front());
  }
  if (auto a = p.find<cdp::PowerAvailable>(); a && !a->milliwatts.empty()) {
    e.attrs["power_available_mw"] = static_cast<std::int64_t>(a->milliwatts.front());
  }
  const std::vector<wire::Ipv4> addresses = p.addresses();
  if (!addresses.empty()) {
    api::AttrList list;
    for (const wire::Ipv4& ip : addresses) list.push_back(ip.to_string());
    e.attrs["addresses"] = std::move(list);
  }
  e.attrs["checksum_ok"] = static_cast<std::int64_t>(decoded.checksum_good ? 1 : 0);
  return e;
}

api::Event lldp_rx_event(const lldp::Packet& p, const wire::LinkFrame& link,
                         std::size_t frame_length, std::int64_t time_ns) {
  api::Event e = rx_event("lldp.rx", link, frame_length, time_ns);
  e.attrs["chassis_id"] = printable(p.chassis_id);
  e.attrs["port_id"] = printable(p.port_id);
  if (const auto* v = lldp::find<lldp::SystemName>(p)) e.attrs["system_name"] = v->text;
  if (const auto* v = lldp::find<lldp::SystemDescription>(p)) {
    e.attrs["system_description"] = v->text;
  }
  if (const auto* v = lldp::find<lldp::MedCapabilities>(p)) {
    e.attrs["med_class"] = static_cast<std::int64_t>(v->device_type);
  }
  if (auto policy = lldp::find_policy(p, lldp::app_type::kVoice)) {
    e.attrs["voice_vlan"] = static_cast<std::int64_t>(policy->vlan_id);
    e.attrs["voice_priority"] = static_cast<std::int64_t>(policy->priority);
    e.attrs["voice_dscp"] = static_cast<std::int64_t>(policy->dscp);
  }
  if (const auto* v = lldp::find<lldp::ExtendedPower>(p)) {
    e.attrs["power_mw"] = static_cast<std::int64_t>(v->power_tenths_watt) * 100;
  }
  if (auto v = lldp::find_inventory(p, lldp::med_subtype::kSoftwareRevision)) {
    e.attrs["software_revision"] = *v;
  }
  if (auto v = lldp::find_inventory(p, lldp::med_subtype::kModel)) e.attrs["model"] = *v;
  return e;
}

api::Event malformed_event(std::string_view service, const wire::ParseError& error,
                           std::optional<wire::Mac> src, std::size_t frame_length,
                           std::int64_t time_ns) {
  api::Event e;
  e.time_ns = time_ns;
  e.source = api::EventSource::service;
  e.kind = "request.malformed";
  e.phone = src;
  e.attrs["service"] = std::string(service);
  e.attrs["error"] = error.what;
  e.attrs["offset"] = static_cast<std::int64_t>(error.offset);
  e.attrs["answered"] = std::int64_t{0};
  if (src) e.attrs["src_mac"] = *src;
  e.attrs["length"] = static_cast<std::int64_t>(frame_length);
  return e;
}

}  // namespace phonerig::services::discovery
