#include "lab/sim/phone/frames.hpp"

#include "drivers/wire/cdp.hpp"
#include "drivers/wire/dhcp.hpp"
#include "drivers/wire/lldp.hpp"

namespace phonerig::sim::phone {

ModelInfo model_info(Model model) {
  switch (model) {
    case Model::cp7821:
      return {"CP-7821", "Cisco IP Phone 7821", "Cisco Systems, Inc. IP Phone CP-7821", 621,
              "Cisco-CP7821", "sp-sip.jar", 3500};
    case Model::cp8851:
      break;
  }
  return {"CP-8851", "Cisco IP Phone 8851", "Cisco Systems, Inc. IP Phone CP-8851", 684,
          "Cisco-CP8851", "sl-be-sip.jar", 9791};
}

wire::ByteVector build_cdp_frame(const Config& config, const ModelInfo& info, wire::Ipv4 ip) {
  namespace cdp = wire::cdp;
  cdp::Packet packet;
  packet.version = 2;
  packet.ttl = 180;
  packet.add(cdp::DeviceId{"SEP" + config.mac.to_cisco()});
  if (!ip.is_zero()) packet.add(cdp::Addresses{{cdp::Address::ipv4(ip)}});
  packet.add(cdp::PortId{"Port 1"});
  packet.add(cdp::Capabilities{cdp::capability::kIpPhone});
  packet.add(cdp::SoftwareVersion{config.running_load});
  packet.add(cdp::Platform{info.platform});
  packet.add(cdp::RawTlv{cdp::tlv::kPhoneUnknown1c, {0x00, 0x02, 0x00}});
  if (config.voip_vlan_query) packet.add(cdp::VoipVlanQuery{0x20, 1, {}});
  packet.add(cdp::PowerRequested{static_cast<std::uint16_t>(config.seed & 0xffff), 0,
                                 {info.power_mw}});
  packet.add(cdp::Duplex{cdp::Duplex::kFull});
  packet.add(cdp::PowerConsumption{static_cast<std::uint16_t>(info.power_mw)});
  return cdp::build_frame(config.mac, packet);
}

wire::ByteVector build_lldp_frame(const Config& config, const ModelInfo& info,
                                  std::optional<std::uint16_t> voice_vlan) {
  namespace lldp = wire::lldp;
  lldp::Packet packet;
  packet.chassis_id = lldp::ChassisId::mac(config.mac);
  packet.port_id = lldp::PortId::mac(config.mac);
  packet.ttl = 180;
  packet.tlvs.push_back(lldp::SystemName{"SEP" + config.mac.to_cisco()});
  packet.tlvs.push_back(lldp::SystemDescription{info.platform + ", " + config.running_load});
  packet.tlvs.push_back(lldp::SystemCapabilities{
      lldp::capability::kBridge | lldp::capability::kTelephone, lldp::capability::kTelephone});
  packet.tlvs.push_back(lldp::MedCapabilities{
      lldp::med_capability::kCapabilities | lldp::med_capability::kNetworkPolicy |
          lldp::med_capability::kExtendedPowerPd | lldp::med_capability::kInventory,
      lldp::med_device_type::kEndpointClass3});
  lldp::NetworkPolicy policy;
  policy.app_type = lldp::app_type::kVoice;
  if (voice_vlan && *voice_vlan > 0 && *voice_vlan < 4095) {
    policy.tagged = true;
    policy.vlan_id = *voice_vlan;
    policy.priority = 5;
    policy.dscp = 46;
  } else {
    policy.unknown = true;
  }
  packet.tlvs.push_back(policy);
  packet.tlvs.push_back(lldp::ExtendedPower{lldp::power_type::kPd, lldp::power_source::kPdFromPse,
                                            lldp::power_priority::kUnknown,
                                            static_cast<std::uint16_t>(info.power_mw / 100)});
  packet.tlvs.push_back(lldp::Inventory{lldp::med_subtype::kSoftwareRevision, config.running_load});
  packet.tlvs.push_back(lldp::Inventory{lldp::med_subtype::kManufacturer, "Cisco Systems, Inc."});
  packet.tlvs.push_back(lldp::Inventory{lldp::med_subtype::kModel, info.name});
  return lldp::build_frame(config.mac, packet);
}

const std::vector<std::uint8_t>& parameter_request_list() {
  namespace option = wire::dhcp::option;
  static const std::vector<std::uint8_t> list{
      option::kSubnetMask, option::kTftpServerName, option::kDnsServer, option::kRouter,
      option::kDomainName, option::kTftpServerAddress, 35, option::kNtpServer, option::kLeaseTime};
  return list;
}

wire::ByteVector build_dhcp(const Config& config, const ModelInfo& info, bool request,
                            std::uint32_t xid, wire::Ipv4 requested, wire::Ipv4 server_id) {
  namespace dhcp = wire::dhcp;
  dhcp::Message message;
  message.op = dhcp::Op::request;
  message.xid = xid;
  message.set_broadcast(true);
  message.set_mac(config.mac);
  message.options.set_message_type(request ? dhcp::MessageType::request
                                           : dhcp::MessageType::discover);
  dhcp::ClientId id;
  id.type = 1;
  id.id.assign(config.mac.octets.begin(), config.mac.octets.end());
  message.options.set_client_id(id);
  if (request) {
    message.options.set_requested_ip(requested);
    message.options.set_server_id(server_id);
  }
  message.options.set_max_message_size(1500);
  message.options.set_vendor_class(info.vendor_class);
  message.options.set_host_name("SEP" + config.mac.to_cisco());
  message.options.set_parameter_request_list(parameter_request_list());
  return dhcp::build(message);
}

}  // namespace phonerig::sim::phone
