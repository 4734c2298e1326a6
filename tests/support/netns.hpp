// Network namespaces for the peers and lab tests: each test builds its own little network
// of namespaces cabled with veth pairs, starts real third-party programs in them (dhclient,
// curl, sipp, snmpd...), and removes everything when it ends, also when it fails midway.
// Names carry "phrt-<pid>-<tag>" (namespaces) and "<tag><pid>..." (interfaces), so two
// runs never collide; namespaces a crashed run left behind are removed at the next start.
// Only addresses from 198.18.0.0/15 are used. Needs root; skip the test otherwise.
//
// Header-only so tests and benchmarks share it.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <functional>
#include <iostream>
#include <map>
#include <optional>
#include <regex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace phonerig::testing {

struct CommandResult {
  int status = -1;   // exit status, -1 when killed by a signal
  std::string out;   // stdout
  std::string err;   // stderr
};

// Runs argv without a shell, collecting stdout and stderr apart.
inline CommandResult run_command(const std::vector<std::string>& argv) {
  int out_pipe[2];
  int err_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0 || pipe2(err_pipe, O_CLOEXEC) != 0) {
    throw std::runtime_error("pipe: " + std::string(std::strerror(errno)));
  }
  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork: " + std::string(std::strerror(errno)));
  if (pid == 0) {
    dup2(out_pipe[1], 1);
    dup2(err_pipe[1], 2);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execvp(args[0], args.data());
    _exit(127);
  }
  close(out_pipe[1]);
  close(err_pipe[1]);
  CommandResult result;
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  std::string* sinks[2] = {&result.out, &result.err};
  int open_fds = 2;
  while (open_fds > 0) {
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      char buf[4096];
      const ssize_t n = read(fds[i].fd, buf, sizeof buf);
      if (n > 0) {
        sinks[i]->append(buf, static_cast<std::size_t>(n));
      } else {
        close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
      }
    }
  }
  int status = 0;
  waitpid(pid, &status, 0);
  result.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

inline std::string join(const std::vector<std::string>& argv) {
  std::string out;
  for (const auto& a : argv) out += (out.empty() ? "" : " ") + a;
  return out;
}

inline CommandResult must_run(const std::vector<std::string>& argv) {
  CommandResult result = run_command(argv);
  if (result.status != 0) {
    throw std::runtime_error(join(argv) + " exited " + std::to_string(result.status) + ": " +
                             result.out + result.err);
  }
  return result;
}

// Puts the calling thread into a named namespace (/run/netns/NAME) and back on destruction.
// Sockets keep the namespace they were created in: a server started inside the guard keeps
// serving there after the guard is gone.
class NetnsGuard {
 public:
  explicit NetnsGuard(const std::string& name) {
    original_ = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
    const int target = open(("/run/netns/" + name).c_str(), O_RDONLY | O_CLOEXEC);
    if (original_ < 0 || target < 0 || setns(target, CLONE_NEWNET) != 0) {
      const std::string why = std::strerror(errno);
      if (target >= 0) close(target);
      if (original_ >= 0) close(original_);
      throw std::runtime_error("cannot enter network namespace " + name + ": " + why);
    }
    close(target);
  }
  ~NetnsGuard() {
    if (setns(original_, CLONE_NEWNET) != 0) {
      std::cerr << "FATAL: cannot return to the original network namespace\n";
      std::abort();
    }
    close(original_);
  }
  NetnsGuard(const NetnsGuard&) = delete;
  NetnsGuard& operator=(const NetnsGuard&) = delete;

 private:
  int original_ = -1;
};

// A program we start (optionally inside a namespace) and end by its PID: SIGTERM, then
// SIGKILL after a grace period. stdout and stderr go to `log` (or /dev/null).
class Process {
 public:
  Process(const std::string& netns, const std::vector<std::string>& argv,
          const std::filesystem::path& log = {}) {
    std::vector<std::string> full;
    if (!netns.empty()) full = {"ip", "netns", "exec", netns};
    full.insert(full.end(), argv.begin(), argv.end());
    command_ = join(full);
    pid_ = fork();
    if (pid_ < 0) throw std::runtime_error("fork: " + std::string(std::strerror(errno)));
    if (pid_ == 0) {
      const int fd = log.empty() ? open("/dev/null", O_WRONLY)
                                 : open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      if (fd >= 0) {
        dup2(fd, 1);
        dup2(fd, 2);
      }
      const int null_in = open("/dev/null", O_RDONLY);
      if (null_in >= 0) dup2(null_in, 0);
      std::vector<char*> args;
      for (const auto& a : full) args.push_back(const_cast<char*>(a.c_str()));
      args.push_back(nullptr);
      execvp(args[0], args.data());  // `ip netns exec` execs the program: same PID
      _exit(127);
    }
  }
  ~Process() { stop(); }
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  pid_t pid() const { return pid_; }
  const std::string& command() const { return command_; }

  // True while the program runs; collects its status when it has ended.
  bool running() {
    if (pid_ <= 0) return false;
    int status = 0;
    const pid_t done = waitpid(pid_, &status, WNOHANG);
    if (done == pid_) {
      exit_status_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      pid_ = -1;
      return false;
    }
    return true;
  }

