// phonerig-poe-agent: the PoE switch emulator as a standalone program (an AgentX subagent of
// a running snmpd). It runs a configured command when a port is powered on and kills that
// command (by its PID, as a process group) when the port is powered off.
//
//   phonerig-poe-agent --agentx SOCKET --ports N [--profile rfc3621|cisco|apc-pdu]
//                      [--on-command 'CMD with {port}'] [--persistent-dir DIR]
//                      [--delay-ms MS] [--initially-on] [--no-pd PORT]...
//                      [--cdp PORT,DEVICE_ID,PLATFORM,VERSION]... [--lldp PORT,CHASSIS,PORT_ID,NAME,DESC]...
//                      [--if-index PORT=IFINDEX]...
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <iostream>
#include <map>
#include <sstream>

#include "lab/sim/poe-agent/poe_agent.hpp"

namespace {

using namespace phonerig::sim::poe;

std::vector<std::string> split(const std::string& text, char sep) {
  std::vector<std::string> parts;
  std::stringstream in(text);
  std::string part;
  while (std::getline(in, part, sep)) parts.push_back(part);
  return parts;
}

std::string replace_port(std::string command, int port) {
  const std::string token = "{port}";
  for (auto at = command.find(token); at != std::string::npos; at = command.find(token, at)) {
    command.replace(at, token.size(), std::to_string(port));
  }
  return command;
}

class Commands {
 public:
  explicit Commands(std::string command) : command_(std::move(command)) {}
  ~Commands() {
    for (const auto& [port, pid] : running_) kill(-pid, SIGTERM);
  }

  void power(int port, bool on) {
    std::cout << "port " << port << (on ? " on" : " off") << std::endl;
    if (command_.empty()) return;
    const auto it = running_.find(port);
    if (!on) {
      if (it == running_.end()) return;
      kill(-it->second, SIGTERM);  // its own process group, led by the PID we started
      running_.erase(it);
      return;
    }
    if (it != running_.end()) return;
    const std::string command = replace_port(command_, port);
    const pid_t pid = fork();
    if (pid == 0) {
      setpgid(0, 0);
      execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    if (pid > 0) {
      setpgid(pid, pid);
      running_[port] = pid;
    }
  }

  void reap() {
    int status = 0;
    pid_t pid;
    while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
      for (auto it = running_.begin(); it != running_.end(); ++it) {
        if (it->second == pid) {
          running_.erase(it);
          break;
        }
      }
    }
  }

 private:
  std::string command_;
  std::map<int, pid_t> running_;
};

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"PoE switch emulator: an AgentX subagent of snmpd"};
  std::string socket;
  std::string profile = "rfc3621";
  std::string on_command;
  std::string persistent_dir;
  int ports = 48;
  int delay_ms = 1000;
  bool initially_on = false;
  std::vector<int> no_pd;
  std::vector<std::string> cdp;
  std::vector<std::string> lldp;
  std::vector<std::string> if_indexes;
  app.add_option("--agentx", socket, "snmpd's agentXSocket path")->required();
  app.add_option("--ports", ports, "number of ports (or outlets)");
  app.add_option("--profile", profile, "rfc3621, cisco or apc-pdu");
  app.add_option("--on-command", on_command, "run when a port powers on; {port} is replaced");
  app.add_option("--persistent-dir", persistent_dir, "net-snmp state for this instance");
  app.add_option("--delay-ms", delay_ms, "searching -> deliveringPower delay");
  app.add_flag("--initially-on", initially_on, "ports start powered");
  app.add_option("--no-pd", no_pd, "a port with no powered device (searches forever)");
  app.add_option("--cdp", cdp, "PORT,DEVICE_ID,PLATFORM,VERSION");
  app.add_option("--lldp", lldp, "PORT,CHASSIS_ID,PORT_ID,SYSTEM_NAME,SYSTEM_DESCRIPTION");
  app.add_option("--if-index", if_indexes, "PORT=IFINDEX");
  CLI11_PARSE(app, argc, argv);

  const auto parsed = parse_profile(profile);
  if (!parsed) {
    std::cerr << "phonerig-poe-agent: unknown profile '" << profile << "'\n";
    return 2;
  }
  AgentConfig config;
  config.agentx_socket = socket;
  config.persistent_dir = persistent_dir.empty()
                              ? "/tmp/phonerig-poe-agent-" + std::to_string(getpid())
                              : persistent_dir;
  config.app_name = "phonerig-poe-agent-" + std::to_string(getpid());
  config.log_to_stderr = true;
  config.model.ports = ports;
  config.model.profile = *parsed;
  config.model.detection_delay = std::chrono::milliseconds(delay_ms);
  config.model.initially_on = initially_on;

  boost::asio::io_context io;
  Commands commands(on_command);
  auto agent = Agent::start(io.get_executor(), config,
                            [&](int port, bool on) { commands.power(port, on); });
  if (!agent) {
    std::cerr << "phonerig-poe-agent: " << agent.error().message << "\n";
    return 1;
  }
  for (const int port : no_pd) (*agent)->set_pd_present(port, false);
  for (const auto& spec : cdp) {
    const auto f = split(spec, ',');
    if (f.size() != 4) {
      std::cerr << "phonerig-poe-agent: --cdp wants PORT,DEVICE_ID,PLATFORM,VERSION\n";
      return 2;
    }
    (*agent)->set_cdp_neighbour(std::stoi(f[0]), CdpNeighbour{f[1], "Port 1", f[2], f[3], 0});
  }
  for (const auto& spec : lldp) {
    const auto f = split(spec, ',');
    if (f.size() != 5) {
      std::cerr << "phonerig-poe-agent: --lldp wants PORT,CHASSIS_ID,PORT_ID,NAME,DESC\n";
      return 2;
    }
    (*agent)->set_lldp_neighbour(std::stoi(f[0]), LldpNeighbour{f[1], f[2], f[3], f[4]});
  }
  for (const auto& spec : if_indexes) {
    const auto f = split(spec, '=');
    if (f.size() != 2) {
      std::cerr << "phonerig-poe-agent: --if-index wants PORT=IFINDEX\n";
      return 2;
    }
    (*agent)->set_if_index(std::stoi(f[0]), static_cast<std::uint32_t>(std::stoul(f[1])));
  }
  if (initially_on && !on_command.empty()) {
    for (int port = 1; port <= ports; ++port) commands.power(port, true);
  }

  boost::asio::signal_set stop(io, SIGINT, SIGTERM);
  stop.async_wait([&](const boost::system::error_code&, int) { io.stop(); });
  boost::asio::signal_set children(io, SIGCHLD);
  std::function<void(const boost::system::error_code&, int)> on_child =
      [&](const boost::system::error_code& ec, int) {
        if (ec) return;
        commands.reap();
        children.async_wait(on_child);
      };
  children.async_wait(on_child);
  std::cout << "phonerig-poe-agent: " << ports << " ports, profile " << profile
            << ", AgentX " << socket << std::endl;
  io.run();
  (*agent)->stop();
  return 0;
}
