#include "lab/sim/topology/topology.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fmt/core.h>
#include <fstream>
#include <functional>
#include <map>
#include <algorithm>
#include <atomic>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <thread>

#include "drivers/netlink/namespace.hpp"

extern char** environ;

namespace phonerig::sim::topology {

namespace {

using nlohmann::json;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

wire::Unexpected<api::Error> rig_error(std::string message) {
  return api::fail(api::Fault::rig, std::move(message));
}

std::string errno_text(int error) { return std::strerror(error); }

// ---- processes ----

struct Outcome {
  int status = -1;
  std::string output;  // stdout and stderr together
};

// Runs argv (no shell), optionally inside a namespace (setns in the child), to the end.
pid_t start_child(const std::vector<std::string>& argv, const std::string& netns, int out_fd,
                  const std::vector<std::string>& env, bool new_session) {
  int ns_fd = -1;
  if (!netns.empty()) {
    ns_fd = ::open(("/run/netns/" + netns).c_str(), O_RDONLY | O_CLOEXEC);
    if (ns_fd < 0) return -1;
  }
  std::vector<std::string> environment;
  for (char** e = environ; *e != nullptr; ++e) environment.emplace_back(*e);
  for (const auto& extra : env) {
    const std::string name = extra.substr(0, extra.find('=') + 1);
    std::erase_if(environment, [&](const std::string& one) { return one.rfind(name, 0) == 0; });
    environment.push_back(extra);
  }
  std::vector<char*> args, envp;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  for (const auto& e : environment) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid == 0) {
    if (new_session) ::setsid();
    if (ns_fd >= 0 && ::setns(ns_fd, CLONE_NEWNET) != 0) _exit(126);
    const int null_in = ::open("/dev/null", O_RDONLY);
    if (null_in >= 0) ::dup2(null_in, 0);
    if (out_fd >= 0) {
      ::dup2(out_fd, 1);
      ::dup2(out_fd, 2);
    }
    ::execvpe(args[0], args.data(), envp.data());
    _exit(127);
  }
  if (ns_fd >= 0) ::close(ns_fd);
  return pid;
}

Outcome run(const std::vector<std::string>& argv, const std::string& netns = {}) {
  int pipe_fds[2];
  Outcome outcome;
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) {
    outcome.output = "pipe: " + errno_text(errno);
    return outcome;
  }
  const pid_t pid = start_child(argv, netns, pipe_fds[1], {}, false);
  ::close(pipe_fds[1]);
  if (pid < 0) {
    ::close(pipe_fds[0]);
    outcome.output = "cannot start " + argv[0] + ": " + errno_text(errno);
    return outcome;
  }
  char buffer[4096];
  ssize_t n;
  while ((n = ::read(pipe_fds[0], buffer, sizeof buffer)) > 0 || (n < 0 && errno == EINTR)) {
    if (n > 0) outcome.output.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(pipe_fds[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  outcome.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return outcome;
}

std::string joined(const std::vector<std::string>& argv) {
  std::string out;
  for (const auto& a : argv) out += (out.empty() ? "" : " ") + a;
  return out;
}

api::Result<bool> must(const std::vector<std::string>& argv, const std::string& netns = {}) {
  Outcome outcome = run(argv, netns);
  if (outcome.status != 0) {
    while (!outcome.output.empty() && outcome.output.back() == '\n') outcome.output.pop_back();
    return rig_error(fmt::format("{}{} failed ({}): {}", netns.empty() ? "" : "in " + netns + ": ",
                                 joined(argv), outcome.status, outcome.output));
  }
  return true;
}

// Commands in their namespaces, `width` at a time; the first failure.
struct Job {
  std::vector<std::string> argv;
  std::string netns;
};
api::Result<bool> run_all(const std::vector<Job>& jobs, std::size_t width = 8) {
  std::vector<std::pair<pid_t, const Job*>> running;
  std::optional<wire::Unexpected<api::Error>> failed;
  auto reap = [&](std::size_t keep) {
    while (running.size() > keep) {
      bool any = false;
      for (auto it = running.begin(); it != running.end();) {
        int status = 0;
        const pid_t done = ::waitpid(it->first, &status, WNOHANG);
        if (done == 0 || (done < 0 && errno == EINTR)) {
          ++it;
          continue;
        }
        if (done == it->first && (!WIFEXITED(status) || WEXITSTATUS(status) != 0) && !failed) {
          failed = rig_error(fmt::format("in {}: {} failed ({})", it->second->netns,
                                         joined(it->second->argv),
                                         WIFEXITED(status) ? WEXITSTATUS(status) : -1));
        }
        it = running.erase(it);
        any = true;
      }
      if (!any) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  };
  const int null_out = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
  for (const auto& job : jobs) {
    reap(width - 1);
    const pid_t pid = start_child(job.argv, job.netns, null_out, {}, false);
    if (pid < 0) {
      if (!failed) failed = rig_error("cannot start " + joined(job.argv) + ": " + errno_text(errno));
      continue;
    }
    running.emplace_back(pid, &job);
  }
  reap(0);
  if (null_out >= 0) ::close(null_out);
  if (failed) return *failed;
  return true;
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

api::Result<bool> write_file(const fs::path& path, const std::string& text, mode_t mode = 0600) {
  const fs::path temporary = path.string() + ".tmp";
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) return rig_error("cannot write " + temporary.string() + ": " + errno_text(errno));
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int saved = errno;
      ::close(fd);
      return rig_error("cannot write " + temporary.string() + ": " + errno_text(saved));
    }
    done += static_cast<std::size_t>(n);
  }
  ::fchmod(fd, mode);
  ::close(fd);
  if (::rename(temporary.c_str(), path.c_str()) != 0) {
    return rig_error("cannot rename " + temporary.string() + ": " + errno_text(errno));
  }
  return true;
}

std::string tail_of(const fs::path& path, std::size_t lines = 12) {
  std::istringstream in(read_file(path));
  std::vector<std::string> all;
  std::string line;
  while (std::getline(in, line)) all.push_back(line);
  std::string out;
  for (std::size_t i = all.size() > lines ? all.size() - lines : 0; i < all.size(); ++i) {
    out += "\n  " + all[i];
  }
  return out;
}

// /proc/PID/cmdline with NULs as spaces; empty when the process is gone.
std::string cmdline_of(pid_t pid) {
  std::string text = read_file(fmt::format("/proc/{}/cmdline", pid));
  for (char& c : text) {
    if (c == '\0') c = ' ';
  }
  return text;
}

bool alive(pid_t pid) {
  if (pid <= 0) return false;
  int status = 0;
  if (::waitpid(pid, &status, WNOHANG) == pid) return false;  // our child, now reaped
  if (::kill(pid, 0) != 0 && errno == ESRCH) return false;
  // A zombie of another parent has ended as far as we care.
  const std::string stat = read_file(fmt::format("/proc/{}/stat", pid));
  const auto close_paren = stat.rfind(')');
  if (close_paren != std::string::npos && close_paren + 2 < stat.size() &&
      stat[close_paren + 2] == 'Z') {
    return false;
  }
  return !stat.empty();
}

// Ends the processes (SIGTERM, then SIGKILL after `grace`); how many there were.
int end_processes(const std::set<pid_t>& pids, std::chrono::milliseconds grace) {
  int ended = 0;
  for (pid_t pid : pids) {
    if (alive(pid) && ::kill(pid, SIGTERM) == 0) ++ended;
  }
  const auto until = Clock::now() + grace;
  auto any_alive = [&] {
    for (pid_t pid : pids) {
      if (alive(pid)) return true;
    }
    return false;
  };
  while (any_alive() && Clock::now() < until) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  for (pid_t pid : pids) {
    if (alive(pid)) ::kill(pid, SIGKILL);
  }
  const auto hard = Clock::now() + std::chrono::seconds(2);
  while (any_alive() && Clock::now() < hard) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  return ended;
}

// PIDs whose network namespace is one of `names` (as `ip netns pids` finds them).
std::set<pid_t> pids_in(const std::vector<std::string>& names) {
  std::set<std::pair<dev_t, ino_t>> wanted;
  for (const auto& name : names) {
    struct stat st {};
    if (::stat(("/run/netns/" + name).c_str(), &st) == 0) wanted.emplace(st.st_dev, st.st_ino);
  }
  std::set<pid_t> found;
  if (wanted.empty()) return found;
  DIR* proc = ::opendir("/proc");
  if (proc == nullptr) return found;
  while (dirent* entry = ::readdir(proc)) {
    char* end = nullptr;
    const long pid = std::strtol(entry->d_name, &end, 10);
    if (end == entry->d_name || *end != '\0' || pid <= 0 || pid == ::getpid()) continue;
    struct stat st {};
    if (::stat(fmt::format("/proc/{}/ns/net", pid).c_str(), &st) != 0) continue;
    if (wanted.count({st.st_dev, st.st_ino}) != 0) found.insert(static_cast<pid_t>(pid));
  }
  ::closedir(proc);
  return found;
}

std::vector<std::string> namespaces_with_prefix(const std::string& prefix) {
  std::vector<std::string> names;
  std::error_code ignored;
  for (const auto& entry : fs::directory_iterator(netlink::kNetnsDir, ignored)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind(prefix, 0) == 0) names.push_back(name);
  }
  return names;
}

// ---- the ledger ----

struct Ledger {
  fs::path path;
  json data;

