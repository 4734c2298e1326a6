#include "harness/app/power.hpp"

#include <boost/asio/io_context.hpp>
#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "drivers/api/event_sink.hpp"
#include "drivers/power/snmp_poe_switch.hpp"
#include "harness/app/commands.hpp"
#include "harness/app/exit_codes.hpp"
#include "harness/app/lab_command.hpp"
#include "harness/app/service_set.hpp"
#include "harness/app/switch_config.hpp"
#include "harness/scenario/lab_file.hpp"

namespace phonerig::app {

namespace {

int fail_with(const api::Error& error) {
  fmt::print(stderr, "phonerig power: {}\n", error.message);
  return error.fault == api::Fault::config ? kExitUsage : kExitRig;
}

std::string describe(const api::PortStatus& port) {
  std::string text = fmt::format("{:<14} admin {:<3} {:<16}", port.port,
                                 port.admin_on ? "on" : "off", api::to_string(port.detection));
  if (port.power_class) text += fmt::format(" class {}", *port.power_class);
  if (port.power_mw) text += fmt::format(" {:.1f} W", static_cast<double>(*port.power_mw) / 1000);
  if (port.link_up) text += *port.link_up ? " link up" : " link down";
  if (!port.name.empty() && port.name != port.port) text += " (" + port.name + ")";
  return text;
}

nlohmann::json to_json(const api::PortStatus& port) {
  nlohmann::json out = {{"port", port.port},
                        {"name", port.name},
                        {"admin_on", port.admin_on},
                        {"detection", std::string(api::to_string(port.detection))}};
  if (port.power_class) out["power_class"] = *port.power_class;
  if (port.power_mw) out["power_mw"] = *port.power_mw;
  if (port.link_up) out["link_up"] = *port.link_up;
  return out;
}

}  // namespace

int power(const PowerOptions& options) {
  auto lab = load_lab_or_report(options.lab_file);
  if (!lab) return kExitUsage;
  if (!lab->switch_config) {
    fmt::print(stderr, "phonerig power: {} has no switch section\n", lab->file);
    return kExitUsage;
  }
  // A target is a phone id (its port from the lab file) or a port name.
  std::vector<std::string> ports;
  for (const auto& target : options.targets) {
    if (const scenario::Phone* phone = lab->find_phone(target)) {
      if (!phone->port) {
        fmt::print(stderr, "phonerig power: phone '{}' has no port in {}\n", target, lab->file);
        return kExitUsage;
      }
      ports.push_back(*phone->port);
    } else {
      ports.push_back(target);
    }
  }
  // A simulated lab's switch is reached from its instance's rig namespace, with the
  // community `phonerig lab up` configured (the environment's, else the one it stored).
  std::optional<std::string> stored_community;
  if (lab->simulated() && !lab->rig.netns) {
    auto netns = simulated_rig_netns(options.instance, "power");
    if (!netns) return kExitRig;
    lab->rig.netns = *netns;
    stored_community = simulated_community(options.instance);
  }
  auto config = switch_config(*lab->switch_config, stored_community);
  if (!config) return fail_with(config.error());
  if (lab->simulated() && lab->rig.netns) {
    // Before any thread or socket: the whole process moves into the rig namespace.
    auto entered = enter_netns(*lab->rig.netns);
    if (!entered) return fail_with(entered.error());
  }

  boost::asio::io_context io;
  api::NullSink events;
  auto opened = power::SnmpPoeSwitch::open(io.get_executor(), *config, events);
  if (!opened) return fail_with(opened.error());
  power::SnmpPoeSwitch& sw = **opened;

  int code = kExitOk;
  std::vector<api::PortStatus> result;
  std::optional<std::chrono::milliseconds> off_time;
  auto done = [&](auto outcome) {
    if (!outcome) {
      code = fail_with(outcome.error());
    } else if constexpr (std::is_same_v<std::decay_t<decltype(*outcome)>, api::CycleResult>) {
      result = outcome->ports;
      off_time = outcome->off_time;
    } else {
      result = *outcome;
    }
    sw.close();
  };
  if (options.action == "on" || options.action == "off") {
    sw.set_power(ports, options.action == "on",
                 [&](api::Result<std::vector<api::PortStatus>> r) { done(std::move(r)); });
  } else if (options.action == "cycle") {
    sw.cycle(ports, [&](api::Result<api::CycleResult> r) { done(std::move(r)); });
  } else {
    sw.status(ports, [&](api::Result<std::vector<api::PortStatus>> r) { done(std::move(r)); });
  }
  io.run();
  if (code != kExitOk) return code;

  if (options.json) {
    nlohmann::json out = {{"switch", config->host}, {"action", options.action}};
    out["ports"] = nlohmann::json::array();
    for (const auto& port : result) out["ports"].push_back(to_json(port));
    if (off_time) out["off_time_ms"] = off_time->count();
    fmt::print("{}\n", out.dump(2));
  } else {
    for (const auto& port : result) fmt::print("{}\n", describe(port));
    if (off_time) fmt::print("power was off for {} ms\n", off_time->count());
  }
  return kExitOk;
}

}  // namespace phonerig::app
