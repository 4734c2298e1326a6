// Teardown from the ledger: what a run created and did not remove (it was interrupted,
// crashed or was killed) is removed by the next run, or by the same one on SIGINT.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "drivers/api/result.hpp"

namespace phonerig::netlink {

struct CleanupReport {
  std::size_t removed = 0;       // objects that were there and are now gone
  std::size_t already_gone = 0;  // entries whose object had gone (with its link or namespace)
  std::vector<std::string> unreadable;  // ledger lines skipped: "line N: why"
};

// Removes every live entry of the ledger, newest first (an address before its link, a link
// before its namespace), and records each removal. Entries with no namespace act in the
// calling thread's namespace. When nothing is left the file is deleted; a missing file is an
// empty ledger. Errors name every entry that could not be removed; the others are removed.
api::Result<CleanupReport> cleanup_ledger(const std::filesystem::path& path);

}  // namespace phonerig::netlink
