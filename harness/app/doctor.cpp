#include "harness/app/doctor.hpp"

#include <fcntl.h>
#include <linux/if_ether.h>
#include <net/if.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fmt/core.h>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <vector>

#include "drivers/netlink/cleanup.hpp"
#include "drivers/netlink/control.hpp"
#include "drivers/netlink/error.hpp"
#include "harness/app/commands.hpp"
#include "harness/app/exit_codes.hpp"
#include "harness/scenario/lab_file.hpp"

namespace phonerig::app {

namespace {

enum class Verdict { ok, warn, fail, skip };

std::string_view to_string(Verdict verdict) {
  switch (verdict) {
    case Verdict::ok: return "ok";
    case Verdict::warn: return "warn";
    case Verdict::fail: return "FAIL";
    case Verdict::skip: return "skip";
  }
  return "?";
}

struct Check {
  std::string area;
  std::string name;
  Verdict verdict;
  std::string detail;
  bool required;  // a failure here means phonerig cannot run on this host
};

class Doctor {
 public:
  void add(std::string area, std::string name, Verdict verdict, std::string detail,
           bool required = false) {
    checks_.push_back({std::move(area), std::move(name), verdict, std::move(detail), required});
  }
  const std::vector<Check>& checks() const { return checks_; }
  bool fatal() const {
    for (const Check& check : checks_) {
      if (check.required && check.verdict == Verdict::fail) return true;
    }
    return false;
  }

 private:
  std::vector<Check> checks_;
};

// Effective capabilities from /proc/self/status (CapEff, a hex mask).
std::uint64_t effective_capabilities() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("CapEff:", 0) == 0) return std::stoull(line.substr(7), nullptr, 16);
  }
  return 0;
}

void check_privileges(Doctor& doctor) {
  const std::uint64_t caps = effective_capabilities();
  constexpr int kNetAdmin = 12;
  constexpr int kNetRaw = 13;
  constexpr int kSysAdmin = 21;
  auto has = [&](int bit) { return (caps >> bit & 1) != 0; };
  doctor.add("privileges", "CAP_NET_ADMIN", has(kNetAdmin) ? Verdict::ok : Verdict::fail,
             "interfaces, addresses, namespaces", true);
  doctor.add("privileges", "CAP_NET_RAW", has(kNetRaw) ? Verdict::ok : Verdict::fail,
             "capture, CDP/LLDP, DHCP to clients without an address", true);
  doctor.add("privileges", "CAP_SYS_ADMIN", has(kSysAdmin) ? Verdict::ok : Verdict::warn,
             "entering and creating network namespaces (the simulated lab, rig.netns)");
}

std::optional<std::string> find_on_path(const std::string& program) {
  const char* path = std::getenv("PATH");
  std::istringstream dirs(path ? path : "/usr/sbin:/usr/bin:/sbin:/bin");
  for (std::string dir; std::getline(dirs, dir, ':');) {
    const auto candidate = std::filesystem::path(dir) / program;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate.string();
  }
  // Root's PATH may lack sbin on some hosts.
  for (const char* dir : {"/usr/sbin", "/sbin"}) {
    const auto candidate = std::filesystem::path(dir) / program;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate.string();
  }
  return std::nullopt;
}

void check_tools(Doctor& doctor) {
  struct Tool {
    const char* name;
    const char* why;
    bool sim_only;
  };
  const Tool tools[] = {
      {"snmpd", "the simulated switch's SNMP agent", true},
      {"dhcrelay", "the simulated lab's relayed layout (isc-dhcp-relay)", true},
      {"ip", "iproute2, for people debugging a lab by hand", false},
      {"tshark", "reading captures and reports by hand (not needed by runs)", false},
  };
  for (const Tool& tool : tools) {
    auto where = find_on_path(tool.name);
    doctor.add("tools", tool.name, where ? Verdict::ok : Verdict::warn,
               where ? *where : std::string("missing: ") + tool.why);
  }
}

