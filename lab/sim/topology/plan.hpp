// The simulated lab's topology as a pure function of the lab file: every namespace, veth,
// address, file and command line an instance needs (lab/sim/README.md, "Names"). up()
// carries a Plan out; plan() itself touches nothing, so every name and every byte of
// switch.json, phone.json and snmpd.conf is unit-tested.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "drivers/api/result.hpp"
#include "drivers/wire/address.hpp"
#include "harness/scenario/lab.hpp"

namespace phonerig::sim::topology {

inline constexpr const char* kRunRoot = "/run/phonerig";
inline constexpr const char* kCommunityEnv = "PHONERIG_SIM_SNMP_COMMUNITY";

// `[a-z0-9]{1,8}`: nullopt when good, else why not.
std::optional<std::string> instance_problem(std::string_view instance);

std::string namespace_prefix(std::string_view instance);  // "phr-I-"
std::filesystem::path state_dir(std::string_view instance,
                                const std::filesystem::path& run_root = kRunRoot);

// One veth pair, both ends created inside their namespaces.
struct Veth {
  std::string a_netns, a_name;
  std::string b_netns, b_name;
  std::string a_address, b_address;  // "198.18.255.1/30", or empty
  bool a_up = true, b_up = true;
};

struct PhonePlan {
  std::string id;
  wire::Mac mac;
  std::string model;
  std::string port;            // "Gi1/0/1"
  int number = 0;              // switch port number (and PoE port)
  std::string switch_ifname;   // "gi1-0-1"
  std::string netns;           // "phr-I-p1"
  std::string ifname = "eth0";
  std::filesystem::path config_path;  // phones/<id>.json
  std::filesystem::path log_path;     // phones/<id>.log
  std::filesystem::path flash_dir;    // flash/<id>/
  std::string config_json;            // phone.json
};

struct RigPort {
  std::string logical;        // the lab's interface name ("voice")
  std::string device;         // rig side ("rig-voice")
  std::uint16_t vlan = 0;     // 0: the mirror port
  std::string switch_ifname;  // "rig100", "span"
  int number = 0;
  std::string address;        // "198.18.0.10/24" or empty
};

struct ServiceEndpoint {
  std::string name;       // dhcp, tftp, http, sip, cdp
  std::string transport;  // udp, tcp, udp+tcp, l2
  std::string address;
  std::uint16_t port = 0;
  std::string device;     // rig interface
};

struct Route {
  std::string netns;
  std::string destination;  // "198.18.0.0/24"
  std::string via;
};

struct Gateway {  // relayed layout only
  std::string netns;
  std::string voice_ifname = "gw-voice", data_ifname = "gw-data";
  std::string voice_address, data_address;  // with prefix
  std::vector<std::string> relay_argv;
  std::filesystem::path relay_log, relay_pid;
};

struct Plan {
  std::string instance;
  std::filesystem::path state_dir;
  std::filesystem::path bin_dir;
  scenario::SimLayout layout = scenario::SimLayout::direct;
  std::uint16_t voice_vlan = 0, data_vlan = 0;

  std::string switch_netns, rig_netns;
  std::vector<std::string> namespaces;  // creation order: switch, rig, gateway, phones
  std::vector<Veth> veths;
  std::vector<PhonePlan> phones;
  std::vector<RigPort> rig_ports;
  std::vector<ServiceEndpoint> services;
  std::vector<Route> routes;
  std::optional<Gateway> gateway;

  wire::Ipv4 switch_address;       // mgmt0, where snmpd answers
  std::string switch_mgmt_ifname = "mgmt0", rig_mgmt_ifname = "sw-mgmt";
  std::string rig_mgmt_address;    // "198.18.255.2/30"
  std::string mgmt_subnet;         // "198.18.255.0/30": the only source snmpd answers
  int snmp_ports = 48;

  std::filesystem::path ledger_path, switch_config_path, snmpd_conf_path, agentx_socket,
      control_socket, events_path, community_path, snmpd_log, snmpd_pid, snmpd_persistent,
      switch_log;
  std::string switch_json;
  std::vector<std::string> snmpd_argv;   // run in the switch namespace
  std::vector<std::string> snmpd_env;    // "NAME=value"
  std::vector<std::string> switch_argv;  // run in the switch namespace

  const PhonePlan* find_phone(std::string_view id_or_port) const;
};

// Fault::config when the lab is not simulated or lacks what the simulated lab needs
// (switch.address and vlans, Gi1/0/N ports, rig interfaces named voice/data and one that
// captures, a router for the relayed layout).
api::Result<Plan> plan(const scenario::Lab& lab, std::string_view instance,
                       const std::filesystem::path& bin_dir,
                       const std::filesystem::path& run_root = kRunRoot);

// snmpd.conf for the plan, with the community (kept out of the Plan: it is a secret).
std::string snmpd_conf(const Plan& plan, const std::string& community);

// What `lab status` reports that does not change while the lab is up: phones, VLANs, the
// rig's namespace and interfaces, services, the switch's SNMP address (JSON object).
std::string summary_json(const Plan& plan);

// "gi1-0-5" for "Gi1/0/5".
std::string switch_ifname_of(int port_number);

}  // namespace phonerig::sim::topology
