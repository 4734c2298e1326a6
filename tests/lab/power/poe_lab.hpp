// A PoE switch for the power driver's lab tests: a real `snmpd` (master agent, AgentX) in its
// own network namespace, listening on the namespace's 127.0.0.1:161, with our PoE agent
// (`phonerig-poe-agent`, an AgentX subagent) attached through a private AgentX socket. Every
// file (snmpd.conf, persistent state, sockets, logs) lives in a private temporary folder;
// the namespace, both processes (ended by PID) and the folder are removed when the lab is
// destroyed, also when a test fails.
#pragma once

#include <unistd.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "drivers/api/event_sink.hpp"
#include "drivers/power/snmp_poe_switch.hpp"
#include "tests/support/netns.hpp"

namespace phonerig::testing {

inline std::filesystem::path poe_agent_program() {
  std::error_code ec;
  auto dir = std::filesystem::read_symlink("/proc/self/exe", ec).parent_path();
  for (int i = 0; i < 4 && !dir.empty(); ++i, dir = dir.parent_path()) {
    const auto candidate = dir / "bin" / "phonerig-poe-agent";
    if (std::filesystem::exists(candidate)) return candidate;
  }
  return {};
}

struct PoeLabOptions {
  std::string tag = "pw";
  int ports = 48;
  std::string profile = "rfc3621";
  int delay_ms = 200;
  std::vector<std::string> agent_args;  // --cdp ..., --lldp ..., --no-pd ...
  std::string v3_auth = "authpass-0001";
  std::string v3_priv = "privpass-0001";
};

class PoeLab {
 public:
  explicit PoeLab(PoeLabOptions options) : options_(std::move(options)), lab_(options_.tag) {
    char pattern[] = "/tmp/phrt-poe-XXXXXX";
    const char* made = mkdtemp(pattern);
    if (made == nullptr) throw std::runtime_error("mkdtemp failed");
    dir_ = made;
    ns_ = lab_.add("sw");
    std::filesystem::create_directories(dir_ / "snmpd-state");
    std::filesystem::create_directories(dir_ / "tools-state");
    std::ofstream conf(dir_ / "snmpd.conf");
    conf << "agentaddress udp:127.0.0.1:161\n"
         << "master agentx\n"
         << "agentXSocket " << socket().string() << "\n"
         << "agentXTimeout 5\n"
         << "rocommunity public 127.0.0.1\n"
         << "rwcommunity private 127.0.0.1\n"
         << "createUser rig SHA \"" << options_.v3_auth << "\" AES \"" << options_.v3_priv
         << "\"\n"
         << "rwuser rig priv\n"
         << "createUser oldrig MD5 \"" << options_.v3_auth << "\" DES \"" << options_.v3_priv
         << "\"\n"
         << "rwuser oldrig priv\n";
    conf.close();
    start_snmpd();
    start_agent();
  }

