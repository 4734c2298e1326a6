#include "harness/app/lab_session.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <fmt/core.h>
#include <fstream>
#include <sstream>

#include <boost/asio/io_context.hpp>

#include "drivers/netlink/control.hpp"
#include "drivers/netlink/netem_faults.hpp"
#include "harness/app/service_set.hpp"
#include "harness/app/switch_config.hpp"
#include "lab/sim/switchd/control_client.hpp"
#include "lab/sim/topology/topology.hpp"

namespace phonerig::app {

namespace {

std::filesystem::path own_bin_dir() {
  std::error_code error;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", error);
  return error ? std::filesystem::path(".") : self.parent_path();
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Runs argv (no shell) and returns its exit status and output.
std::pair<int, std::string> run_program(const std::vector<std::string>& argv) {
  int fds[2];
  if (pipe(fds) != 0) return {-1, {}};
  const pid_t pid = fork();
  if (pid == 0) {
    dup2(fds[1], 1);
    dup2(fds[1], 2);
    close(fds[0]);
    close(fds[1]);
    std::vector<char*> args;
    for (const auto& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
    args.push_back(nullptr);
    execvp(args[0], args.data());
    _exit(127);
  }
  close(fds[1]);
  std::string output;
  char buffer[4096];
  ssize_t got;
  while ((got = read(fds[0], buffer, sizeof buffer)) > 0) output.append(buffer, static_cast<std::size_t>(got));
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

}  // namespace

api::Result<std::unique_ptr<LabSession>> LabSession::open(const scenario::Lab& lab,
                                                           const std::string& instance) {
  std::unique_ptr<LabSession> session(new LabSession());
  session->lab_ = lab;
  session->instance_ = instance;
  std::optional<std::string> netns = lab.rig.netns;

  if (lab.simulated() && !lab.rig.netns) {
    auto plan = sim::topology::plan(lab, instance, own_bin_dir());
    if (!plan) return wire::unexpected(plan.error());
    if (sim::topology::rig_netns(instance)) {
      // Up already: only if it is this lab (the same switch and phones, knobs included).
      bool same = read_file(plan->state_dir / "switch.json") == plan->switch_json;
      for (const auto& phone : plan->phones) {
        same = same && read_file(phone.config_path) == phone.config_json;
      }
      if (!same) {
        return api::fail(api::Fault::rig,
                         fmt::format("simulated lab instance {} is up with another lab than {}; "
                                     "take it down (phonerig lab down --instance {}) or run "
                                     "with another --instance",
                                     instance, lab.file, instance));
      }
    } else {
      auto up = sim::topology::up(*plan);
      if (!up) return wire::unexpected(up.error());
      session->brought_up_ = true;
    }
    netns = plan->rig_netns;
    session->community_ = sim::topology::community(instance);
    session->control_socket_ = plan->control_socket;
    session->state_dir_ = plan->state_dir / "services";
    auto client = sim::switchd::ControlClient::connect(plan->control_socket);
    if (!client) {
      session->close();
      return wire::unexpected(client.error());
    }
    session->faults_ = std::move(*client);
  } else {
    std::string stem = std::filesystem::path(lab.file).stem().string();
    for (char& c : stem) {
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') c = '_';
    }
    session->state_dir_ = std::filesystem::path("/var/tmp/phonerig") / stem;
  }
  if (netns) {
    auto entered = enter_netns(*netns);
    if (!entered) {
      session->close();
      return wire::unexpected(entered.error());
    }
  }
  return session;
}

LabSession::~LabSession() { close(); }

bool LabSession::serves() const {
  const auto& s = lab_.services;
  return s.dhcp.served() || s.tftp.served() || s.http.served() || s.sip.served() ||
         s.cdp.served();
}

bool LabSession::has_switch() const { return lab_.switch_config.has_value(); }

api::Result<power::Config> LabSession::switch_config() const {
  if (!lab_.switch_config) return api::fail(api::Fault::config, "the lab names no switch");
  return app::switch_config(*lab_.switch_config, community_);
}

std::vector<std::string> LabSession::capture_devices() const {
  std::vector<std::string> devices;
  for (const auto& interface : lab_.rig.interfaces) {
    if (!interface.captures()) continue;
    if (const auto* device = std::get_if<scenario::ExistingDevice>(&interface.link)) {
      devices.push_back(device->ifname);
    }
  }
  return devices;
}

api::Result<api::FaultInjector*> LabSession::faults() {
  if (faults_ || lab_.simulated()) return faults_.get();
  // A real rig: netem through netlink, in the namespace this process runs in (the rig's).
  std::error_code ignored;
  std::filesystem::create_directories(state_dir_, ignored);
  link_io_ = std::make_unique<boost::asio::io_context>();
  auto control = netlink::Control::open(
      link_io_->get_executor(),
      {"", netlink::Naming::random_prefix("rig"), state_dir_ / "netlink-ledger.jsonl"});
  if (!control) {
    return api::fail(api::Fault::rig, "faults on a real rig need netlink: " +
                                          control.error().message);
  }
  link_control_ = std::move(*control);
  faults_ = std::make_unique<netlink::NetemFaults>(*link_control_, lab_.rig_interfaces_by_vlan());
  return faults_.get();
}

api::Result<bool> LabSession::set_address(wire::Ipv4 address, bool restore) {
  if (restore) {
    for (auto it = dropped_.begin(); it != dropped_.end(); ++it) {
      if (it->first.rfind(address.to_string() + "/", 0) != 0) continue;
      const auto [status, output] = run_program({"ip", "addr", "add", it->first, "dev", it->second});
      if (status != 0) {
        return api::fail(api::Fault::rig, "cannot restore " + it->first + ": " + output);
      }
      dropped_.erase(it);
      return true;
    }
    return api::fail(api::Fault::config, address.to_string() + " was not dropped");
  }
  // Find the interface that holds it: "2: rig-voice    inet 198.18.0.11/24 ...".
  const auto [status, output] = run_program({"ip", "-o", "-4", "addr", "show"});
  if (status != 0) return api::fail(api::Fault::rig, "ip addr show failed: " + output);
  std::istringstream lines(output);
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream words(line);
    std::string index, device, family, cidr;
    words >> index >> device >> family >> cidr;
    if (family != "inet" || cidr.rfind(address.to_string() + "/", 0) != 0) continue;
    const auto [deleted, why] = run_program({"ip", "addr", "del", cidr, "dev", device});
    if (deleted != 0) return api::fail(api::Fault::rig, "cannot drop " + cidr + ": " + why);
    dropped_.emplace_back(cidr, device);
    return true;
  }
  return api::fail(api::Fault::config,
                   "no rig interface holds " + address.to_string() + " to drop");
}

void LabSession::close() {
  if (closed_) return;
  closed_ = true;
  while (!dropped_.empty()) {
    run_program({"ip", "addr", "add", dropped_.back().first, "dev", dropped_.back().second});
    dropped_.pop_back();
  }
  faults_.reset();  // a real rig's netem goes here, before the netlink it uses
  link_control_.reset();
  link_io_.reset();
  if (brought_up_) {
    auto down = sim::topology::down(instance_);
    if (!down) fmt::print(stderr, "phonerig run: lab down: {}\n", down.error().message);
  }
}

}  // namespace phonerig::app
