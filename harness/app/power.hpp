// `phonerig power on|off|cycle|status TARGET... [--lab FILE]`: drives the switch the lab
// file names (address, SNMP version, profile, credentials by reference, port names) and
// prints the state read back per port.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace phonerig::app {

struct PowerOptions {
  std::string action;                   // on, off, cycle, status
  std::vector<std::string> targets;     // phone ids from the lab file, or port names
  std::optional<std::string> lab_file;  // nullopt: the built-in simulated lab
  bool json = false;
  std::string instance = "0";  // simulated lab: whose rig namespace and community
};

// 0 when every port reached the state asked (or was read); 2 for a bad lab file, target or
// credential reference; 3 when the switch failed (unreachable, refused, a port that did
// not reach the state asked), naming the port and the reason.
int power(const PowerOptions& options);

}  // namespace phonerig::app
