// `phonerig doctor`: what this rig host's kernel, privileges, tools and NICs support, each
// check tried for real in a throwaway namespace (created and removed by the check), never
// guessed from version numbers. With --lab, the lab's interfaces and switch too.
#pragma once

#include <optional>
#include <string>

namespace phonerig::app {

struct DoctorOptions {
  std::optional<std::string> lab_file;  // nullopt: the built-in simulated lab
  bool json = false;
};

// Exit 0 when everything a run needs works (warnings allowed), 3 when the rig host
// cannot run phonerig (no privileges, no namespaces, no veth, no AF_PACKET), 2 for a bad
// lab file.
int doctor(const DoctorOptions& options);

}  // namespace phonerig::app
