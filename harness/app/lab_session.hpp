// The lab as one `phonerig run` uses it: for the simulated lab, its instance (brought up
// when it is not, and taken down again at the end: a run leaves the lab as it found it),
// the process inside the rig's network namespace, the switch's PoE driver settings, the
// simulated switch's fault injector; for a real rig, its namespace and interfaces.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "drivers/api/fault_injector.hpp"
#include "drivers/api/link_control.hpp"
#include "drivers/api/result.hpp"
#include "drivers/power/snmp_poe_switch.hpp"
#include "harness/scenario/lab.hpp"

namespace boost::asio {
class io_context;
}

namespace phonerig::app {

class LabSession {
 public:
  // Brings the simulated instance up when needed and enters the rig's namespace (the
  // whole process: call before any thread starts). Fault::rig when the lab cannot be had.
  static api::Result<std::unique_ptr<LabSession>> open(const scenario::Lab& lab,
                                                       const std::string& instance);
  ~LabSession();
  LabSession(const LabSession&) = delete;
  LabSession& operator=(const LabSession&) = delete;

  bool serves() const;      // at least one service is served by phonerig
  bool has_switch() const;  // the lab names a PoE switch
  api::Result<power::Config> switch_config() const;
  // The real names of the lab's capture interfaces.
  std::vector<std::string> capture_devices() const;
  // Where the services keep state (the DHCP lease journal) for this run.
  const std::filesystem::path& state_dir() const { return state_dir_; }
  // The simulated switch's fault injector; on a real rig, netem on the rig's own interfaces
  // by VLAN (netlink::NetemFaults), opened at the first fault. Fault::rig when netlink
  // cannot be had there.
  api::Result<api::FaultInjector*> faults();
  // Removes (restore = false) or puts back an address of a rig interface: a CallManager
  // group member goes dark.
  api::Result<bool> set_address(wire::Ipv4 address, bool restore);
  // Puts back dropped addresses and takes the instance down when this session brought it
  // up. Idempotent.
  void close();

  bool brought_up() const { return brought_up_; }

 private:
  LabSession() = default;

  scenario::Lab lab_;
  std::string instance_;
  bool brought_up_ = false;
  bool closed_ = false;
  std::optional<std::string> community_;
  std::filesystem::path state_dir_;
  std::optional<std::filesystem::path> control_socket_;
  std::unique_ptr<boost::asio::io_context> link_io_;  // a real rig's netlink (netem)
  std::unique_ptr<api::LinkControl> link_control_;
  std::unique_ptr<api::FaultInjector> faults_;  // uses link_control_ on a real rig
  std::vector<std::pair<std::string, std::string>> dropped_;  // "A/P", device
};

}  // namespace phonerig::app
