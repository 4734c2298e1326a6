#include "harness/app/lab_command.hpp"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <filesystem>
#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "harness/app/commands.hpp"
#include "harness/app/exit_codes.hpp"
#include "lab/sim/topology/plan.hpp"
#include "lab/sim/topology/topology.hpp"

namespace phonerig::app {

namespace {

namespace topology = sim::topology;

int fail(const api::Error& error) {
  fmt::print(stderr, "phonerig lab: {}\n", error.message);
  return error.fault == api::Fault::config ? kExitUsage : kExitRig;
}

// The simulated lab's programs live beside phonerig (build/bin).
std::filesystem::path bin_dir() {
  std::error_code ignored;
  return std::filesystem::read_symlink("/proc/self/exe", ignored).parent_path();
}

int lab_up(const LabOptions& options) {
  auto lab = load_lab_or_report(options.lab_file);
  if (!lab) return kExitUsage;
  auto plan = topology::plan(*lab, options.instance, bin_dir());
  if (!plan) return fail(plan.error());
  if (::geteuid() != 0) {
    fmt::print(stderr, "phonerig lab: bringing a simulated lab up needs root (network "
                       "namespaces); run it with sudo\n");
    return kExitRig;
  }
  topology::UpOptions up_options;
  up_options.start_switch = !options.no_switch;
  auto up = topology::up(*plan, up_options);
  if (!up) return fail(up.error());
  fmt::print("lab {} up in {:.1f} s: {} ({} phones, layout {})\n", plan->instance, up->seconds,
             lab->file, plan->phones.size(), scenario::to_string(plan->layout));
  fmt::print("  rig namespace {}; switch SNMP {}:161 (community: {})\n", plan->rig_netns,
             plan->switch_address.to_string(), up->community_source);
  fmt::print("  state {}; `phonerig lab status --instance {}` for the rest\n",
             plan->state_dir.string(), plan->instance);
  return kExitOk;
}

int lab_down(const LabOptions& options) {
  auto down = topology::down(options.instance);
  if (!down) return fail(down.error());
  fmt::print("lab {} down: {} processes ended, {} namespaces removed{}\n", options.instance,
             down->processes, down->namespaces, down->state_removed ? ", state folder removed" : "");
  for (const auto& problem : down->problems) fmt::print(stderr, "phonerig lab: {}\n", problem);
  return down->problems.empty() ? kExitOk : kExitRig;
}

int lab_status(const LabOptions& options) {
  auto status = topology::status_json(options.instance);
  if (!status) return fail(status.error());
  if (options.json) {
    fmt::print("{}\n", *status);
    return kExitOk;
  }
  const nlohmann::json s = nlohmann::json::parse(*status);
  fmt::print("lab {} ({} layout), state {}\n", s.value("instance", ""), s.value("layout", ""),
             s.value("state_dir", ""));
  fmt::print("vlans: voice {}, data {}\n", s["vlans"].value("voice", 0), s["vlans"].value("data", 0));
  fmt::print("switch: netns {}, SNMP {}, {}\n", s["switch"].value("netns", ""),
             s["switch"].value("snmp", ""),
             s["switch"].value("running", false) ? "running" : "NOT running");
  fmt::print("rig: netns {}\n", s["rig"].value("netns", ""));
  for (const auto& one : s["rig"]["interfaces"]) {
    fmt::print("  {:<8} {:<10} {:<18} switch port {}\n", one.value("name", ""),
               one.value("device", ""),
               one.contains("vlan") ? "vlan " + std::to_string(one.value("vlan", 0)) : "mirror",
               one.value("switch_interface", ""));
  }
  fmt::print("services:\n");
  for (const auto& one : s["services"]) {
    fmt::print("  {:<5} {} {}:{} on {}\n", one.value("name", ""), one.value("transport", ""),
               one.value("address", ""), one.value("port", 0), one.value("device", ""));
  }
  fmt::print("phones:\n");
  for (const auto& one : s["phones"]) {
    std::string attached;
    for (const auto& tap : one["attached"]) attached += " attached:" + tap.value("tap", "");
    fmt::print("  {:<12} {} {:<8} {:<10} {} {} power {}{}\n", one.value("id", ""),
               one.value("mac", ""), one.value("model", ""), one.value("port", ""),
               one.value("netns", ""), one.value("interface", ""),
               one.value("power", "unknown"), attached);
  }
  for (const auto& one : s["processes"]) {
    if (!one.value("running", false)) {
      fmt::print("warning: {} (pid {}) is not running\n", one.value("role", ""), one.value("pid", 0));
    }
  }
  return kExitOk;
}

}  // namespace

CLI::App* add_lab_command(CLI::App& app, LabOptions& options) {
  auto* lab = app.add_subcommand(
      "lab", "Bring a simulated lab instance up or down on this machine (namespaces, the "
             "simulated switch, snmpd), show it, or attach a host interface to a phone's port.");
  lab->require_subcommand(1);
  auto common = [&](CLI::App* sub) {
    sub->add_option("--lab", options.lab_file, "lab file (default: the built-in simulated lab)")
        ->check(CLI::ExistingFile);
    sub->add_option("--instance", options.instance, "instance id, [a-z0-9]{1,8} (default 0)");
    sub->final_callback([&options, sub] { options.action = sub->get_name(); });
  };
  auto* up = lab->add_subcommand("up", "Create the instance: namespaces, links, snmpd, switch.");
  common(up);
  up->add_flag("--no-switch", options.no_switch,
               "only namespaces, links and snmpd (tests; hosts without the switch program)");
  common(lab->add_subcommand("down", "Remove every namespace, link, process and file of the "
                                     "instance, also what a crashed run left."));
  auto* status = lab->add_subcommand("status", "Phones, VLANs, rig interfaces, services, SNMP.");
  common(status);
  status->add_flag("--json", options.json, "print the status as JSON, for scripts");
  auto* attach = lab->add_subcommand(
      "attach", "Bring PHONE's port link up (PoE stays off) and give its namespace a TAP on "
                "the VLAN; prints the TAP's name.");
  common(attach);
  attach->add_option("PHONE", options.phone, "phone id or port")->required();
  attach->add_option("--vlan", options.vlan, "voice or data (default voice)")
      ->check(CLI::IsMember({"voice", "data"}));
  auto* detach = lab->add_subcommand("detach", "End PHONE's attached TAPs.");
  common(detach);
  detach->add_option("PHONE", options.phone, "phone id or port")->required();
  return lab;
}

int lab_command(const LabOptions& options) {
  if (auto problem = topology::instance_problem(options.instance)) {
    fmt::print(stderr, "phonerig lab: --instance: {}\n", *problem);
    return kExitUsage;
  }
  if (options.action == "up") return lab_up(options);
  if (options.action == "down") return lab_down(options);
  if (options.action == "status") return lab_status(options);
  if (options.action == "attach") {
    auto tap = topology::attach(options.instance, options.phone, options.vlan);
    if (!tap) return fail(tap.error());
    fmt::print("{}\n", *tap);
    return kExitOk;
  }
  if (options.action == "detach") {
    auto done = topology::detach(options.instance, options.phone);
    if (!done) return fail(done.error());
    return kExitOk;
  }
  return kExitUsage;
}

std::optional<std::string> simulated_rig_netns(const std::string& instance, const char* command) {
  if (auto problem = topology::instance_problem(instance)) {
    fmt::print(stderr, "phonerig {}: --instance: {}\n", command, *problem);
    return std::nullopt;
  }
  auto netns = topology::rig_netns(instance);
  if (!netns) {
    fmt::print(stderr,
               "phonerig {}: the simulated lab instance '{}' is not up; run `phonerig lab up "
               "--instance {}` first\n",
               command, instance, instance);
  }
  return netns;
}

std::optional<std::string> simulated_community(const std::string& instance) {
  return topology::community(instance);
}

}  // namespace phonerig::app
