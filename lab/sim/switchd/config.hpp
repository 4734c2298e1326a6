// switch.json (lab/sim/README.md, "phonerig-sim-switch"): what topology writes and the
// switch program reads. Parsed with nlohmann-json; unknown keys and bad values are refused
// with the key's path in the message ("ports[2].vlan: ...").
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "drivers/api/fault_injector.hpp"
#include "drivers/api/result.hpp"
#include "lab/sim/poe-agent/mib_model.hpp"
#include "lab/sim/switch/switch_core.hpp"

namespace phonerig::sim::switchd {

// What a port's PoE starts: `argv` run inside the network namespace /run/netns/<netns>,
// its own process group, stdout and stderr appended to `log`.
struct PhoneSpec {
  std::string netns;
  std::vector<std::string> argv;  // argv[0] an absolute path (execv, no PATH search)
  std::filesystem::path log;
};

struct PortSpec {
  sw::PortConfig port;           // name = the veth in the switch namespace
  std::optional<int> poe_port;   // access ports: the PoE agent's port (1..snmp.ports)
  std::optional<PhoneSpec> phone;
};

struct SnmpSpec {
  std::filesystem::path agentx;          // the running snmpd's agentXSocket
  std::filesystem::path persistent_dir;  // net-snmp state of this instance
  poe::Profile profile = poe::Profile::cisco;
  int ports = 48;
};

struct InitialFaults {
  api::FaultScope scope;
  api::Faults faults;
};

struct Config {
  sw::Identity identity;
  std::optional<wire::Ipv4> address;  // identity.address: the switch's management address
  bool announce = true;
  std::chrono::seconds cdp_interval{60};
  std::chrono::seconds lldp_interval{30};
  std::uint64_t seed = 1;
  std::vector<PortSpec> ports;
  std::vector<InitialFaults> faults;
  std::optional<SnmpSpec> snmp;  // absent: no PoE agent (power only over the control socket)
  std::filesystem::path control;
  std::filesystem::path events;  // empty: no events file

  sw::Config core_config() const;
};

// Parses switch.json text. Fault::config with "switch.json: <path>: <why>" on any problem.
api::Result<Config> parse_config(std::string_view text);
api::Result<Config> load_config(const std::filesystem::path& path);

// The fault keys of switch.json's `faults` entries and of the control socket's `faults`
// object: loss_percent, delay_ms, duplicate_percent, corrupt_percent, reorder_percent,
// reorder_gap_ms. Keys in `allowed_extra` are skipped (the entry's `scope`). Missing keys keep
// their defaults (no impairment).
api::Result<api::Faults> faults_from_json(const nlohmann::json& object, std::string_view where,
                                          const std::vector<std::string>& allowed_extra = {});
nlohmann::json faults_to_json(const api::Faults& faults);

// {"port":"Gi1/0/1"} or {"vlan":100}.
api::Result<api::FaultScope> scope_from_json(const nlohmann::json& object, std::string_view where);
nlohmann::json scope_to_json(const api::FaultScope& scope);

std::string_view to_string(sw::PortKind kind);

}  // namespace phonerig::sim::switchd
