// The lease file: an append-only journal of lease records (lease.hpp, one line each).
//
// Durability trade-off: records are appended to an in-memory buffer that a writer thread
// hands to the file with one write() per batch, every `flush_interval` (100 ms by default,
// Config::lease_flush_interval), and at close. There is no fsync per lease: fdatasync runs
// only at compaction (start) and at close (stop). So
// - the server process crashing loses at most the lease changes of the last interval;
// - the host crashing (power loss) loses what the kernel had not yet written back (the
//   page cache, up to its writeback delay, ~30 s by default on Linux);
// and a lost record costs little here: reservations give the same address again anyway,
// and a pool client whose lease was lost gets NAK/silence on INIT-REBOOT and starts over
// with DISCOVER (RFC 2131 section 3.2). Kea's memfile backend makes a similar choice
// (appends, no fsync); dnsmasq rewrites and fsyncs its whole file per change, which caps
// it near 250 DORA/s on this VM's disk (tests/bench/peers/README.md). The write() runs on
// the writer thread, never on the thread that answers clients: a write that stalls on a
// busy disk (dirty-page throttling) delays no reply.
//
// At start the journal is read (the last record per MAC wins, declined addresses per
// address; a torn last line is skipped), and rewritten compacted: the records the core
// keeps, written to "<file>.tmp", fdatasync'ed, renamed over the file.
#pragma once

#include "drivers/api/result.hpp"
#include "drivers/services/dhcp/lease.hpp"

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace phonerig::services::dhcp {

// The records of a journal file; a missing file is empty. Errors: unreadable file.
api::Result<std::vector<Lease>> load_journal(const std::filesystem::path& path);

class LeaseJournal {
public:
  // Writes `records` as the new, compacted journal, opens it for appending and starts the
  // writer thread.
  static api::Result<std::unique_ptr<LeaseJournal>>
  create(const std::filesystem::path& path, const std::vector<Lease>& records,
         std::chrono::milliseconds flush_interval = std::chrono::milliseconds(100));
  ~LeaseJournal();
  LeaseJournal(const LeaseJournal&) = delete;
  LeaseJournal& operator=(const LeaseJournal&) = delete;

  void append(const Lease& lease); // buffered; thread-safe
  // Stops the writer thread, writes what is left, fdatasyncs and closes; idempotent.
  // False with `error` set when a write or the sync failed.
  bool close(std::string& error);
  // The last write error of the writer thread, empty when none.
  std::string last_error() const;

private:
  LeaseJournal(std::filesystem::path path, int fd, std::chrono::milliseconds interval);
  void run();
  bool write_pending(std::unique_lock<std::mutex>& lock);

  std::filesystem::path path_;
  int fd_ = -1;
  std::chrono::milliseconds interval_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::string buffer_;
  std::string error_;
  bool closing_ = false;
  std::thread writer_;
};

} // namespace phonerig::services::dhcp
