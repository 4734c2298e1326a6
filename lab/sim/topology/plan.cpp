#include "lab/sim/topology/plan.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <nlohmann/json.hpp>

namespace phonerig::sim::topology {

namespace {

using nlohmann::json;

wire::Unexpected<api::Error> config(std::string message) {
  return api::fail(api::Fault::config, std::move(message));
}

std::uint32_t mask_of(int prefix) { return prefix == 0 ? 0u : ~std::uint32_t{0} << (32 - prefix); }

std::string with_prefix(wire::Ipv4 address, int prefix) {
  return address.to_string() + "/" + std::to_string(prefix);
}

// The model's load family: CP-78xx phones run sip78xx loads, the 88xx sip88xx.
std::string family_of(const std::string& model) {
  return model.find("78") != std::string::npos ? "sip78xx" : "sip88xx";
}

json knobs_json(const scenario::Lab& lab, const scenario::Phone& phone, std::size_t index,
                const Plan& plan, const PhonePlan& out) {
  const scenario::SimPhoneKnobs knobs = lab.sim->knobs_for(phone.id);
  // The running load: the knob, else what the lab expects for the phone or its model (so
  // by default no upgrade happens), else the model family's current load.
  std::string running = family_of(phone.model) + ".14-2-1-0001-14";
  if (phone.load) running = *phone.load;
  for (const auto& [model, load] : lab.services.loads) {
    if (model == phone.model && !phone.load) running = load;
  }
  if (knobs.running_load) running = *knobs.running_load;
  json skip = json::array();
  if (knobs.skip) {
    for (const auto& step : *knobs.skip) skip.push_back(step);
  }
  const std::string id = phone.id;
  return json{
      {"id", id},
      {"mac", phone.mac.to_string()},
      {"model", phone.model},
      {"running_load", running},
      {"inactive_load", knobs.inactive_load.value_or(family_of(phone.model) + ".12-8-1-0001-1")},
      {"boot_delay_ms", knobs.boot_delay_ms.value_or(3000)},
      {"skip", skip},
      {"http", knobs.http.value_or(true)},
      {"ignore_option_150", knobs.ignore_option_150.value_or(false)},
      {"voip_vlan_query", knobs.voip_vlan_query.value_or(false)},
      {"password_override",
       knobs.password_override ? json(*knobs.password_override) : json(nullptr)},
      {"udp_transport", knobs.udp_transport.value_or(false)},
      {"crash_during_firmware", knobs.crash_during_firmware.value_or(false)},
      {"cdp", knobs.cdp.value_or(true)},
      {"softkeys_after_register", knobs.softkeys_after_register.value_or(false)},
      {"short_timers", knobs.short_timers.value_or(false)},
      {"seed", knobs.seed.value_or(static_cast<std::uint32_t>(index + 1))},
      {"port_interface", out.ifname},
      {"tap", "voice0"},
      {"flash", out.flash_dir.string()},
      {"events", (plan.state_dir / "phones" / (id + ".events.jsonl")).string()},
  };
}

json fault_json(const scenario::SimFault& fault) {
  json out;
  if (fault.port) {
    out["scope"] = json{{"port", *fault.port}};
  } else {
    out["scope"] = json{{"vlan", fault.vlan.value_or(0)}};
  }
  if (fault.loss_percent > 0) out["loss_percent"] = fault.loss_percent;
  if (fault.delay_ms > 0) out["delay_ms"] = fault.delay_ms;
  if (fault.duplicate_percent > 0) out["duplicate_percent"] = fault.duplicate_percent;
  if (fault.corrupt_percent > 0) out["corrupt_percent"] = fault.corrupt_percent;
  if (fault.reorder_percent > 0) out["reorder_percent"] = fault.reorder_percent;
  return out;
}

std::string_view profile_name(scenario::PoeProfile profile) {
  switch (profile) {
    case scenario::PoeProfile::rfc3621: return "rfc3621";
    case scenario::PoeProfile::cisco: return "cisco";
    case scenario::PoeProfile::apc_pdu: return "apc-pdu";
  }
  return "rfc3621";
}

// The VLAN a rig interface's port carries: by its logical name, voice or data.
std::optional<std::uint16_t> vlan_of(const scenario::RigInterface& rig, std::uint16_t voice,
                                     std::uint16_t data) {
  if (rig.name == "voice") return voice;
  if (rig.name == "data") return data;
  return std::nullopt;
}

}  // namespace

std::optional<std::string> instance_problem(std::string_view instance) {
  const bool good = !instance.empty() && instance.size() <= 8 &&
                    std::all_of(instance.begin(), instance.end(), [](char c) {
                      return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
                    });
  if (good) return std::nullopt;
  return "an instance id is 1-8 lower-case letters or digits, got '" + std::string(instance) + "'";
}

std::string namespace_prefix(std::string_view instance) {
  return "phr-" + std::string(instance) + "-";
}

std::filesystem::path state_dir(std::string_view instance, const std::filesystem::path& run_root) {
  return run_root / ("lab-" + std::string(instance));
}

std::string switch_ifname_of(int port_number) { return fmt::format("gi1-0-{}", port_number); }

const PhonePlan* Plan::find_phone(std::string_view id_or_port) const {
  for (const auto& phone : phones) {
    if (phone.id == id_or_port || phone.port == id_or_port) return &phone;
  }
  return nullptr;
}

api::Result<Plan> plan(const scenario::Lab& lab, std::string_view instance,
                       const std::filesystem::path& bin_dir,
                       const std::filesystem::path& run_root) {
  if (!lab.simulated()) {
    return config(lab.file + " is not a simulated lab (it has no sim: section)");
  }
  if (auto problem = instance_problem(instance)) return config(*problem);
  if (!lab.switch_config || !lab.switch_config->vlans) {
    return config(lab.file + ": a simulated lab needs switch.address and switch.vlans "
                             "(voice and data)");
  }
  const scenario::SwitchConfig& sw = *lab.switch_config;
  Plan p;
  p.instance = std::string(instance);
  p.state_dir = state_dir(instance, run_root);
  p.bin_dir = bin_dir;
  p.layout = lab.sim->layout;
  p.voice_vlan = sw.vlans->voice;
  p.data_vlan = sw.vlans->data;
  const std::string prefix = namespace_prefix(instance);
  p.switch_netns = prefix + "sw";
  p.rig_netns = prefix + "rig";
  p.namespaces = {p.switch_netns, p.rig_netns};

  const auto& dir = p.state_dir;
  p.ledger_path = dir / "ledger.json";
  p.switch_config_path = dir / "switch.json";
  p.snmpd_conf_path = dir / "snmpd.conf";
  p.agentx_socket = dir / "agentx.sock";
  p.control_socket = dir / "switch.sock";
  p.events_path = dir / "switch-events.jsonl";
  p.community_path = dir / "snmp-community";
  p.snmpd_log = dir / "snmpd.log";
  p.snmpd_pid = dir / "snmpd.pid";
  p.snmpd_persistent = dir / "snmp";
  p.switch_log = dir / "switch.log";

  // Management link: the switch's address/30, the rig the other host of that /30.
  p.switch_address = sw.address;
  const std::uint32_t net = sw.address.value & mask_of(30);
  const std::uint32_t host = sw.address.value - net;
  if (host != 1 && host != 2) {
    return config(fmt::format("{}: switch.address {} must be the first or second host of its "
                              "/30 (the rig takes the other)",
                              lab.file, sw.address.to_string()));
  }
  const wire::Ipv4 rig_mgmt{net + (host == 1 ? 2 : 1)};
  p.rig_mgmt_address = with_prefix(rig_mgmt, 30);
  p.mgmt_subnet = with_prefix(wire::Ipv4{net}, 30);
  p.veths.push_back(Veth{p.switch_netns, p.switch_mgmt_ifname, p.rig_netns, p.rig_mgmt_ifname,
                         with_prefix(sw.address, 30), p.rig_mgmt_address, true, true});

  // Phones: one namespace and one access port each.
  int highest = 0;
  for (std::size_t i = 0; i < lab.phones.size(); ++i) {
    const scenario::Phone& phone = lab.phones[i];
    const auto number = phone.port ? scenario::sim_port_number(*phone.port) : std::nullopt;
    if (!number) {
      return config(fmt::format("{}: phone '{}' needs a port of the simulated switch (Gi1/0/N)",
                                lab.file, phone.id));
    }
    PhonePlan out;
    out.id = phone.id;
    out.mac = phone.mac;
    out.model = phone.model;
    out.port = fmt::format("Gi1/0/{}", *number);
    out.number = *number;
    out.switch_ifname = switch_ifname_of(*number);
    out.netns = prefix + "p" + std::to_string(i + 1);
    out.config_path = dir / "phones" / (phone.id + ".json");
    out.log_path = dir / "phones" / (phone.id + ".log");
    out.flash_dir = dir / "flash" / phone.id;
    out.config_json = knobs_json(lab, phone, i, p, out).dump(2) + "\n";
    highest = std::max(highest, *number);
    p.phones.push_back(std::move(out));
  }
  p.snmp_ports = std::max(48, (highest + 47) / 48 * 48);

  // Rig ports: one untagged switch port per VLAN the rig serves on, and the mirror port.
  int next_number = p.snmp_ports + 1;
  const scenario::RigInterface* capture = nullptr;
  for (const auto& rig : lab.rig.interfaces) {
    const auto* device = std::get_if<scenario::ExistingDevice>(&rig.link);
    if (device == nullptr) {
      return config(fmt::format("{}: rig interface '{}' is an 802.1Q interface; in a simulated "
                                "lab each rig interface is a device: (a switch port)",
                                lab.file, rig.name));
    }
    if (!rig.serves()) {
      if (capture != nullptr) {
        return config(fmt::format("{}: rig interfaces '{}' and '{}' both only capture; the "
                                  "simulated switch has one mirror port",
                                  lab.file, capture->name, rig.name));
      }
      capture = &rig;
      continue;
    }
    auto vlan = vlan_of(rig, p.voice_vlan, p.data_vlan);
    if (!vlan) {
      return config(fmt::format("{}: rig interface '{}' serves, but in a simulated lab a serving "
                                "interface is named voice or data (the VLAN whose port it takes)",
                                lab.file, rig.name));
    }
    for (const auto& earlier : p.rig_ports) {
      if (earlier.vlan == *vlan) {
        return config(fmt::format("{}: rig interfaces '{}' and '{}' both take VLAN {}", lab.file,
                                  earlier.logical, rig.name, *vlan));
      }
    }
    RigPort port;
    port.logical = rig.name;
    port.device = device->ifname;
    port.vlan = *vlan;
    port.switch_ifname = fmt::format("rig{}", *vlan);
    port.number = next_number++;
    if (rig.address) port.address = rig.address->to_string();
    p.rig_ports.push_back(std::move(port));
  }
  if (capture == nullptr) {
    return config(lab.file + ": a simulated lab needs a rig interface with role capture (the "
                             "switch's mirror port)");
  }

  // Relayed layout: a gateway between the voice and data VLANs, relaying DHCP to the rig.
  json gateway_ports = json::array();
  if (p.layout == scenario::SimLayout::relayed) {
    const RigPort* data_port = nullptr;
    for (const auto& port : p.rig_ports) {
      if (port.vlan == p.data_vlan) data_port = &port;
    }
    if (data_port == nullptr || data_port->address.empty()) {
      return config(lab.file + ": the relayed layout needs a rig interface named data with an "
                               "address (the rig sits on the data VLAN)");
    }
    if (lab.services.dhcp.routers.empty()) {
      return config(lab.file + ": the relayed layout needs services.dhcp.routers: the first is "
                               "the gateway's address on the voice VLAN");
    }
    auto data_net = scenario::InterfaceAddress::parse(data_port->address);
    if (!data_net) return wire::unexpected(data_net.error());
    const std::uint32_t data_mask = mask_of(data_net->prefix_length);
    std::uint32_t gw_data = (data_net->address.value & data_mask) + 1;
    if (gw_data == data_net->address.value) ++gw_data;
    const wire::Ipv4 gw_voice = lab.services.dhcp.routers.front();
    Gateway gw;
    gw.netns = prefix + "gw";
    gw.voice_address = with_prefix(gw_voice, 24);
    gw.data_address = with_prefix(wire::Ipv4{gw_data}, data_net->prefix_length);
    gw.relay_log = dir / "dhcrelay.log";
    gw.relay_pid = dir / "dhcrelay.pid";
    wire::Ipv4 dhcp_server = data_net->address;
    for (const auto& rig : lab.rig.interfaces) {
      if (lab.services.dhcp.interface && rig.name == *lab.services.dhcp.interface &&
          rig.address) {
        dhcp_server = rig.address->address;
      }
    }
    gw.relay_argv = {"/usr/sbin/dhcrelay", "-4",  "-d",   "-q",  "-pf", gw.relay_pid.string(),
                     "-id",                gw.voice_ifname, "-iu", gw.data_ifname,
                     dhcp_server.to_string()};
    p.namespaces.push_back(gw.netns);
    const std::string voice_sw = fmt::format("gw{}", p.voice_vlan);
    const std::string data_sw = fmt::format("gw{}", p.data_vlan);
    p.veths.push_back(Veth{p.switch_netns, voice_sw, gw.netns, gw.voice_ifname, "",
                           gw.voice_address, true, true});
    p.veths.push_back(Veth{p.switch_netns, data_sw, gw.netns, gw.data_ifname, "",
                           gw.data_address, true, true});
    gateway_ports.push_back(json{{"name", voice_sw}, {"number", next_number++}, {"kind", "rig"},
                                 {"vlan", p.voice_vlan}});
    gateway_ports.push_back(json{{"name", data_sw}, {"number", next_number++}, {"kind", "rig"},
                                 {"vlan", p.data_vlan}});
    const std::uint32_t voice_net = gw_voice.value & mask_of(24);
    p.routes.push_back(Route{p.rig_netns, with_prefix(wire::Ipv4{voice_net}, 24),
                             wire::Ipv4{gw_data}.to_string()});
    p.gateway = std::move(gw);
  }
  RigPort span;
  span.logical = capture->name;
  span.device = std::get<scenario::ExistingDevice>(capture->link).ifname;
  span.switch_ifname = "span";
  span.number = std::max(next_number, p.snmp_ports + 4);
  p.rig_ports.push_back(span);

  for (const auto& port : p.rig_ports) {
    p.veths.push_back(
        Veth{p.switch_netns, port.switch_ifname, p.rig_netns, port.device, "", port.address});
  }
  for (const auto& phone : p.phones) {
    p.namespaces.push_back(phone.netns);
    // Access ports start with the link down: the switch brings its side up on PoE.
    p.veths.push_back(
        Veth{p.switch_netns, phone.switch_ifname, phone.netns, phone.ifname, "", "", false, true});
  }

  // Services, as `serve` will bind them (for status and scripts).
  auto endpoint = [&](const char* name, const scenario::ServiceCommon& service,
                      const char* transport, std::uint16_t port) {
    if (!service.served()) return;
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
    if (where == nullptr) return;
    ServiceEndpoint out;
    out.name = name;
    out.transport = transport;
    out.address = where->address ? where->address->address.to_string() : "";
    out.port = port;
    if (const auto* device = std::get_if<scenario::ExistingDevice>(&where->link)) {
      out.device = device->ifname;
    }
    p.services.push_back(std::move(out));
  };
  const scenario::Services& s = lab.services;
  endpoint("cdp", s.cdp, "l2", 0);
  endpoint("dhcp", s.dhcp, "udp", 67);
  endpoint("tftp", s.tftp, "udp", s.tftp.port);
  endpoint("http", s.http, "tcp", s.http.port);
  endpoint("sip", s.sip, s.sip.udp && s.sip.tcp ? "udp+tcp" : (s.sip.tcp ? "tcp" : "udp"),
           s.sip.port);

  // switch.json (lab/sim/README.md).
  const scenario::SimSwitch& knobs = lab.sim->switch_knobs;
  json ports = json::array();
  for (const auto& phone : p.phones) {
    ports.push_back(json{
        {"name", phone.switch_ifname},
        {"number", phone.number},
        {"kind", "access"},
        {"vlan", p.data_vlan},
        {"voice_vlan", p.voice_vlan},
        {"mirrored", true},
        {"poe_port", phone.number},
        {"phone",
         json{{"netns", phone.netns},
              {"argv", json::array({(bin_dir / "phonerig-sim-phone").string(), "--config",
                                    phone.config_path.string()})},
              {"log", phone.log_path.string()}}},
    });
  }
  for (const auto& port : p.rig_ports) {
    if (port.vlan == 0) continue;
    ports.push_back(json{{"name", port.switch_ifname}, {"number", port.number}, {"kind", "rig"},
                         {"vlan", port.vlan}});
  }
  for (auto& port : gateway_ports) ports.push_back(port);
  ports.push_back(json{{"name", "span"}, {"number", span.number}, {"kind", "mirror"}});
  json faults = json::array();
  for (const auto& fault : knobs.faults) faults.push_back(fault_json(fault));
  const json switch_config = {
      {"identity",
       json{{"device_id", p.switch_netns},
            {"platform", "cisco WS-C3850-48P"},
            {"software", "Cisco IOS Software, phonerig simulated switch"},
            {"mac", "02:00:5e:00:53:01"},
            {"address", sw.address.to_string()}}},
      {"announce", knobs.announce},
      {"cdp_interval_s", knobs.cdp_interval_s},
      {"lldp_interval_s", 30},
      {"seed", knobs.seed},
      {"ports", ports},
      {"faults", faults},
      {"snmp", json{{"agentx", p.agentx_socket.string()},
                    {"persistent_dir", p.snmpd_persistent.string() + "-agent"},
                    {"profile", std::string(profile_name(sw.profile))},
                    {"ports", p.snmp_ports}}},
      {"control", p.control_socket.string()},
      {"events", p.events_path.string()},
  };
  p.switch_json = switch_config.dump(2) + "\n";

  p.snmpd_env = {"MIBS=", "SNMP_PERSISTENT_DIR=" + p.snmpd_persistent.string()};
  p.snmpd_argv = {"/usr/sbin/snmpd", "-f", "-C", "-c", p.snmpd_conf_path.string(), "-Lf",
                  p.snmpd_log.string(), "-p", p.snmpd_pid.string()};
  p.switch_argv = {(bin_dir / "phonerig-sim-switch").string(), "--config",
                   p.switch_config_path.string()};
  return p;
}

std::string snmpd_conf(const Plan& plan, const std::string& community) {
  return fmt::format(
      "# phonerig simulated lab {}: written by `phonerig lab up`, removed by `lab down`.\n"
      "agentaddress udp:{}:161\n"
      "master agentx\n"
      "agentXSocket {}\n"
      "agentXTimeout 5\n"
      "agentXPerms 0600 0700\n"
      "sysDescr Cisco IOS Software, phonerig simulated switch {}\n"
      "sysName {}\n"
      "# read-write, so read too: a read-only line of the same community would win for sets\n"
      "rwcommunity {} {}\n",
      plan.instance, plan.switch_address.to_string(), plan.agentx_socket.string(), plan.instance,
      plan.switch_netns, community, plan.mgmt_subnet);
}

std::string summary_json(const Plan& plan) {
  json phones = json::array();
  for (const auto& phone : plan.phones) {
    phones.push_back(json{{"id", phone.id},
                          {"mac", phone.mac.to_string()},
                          {"model", phone.model},
                          {"netns", phone.netns},
                          {"interface", phone.ifname},
                          {"port", phone.port},
                          {"switch_interface", phone.switch_ifname},
                          {"poe_port", phone.number}});
  }
  json rig_interfaces = json::array();
  for (const auto& port : plan.rig_ports) {
    json one = {{"name", port.logical},
                {"device", port.device},
                {"switch_interface", port.switch_ifname}};
    if (port.vlan != 0) {
      one["vlan"] = port.vlan;
    } else {
      one["mirror"] = true;
    }
    if (!port.address.empty()) one["address"] = port.address;
    rig_interfaces.push_back(std::move(one));
  }
  json services = json::array();
  for (const auto& service : plan.services) {
    services.push_back(json{{"name", service.name},
                            {"transport", service.transport},
                            {"address", service.address},
                            {"port", service.port},
                            {"device", service.device}});
  }
  json out = {
      {"instance", plan.instance},
      {"state_dir", plan.state_dir.string()},
      {"layout", std::string(scenario::to_string(plan.layout))},
      {"vlans", json{{"voice", plan.voice_vlan}, {"data", plan.data_vlan}}},
      {"rig", json{{"netns", plan.rig_netns},
                   {"interfaces", rig_interfaces},
                   {"switch_mgmt", json{{"device", plan.rig_mgmt_ifname},
                                        {"address", plan.rig_mgmt_address}}}}},
      {"switch", json{{"netns", plan.switch_netns},
                      {"address", plan.switch_address.to_string()},
                      {"snmp", plan.switch_address.to_string() + ":161"},
                      {"control", plan.control_socket.string()},
                      {"ports", plan.snmp_ports}}},
      {"services", services},
      {"phones", phones},
  };
  if (plan.gateway) {
    out["gateway"] = json{{"netns", plan.gateway->netns},
                          {"voice", json{{"device", plan.gateway->voice_ifname},
                                         {"address", plan.gateway->voice_address}}},
                          {"data", json{{"device", plan.gateway->data_ifname},
                                        {"address", plan.gateway->data_address}}}};
  }
  return out.dump();
}

}  // namespace phonerig::sim::topology
