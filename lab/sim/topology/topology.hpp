// Brings a simulated lab instance up and down (lab/sim/README.md): namespaces, veths,
// addresses, snmpd, the switch program, the relayed layout's gateway; `lab attach`'s
// taggers. Every namespace and process is recorded in the instance's ledger
// (/run/phonerig/lab-I/ledger.json) BEFORE it is created, so down() after a crash finds it.
// Needs root. No output: results and errors are returned; the CLI prints them.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "drivers/api/result.hpp"
#include "lab/sim/topology/plan.hpp"

namespace phonerig::sim::topology {

struct UpOptions {
  // Start phonerig-sim-switch (false: namespaces, links and snmpd only; for tests of the
  // topology itself, and hosts where the switch is not built).
  bool start_switch = true;
  std::chrono::milliseconds switch_timeout{10000};  // until its control socket appears
};

struct UpResult {
  std::string community_source;  // "env:PHONERIG_SIM_SNMP_COMMUNITY" or the stored file
  double seconds = 0;
};

// Fault::config for a bad plan; Fault::rig when the instance is already up (its state
// folder exists) or anything fails; on a failure everything created so far is removed.
api::Result<UpResult> up(const Plan& plan, const UpOptions& options = {});

struct DownResult {
  int processes = 0;   // ended
  int namespaces = 0;  // removed
  bool state_removed = false;
  std::vector<std::string> problems;  // what could not be removed
};

// Ends every process of the instance (ledger PIDs whose /proc/PID/cmdline still matches,
// then whatever still runs inside its namespaces), deletes its namespaces (the ledger's
// and any /run/netns/phr-I-*), removes its state folder. Idempotent.
api::Result<DownResult> down(std::string_view instance,
                             const std::filesystem::path& run_root = kRunRoot);

// The status as JSON: summary_json() of the plan plus, per phone, the switch's view
// (power, link) and any attached TAP, and whether each process runs. Fault::rig when the
// instance is not up.
api::Result<std::string> status_json(std::string_view instance,
                                     const std::filesystem::path& run_root = kRunRoot);

// `lab attach`: the port's link up (PoE stays off) and a tagger in the phone's namespace;
// returns the TAP's name. vlan: "voice" or "data".
api::Result<std::string> attach(std::string_view instance, std::string_view phone,
                                std::string_view vlan,
                                const std::filesystem::path& run_root = kRunRoot);
api::Result<bool> detach(std::string_view instance, std::string_view phone,
                         const std::filesystem::path& run_root = kRunRoot);

// The community of an instance that is up (PHONERIG_SIM_SNMP_COMMUNITY when set, else the
// one `up` generated and stored); nullopt when neither exists.
std::optional<std::string> community(std::string_view instance,
                                     const std::filesystem::path& run_root = kRunRoot);

// The instance's rig namespace, when the instance is up ("phr-I-rig").
std::optional<std::string> rig_netns(std::string_view instance,
                                     const std::filesystem::path& run_root = kRunRoot);

// One request on the switch's control socket (a JSON object per line): the answer line.
api::Result<std::string> control_request(const std::filesystem::path& socket,
                                         const std::string& request,
                                         std::chrono::milliseconds timeout = std::chrono::milliseconds(3000));

}  // namespace phonerig::sim::topology
