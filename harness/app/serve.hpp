// `phonerig serve`: every service the lab file declares, on the interfaces it names, until
// SIGINT/SIGTERM; or, with --write-files, only the generated per-phone files, written to a
// folder for another TFTP server.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace phonerig::app {

struct ServeOptions {
  std::optional<std::string> lab_file;              // nullopt: the built-in simulated lab
  std::optional<std::filesystem::path> events_file; // JSON lines, appended
  std::optional<std::filesystem::path> write_files; // write the generated files and exit
  bool verbose = false;                             // every event on stdout as it happens
  std::string instance = "0";                       // simulated lab: whose rig namespace
};

// 0 after a clean stop, 2 for a bad lab file or credential reference, 3 when the rig
// cannot serve (interface missing, address in use, port taken).
int serve(const ServeOptions& options);

}  // namespace phonerig::app
