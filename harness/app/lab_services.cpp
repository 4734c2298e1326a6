#include "harness/app/lab_services.hpp"

#include <fmt/core.h>

#include <filesystem>

namespace phonerig::app {

namespace {

wire::Ipv4 mask_of(int prefix_length) {
  return wire::Ipv4{prefix_length == 0 ? 0u : ~std::uint32_t{0} << (32 - prefix_length)};
}

}  // namespace

api::Result<Binding> binding_for(const scenario::Lab& lab,
                                 const scenario::ServiceCommon& service) {
  const scenario::RigInterface* where = nullptr;
  if (service.interface) {
    where = lab.rig.find_interface(*service.interface);
  } else {
    for (const auto& one : lab.rig.interfaces) {
      if (one.serves()) {
        where = &one;
        break;
      }
    }
  }
  if (where == nullptr) {
    return api::fail(api::Fault::config, "the lab has no interface that serves");
  }
  if (!where->address) {
    return api::fail(api::Fault::config,
                     "rig interface '" + where->name + "' has no address to serve on");
  }
  Binding binding;
  binding.logical = where->name;
  binding.address = where->address->address;
  binding.prefix_length = where->address->prefix_length;
  if (const auto* device = std::get_if<scenario::ExistingDevice>(&where->link)) {
    binding.device = device->ifname;
  } else {
    // An 802.1Q interface on a trunk, used when it exists under the conventional name
    // (creating it is the operator's part: scenario::VlanOnParent).
    const auto& vlan = std::get<scenario::VlanOnParent>(where->link);
    binding.device = vlan.device();
    if (binding.device.size() > 15 || !std::filesystem::exists("/sys/class/net/" + binding.device)) {
      return api::fail(api::Fault::rig,
                       fmt::format("rig interface '{}' is VLAN {} on {}: interface {} does not "
                                   "exist (create it with `ip link add link {} name {} type vlan "
                                   "id {}`, or give the interface as device:)",
                                   where->name, vlan.vlan, vlan.parent, binding.device,
                                   vlan.parent, binding.device, vlan.vlan));
    }
  }
  return binding;
}

ModelName cisco_model(const std::string& product) {
  // The CUCM model enum (protocols.md 7.3: XMLDefault's loadInformationN and REGISTER's
  // +u.sip!model.ccm.cisco.com).
  struct Known {
    const char* product;
    int id;
  };
  static constexpr Known kKnown[] = {
      {"8841", 683}, {"8851", 684}, {"8861", 685}, {"8811", 36217}, {"7821", 621},
  };
  std::string number = product;
  for (const char* prefix : {"CP-", "cp-", "Cisco ", "CP"}) {
    if (number.rfind(prefix, 0) == 0) {
      number = number.substr(std::string_view(prefix).size());
      break;
    }
  }
  ModelName name{"Cisco " + number, 0};
  for (const Known& known : kKnown) {
    if (number == known.product) name.model_id = known.id;
  }
  return name;
}

api::Result<ServicesPlan> plan_services(const scenario::Lab& lab,
                                        const std::filesystem::path& state_dir) {
  const scenario::Services& s = lab.services;
  ServicesPlan plan;
  if (s.dhcp.served()) {
    PHONERIG_TRY(plan.dhcp_at, binding_for(lab, s.dhcp));
  }
  if (s.tftp.served()) {
    PHONERIG_TRY(plan.tftp_at, binding_for(lab, s.tftp));
  }
  if (s.http.served()) {
    PHONERIG_TRY(plan.http_at, binding_for(lab, s.http));
  }
  if (s.sip.served()) {
    PHONERIG_TRY(plan.sip_at, binding_for(lab, s.sip));
  }
  if (s.cdp.served()) {
    PHONERIG_TRY(plan.cdp_at, binding_for(lab, s.cdp));
  }

  // The files: CallManager group, loads per model, one config per provisioned phone.
  services::config::Config& files = plan.files;
  if (s.callmanager_group.empty()) {
    std::optional<Binding> sip_at = plan.sip_at;
    if (!sip_at) {
      auto any = binding_for(lab, s.sip);
      if (any) sip_at = *any;
    }
    if (!sip_at) {
      return api::fail(api::Fault::config,
                       "services.callmanager_group is needed when phonerig does not serve SIP");
    }
    files.call_managers.push_back({"phonerig", sip_at->address.to_string(), s.sip.port,
                                   static_cast<std::uint16_t>(s.sip.port + 1), 0});
  }
  for (const auto& member : s.callmanager_group) {
    files.call_managers.push_back({member.name, member.address.to_string(), member.sip_port,
                                   static_cast<std::uint16_t>(member.sip_port + 1),
                                   member.priority});
  }
  auto add_load = [&](const std::string& product, const std::string& load_id) {
    const ModelName model = cisco_model(product);
    for (const auto& known : files.loads) {
      if (known.model == model.name) return;
    }
    files.loads.push_back({model.name, model.model_id, load_id});
  };
  for (const auto& [product, load_id] : s.loads) add_load(product, load_id);
  for (const auto& phone : lab.phones) {
    if (phone.load) add_load(phone.model, *phone.load);
  }
  files.transport_layer_protocol = s.sip.tcp ? services::config::transport::kTcp
                                             : services::config::transport::kUdp;

  services::sip::RegistrarConfig& registrar = plan.sip.registrar;
  for (const auto& phone : lab.phones) {
    if (phone.lines.empty()) continue;  // unprovisioned: the phone gets XMLDefault.cnf.xml
    services::config::Phone generated;
    generated.mac = phone.mac;
    generated.model = cisco_model(phone.model).name;
    generated.description = phone.id;
    generated.load_id = phone.load.value_or("");
    for (const auto& line : phone.lines) {
      std::string password;
      if (line.password) {
        auto secret = line.password->resolve();
        if (!secret) {
          return api::fail(api::Fault::config, fmt::format("phone '{}' line {}: {}", phone.id,
                                                           line.dn, secret.error().message));
        }
        password = std::move(*secret);
      }
      services::config::Line out;
      out.directory_number = line.dn;
      out.auth_name = line.user();
      out.display_name = line.display_name.value_or(line.dn);
      out.password = password;
      out.port = s.sip.port;
      generated.lines.push_back(std::move(out));
      registrar.users[line.dn] = password;
      if (line.user() != line.dn) {
        registrar.users[line.user()] = password;
        registrar.auth_names[line.dn] = line.user();
      }
    }
    files.phones.push_back(std::move(generated));
  }

  // DHCP: reservations for phones with an address, the pool for the others.
  if (plan.dhcp_at) {
    services::dhcp::Config& dhcp = plan.dhcp;
    dhcp.interface = plan.dhcp_at->device;
    dhcp.server_address = plan.dhcp_at->address;
    dhcp.subnet_mask = mask_of(plan.dhcp_at->prefix_length);
    dhcp.routers = s.dhcp.routers;
    dhcp.dns_servers = s.dhcp.dns;
    dhcp.domain = s.dhcp.domain.value_or("");
    dhcp.lease_time_s = s.dhcp.lease_s;
    if (s.dhcp.send_option150) {
      dhcp.tftp_servers = s.dhcp.tftp_servers;
      if (dhcp.tftp_servers.empty()) {
        auto tftp_at = plan.tftp_at ? api::Result<Binding>(*plan.tftp_at) : binding_for(lab, s.tftp);
        if (!tftp_at) return wire::unexpected(tftp_at.error());
        dhcp.tftp_servers.push_back(tftp_at->address);
      }
    }
    dhcp.tftp_server_name = s.dhcp.option66.value_or("");
    for (const auto& phone : lab.phones) {
      if (phone.address) {
        dhcp.reservations.push_back({phone.mac, *phone.address, phone.device_name()});
      } else {
        dhcp.allowed.push_back(phone.mac);
      }
    }
    if (s.dhcp.pool) dhcp.pool = services::dhcp::Pool{s.dhcp.pool->first, s.dhcp.pool->last};
    dhcp.lease_file = s.dhcp.lease_file.value_or(state_dir / "dhcp.leases");
  }

  if (plan.sip_at) {
    services::sip::Config& sip = plan.sip;
    sip.address = plan.sip_at->address;
    sip.port = s.sip.port;
    sip.interface = plan.sip_at->device;
    sip.udp = s.sip.udp;
    sip.tcp = s.sip.tcp;
    registrar.realm = s.sip.realm;
    registrar.auth = s.sip.digest;
    if (s.sip.granted_expires) {
      registrar.granted_expires = static_cast<std::uint32_t>(*s.sip.granted_expires);
    }
    registrar.min_expires = static_cast<std::uint32_t>(s.sip.min_expires);
    registrar.max_expires = static_cast<std::uint32_t>(s.sip.max_expires);
  }

  if (plan.cdp_at) {
    if (!lab.switch_config || !lab.switch_config->vlans) {
      return api::fail(api::Fault::config,
                       "services.cdp announces the voice VLAN: switch.vlans must name it");
    }
    services::discovery::Config& cdp = plan.cdp;
    cdp.interface = plan.cdp_at->device;
    cdp.device_id = s.cdp.device_id;
    cdp.port_id = s.cdp.port_id;
    cdp.voice_vlan = lab.switch_config->vlans->voice;
    cdp.native_vlan = lab.switch_config->vlans->data;
    cdp.power_available_mw = s.cdp.power_available_mw;
    cdp.interval = std::chrono::seconds(s.cdp.interval_s);
    cdp.lldp = s.cdp.lldp;
  }
  plan.http_missing_status = s.http.missing_status;
  plan.tftp_root = s.tftp.root;
  return plan;
}

}  // namespace phonerig::app
