#include "lab/sim/switch/discovery.hpp"

#include "drivers/wire/cdp.hpp"
#include "drivers/wire/link.hpp"
#include "drivers/wire/lldp.hpp"

namespace phonerig::sim::sw {

wire::Mac port_mac(const Identity& identity, const PortConfig& port) {
  wire::Mac mac = identity.mac;
  const auto n = static_cast<unsigned>(port.number);
  mac.octets[4] = static_cast<std::uint8_t>(mac.octets[4] + ((n >> 8) & 0xff));
  mac.octets[5] = static_cast<std::uint8_t>(mac.octets[5] + (n & 0xff));
  return mac;
}

wire::ByteVector build_cdp(const Identity& identity, const PortConfig& port,
                           std::uint16_t power_request_id) {
  namespace cdp = wire::cdp;
  cdp::Packet packet;
  packet.ttl = identity.cdp_holdtime;
  packet.add(cdp::DeviceId{identity.device_id})
      .add(cdp::PortId{port.cisco_name()})
      .add(cdp::Capabilities{cdp::capability::kAccessSwitch})
      .add(cdp::SoftwareVersion{identity.software_version})
      .add(cdp::Platform{identity.platform})
      .add(cdp::NativeVlan{port.vlan})
      .add(cdp::Duplex{cdp::Duplex::kFull});
  if (port.voice_vlan) packet.add(cdp::VoipVlanReply{0x01, *port.voice_vlan});
  packet.add(cdp::TrustBitmap{0}).add(cdp::UntrustedCos{0});
  // Power Available 0x001a echoes the request id of the phone's Power Requested (reference 1.6).
  packet.add(cdp::PowerAvailable{power_request_id, 1, {identity.power_available_mw}});
  return cdp::build_frame(port_mac(identity, port), packet);
}

wire::ByteVector build_lldp(const Identity& identity, const PortConfig& port) {
  namespace lldp = wire::lldp;
  lldp::Packet packet;
  packet.chassis_id = lldp::ChassisId::mac(identity.mac);
  packet.port_id = lldp::PortId::interface_name(port.short_name());
  packet.ttl = identity.lldp_ttl;
  packet.tlvs.emplace_back(lldp::PortDescription{port.cisco_name()});
  packet.tlvs.emplace_back(lldp::SystemName{identity.device_id});
  packet.tlvs.emplace_back(lldp::SystemDescription{identity.software_version});
  packet.tlvs.emplace_back(
      lldp::SystemCapabilities{lldp::capability::kBridge | lldp::capability::kRouter,
                               lldp::capability::kBridge});
  packet.tlvs.emplace_back(lldp::PortVlanId{port.vlan});
  packet.tlvs.emplace_back(lldp::MedCapabilities{
      static_cast<std::uint16_t>(lldp::med_capability::kCapabilities |
                                 lldp::med_capability::kNetworkPolicy |
                                 lldp::med_capability::kExtendedPowerPse),
      lldp::med_device_type::kNetworkConnectivity});
  if (port.voice_vlan) {
    // TIA-1057 10.2.3: tagged in the voice VLAN, 802.1p and DSCP as Cisco's defaults.
    packet.tlvs.emplace_back(lldp::NetworkPolicy{lldp::app_type::kVoice, false, true, false,
                                                 *port.voice_vlan, identity.voice_priority,
                                                 identity.voice_dscp});
    packet.tlvs.emplace_back(lldp::NetworkPolicy{lldp::app_type::kVoiceSignaling, false, true,
                                                 false, *port.voice_vlan,
                                                 identity.signaling_priority,
                                                 identity.signaling_dscp});
  }
  packet.tlvs.emplace_back(lldp::ExtendedPower{
      lldp::power_type::kPse, lldp::power_source::kPsePrimary, lldp::power_priority::kLow,
      static_cast<std::uint16_t>(identity.power_available_mw / 100)});
  return lldp::build_frame(port_mac(identity, port), packet);
}

Discovery discovery_kind(wire::Bytes untagged_frame) {
  auto link = wire::parse_link(wire::LinkType::ethernet, untagged_frame);
  if (!link || !link->dst) return Discovery::none;
  if (*link->dst == wire::cdp::kMulticast && wire::cdp::is_cdp(*link)) return Discovery::cdp;
  if (link->ethertype == wire::ethertype::kLldp) return Discovery::lldp;
  return Discovery::none;
}

namespace {

std::optional<Neighbour> from_cdp(const wire::LinkFrame& link, Time now) {
  auto decoded = wire::cdp::parse(link.payload, link.payload_offset);
  if (!decoded) return std::nullopt;
  const auto& packet = decoded->packet;
  Neighbour n;
  n.protocol = "cdp";
  n.device_id = packet.device_id().value_or("");
  n.port_id = packet.port_id().value_or("");
  n.platform = packet.platform().value_or("");
  n.software_version = packet.software_version().value_or("");
  n.system_name = packet.system_name().value_or("");
  if (auto addresses = packet.addresses(); !addresses.empty()) n.address = addresses.front();
  n.capabilities = packet.capabilities();
  if (auto power = packet.find<wire::cdp::PowerRequested>()) {
    n.power_request_id = power->request_id;
    if (!power->milliwatts.empty()) n.power_requested_mw = power->milliwatts.front();
  }
  n.voice_vlan_query = packet.find<wire::cdp::VoipVlanQuery>().has_value();
  n.holdtime = std::chrono::seconds(packet.ttl);
  n.heard = now;
  return n;
}

std::optional<Neighbour> from_lldp(const wire::LinkFrame& link, Time now) {
  namespace lldp = wire::lldp;
  auto packet = lldp::parse(link.payload);
  if (!packet) return std::nullopt;
  Neighbour n;
  n.protocol = "lldp";
  if (auto mac = packet->chassis_id.as_mac()) {
    n.device_id = mac->to_string();
  } else {
    n.device_id = packet->chassis_id.as_text();
  }
  n.port_id = packet->port_id.as_text();
  if (auto mac = packet->port_id.as_mac()) n.port_id = mac->to_string();
  if (const auto* name = lldp::find<lldp::SystemName>(*packet)) n.system_name = name->text;
  n.platform = lldp::find_inventory(*packet, lldp::med_subtype::kModel).value_or("");
  n.software_version =
      lldp::find_inventory(*packet, lldp::med_subtype::kSoftwareRevision).value_or("");
  if (const auto* caps = lldp::find<lldp::SystemCapabilities>(*packet)) {
    n.capabilities = caps->capabilities;
  }
  if (const auto* mgmt = lldp::find<lldp::ManagementAddress>(*packet)) n.address = mgmt->as_ipv4();
  n.holdtime = std::chrono::seconds(packet->ttl);
  n.heard = now;
  return n;
}

}  // namespace

std::optional<Neighbour> parse_neighbour(wire::Bytes untagged_frame, Time now) {
  auto link = wire::parse_link(wire::LinkType::ethernet, untagged_frame);
  if (!link || !link->src) return std::nullopt;
  std::optional<Neighbour> n;
  if (link->dst && *link->dst == wire::cdp::kMulticast && wire::cdp::is_cdp(*link)) {
    n = from_cdp(*link, now);
  } else if (link->ethertype == wire::ethertype::kLldp) {
    n = from_lldp(*link, now);
  }
  if (n) n->src = *link->src;
  return n;
}

}  // namespace phonerig::sim::sw