  api::Result<bool> save() const { return write_file(path, data.dump(2) + "\n"); }

  static std::optional<Ledger> load(const fs::path& path) {
    std::error_code ignored;
    if (!fs::exists(path, ignored)) return std::nullopt;
    Ledger ledger{path, json::parse(read_file(path), nullptr, false)};
    if (ledger.data.is_discarded() || !ledger.data.is_object()) ledger.data = json::object();
    return ledger;
  }

  // Recorded before the process starts (pid 0), its PID right after the fork.
  std::size_t add_process(const std::string& role, const std::string& match,
                          const std::string& netns) {
    data["processes"].push_back(json{{"role", role}, {"pid", 0}, {"match", match},
                                     {"netns", netns}});
    return data["processes"].size() - 1;
  }
};

std::string basename_of(const std::string& program) { return fs::path(program).filename().string(); }

// Starts a daemon in its namespace, in its own session, output to `log`; PID in the ledger.
api::Result<pid_t> start_daemon(Ledger& ledger, const std::string& role,
                                const std::vector<std::string>& argv, const std::string& netns,
                                const fs::path& log, const std::vector<std::string>& env = {},
                                const std::string& list = "processes") {
  std::size_t index = 0;
  if (list == "processes") {
    index = ledger.add_process(role, basename_of(argv[0]), netns);
    PHONERIG_TRY(bool saved, ledger.save());
    (void)saved;
  }
  const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) return rig_error("cannot open " + log.string() + ": " + errno_text(errno));
  const pid_t pid = start_child(argv, netns, fd, env, true);
  const int saved_errno = errno;
  ::close(fd);
  if (pid < 0) {
    return rig_error(fmt::format("cannot start {} in {}: {}", argv[0], netns,
                                 errno_text(saved_errno)));
  }
  if (list == "processes") {
    ledger.data["processes"][index]["pid"] = pid;
    PHONERIG_TRY(bool saved, ledger.save());
    (void)saved;
  }
  return pid;
}

