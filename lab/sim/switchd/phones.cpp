#include "lab/sim/switchd/phones.hpp"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

namespace phonerig::sim::switchd {

namespace {

// Writes a message to fd 2 in the child (async-signal-safe).
void child_fail(const char* what, int err) {
  const char* why = strerrordesc_np(err);
  const char prefix[] = "phonerig-sim-switch: cannot start the phone: ";
  (void)!::write(2, prefix, sizeof prefix - 1);
  (void)!::write(2, what, std::strlen(what));
  (void)!::write(2, ": ", 2);
  if (why != nullptr) (void)!::write(2, why, std::strlen(why));
  (void)!::write(2, "\n", 1);
  ::_exit(127);
}

void close_from(int first) {
#ifdef SYS_close_range
  if (::syscall(SYS_close_range, static_cast<unsigned>(first), ~0u, 0u) == 0) return;
#endif
  const long max = ::sysconf(_SC_OPEN_MAX);
  for (long fd = first; fd < (max > 0 ? max : 1024); ++fd) ::close(static_cast<int>(fd));
}

}  // namespace

Phones::~Phones() {
  for (const auto& [port, pid] : running_) ::kill(-pid, SIGKILL);
  for (const auto& [pid, ending] : ending_) ::kill(-pid, SIGKILL);
  for (const auto& [port, pid] : running_) ::waitpid(pid, nullptr, 0);
  for (const auto& [pid, ending] : ending_) ::waitpid(pid, nullptr, 0);
}

api::Result<pid_t> Phones::start(std::size_t port, const PhoneSpec& spec) {
  if (auto it = running_.find(port); it != running_.end()) return it->second;
  // Everything the child needs is prepared here: between fork and exec only
  // async-signal-safe calls (this process has other threads).
  const std::string netns_path = "/run/netns/" + spec.netns;
  const std::string log = spec.log.string();
  std::vector<char*> argv;
  for (const auto& a : spec.argv) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  const int netns_fd = ::open(netns_path.c_str(), O_RDONLY | O_CLOEXEC);
  if (netns_fd < 0) {
    return api::fail(api::Fault::rig, "phone namespace " + netns_path + ": " +
                                          std::strerror(errno));
  }
  const pid_t pid = ::fork();
  if (pid < 0) {
    const int err = errno;
    ::close(netns_fd);
    return api::fail(api::Fault::rig, std::string("fork: ") + std::strerror(err));
  }
  if (pid == 0) {
    ::setpgid(0, 0);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    struct sigaction dfl {};
    dfl.sa_handler = SIG_DFL;
    for (int s : {SIGPIPE, SIGINT, SIGTERM, SIGCHLD, SIGHUP}) ::sigaction(s, &dfl, nullptr);
    const int out = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
    if (out >= 0) {
      ::dup2(out, 1);
      ::dup2(out, 2);
    }
    const int in = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (in >= 0) ::dup2(in, 0);
    if (::setns(netns_fd, CLONE_NEWNET) != 0) child_fail("setns", errno);
    close_from(3);
    ::execv(argv[0], argv.data());
    child_fail(argv[0], errno);
  }
  ::close(netns_fd);
  ::setpgid(pid, pid);  // also here: no race with the child's own setpgid
  running_[port] = pid;
  return pid;
}

void Phones::stop(std::size_t port) {
  const auto it = running_.find(port);
  if (it == running_.end()) return;
  const pid_t pid = it->second;
  running_.erase(it);
  ::kill(-pid, SIGTERM);
  auto timer = std::make_unique<boost::asio::steady_timer>(executor_, grace_);
  timer->async_wait([this, pid](const boost::system::error_code& ec) {
    if (ec) return;
    if (ending_.count(pid) != 0) ::kill(-pid, SIGKILL);  // not reaped: still ours
  });
  ending_[pid] = Ending{pid, std::move(timer)};
}

std::optional<pid_t> Phones::pid(std::size_t port) const {
  const auto it = running_.find(port);
  if (it == running_.end()) return std::nullopt;
  return it->second;
}

void Phones::reap() {
  for (auto it = running_.begin(); it != running_.end();) {
    if (::waitpid(it->second, nullptr, WNOHANG) == it->second) {
      // Ended by itself: its process group may still hold children of its own.
      ::kill(-it->second, SIGKILL);
      it = running_.erase(it);
    } else {
      ++it;
    }
  }
  for (auto it = ending_.begin(); it != ending_.end();) {
    if (::waitpid(it->first, nullptr, WNOHANG) == it->first) {
      ::kill(-it->first, SIGKILL);  // anything the phone left in its group
      it = ending_.erase(it);
    } else {
      ++it;
    }
  }
}

void Phones::stop_all_blocking() {
  std::vector<pid_t> pids;
  for (const auto& [port, pid] : running_) pids.push_back(pid);
  for (const auto& [pid, ending] : ending_) pids.push_back(pid);
  running_.clear();
  ending_.clear();
  for (pid_t pid : pids) ::kill(-pid, SIGTERM);
  const auto until = std::chrono::steady_clock::now() + grace_;
  std::vector<pid_t> left = pids;
  while (!left.empty() && std::chrono::steady_clock::now() < until) {
    std::erase_if(left, [](pid_t pid) { return ::waitpid(pid, nullptr, WNOHANG) == pid; });
    if (!left.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  for (pid_t pid : pids) ::kill(-pid, SIGKILL);  // the groups: what a phone left behind
  for (pid_t pid : left) ::waitpid(pid, nullptr, 0);
}

}  // namespace phonerig::sim::switchd
