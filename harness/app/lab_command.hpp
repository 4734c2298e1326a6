// `phonerig lab up|down|status|attach|detach`: a simulated lab instance on this machine
// (lab/sim/topology/README.md).
#pragma once

#include <optional>
#include <string>

namespace CLI {
class App;
}

namespace phonerig::app {

struct LabOptions {
  std::string action;                   // up, down, status, attach, detach
  std::optional<std::string> lab_file;  // nullopt: the built-in simulated lab
  std::string instance = "0";
  bool json = false;                    // status
  std::string phone;                    // attach, detach
  std::string vlan = "voice";           // attach
  bool no_switch = false;               // up: namespaces, links and snmpd only
};

// Adds `lab` and its subcommands to the CLI, filling `options` when parsed.
CLI::App* add_lab_command(CLI::App& app, LabOptions& options);

// 0 on success; 2 for a bad lab file, instance id or phone; 3 when the lab cannot be brought
// up (or is not up), naming what failed.
int lab_command(const LabOptions& options);

// For `serve` and `power` on a simulated lab: the instance's rig namespace (nullopt and a
// message on stderr when it is not up), and its SNMP community.
std::optional<std::string> simulated_rig_netns(const std::string& instance, const char* command);
std::optional<std::string> simulated_community(const std::string& instance);

}  // namespace phonerig::app
