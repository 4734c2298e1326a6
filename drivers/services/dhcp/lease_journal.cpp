#include "drivers/services/dhcp/lease_journal.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <map>
#include <unistd.h>

namespace phonerig::services::dhcp {

namespace {

std::string errno_text() {
  return std::strerror(errno);
}

bool write_all(int fd, const std::string& data) {
  std::size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    done += static_cast<std::size_t>(n);
  }
  return true;
}

} // namespace

api::Result<std::vector<Lease>> load_journal(const std::filesystem::path& path) {
  std::vector<Lease> out;
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return out;
  std::ifstream in(path);
  if (!in) return api::fail(api::Fault::rig, "dhcp: cannot read lease file " + path.string());
  std::map<wire::Mac, Lease> by_mac;
  std::map<wire::Ipv4, Lease> declined;
  std::string line;
  while (std::getline(in, line)) {
    const auto lease = from_journal_line(line);
    if (!lease) continue; // a torn last line after a crash
    if (lease->state == LeaseState::declined) {
      declined[lease->address] = *lease;
      auto held = by_mac.find(lease->mac);
      if (held != by_mac.end() && held->second.address == lease->address) by_mac.erase(held);
    } else {
      by_mac[lease->mac] = *lease;
      declined.erase(lease->address);
    }
  }
  for (const auto& [mac, lease] : by_mac)
    out.push_back(lease);
  for (const auto& [address, lease] : declined)
    out.push_back(lease);
  return out;
}

api::Result<std::unique_ptr<LeaseJournal>>
LeaseJournal::create(const std::filesystem::path& path, const std::vector<Lease>& records,
                     std::chrono::milliseconds flush_interval) {
  const std::filesystem::path tmp = path.string() + ".tmp";
  const int tmp_fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (tmp_fd < 0) {
    return api::fail(api::Fault::rig,
                     "dhcp: cannot write lease file " + tmp.string() + ": " + errno_text());
  }
  std::string text;
  for (const Lease& lease : records)
    text += to_journal_line(lease) + "\n";
  const bool written = write_all(tmp_fd, text) && ::fdatasync(tmp_fd) == 0;
  const std::string why = errno_text();
  ::close(tmp_fd);
  if (!written || ::rename(tmp.c_str(), path.c_str()) != 0) {
    return api::fail(api::Fault::rig, "dhcp: cannot write lease file " + path.string() + ": " +
                                          (written ? errno_text() : why));
  }
  const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  if (fd < 0) {
    return api::fail(api::Fault::rig,
                     "dhcp: cannot open lease file " + path.string() + ": " + errno_text());
  }
  return std::unique_ptr<LeaseJournal>(new LeaseJournal(path, fd, flush_interval));
}

LeaseJournal::LeaseJournal(std::filesystem::path path, int fd, std::chrono::milliseconds interval)
    : path_(std::move(path)), fd_(fd), interval_(interval) {
  writer_ = std::thread([this] { run(); });
}

LeaseJournal::~LeaseJournal() {
  std::string ignored;
  close(ignored);
}

void LeaseJournal::append(const Lease& lease) {
  std::string line = to_journal_line(lease);
  line += '\n';
  std::lock_guard lock(mutex_);
  buffer_ += line;
}

// Called with the lock held; writes without it (appends go on meanwhile).
bool LeaseJournal::write_pending(std::unique_lock<std::mutex>& lock) {
  if (buffer_.empty()) return true;
  std::string batch;
  batch.swap(buffer_);
  lock.unlock();
  const bool ok = write_all(fd_, batch);
  const std::string why = ok ? std::string() : errno_text();
  lock.lock();
  if (!ok) {
    buffer_.insert(0, batch); // kept for the next try
    error_ = "dhcp: cannot append to lease file " + path_.string() + ": " + why;
  }
  return ok;
}

void LeaseJournal::run() {
  std::unique_lock lock(mutex_);
  while (!closing_) {
    wake_.wait_for(lock, interval_, [this] { return closing_; });
    write_pending(lock);
  }
}

bool LeaseJournal::close(std::string& error) {
  {
    std::lock_guard lock(mutex_);
    if (fd_ < 0) return true;
    closing_ = true;
  }
  wake_.notify_all();
  if (writer_.joinable()) writer_.join();
  std::unique_lock lock(mutex_);
  bool ok = write_pending(lock);
  if (!ok) error = error_;
  if (::fdatasync(fd_) != 0 && ok) {
    error = "dhcp: cannot sync lease file " + path_.string() + ": " + errno_text();
    ok = false;
  }
  ::close(fd_);
  fd_ = -1;
  return ok;
}

std::string LeaseJournal::last_error() const {
  std::lock_guard lock(mutex_);
  return error_;
}

} // namespace phonerig::services::dhcp