std::string random_community() {
  unsigned char bytes[12] = {};
  std::ifstream random("/dev/urandom", std::ios::binary);
  random.read(reinterpret_cast<char*>(bytes), sizeof bytes);
  std::string out = "phr";
  for (unsigned char b : bytes) out += fmt::format("{:02x}", b);
  return out;
}

bool wait_for(const std::function<bool()>& ready, std::chrono::milliseconds limit) {
  const auto until = Clock::now() + limit;
  while (!ready()) {
    if (Clock::now() >= until) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

api::Result<bool> build(const Plan& plan, const UpOptions& options, Ledger& ledger,
                        UpResult& result) {
  std::error_code error;
  for (const char* sub : {"phones", "flash", "snmp"}) {
    fs::create_directories(plan.state_dir / sub, error);
    if (error) return rig_error("cannot create " + (plan.state_dir / sub).string() + ": " + error.message());
  }
  for (const auto& phone : plan.phones) {
    fs::create_directories(phone.flash_dir, error);
    if (error) return rig_error("cannot create " + phone.flash_dir.string() + ": " + error.message());
  }

  // Namespaces: every name in the ledger first, then each created.
  ledger.data["namespaces"] = plan.namespaces;
  PHONERIG_TRY([[maybe_unused]] bool saved, ledger.save());
  // The first alone (it may make /run/netns a mount point), the rest on a few threads:
  // creating a network namespace takes the kernel milliseconds each.
  if (!plan.namespaces.empty()) {
    PHONERIG_TRY(saved, netlink::create_netns(plan.namespaces[0]));
  }
  {
    std::atomic<std::size_t> next{1};
    std::mutex mutex;
    std::optional<api::Error> first_error;
    auto worker = [&] {
      for (std::size_t i = next++; i < plan.namespaces.size(); i = next++) {
        auto created = netlink::create_netns(plan.namespaces[i]);
        if (!created) {
          std::lock_guard lock(mutex);
          if (!first_error) first_error = created.error();
        }
      }
    };
    std::vector<std::thread> threads;
    const std::size_t count = std::min<std::size_t>(8, plan.namespaces.size());
    for (std::size_t t = 0; t < count; ++t) threads.emplace_back(worker);
    for (auto& thread : threads) thread.join();
    if (first_error) return wire::unexpected(*first_error);
  }

  // The rig and the gateway speak IPv4 only, as the services do: with IPv6 off before their
  // links exist, they send no router or neighbour solicitations onto the lab's VLANs (noise
  // in every capture, and frames a loss fault would count).
  {
    std::vector<std::string> v4_only{plan.rig_netns};
    if (plan.gateway) v4_only.push_back(plan.gateway->netns);
    for (const auto& netns : v4_only) {
      PHONERIG_TRY(saved, must({"sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1",
                                "net.ipv6.conf.default.disable_ipv6=1"},
                               netns));
    }
  }

  // Links: each veth made inside the switch namespace with its peer in the other one.
  std::string batch;
  for (const auto& veth : plan.veths) {
    batch += fmt::format("link add {} type veth peer name {} netns {}\n", veth.a_name,
                         veth.b_name, veth.b_netns);
  }
  batch += "link set lo up\n";
  for (const auto& veth : plan.veths) {
    if (!veth.a_address.empty()) batch += fmt::format("address add {} dev {}\n", veth.a_address, veth.a_name);
    if (veth.a_up) batch += fmt::format("link set {} up\n", veth.a_name);
  }
  const fs::path batch_file = plan.state_dir / "links.batch";
  PHONERIG_TRY(saved, write_file(batch_file, batch));
  PHONERIG_TRY(saved, must({"ip", "-n", plan.switch_netns, "-batch", batch_file.string()}));

  // Offloads off on both ends of every veth (DESIGN.md, "What the machines here have").
  std::vector<Job> jobs;
  auto offloads_off = [](const std::string& ifname) {
    return std::vector<std::string>{"/usr/sbin/ethtool", "-K", ifname, "rx", "off", "tx",
                                    "off", "sg", "off", "tso", "off", "gso", "off", "gro",
                                    "off", "rxvlan", "off", "txvlan", "off"};
  };
  for (const auto& veth : plan.veths) {
    jobs.push_back(Job{offloads_off(veth.a_name), veth.a_netns});
    jobs.push_back(Job{offloads_off(veth.b_name), veth.b_netns});
  }
  PHONERIG_TRY(saved, run_all(jobs));

  // The far ends: addresses and links up, per namespace; routes.
  std::map<std::string, std::string> batches;
  for (const auto& veth : plan.veths) {
    std::string& lines = batches[veth.b_netns];
    if (!veth.b_address.empty()) lines += fmt::format("address add {} dev {}\n", veth.b_address, veth.b_name);
    if (veth.b_up) lines += fmt::format("link set {} up\n", veth.b_name);
  }
  batches[plan.rig_netns] += "link set lo up\n";
  for (const auto& route : plan.routes) {
    batches[route.netns] += fmt::format("route add {} via {}\n", route.destination, route.via);
  }
  jobs.clear();
  int n = 0;
  for (const auto& [netns, lines] : batches) {
    const fs::path file = plan.state_dir / fmt::format("links-{}.batch", n++);
    PHONERIG_TRY(saved, write_file(file, lines));
    jobs.push_back(Job{{"ip", "-n", netns, "-batch", file.string()}, ""});
  }
  PHONERIG_TRY(saved, run_all(jobs));

  // Files: the community (a secret, 0600), snmpd.conf, switch.json, phone.json.
  std::string community;
  if (const char* from_env = std::getenv(kCommunityEnv); from_env != nullptr && *from_env != 0) {
    community = from_env;
    result.community_source = std::string("env:") + kCommunityEnv;
  } else {
    community = random_community();
    result.community_source = "file:" + plan.community_path.string() + " (generated)";
  }
  PHONERIG_TRY(saved, write_file(plan.community_path, community + "\n"));
  PHONERIG_TRY(saved, write_file(plan.snmpd_conf_path, snmpd_conf(plan, community)));
  PHONERIG_TRY(saved, write_file(plan.switch_config_path, plan.switch_json, 0644));
  for (const auto& phone : plan.phones) {
    PHONERIG_TRY(saved, write_file(phone.config_path, phone.config_json, 0644));
  }

  // snmpd, the AgentX master, in the switch namespace.
  PHONERIG_TRY(pid_t snmpd, start_daemon(ledger, "snmpd", plan.snmpd_argv, plan.switch_netns,
                                         plan.state_dir / "snmpd.out", plan.snmpd_env));
  if (!wait_for([&] { return fs::exists(plan.agentx_socket) || !alive(snmpd); },
                std::chrono::seconds(10)) ||
      !alive(snmpd)) {
    return rig_error("snmpd did not start in " + plan.switch_netns + "; its log:" +
                     tail_of(plan.snmpd_log) + tail_of(plan.state_dir / "snmpd.out"));
  }

  if (options.start_switch) {
    const fs::path program = plan.switch_argv.front();
    if (!fs::exists(program)) {
      return rig_error(program.string() + " is not built (build the phonerig-sim-switch target)");
    }
    PHONERIG_TRY(pid_t sw, start_daemon(ledger, "switch", plan.switch_argv, plan.switch_netns,
                                        plan.switch_log));
    if (!wait_for([&] { return fs::exists(plan.control_socket) || !alive(sw); },
                  options.switch_timeout) ||
        !alive(sw)) {
      return rig_error("phonerig-sim-switch did not become ready in " + plan.switch_netns +
                       "; its log:" + tail_of(plan.switch_log));
    }
  }

  if (plan.gateway) {
    PHONERIG_TRY(saved, must({"sysctl", "-qw", "net.ipv4.ip_forward=1"}, plan.gateway->netns));
    PHONERIG_TRY(pid_t relay, start_daemon(ledger, "dhcrelay", plan.gateway->relay_argv,
                                           plan.gateway->netns, plan.gateway->relay_log));
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    if (!alive(relay)) {
      return rig_error("dhcrelay ended at once in " + plan.gateway->netns + "; its log:" +
                       tail_of(plan.gateway->relay_log));
    }
  }
  return true;
}

api::Result<Ledger> ledger_of(std::string_view instance, const fs::path& run_root) {
  if (auto problem = instance_problem(instance)) return api::fail(api::Fault::config, *problem);
  auto ledger = Ledger::load(state_dir(instance, run_root) / "ledger.json");
  if (!ledger || !ledger->data.contains("summary")) {
    return rig_error(fmt::format("the simulated lab instance '{}' is not up (no {}); run "
                                 "`phonerig lab up --instance {}`",
                                 instance, (state_dir(instance, run_root) / "ledger.json").string(),
                                 instance));
  }
  return std::move(*ledger);
}

pid_t pid_of_role(const Ledger& ledger, const std::string& role) {
  for (const auto& process : ledger.data.value("processes", json::array())) {
    if (process.value("role", "") == role) {
      const pid_t pid = process.value("pid", 0);
      if (alive(pid) && cmdline_of(pid).find(process.value("match", "?")) != std::string::npos) {
        return pid;
      }
    }
  }
  return 0;
}

}  // namespace

api::Result<std::string> control_request(const fs::path& socket_path, const std::string& request,
                                         std::chrono::milliseconds timeout) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return rig_error("socket: " + errno_text(errno));
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(timeout.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((timeout.count() % 1000) * 1000);
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  const std::string path = socket_path.string();
  if (path.size() >= sizeof address.sun_path) {
    ::close(fd);
    return rig_error("control socket path too long: " + path);
  }
  std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    const int saved = errno;
    ::close(fd);
    return rig_error("cannot reach the switch's control socket " + path + ": " + errno_text(saved));
  }
  const std::string line = request + "\n";
  if (::send(fd, line.data(), line.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(line.size())) {
    const int saved = errno;
    ::close(fd);
    return rig_error("cannot write to " + path + ": " + errno_text(saved));
  }
  std::string answer;
  char buffer[4096];
  while (answer.find('\n') == std::string::npos) {
    const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int saved = errno;
      ::close(fd);
      return rig_error("no answer from " + path + (n < 0 ? ": " + errno_text(saved) : ""));
    }
    answer.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return answer.substr(0, answer.find('\n'));
}

api::Result<UpResult> up(const Plan& plan, const UpOptions& options) {
  const auto started = Clock::now();
  std::error_code error;
  if (fs::exists(plan.state_dir, error)) {
    return rig_error(fmt::format("the simulated lab instance '{}' is already up ({} exists); "
                                 "`phonerig lab down --instance {}` removes it",
                                 plan.instance, plan.state_dir.string(), plan.instance));
  }
  const auto leftovers = namespaces_with_prefix(namespace_prefix(plan.instance));
  if (!leftovers.empty()) {
    return rig_error(fmt::format("namespace {} of instance '{}' exists without its state folder "
                                 "(a crashed run?); `phonerig lab down --instance {}` removes it",
                                 leftovers.front(), plan.instance, plan.instance));
  }
  fs::create_directories(plan.state_dir.parent_path(), error);
  if (::mkdir(plan.state_dir.c_str(), 0700) != 0) {
    return rig_error("cannot create " + plan.state_dir.string() + ": " + errno_text(errno));
  }
  Ledger ledger{plan.ledger_path,
                json{{"instance", plan.instance},
                     {"bin_dir", plan.bin_dir.string()},
                     {"summary", json::parse(summary_json(plan))},
                     {"namespaces", json::array()},
                     {"processes", json::array()},
                     {"attached", json::array()}}};
  UpResult result;
  auto built = [&]() -> api::Result<bool> {
    PHONERIG_TRY(bool saved, ledger.save());
    (void)saved;
    return build(plan, options, ledger, result);
  }();
  if (!built) {
    (void)down(plan.instance, plan.state_dir.parent_path());
    return wire::unexpected(built.error());
  }
  result.seconds = std::chrono::duration<double>(Clock::now() - started).count();
  return result;
}

api::Result<DownResult> down(std::string_view instance, const fs::path& run_root) {
  if (auto problem = instance_problem(instance)) return api::fail(api::Fault::config, *problem);
  DownResult result;
  const fs::path dir = state_dir(instance, run_root);
  auto ledger = Ledger::load(dir / "ledger.json");

  // Processes: the ledger's (only while their command line still matches), then whatever
  // still runs inside the instance's namespaces (phones a killed switch left behind).
  std::set<pid_t> pids;
  std::vector<std::string> namespaces;
  if (ledger) {
    for (const char* list : {"attached", "processes"}) {
      for (const auto& process : ledger->data.value(list, json::array())) {
        const pid_t pid = process.value("pid", 0);
        if (pid > 0 && alive(pid) &&
            cmdline_of(pid).find(process.value("match", "?")) != std::string::npos) {
          pids.insert(pid);
        }
      }
    }
    for (const auto& name : ledger->data.value("namespaces", json::array())) {
      if (name.is_string()) namespaces.push_back(name.get<std::string>());
    }
  }
  for (auto& name : namespaces_with_prefix(namespace_prefix(instance))) {
    if (std::find(namespaces.begin(), namespaces.end(), name) == namespaces.end()) {
      namespaces.push_back(std::move(name));
    }
  }
  result.processes += end_processes(pids, std::chrono::milliseconds(2000));
  const std::set<pid_t> inside = pids_in(namespaces);
  result.processes += end_processes(inside, std::chrono::milliseconds(1000));
  for (pid_t pid : pids_in(namespaces)) {
    result.problems.push_back(fmt::format("process {} ({}) still runs in the lab", pid,
                                          cmdline_of(pid)));
  }

  for (const auto& name : namespaces) {
    auto removed = netlink::remove_netns(name);
    if (!removed) {
      result.problems.push_back(removed.error().message);
    } else if (*removed) {
      ++result.namespaces;
    }
  }
  std::error_code error;
  if (fs::exists(dir, error)) {
    fs::remove_all(dir, error);
    if (error) {
      result.problems.push_back("cannot remove " + dir.string() + ": " + error.message());
    } else {
      result.state_removed = true;
    }
  }
  return result;
}

api::Result<std::string> status_json(std::string_view instance, const fs::path& run_root) {
  PHONERIG_TRY(Ledger ledger, ledger_of(instance, run_root));
  json out = ledger.data["summary"];
  out["up"] = true;
  json processes = json::array();
  for (const auto& process : ledger.data.value("processes", json::array())) {
    const pid_t pid = process.value("pid", 0);
    processes.push_back(json{{"role", process.value("role", "")},
                             {"pid", pid},
                             {"netns", process.value("netns", "")},
                             {"running", alive(pid) && cmdline_of(pid).find(process.value(
                                                           "match", "?")) != std::string::npos}});
  }
  out["processes"] = processes;
  json ports = json::array();
  const pid_t sw = pid_of_role(ledger, "switch");
  out["switch"]["running"] = sw != 0;
  if (sw != 0) {
    auto answer = control_request(out["switch"].value("control", ""), R"({"op":"status"})");
    if (answer) {
      json parsed = json::parse(*answer, nullptr, false);
      if (!parsed.is_discarded() && parsed.value("ok", false)) ports = parsed.value("ports", json::array());
    } else {
      out["switch"]["error"] = answer.error().message;
    }
  }
  for (auto& phone : out["phones"]) {
    phone["power"] = "unknown";
    for (const auto& port : ports) {
      if (port.value("name", "") == phone.value("switch_interface", "") ||
          port.value("short", "") == phone.value("port", "")) {
        const auto& power = port["power"];
        phone["power"] = power.is_boolean() ? (power.get<bool>() ? "on" : "off")
                                            : (power.is_string() ? power : json("unknown"));
        if (port.contains("link_up")) phone["link_up"] = port["link_up"];
        if (port.contains("phone_pid")) phone["phone_pid"] = port["phone_pid"];
      }
    }
    json attached = json::array();
    for (const auto& one : ledger.data.value("attached", json::array())) {
      if (one.value("phone", "") != phone.value("id", "")) continue;
      const pid_t pid = one.value("pid", 0);
      attached.push_back(json{{"vlan", one.value("vlan", "")},
                              {"tap", one.value("tap", "")},
                              {"pid", pid},
                              {"running", alive(pid)}});
    }
    phone["attached"] = attached;
  }
  return out.dump(2);
}

api::Result<std::string> attach(std::string_view instance, std::string_view phone_name,
                                std::string_view vlan, const fs::path& run_root) {
  if (vlan != "voice" && vlan != "data") {
    return api::fail(api::Fault::config, "--vlan is voice or data, got '" + std::string(vlan) + "'");
  }
  PHONERIG_TRY(Ledger ledger, ledger_of(instance, run_root));
  const json& summary = ledger.data["summary"];
  const json* phone = nullptr;
  for (const auto& one : summary["phones"]) {
    if (one.value("id", "") == phone_name || one.value("port", "") == phone_name) phone = &one;
  }
  if (phone == nullptr) {
    return api::fail(api::Fault::config, fmt::format("the lab instance '{}' has no phone '{}'",
                                                     instance, phone_name));
  }
  const std::string id = phone->value("id", "");
  const std::string tap(vlan);
  for (const auto& one : ledger.data["attached"]) {
    if (one.value("phone", "") == id && one.value("vlan", "") == tap && alive(one.value("pid", 0))) {
      return tap;  // already attached
    }
  }
  if (pid_of_role(ledger, "switch") == 0) {
    return rig_error("the switch of instance '" + std::string(instance) + "' is not running");
  }
  const std::string port = phone->value("port", "");
  PHONERIG_TRY(std::string answer,
               control_request(summary["switch"].value("control", ""),
                               json{{"op", "link"}, {"port", port}, {"up", true}}.dump()));
  json parsed = json::parse(answer, nullptr, false);
  if (parsed.is_discarded() || !parsed.value("ok", false)) {
    return rig_error("the switch refused link up on " + port + ": " + answer);
  }
  const int tag = vlan == "voice" ? summary["vlans"].value("voice", 0) : 0;
  const std::string netns = phone->value("netns", "");
  const fs::path program = fs::path(ledger.data.value("bin_dir", "")) / "phonerig-sim-phone";
  const std::vector<std::string> argv = {program.string(), "--tagger", "--port-interface",
                                         phone->value("interface", "eth0"), "--tap", tap,
                                         "--vlan", std::to_string(tag), "--mac",
                                         phone->value("mac", "")};
  const fs::path dir = state_dir(instance, run_root);
  ledger.data["attached"].push_back(
      json{{"phone", id}, {"vlan", tap}, {"tap", tap}, {"pid", 0}, {"match", "phonerig-sim-phone"}});
  const std::size_t index = ledger.data["attached"].size() - 1;
  PHONERIG_TRY([[maybe_unused]] bool saved, ledger.save());
  const fs::path log = dir / "phones" / (id + "-attach-" + tap + ".log");
  const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  const pid_t pid = start_child(argv, netns, fd, {}, true);
  if (fd >= 0) ::close(fd);
  if (pid < 0) return rig_error("cannot start " + program.string() + ": " + errno_text(errno));
  ledger.data["attached"][index]["pid"] = pid;
  PHONERIG_TRY(saved, ledger.save());
  const bool ready = wait_for(
      [&] {
        return !alive(pid) || run({"ip", "-n", netns, "link", "show", "dev", tap}).status == 0;
      },
      std::chrono::seconds(5));
  if (!ready || !alive(pid)) {
    end_processes({pid}, std::chrono::milliseconds(500));
    return rig_error(fmt::format("the tagger for {} ({}) did not create TAP {} in {}; its log:{}",
                                 id, tap, tap, netns, tail_of(log)));
  }
  return tap;
}

api::Result<bool> detach(std::string_view instance, std::string_view phone_name,
                         const fs::path& run_root) {
  PHONERIG_TRY(Ledger ledger, ledger_of(instance, run_root));
  const json& summary = ledger.data["summary"];
  const json* phone = nullptr;
  for (const auto& one : summary["phones"]) {
    if (one.value("id", "") == phone_name || one.value("port", "") == phone_name) phone = &one;
  }
  if (phone == nullptr) {
    return api::fail(api::Fault::config, fmt::format("the lab instance '{}' has no phone '{}'",
                                                     instance, phone_name));
  }
  const std::string id = phone->value("id", "");
  std::set<pid_t> pids;
  json kept = json::array();
  for (const auto& one : ledger.data["attached"]) {
    if (one.value("phone", "") != id) {
      kept.push_back(one);
      continue;
    }
    const pid_t pid = one.value("pid", 0);
    if (alive(pid) && cmdline_of(pid).find(one.value("match", "?")) != std::string::npos) {
      pids.insert(pid);
    }
  }
  end_processes(pids, std::chrono::milliseconds(1000));
  ledger.data["attached"] = kept;
  PHONERIG_TRY(bool saved, ledger.save());
  (void)saved;
  // The link goes down again unless the port is powered (then the phone owns it).
  if (pid_of_role(ledger, "switch") != 0) {
    const std::string control = summary["switch"].value("control", "");
    auto status = control_request(control, R"({"op":"status"})");
    bool powered = false;
    if (status) {
      json parsed = json::parse(*status, nullptr, false);
      for (const auto& port : parsed.is_discarded() ? json::array() : parsed.value("ports", json::array())) {
        if (port.value("short", "") == phone->value("port", "") && port.value("power", false) == true) {
          powered = true;
        }
      }
    }
    if (!powered) {
      (void)control_request(control,
                            json{{"op", "link"}, {"port", phone->value("port", "")}, {"up", false}}.dump());
    }
  }
  return true;
}

std::optional<std::string> community(std::string_view instance, const fs::path& run_root) {
  if (const char* from_env = std::getenv(kCommunityEnv); from_env != nullptr && *from_env != 0) {
    return std::string(from_env);
  }
  if (instance_problem(instance)) return std::nullopt;
  std::string text = read_file(state_dir(instance, run_root) / "snmp-community");
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  if (text.empty()) return std::nullopt;
  return text;
}

std::optional<std::string> rig_netns(std::string_view instance, const fs::path& run_root) {
  auto ledger = ledger_of(instance, run_root);
  if (!ledger) return std::nullopt;
  return ledger->data["summary"]["rig"].value("netns", std::string());
}

}  // namespace phonerig::sim::topology
