// The PoE switch emulator (DESIGN.md, "The simulated lab"): an AgentX subagent on net-snmp's
// agent library, attached to a real `snmpd` (the master agent) over its own AgentX socket,
// serving the MIBs of mib_model.hpp for a configurable number of ports.
//
// Threading: net-snmp's agent library is one global state per process, so there is at most
// one Agent per process (start() refuses a second), and it runs its own thread, which does
// every net-snmp call (init, agent_check_and_process, shutdown). The handoff is explicit:
// the host's calls below take a mutex on the model; power changes made over SNMP are posted
// to the executor the host gave, so on_power_change runs there, never on the agent thread.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "drivers/api/result.hpp"
#include "lab/sim/poe-agent/mib_model.hpp"

namespace phonerig::sim::poe {

struct AgentConfig {
  std::filesystem::path agentx_socket;   // the master's `agentXSocket`; a unix socket path
  std::filesystem::path persistent_dir;  // net-snmp's state for this instance (created)
  std::string app_name = "phonerig-poe-agent";  // net-snmp application name (config type)
  ModelConfig model;
  std::chrono::milliseconds agentx_ping{1000};  // reconnect period when the master is away
  bool log_to_stderr = false;  // the standalone program; a library host reads log_lines()
};

class Agent {
 public:
  // (port, on): after a set through SNMP changed a port's power, on the host's executor.
  using PowerHandler = std::function<void(int port, bool on)>;

  static api::Result<std::unique_ptr<Agent>> start(boost::asio::any_io_executor executor,
                                                   AgentConfig config,
                                                   PowerHandler on_power_change);
  ~Agent();
  Agent(const Agent&) = delete;
  Agent& operator=(const Agent&) = delete;

  // Stops the agent thread and shuts net-snmp down; idempotent.
  void stop();

  // The host's side; ports are 1..ports. Changes through set_power() are not reported to
  // on_power_change (the host made them).
  void set_power(int port, bool on);
  bool power(int port) const;
  Detection detection(int port) const;
  void set_pd_present(int port, bool present);  // no PD: the port searches forever
  void set_forced_detection(int port, std::optional<Detection> detection);  // fault, test...
  void set_if_index(int port, std::uint32_t if_index);  // entAliasMapping, cdpCache index
  void set_cdp_neighbour(int port, std::optional<CdpNeighbour> neighbour);
  void set_lldp_neighbour(int port, std::optional<LldpNeighbour> neighbour);

  // What net-snmp logged (when not logging to stderr), oldest first.
  std::vector<std::string> log_lines() const;

  struct Impl;

 private:
  explicit Agent(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace phonerig::sim::poe