void check_kernel(Doctor& doctor) {
  utsname name{};
  ::uname(&name);
  doctor.add("kernel", "release", Verdict::ok, fmt::format("{} {}", name.sysname, name.release));

  const int raw = ::socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_ALL));
  doctor.add("kernel", "AF_PACKET", raw >= 0 ? Verdict::ok : Verdict::fail,
             raw >= 0 ? "raw sockets for capture, CDP/LLDP and the simulated switch"
                      : std::string("socket(AF_PACKET): ") + std::strerror(errno),
             true);
  if (raw >= 0) ::close(raw);

  boost::asio::io_context io;
  const std::string prefix = netlink::Naming::random_prefix("dr");
  const auto ledger = std::filesystem::temp_directory_path() / ("phonerig-doctor-" + prefix + ".jsonl");
  {
    auto host = netlink::Control::open(io.get_executor(), {"", prefix, ledger});
    if (!host) {
      doctor.add("kernel", "netlink", Verdict::fail, (*host ? "" : host.error().message), true);
      return;
    }
    auto netns = (*host)->add_namespace("doctor");
    doctor.add("kernel", "network namespaces", netns ? Verdict::ok : Verdict::fail,
               netns ? "created and removed one" : netns.error().message, true);
    if (netns) {
      auto inside = netlink::Control::open(io.get_executor(), {netns->name(), prefix, ledger});
      if (!inside) {
        doctor.add("kernel", "netlink in a namespace", Verdict::fail, inside.error().message, true);
      } else {
        netlink::Control& control = **inside;
        auto veth = control.add_veth("dva", "dvb", "");
        doctor.add("kernel", "veth", veth ? Verdict::ok : Verdict::fail,
                   veth ? "pairs for the simulated lab's cabling" : veth.error().message, true);
        auto tap = control.add_tap("dtap");
        doctor.add("kernel", "TAP", tap ? Verdict::ok : Verdict::warn,
                   tap ? "the emulated phone's voice VLAN interface" : tap.error().message);
        if (veth) {
          auto vlan = control.add_vlan("dv100", prefix + "dva", 100);
          doctor.add("kernel", "802.1Q VLAN devices", vlan ? Verdict::ok : Verdict::warn,
                     vlan ? "a real rig can terminate VLANs on its trunk NIC"
                          : "not available (" + vlan.error().message +
                                "): on a real rig, give each VLAN its own NIC or access port "
                                "(rig.interfaces device:); the simulated lab does not need it");
          api::Netem netem;
          netem.loss_percent = 1;
          auto qdisc = control.add_netem(prefix + "dva", netem);
          doctor.add("kernel", "netem", qdisc ? Verdict::ok : Verdict::warn,
                     qdisc ? "loss/delay faults on a real rig's interfaces"
                           : "not available (" + qdisc.error().message +
                                 "): faults on a real rig are unavailable; the simulated "
                                 "switch injects its own");
          auto offloads = control.offloads(prefix + "dva");
          doctor.add("kernel", "ethtool offloads", offloads ? Verdict::ok : Verdict::warn,
                     offloads ? "readable and settable (lab veths turn them off)"
                              : offloads.error().message);
        }
      }
    }
  }
  auto cleaned = netlink::cleanup_ledger(ledger);
  if (!cleaned) doctor.add("kernel", "cleanup", Verdict::warn, cleaned.error().message);
}

std::string read_sysfs(const std::string& path) {
  std::ifstream in(path);
  std::string text;
  std::getline(in, text);
  return text;
}

void check_lab(Doctor& doctor, const scenario::Lab& lab) {
  doctor.add("lab", "file", Verdict::ok, lab.file + (lab.simulated() ? " (simulated)" : ""));
  if (lab.simulated()) {
    doctor.add("lab", "interfaces", Verdict::skip,
               "the simulated lab creates its interfaces at `phonerig lab up`");
    return;
  }
  if (lab.rig.netns && !std::filesystem::exists("/run/netns/" + *lab.rig.netns)) {
    doctor.add("lab", "rig.netns", Verdict::fail,
               "namespace '" + *lab.rig.netns + "' does not exist (ip netns add " +
                   *lab.rig.netns + ")");
    return;
  }
  if (lab.rig.netns) {
    doctor.add("lab", "interfaces", Verdict::skip,
               "inside rig.netns '" + *lab.rig.netns + "': run doctor there (ip netns exec " +
                   *lab.rig.netns + " phonerig doctor --lab ...)");
    return;
  }
  for (const auto& interface : lab.rig.interfaces) {
    if (const auto* device = std::get_if<scenario::ExistingDevice>(&interface.link)) {
      const std::string sys = "/sys/class/net/" + device->ifname;
      if (!std::filesystem::exists(sys)) {
        doctor.add("lab", interface.name, Verdict::fail, device->ifname + " does not exist");
        continue;
      }
      const std::string state = read_sysfs(sys + "/operstate");
      doctor.add("lab", interface.name, state == "up" ? Verdict::ok : Verdict::warn,
                 fmt::format("{}: operstate {}, mtu {}", device->ifname, state,
                             read_sysfs(sys + "/mtu")));
    } else {
      const auto& vlan = std::get<scenario::VlanOnParent>(interface.link);
      const bool parent = std::filesystem::exists("/sys/class/net/" + vlan.parent);
      doctor.add("lab", interface.name, parent ? Verdict::ok : Verdict::fail,
                 parent ? fmt::format("VLAN {} on {} (needs 802.1Q devices, above)", vlan.vlan,
                                      vlan.parent)
                        : vlan.parent + " (trunk parent) does not exist");
    }
  }
}

}  // namespace

int doctor(const DoctorOptions& options) {
  auto lab = load_lab_or_report(options.lab_file);
  if (!lab) return kExitUsage;
  Doctor doctor;
  check_privileges(doctor);
  check_kernel(doctor);
  check_tools(doctor);
  check_lab(doctor, *lab);

  if (options.json) {
    nlohmann::json out = nlohmann::json::array();
    for (const Check& check : doctor.checks()) {
      out.push_back({{"area", check.area},
                     {"check", check.name},
                     {"result", std::string(to_string(check.verdict))},
                     {"detail", check.detail},
                     {"required", check.required}});
    }
    fmt::print("{}\n", out.dump(2));
  } else {
    std::string area;
    for (const Check& check : doctor.checks()) {
      if (check.area != area) {
        area = check.area;
        fmt::print("{}\n", area);
      }
      fmt::print("  {:<4}  {:<22} {}\n", to_string(check.verdict), check.name, check.detail);
    }
    fmt::print("{}\n", doctor.fatal() ? "this host cannot run phonerig (see FAIL above)"
                                      : "this host can run phonerig");
  }
  return doctor.fatal() ? kExitRig : kExitOk;
}

}  // namespace phonerig::app