  ~PoeLab() {
    agent_.reset();
    snmpd_.reset();
    lab_.teardown();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  const std::string& ns() const { return ns_; }
  const std::filesystem::path& dir() const { return dir_; }
  std::filesystem::path socket() const { return dir_ / "agentx.sock"; }
  std::filesystem::path snmpd_log() const { return dir_ / "snmpd.log"; }
  std::filesystem::path agent_log() const { return dir_ / "agent.log"; }
  const PoeLabOptions& options() const { return options_; }

  static std::string tail(const std::filesystem::path& path) {
    std::ifstream in(path);
    std::string line;
    std::vector<std::string> lines;
    while (std::getline(in, line)) lines.push_back(line);
    std::string out;
    for (std::size_t i = lines.size() > 15 ? lines.size() - 15 : 0; i < lines.size(); ++i) {
      out += lines[i] + "\n";
    }
    return out;
  }

  void start_snmpd() {
    snmpd_ = std::make_unique<Process>(
        ns_,
        std::vector<std::string>{"env", "MIBS=", "SNMP_PERSISTENT_DIR=" +
                                                     (dir_ / "snmpd-state").string(),
                                 "snmpd", "-f", "-Lo", "-C", "-c", (dir_ / "snmpd.conf").string(),
                                 "-p", (dir_ / "snmpd.pid").string()},
        snmpd_log());
    wait_until([&] { return std::filesystem::exists(socket()); }, std::chrono::seconds(10));
  }
  void stop_snmpd() {
    snmpd_.reset();
    std::error_code ignored;
    std::filesystem::remove(socket(), ignored);
  }

  void start_agent() {
    const auto program = poe_agent_program();
    if (program.empty()) throw std::runtime_error("phonerig-poe-agent is not built");
    agent_.reset();
    std::vector<std::string> argv = {"env", "MIBS=", program.string(), "--agentx",
                                     socket().string(), "--ports", std::to_string(options_.ports),
                                     "--profile", options_.profile, "--delay-ms",
                                     std::to_string(options_.delay_ms), "--persistent-dir",
                                     (dir_ / "agent-state").string()};
    argv.insert(argv.end(), options_.agent_args.begin(), options_.agent_args.end());
    agent_ = std::make_unique<Process>("", argv, agent_log());
    const std::string probe = options_.profile == "apc-pdu"
                                  ? "1.3.6.1.4.1.318.1.1.12.3.5.1.1.4.1"
                                  : "1.3.6.1.2.1.105.1.1.1.3.1.1";
    const bool up = wait_until(
        [&] { return tool("snmpget", {"-v2c", "-c", "public", "127.0.0.1", probe}).out.find("INTEGER") != std::string::npos; },
        std::chrono::seconds(15));
    if (!up) {
      throw std::runtime_error("the PoE agent did not register with snmpd; snmpd log:\n" +
                               tail(snmpd_log()) + "\nagent log:\n" + tail(agent_log()));
    }
  }

  // A net-snmp tool run in the namespace, numeric OIDs, private state.
  CommandResult tool(const std::string& name, std::vector<std::string> args) const {
    std::vector<std::string> argv = {"ip", "netns", "exec", ns_, "env", "MIBS=",
                                     "SNMP_PERSISTENT_DIR=" + (dir_ / "tools-state").string(),
                                     name, "-On", "-r", "1", "-t", "1"};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_command(argv);
  }

  // The driver, with its sockets made inside the namespace.
  std::unique_ptr<power::SnmpPoeSwitch> open_switch(boost::asio::io_context& io,
                                                    power::Config config,
                                                    api::EventSink& events) const {
    config.host = "127.0.0.1";
    NetnsGuard inside(ns_);
    auto opened = power::SnmpPoeSwitch::open(io.get_executor(), std::move(config), events);
    if (!opened) throw std::runtime_error(opened.error().message);
    return std::move(*opened);
  }

  power::Config v2c(power::Profile profile) const {
    power::Config c;
    c.community = "private";
    c.profile = profile;
    c.timeout = std::chrono::milliseconds(300);
    c.retries = 1;
    c.confirm_timeout = std::chrono::seconds(5);
    c.poll_interval = std::chrono::milliseconds(50);
    c.min_off_time = std::chrono::milliseconds(400);
    return c;
  }

  power::Config v3(power::Profile profile) const {
    power::Config c = v2c(profile);
    c.community.clear();
    c.version = power::SnmpVersion::v3;
    c.user = power::V3User{"rig", power::AuthProtocol::sha, options_.v3_auth,
                           power::PrivProtocol::aes, options_.v3_priv};
    return c;
  }

 private:
  PoeLabOptions options_;
  NetnsLab lab_;
  std::filesystem::path dir_;
  std::string ns_;
  std::unique_ptr<Process> snmpd_;
  std::unique_ptr<Process> agent_;
};

// Runs one asynchronous driver call to completion on `io` (this thread).
template <class T>
api::Result<T> run_op(boost::asio::io_context& io,
                      const std::function<void(std::function<void(api::Result<T>)>)>& start,
                      std::chrono::seconds limit = std::chrono::seconds(30)) {
  std::optional<api::Result<T>> result;
  start([&](api::Result<T> r) { result.emplace(std::move(r)); });
  io.restart();
  auto guard = boost::asio::make_work_guard(io);
  const auto until = std::chrono::steady_clock::now() + limit;
  while (!result && std::chrono::steady_clock::now() < until) {
    io.run_one_for(std::chrono::milliseconds(100));
    if (io.stopped()) io.restart();
  }
  if (!result) return api::fail(api::Fault::internal, "test: the operation never completed");
  return std::move(*result);
}

inline std::vector<std::string> port_range(int first, int last) {
  std::vector<std::string> ports;
  for (int p = first; p <= last; ++p) ports.push_back("1/" + std::to_string(p));
  return ports;
}

}  // namespace phonerig::testing
