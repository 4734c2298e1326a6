// sim: only in a simulated lab (lab/sim/README.md, "The lab file's `sim` section"); its
// presence marks the lab as simulated.
//
//   sim:
//     layout: direct            # or relayed (a gateway namespace relays DHCP)
//     switch:
//       announce: true          # CDP / LLDP-MED out of access ports, as a Cisco switch
//       cdp_interval_s: 60
//       seed: 1
//       faults:                 # applied at `lab up`
//         - {vlan: 100, loss_percent: 5}
//         - {port: Gi1/0/2, delay_ms: 20}
//     phone_defaults: {short_timers: false}
//     phones:                   # per phone id, the emulated phone's knobs (phone.json keys)
//       cp8851-1: {running_load: sip88xx.14-2-1-0001-14, boot_delay_ms: 1000}
#include <algorithm>
#include <charconv>
#include <optional>
#include <string>

#include "harness/scenario/lab_sections.hpp"
#include "harness/scenario/names.hpp"

namespace phonerig::scenario {

std::string_view to_string(SimLayout layout) {
  return layout == SimLayout::direct ? "direct" : "relayed";
}

SimPhoneKnobs SimPhoneKnobs::overlaid(const SimPhoneKnobs& over) const {
  SimPhoneKnobs out = *this;
  auto take = [](auto& into, const auto& from) {
    if (from) into = from;
  };
  take(out.running_load, over.running_load);
  take(out.inactive_load, over.inactive_load);
  take(out.boot_delay_ms, over.boot_delay_ms);
  take(out.skip, over.skip);
  take(out.http, over.http);
  take(out.ignore_option_150, over.ignore_option_150);
  take(out.voip_vlan_query, over.voip_vlan_query);
  take(out.password_override, over.password_override);
  take(out.udp_transport, over.udp_transport);
  take(out.crash_during_firmware, over.crash_during_firmware);
  take(out.cdp, over.cdp);
  take(out.softkeys_after_register, over.softkeys_after_register);
  take(out.short_timers, over.short_timers);
  take(out.seed, over.seed);
  out.at = over.at;
  return out;
}

SimPhoneKnobs SimConfig::knobs_for(std::string_view phone_id) const {
  for (const auto& phone : phones) {
    if (phone.id == phone_id) return phone_defaults.overlaid(phone.knobs);
  }
  return phone_defaults;
}

std::optional<int> sim_port_number(std::string_view port) {
  for (std::string_view prefix : {"GigabitEthernet1/0/", "Gi1/0/"}) {
    if (port.substr(0, prefix.size()) != prefix) continue;
    const std::string_view digits = port.substr(prefix.size());
    if (digits.empty() || digits.size() > 3 || digits[0] == '0') return std::nullopt;
    int n = 0;
    for (char c : digits) {
      if (c < '0' || c > '9') return std::nullopt;
      n = n * 10 + (c - '0');
    }
    if (n < 1 || n > kSimMaxPort) return std::nullopt;
    return n;
  }
  return std::nullopt;
}

namespace detail {

namespace {

constexpr std::string_view kSteps[] = {"ctl",      "itl",          "firmware", "dial_rules",
                                       "softkeys", "localization", "ringlist"};

std::optional<bool> read_flag(Checker& checker, const Field& field) {
  auto choice = read_choice(checker, field, {"true", "false"});
  if (!choice) return std::nullopt;
  return *choice == 0;
}

// A load id names files on the TFTP server: letters, digits, '.', '-' and '_'.
std::optional<std::string> read_load(Checker& checker, const Field& field) {
  auto text = read_string(checker, field);
  if (!text) return std::nullopt;
  const bool plain = !text->empty() && text->size() <= 64 && text->front() != '.' &&
                     text->find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                             "0123456789.-_") == std::string::npos;
  if (!plain) {
    checker.error(field, "a load id is 1-64 letters, digits, '.', '-' or '_' (it names files), "
                         "got '" + *text + "'");
    return std::nullopt;
  }
  return text;
}

// A plain number 0..100, decimals allowed: "5", "0.5".
std::optional<double> read_percent(Checker& checker, const Field& field) {
  const std::string expected = "expected a percentage 0..100";
  if (!field.node.IsScalar() || field.node.Tag() == "!") {
    checker.error(field, expected + ", got " + describe(field.node));
    return std::nullopt;
  }
  const std::string& text = field.node.Scalar();
  double value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value, std::chars_format::fixed);
  if (ec != std::errc() || ptr != end || text.empty() || text[0] == '-' || text[0] == '+' ||
      value < 0 || value > 100) {
    checker.error(field, expected + ", got '" + text + "'");
    return std::nullopt;
  }
  return value;
}

SimPhoneKnobs read_knobs(Checker& checker, const Field& field) {
  SimPhoneKnobs knobs;
  knobs.at = position_of(field.mark);
  auto map = read_mapping(
      checker, field,
      {"running_load", "inactive_load", "boot_delay_ms", "skip", "http", "ignore_option_150",
       "voip_vlan_query", "password_override", "udp_transport", "crash_during_firmware", "cdp",
       "softkeys_after_register", "short_timers", "seed"});
  if (!map) return knobs;
  if (auto f = map->get("running_load")) knobs.running_load = read_load(checker, *f);
  if (auto f = map->get("inactive_load")) knobs.inactive_load = read_load(checker, *f);
  if (auto f = map->get("boot_delay_ms")) {
    if (auto v = read_integer(checker, *f, 0, 600000)) knobs.boot_delay_ms = static_cast<int>(*v);
  }
  if (auto f = map->get("skip")) {
    if (auto items = read_sequence(checker, *f)) {
      std::vector<std::string> steps;
      for (const auto& item : *items) {
        auto step = read_choice(checker, item, {"ctl", "itl", "firmware", "dial_rules",
                                                 "softkeys", "localization", "ringlist"});
        if (!step) continue;
        const std::string name(kSteps[*step]);
        if (std::find(steps.begin(), steps.end(), name) != steps.end()) {
          checker.error(item, "step '" + name + "' is already skipped");
          continue;
        }
        steps.push_back(name);
      }
      knobs.skip = std::move(steps);
    }
  }
  auto flag = [&](const char* key, std::optional<bool>& into) {
    if (auto f = map->get(key)) into = read_flag(checker, *f);
  };
  flag("http", knobs.http);
  flag("ignore_option_150", knobs.ignore_option_150);
  flag("voip_vlan_query", knobs.voip_vlan_query);
  flag("udp_transport", knobs.udp_transport);
  flag("crash_during_firmware", knobs.crash_during_firmware);
  flag("cdp", knobs.cdp);
  flag("softkeys_after_register", knobs.softkeys_after_register);
  flag("short_timers", knobs.short_timers);
  if (auto f = map->get("password_override")) {
    // The "wrong credentials" knob: a password that is wrong on purpose, so not a secret.
    if (!f->node.IsNull()) knobs.password_override = read_string(checker, *f);
  }
  if (auto f = map->get("seed")) {
    if (auto v = read_integer(checker, *f, 0, 4294967295LL)) {
      knobs.seed = static_cast<std::uint32_t>(*v);
    }
  }
  return knobs;
}

SimFault read_fault(Checker& checker, const Field& field) {
  SimFault fault;
  fault.at = position_of(field.mark);
  const std::size_t errors_before = checker.error_count();
  auto map = read_mapping(checker, field,
                          {"port", "vlan", "loss_percent", "delay_ms", "duplicate_percent",
                           "corrupt_percent", "reorder_percent"});
  if (!map) return fault;
  if (map->has("port") == map->has("vlan")) {
    checker.error(field, "a fault names its scope: either port (Gi1/0/N) or vlan, not " +
                             std::string(map->has("port") ? "both" : "neither"));
  }
  if (auto f = map->get("port")) {
    if (auto port = read_string(checker, *f)) {
      if (!sim_port_number(*port)) {
        checker.error(*f, "'" + *port + "' is not a port of the simulated switch (Gi1/0/N)");
      } else {
        fault.port = *port;
      }
    }
  }
  if (auto f = map->get("vlan")) {
    if (auto v = read_integer(checker, *f, 1, 4094)) fault.vlan = static_cast<std::uint16_t>(*v);
  }
  bool any = false;
  auto percent = [&](const char* key, double& into) {
    if (auto f = map->get(key)) {
      if (auto v = read_percent(checker, *f)) {
        into = *v;
        any = any || *v > 0;
      }
    }
  };
  percent("loss_percent", fault.loss_percent);
  percent("duplicate_percent", fault.duplicate_percent);
  percent("corrupt_percent", fault.corrupt_percent);
  percent("reorder_percent", fault.reorder_percent);
  if (auto f = map->get("delay_ms")) {
    if (auto v = read_integer(checker, *f, 0, 60000)) {
      fault.delay_ms = static_cast<int>(*v);
      any = any || *v > 0;
    }
  }
  if (!any && checker.error_count() == errors_before) {
    checker.error(field, "a fault needs at least one of loss_percent, delay_ms, "
                         "duplicate_percent, corrupt_percent, reorder_percent above 0");
  }
  return fault;
}

SimSwitch read_sim_switch(Checker& checker, const Field& field) {
  SimSwitch sw;
  auto map = read_mapping(checker, field, {"announce", "cdp_interval_s", "seed", "faults"});
  if (!map) return sw;
  if (auto f = map->get("announce")) {
    if (auto v = read_flag(checker, *f)) sw.announce = *v;
  }
  if (auto f = map->get("cdp_interval_s")) {
    if (auto v = read_integer(checker, *f, 5, 254)) sw.cdp_interval_s = static_cast<int>(*v);
  }
  if (auto f = map->get("seed")) {
    if (auto v = read_integer(checker, *f, 0, 4294967295LL)) sw.seed = static_cast<std::uint32_t>(*v);
  }
  if (auto f = map->get("faults")) {
    if (auto items = read_sequence(checker, *f)) {
      for (const auto& item : *items) sw.faults.push_back(read_fault(checker, item));
    }
  }
  return sw;
}

// phones: a mapping keyed by phone id (checked against the phones section in check_sim).
std::vector<SimPhone> read_sim_phones(Checker& checker, const Field& field) {
  std::vector<SimPhone> phones;
  if (!field.node.IsMap()) {
    checker.error(field, "expected a mapping of phone id to knobs, got " + describe(field.node));
    return phones;
  }
  for (auto it = field.node.begin(); it != field.node.end(); ++it) {
    const YAML::Node key = it->first;
    const YAML::Node value = it->second;
    const Field key_field{key, key.Mark(), key.Mark(), field.path};
    if (!key.IsScalar()) {
      checker.error(key_field, "keys must be phone ids, got " + describe(key));
      continue;
    }
    const std::string& id = key.Scalar();
    auto first = std::find_if(phones.begin(), phones.end(),
                              [&](const SimPhone& one) { return one.id == id; });
    if (first != phones.end()) {
      checker.error(key_field, "duplicate key '" + id + "' (first at line " +
                                   std::to_string(first->at.line) + ")");
      continue;
    }
    SimPhone phone;
    phone.id = id;
    phone.at = position_of(key.Mark());
    const Field value_field{value, value.IsNull() ? key.Mark() : value.Mark(), key.Mark(),
                            field.path + "." + id};
    phone.knobs = read_knobs(checker, value_field);
    phones.push_back(std::move(phone));
  }
  return phones;
}

}  // namespace