  // Waits for the program to end by itself; its exit status, or nullopt at the deadline.
  std::optional<int> wait_for(std::chrono::milliseconds deadline) {
    const auto until = std::chrono::steady_clock::now() + deadline;
    while (running()) {
      if (std::chrono::steady_clock::now() >= until) return std::nullopt;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return exit_status_;
  }

  // SIGTERM, then SIGKILL after `grace`; returns the exit status (-1 if killed).
  int stop(std::chrono::milliseconds grace = std::chrono::milliseconds(2000)) {
    if (!running()) return exit_status_;
    kill(pid_, SIGTERM);
    if (!wait_for(grace)) {
      kill(pid_, SIGKILL);
      int status = 0;
      waitpid(pid_, &status, 0);
      exit_status_ = -1;
      pid_ = -1;
    }
    return exit_status_;
  }

 private:
  pid_t pid_ = -1;
  int exit_status_ = -1;
  std::string command_;
};

// Polls `ready` every 20 ms until it is true or the deadline passes.
inline bool wait_until(const std::function<bool()>& ready,
                       std::chrono::milliseconds deadline = std::chrono::milliseconds(5000)) {
  const auto until = std::chrono::steady_clock::now() + deadline;
  while (!ready()) {
    if (std::chrono::steady_clock::now() >= until) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

// A set of namespaces cabled with veth pairs (offloads off, as on every lab veth: DESIGN.md,
// "What the machines here have"). Roles are short logical names ("srv", "cli", "relay");
// ns(role) gives the real name. The destructor deletes the namespaces (their veths go with
// them); stop your Process objects first, or declare them after the lab.
class NetnsLab {
 public:
  // `tag`: 1-4 lowercase letters or digits, unique among the labs alive at once in a process.
  explicit NetnsLab(std::string tag) : tag_(std::move(tag)) {
    remove_stale();
    pid_ = std::to_string(getpid() % 1000000);
  }
  ~NetnsLab() { teardown(); }
  NetnsLab(const NetnsLab&) = delete;
  NetnsLab& operator=(const NetnsLab&) = delete;

  static constexpr const char* kPrefix = "phrt-";

  const std::string& add(const std::string& role) {
    const std::string name = kPrefix + std::to_string(getpid()) + "-" + tag_ + "-" + role;
    if (std::filesystem::exists("/run/netns/" + name)) run_command({"ip", "netns", "del", name});
    must_run({"ip", "netns", "add", name});
    names_[role] = name;
    must_run({"ip", "-n", name, "link", "set", "lo", "up"});
    return names_[role];
  }

  const std::string& ns(const std::string& role) const { return names_.at(role); }

  struct Cable {
    std::string a_if;  // interface in namespace a
    std::string b_if;  // interface in namespace b
  };

  // A veth pair between two namespaces, each end up, optionally with an address
  // ("198.18.5.1/24"). Interface names: "<tag><pid><n>a" / "...b", at most 15 characters.
  Cable connect(const std::string& role_a, const std::string& role_b,
                const std::string& address_a = {}, const std::string& address_b = {}) {
    const std::string base = tag_ + pid_ + std::to_string(cables_++);
    Cable cable{base + "a", base + "b"};
    must_run({"ip", "-n", ns(role_a), "link", "add", cable.a_if, "type", "veth", "peer", "name",
              cable.b_if, "netns", ns(role_b)});
    setup_end(role_a, cable.a_if, address_a);
    setup_end(role_b, cable.b_if, address_b);
    return cable;
  }

  CommandResult exec(const std::string& role, const std::vector<std::string>& argv) const {
    std::vector<std::string> full{"ip", "netns", "exec", ns(role)};
    full.insert(full.end(), argv.begin(), argv.end());
    return run_command(full);
  }
  CommandResult must_exec(const std::string& role, const std::vector<std::string>& argv) const {
    std::vector<std::string> full{"ip", "netns", "exec", ns(role)};
    full.insert(full.end(), argv.begin(), argv.end());
    return must_run(full);
  }

  // The MAC of an interface in a namespace, "aa:bb:...".
  std::string mac(const std::string& role, const std::string& ifname) const {
    const CommandResult r = exec(role, {"cat", "/sys/class/net/" + ifname + "/address"});
    std::string text = r.out;
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    return text;
  }

  void teardown() {
    for (const auto& [role, name] : names_) {
      const CommandResult removed = run_command({"ip", "netns", "del", name});
      if (removed.status != 0) {
        std::cerr << "could not remove namespace " << name << ": " << removed.err << "\n";
      }
    }
    names_.clear();
  }

 private:
  void setup_end(const std::string& role, const std::string& ifname, const std::string& address) {
    must_exec(role, {"ethtool", "-K", ifname, "rx", "off", "tx", "off", "sg", "off", "tso", "off",
                     "gso", "off", "gro", "off"});
    if (!address.empty()) must_run({"ip", "-n", ns(role), "addr", "add", address, "dev", ifname});
    must_run({"ip", "-n", ns(role), "link", "set", ifname, "up"});
  }

  // Namespaces "phrt-<pid>-..." whose process is gone: a crashed earlier run's.
  static void remove_stale() {
    std::error_code ignored;
    if (!std::filesystem::exists("/run/netns", ignored)) return;
    const std::regex ours(R"(^phrt-(\d+)-.+$)");
    for (const auto& entry : std::filesystem::directory_iterator("/run/netns", ignored)) {
      const std::string name = entry.path().filename().string();
      std::smatch match;
      if (!std::regex_match(name, match, ours)) continue;
      const pid_t pid = static_cast<pid_t>(std::stol(match[1]));
      if (pid == getpid() || kill(pid, 0) == 0 || errno != ESRCH) continue;
      run_command({"ip", "netns", "del", name});
    }
  }

  std::string tag_;
  std::string pid_;
  int cables_ = 0;
  std::map<std::string, std::string> names_;
};

}  // namespace phonerig::testing