std::optional<SimConfig> read_sim(Checker& checker, const Field& field) {
  if (field.node.IsNull()) {
    checker.error(field, "expected a mapping, got nothing (write sim: {} for the defaults)");
    return std::nullopt;
  }
  auto map = read_mapping(checker, field, {"layout", "switch", "phone_defaults", "phones"});
  if (!map) return std::nullopt;
  SimConfig sim;
  sim.at = position_of(field.mark);
  if (auto f = map->get("layout")) {
    if (auto v = read_choice(checker, *f, {"direct", "relayed"})) {
      sim.layout = *v == 0 ? SimLayout::direct : SimLayout::relayed;
    }
  }
  if (auto f = map->get("switch")) sim.switch_knobs = read_sim_switch(checker, *f);
  if (auto f = map->get("phone_defaults")) sim.phone_defaults = read_knobs(checker, *f);
  if (auto f = map->get("phones")) sim.phones = read_sim_phones(checker, *f);
  return sim;
}

void check_sim(Checker& checker, const Lab& lab) {
  const SimConfig& sim = *lab.sim;
  for (const SimPhone& phone : sim.phones) {
    if (lab.find_phone(phone.id) == nullptr) {
      checker.error(phone.at, "sim.phones." + phone.id + ": no phone in the phones section has "
                              "id '" + phone.id + "'");
    }
  }
  // switch.vlans and switch.address: `lab up` says when they are missing.
  for (std::size_t i = 0; i < lab.phones.size(); ++i) {
    const Phone& phone = lab.phones[i];
    if (!phone.port || !sim_port_number(*phone.port)) {
      checker.error(phone.at, "phones[" + std::to_string(i) + "]: '" + phone.id +
                                  "' needs a port of the simulated switch (Gi1/0/N, N 1.." +
                                  std::to_string(kSimMaxPort) + ")");
      continue;
    }
    for (std::size_t j = 0; j < i; ++j) {
      if (lab.phones[j].port &&
          sim_port_number(*lab.phones[j].port) == sim_port_number(*phone.port)) {
        checker.error(phone.at, "phones[" + std::to_string(i) + "].port: " + *phone.port +
                                    " is already phone '" + lab.phones[j].id + "'");
      }
    }
  }
  if (lab.switch_config && lab.switch_config->vlans) {
    const SwitchVlans& vlans = *lab.switch_config->vlans;
    for (const SimFault& fault : sim.switch_knobs.faults) {
      if (fault.vlan && *fault.vlan != vlans.voice && *fault.vlan != vlans.data) {
        checker.error(fault.at, "sim.switch.faults: VLAN " + std::to_string(*fault.vlan) +
                                    " is neither the voice (" + std::to_string(vlans.voice) +
                                    ") nor the data (" + std::to_string(vlans.data) + ") VLAN");
      }
    }
  }
}

}  // namespace detail

}  // namespace phonerig::scenario
