#include "lab/sim/switchd/config.hpp"

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>

namespace phonerig::sim::switchd {

namespace {

using nlohmann::json;

api::Error bad(std::string_view where, const std::string& why) {
  return api::Error{api::Fault::config, "switch.json: " + std::string(where) + ": " + why};
}

std::string type_name(const json& value) { return value.type_name(); }

// Refuses any key of `object` not in `known`.
api::Result<bool> only_keys(const json& object, std::string_view where,
                            std::initializer_list<std::string_view> known,
                            const std::vector<std::string>& extra = {}) {
  if (!object.is_object()) {
    return wire::unexpected(bad(where, "expected an object, got " + type_name(object)));
  }
  for (const auto& [key, value] : object.items()) {
    bool ok = false;
    for (auto k : known) ok = ok || key == k;
    for (const auto& k : extra) ok = ok || key == k;
    if (!ok) {
      std::string list;
      for (auto k : known) list += (list.empty() ? "" : ", ") + std::string(k);
      return wire::unexpected(bad(where, "unknown key '" + key + "' (known: " + list + ")"));
    }
  }
  return true;
}

std::string at(std::string_view where, std::string_view key) {
  return where.empty() ? std::string(key) : std::string(where) + "." + std::string(key);
}

api::Result<std::string> get_string(const json& object, std::string_view where,
                                    std::string_view key, bool required, bool non_empty = true) {
  const auto it = object.find(key);
  if (it == object.end()) {
    if (required) return wire::unexpected(bad(at(where, key), "missing"));
    return std::string{};
  }
  if (!it->is_string()) {
    return wire::unexpected(bad(at(where, key), "expected a string, got " + type_name(*it)));
  }
  auto text = it->get<std::string>();
  if (non_empty && text.empty()) return wire::unexpected(bad(at(where, key), "empty"));
  return text;
}

api::Result<std::optional<std::int64_t>> get_int(const json& object, std::string_view where,
                                                 std::string_view key, std::int64_t min,
                                                 std::int64_t max, bool required) {
  const auto it = object.find(key);
  if (it == object.end()) {
    if (required) return wire::unexpected(bad(at(where, key), "missing"));
    return std::optional<std::int64_t>{};
  }
  if (!it->is_number_integer()) {
    return wire::unexpected(bad(at(where, key), "expected an integer, got " + it->dump()));
  }
  const std::int64_t value = it->is_number_unsigned()
                                 ? static_cast<std::int64_t>(std::min<std::uint64_t>(
                                       it->get<std::uint64_t>(), INT64_MAX))
                                 : it->get<std::int64_t>();
  if (value < min || value > max) {
    return wire::unexpected(bad(at(where, key), std::to_string(value) + " outside " +
                                                    std::to_string(min) + ".." +
                                                    std::to_string(max)));
  }
  return std::optional<std::int64_t>{value};
}

api::Result<std::optional<bool>> get_bool(const json& object, std::string_view where,
                                          std::string_view key) {
  const auto it = object.find(key);
  if (it == object.end()) return std::optional<bool>{};
  if (!it->is_boolean()) {
    return wire::unexpected(bad(at(where, key), "expected true or false, got " + it->dump()));
  }
  return std::optional<bool>{it->get<bool>()};
}

api::Result<std::optional<double>> get_percent(const json& object, std::string_view where,
                                               std::string_view key) {
  const auto it = object.find(key);
  if (it == object.end()) return std::optional<double>{};
  if (!it->is_number()) {
    return wire::unexpected(bad(at(where, key), "expected a number, got " + it->dump()));
  }
  const double value = it->get<double>();
  if (!(value >= 0.0 && value <= 100.0)) {
    return wire::unexpected(bad(at(where, key), it->dump() + " outside 0..100"));
  }
  return std::optional<double>{value};
}

bool valid_ifname(const std::string& name) {
  if (name.empty() || name.size() > 15 || name == "." || name == "..") return false;
  for (char c : name) {
    if (c == '/' || c == ':' || c == ' ' || c == '\t' || c == '\n' || c == '\0') return false;
  }
  return true;
}

bool valid_netns(const std::string& name) {
  if (name.empty() || name.size() > 255 || name == "." || name == "..") return false;
  return name.find('/') == std::string::npos;
}

api::Result<std::optional<sw::PortKind>> parse_kind(const std::string& text) {
  if (text == "access") return std::optional{sw::PortKind::access};
  if (text == "trunk") return std::optional{sw::PortKind::trunk};
  if (text == "rig") return std::optional{sw::PortKind::rig};
  if (text == "mirror") return std::optional{sw::PortKind::mirror};
  return std::optional<sw::PortKind>{};
}

api::Result<PhoneSpec> parse_phone(const json& object, const std::string& where) {
  PHONERIG_CHECK(only_keys(object, where, {"netns", "argv", "log"}));
  PhoneSpec phone;
  PHONERIG_TRY(phone.netns, get_string(object, where, "netns", true));
  if (!valid_netns(phone.netns)) {
    return wire::unexpected(bad(at(where, "netns"), "'" + phone.netns +
                                                        "' is not a namespace name"));
  }
  const auto argv = object.find("argv");
  if (argv == object.end()) return wire::unexpected(bad(at(where, "argv"), "missing"));
  if (!argv->is_array() || argv->empty()) {
    return wire::unexpected(bad(at(where, "argv"), "expected a non-empty array of strings"));
  }
  for (std::size_t i = 0; i < argv->size(); ++i) {
    const auto& a = (*argv)[i];
    if (!a.is_string()) {
      return wire::unexpected(bad(at(where, "argv") + "[" + std::to_string(i) + "]",
                                  "expected a string, got " + type_name(a)));
    }
    phone.argv.push_back(a.get<std::string>());
  }
  if (phone.argv[0].empty() || phone.argv[0][0] != '/') {
    return wire::unexpected(bad(at(where, "argv") + "[0]",
                                "'" + phone.argv[0] + "' is not an absolute path"));
  }
  PHONERIG_TRY(std::string log, get_string(object, where, "log", true));
  phone.log = log;
  if (!phone.log.is_absolute()) {
    return wire::unexpected(bad(at(where, "log"), "'" + log + "' is not an absolute path"));
  }
  return phone;
}

api::Result<PortSpec> parse_port(const json& object, const std::string& where) {
  PHONERIG_CHECK(only_keys(object, where,
                           {"name", "number", "kind", "vlan", "voice_vlan", "native_vlan",
                            "allowed", "mirrored", "poe_port", "phone"}));
  PortSpec spec;
  auto& port = spec.port;
  PHONERIG_TRY(port.name, get_string(object, where, "name", true));
  if (!valid_ifname(port.name)) {
    return wire::unexpected(bad(at(where, "name"), "'" + port.name +
                                                       "' is not an interface name (1-15 "
                                                       "characters, no '/', ':' or space)"));
  }
  PHONERIG_TRY(auto number, get_int(object, where, "number", 1, 9999, true));
  port.number = static_cast<int>(*number);
  PHONERIG_TRY(std::string kind_text, get_string(object, where, "kind", true));
  PHONERIG_TRY(auto kind, parse_kind(kind_text));
  if (!kind) {
    return wire::unexpected(bad(at(where, "kind"), "'" + kind_text +
                                                       "' is not access, rig, trunk or mirror"));
  }
  port.kind = *kind;
  const bool needs_vlan = port.kind == sw::PortKind::access || port.kind == sw::PortKind::rig;
  PHONERIG_TRY(auto vlan, get_int(object, where, "vlan", 1, sw::kMaxVlan, needs_vlan));
  if (vlan) {
    if (!needs_vlan) {
      return wire::unexpected(bad(at(where, "vlan"), "only access and rig ports have one"));
    }
    port.vlan = static_cast<sw::Vlan>(*vlan);
  }
  PHONERIG_TRY(auto voice, get_int(object, where, "voice_vlan", 1, sw::kMaxVlan, false));
  if (voice) {
    if (port.kind != sw::PortKind::access) {
      return wire::unexpected(bad(at(where, "voice_vlan"), "only access ports have one"));
    }
    if (*voice == port.vlan) {
      return wire::unexpected(bad(at(where, "voice_vlan"), "equal to the data VLAN"));
    }
    port.voice_vlan = static_cast<sw::Vlan>(*voice);
  }
  PHONERIG_TRY(auto native, get_int(object, where, "native_vlan", 1, sw::kMaxVlan, false));
  if (native) {
    if (port.kind != sw::PortKind::trunk) {
      return wire::unexpected(bad(at(where, "native_vlan"), "only trunk ports have one"));
    }
    port.native_vlan = static_cast<sw::Vlan>(*native);
  }
  if (const auto allowed = object.find("allowed"); allowed != object.end()) {
    if (port.kind != sw::PortKind::trunk) {
      return wire::unexpected(bad(at(where, "allowed"), "only trunk ports have it"));
    }
    if (!allowed->is_array()) {
      return wire::unexpected(bad(at(where, "allowed"), "expected an array of VLAN ids"));
    }
    for (std::size_t i = 0; i < allowed->size(); ++i) {
      const auto& v = (*allowed)[i];
      if (!v.is_number_integer() || v.get<std::int64_t>() < 1 ||
          v.get<std::int64_t>() > sw::kMaxVlan) {
        return wire::unexpected(bad(at(where, "allowed") + "[" + std::to_string(i) + "]",
                                    v.dump() + " is not a VLAN id 1..4094"));
      }
      port.allowed.push_back(static_cast<sw::Vlan>(v.get<std::int64_t>()));
    }
  }
  PHONERIG_TRY(auto mirrored, get_bool(object, where, "mirrored"));
  if (mirrored) {
    if (*mirrored && port.kind == sw::PortKind::mirror) {
      return wire::unexpected(bad(at(where, "mirrored"), "a mirror port cannot be mirrored"));
    }
    port.mirrored = *mirrored;
  }
  PHONERIG_TRY(auto poe, get_int(object, where, "poe_port", 1, 4096, false));
  if (poe) {
    if (port.kind != sw::PortKind::access) {
      return wire::unexpected(bad(at(where, "poe_port"), "only access ports are powered"));
    }
    spec.poe_port = static_cast<int>(*poe);
  }
  if (const auto phone = object.find("phone"); phone != object.end()) {
    if (port.kind != sw::PortKind::access) {
      return wire::unexpected(bad(at(where, "phone"), "only access ports power a phone"));
    }
    PHONERIG_TRY(spec.phone, parse_phone(*phone, at(where, "phone")));
  }
  // Access ports start with the link down and PoE off (lab/sim/README.md).
  port.link_up = port.kind != sw::PortKind::access;
  return spec;
}

api::Result<SnmpSpec> parse_snmp(const json& object) {
  const std::string where = "snmp";
  PHONERIG_CHECK(only_keys(object, where, {"agentx", "persistent_dir", "profile", "ports"}));
  SnmpSpec snmp;
  PHONERIG_TRY(std::string agentx, get_string(object, where, "agentx", true));
  snmp.agentx = agentx;
  PHONERIG_TRY(std::string dir, get_string(object, where, "persistent_dir", true));
  snmp.persistent_dir = dir;
  PHONERIG_TRY(std::string profile, get_string(object, where, "profile", false));
  if (!profile.empty()) {
    const auto parsed = poe::parse_profile(profile);
    if (!parsed) {
      return wire::unexpected(bad("snmp.profile", "'" + profile +
                                                      "' is not rfc3621, cisco or apc-pdu"));
    }
    snmp.profile = *parsed;
  }
  PHONERIG_TRY(auto ports, get_int(object, where, "ports", 1, 4096, false));
  if (ports) snmp.ports = static_cast<int>(*ports);
  return snmp;
}

api::Result<sw::Identity> parse_identity(const json& object, std::optional<wire::Ipv4>& address) {
  const std::string where = "identity";
  PHONERIG_CHECK(only_keys(object, where, {"device_id", "platform", "software", "mac", "address"}));
  sw::Identity identity;
  PHONERIG_TRY(std::string device_id, get_string(object, where, "device_id", false));
  if (!device_id.empty()) identity.device_id = device_id;
  PHONERIG_TRY(std::string platform, get_string(object, where, "platform", false));
  if (!platform.empty()) identity.platform = platform;
  PHONERIG_TRY(std::string software, get_string(object, where, "software", false));
  if (!software.empty()) identity.software_version = software;
  PHONERIG_TRY(std::string mac, get_string(object, where, "mac", false));
  if (!mac.empty()) {
    const auto parsed = wire::Mac::parse(mac);
    if (!parsed || parsed->is_multicast()) {
      return wire::unexpected(bad("identity.mac", "'" + mac + "' is not a unicast MAC"));
    }
    identity.mac = *parsed;
  }
  PHONERIG_TRY(std::string text, get_string(object, where, "address", false));
  if (!text.empty()) {
    address = wire::Ipv4::parse(text);
    if (!address) {
      return wire::unexpected(bad("identity.address", "'" + text + "' is not a dotted IPv4"));
    }
  }
  return identity;
}

}  // namespace

std::string_view to_string(sw::PortKind kind) {
  switch (kind) {
    case sw::PortKind::access: return "access";
    case sw::PortKind::trunk: return "trunk";
    case sw::PortKind::rig: return "rig";
    case sw::PortKind::mirror: return "mirror";
  }
  return "?";
}

api::Result<api::Faults> faults_from_json(const json& object, std::string_view where,
                                          const std::vector<std::string>& allowed_extra) {
  PHONERIG_CHECK(only_keys(object, where,
                           {"loss_percent", "delay_ms", "duplicate_percent", "corrupt_percent",
                            "reorder_percent", "reorder_gap_ms"},
                           allowed_extra));
  api::Faults faults;
  PHONERIG_TRY(auto loss, get_percent(object, where, "loss_percent"));
  if (loss) faults.loss_percent = *loss;
  PHONERIG_TRY(auto duplicate, get_percent(object, where, "duplicate_percent"));
  if (duplicate) faults.duplicate_percent = *duplicate;
  PHONERIG_TRY(auto corrupt, get_percent(object, where, "corrupt_percent"));
  if (corrupt) faults.corrupt_percent = *corrupt;
  PHONERIG_TRY(auto reorder, get_percent(object, where, "reorder_percent"));
  if (reorder) faults.reorder_percent = *reorder;
  PHONERIG_TRY(auto delay, get_int(object, where, "delay_ms", 0, 3'600'000, false));
  if (delay) faults.delay = std::chrono::milliseconds(*delay);
  PHONERIG_TRY(auto gap, get_int(object, where, "reorder_gap_ms", 0, 3'600'000, false));
  if (gap) faults.reorder_gap = std::chrono::milliseconds(*gap);
  return faults;
}

json faults_to_json(const api::Faults& faults) {
  return json{{"loss_percent", faults.loss_percent},
              {"delay_ms", faults.delay.count()},
              {"duplicate_percent", faults.duplicate_percent},
              {"corrupt_percent", faults.corrupt_percent},
              {"reorder_percent", faults.reorder_percent},
              {"reorder_gap_ms", faults.reorder_gap.count()}};
}

api::Result<api::FaultScope> scope_from_json(const json& object, std::string_view where) {
  PHONERIG_CHECK(only_keys(object, where, {"port", "vlan"}));
  const bool has_port = object.contains("port");
  const bool has_vlan = object.contains("vlan");
  if (has_port == has_vlan) {
    return wire::unexpected(bad(where, "give exactly one of 'port' and 'vlan'"));
  }
  if (has_port) {
    PHONERIG_TRY(std::string port, get_string(object, where, "port", true));
    return api::FaultScope::of_port(port);
  }
  PHONERIG_TRY(auto vlan, get_int(object, where, "vlan", 1, sw::kMaxVlan, true));
  return api::FaultScope::of_vlan(static_cast<std::uint16_t>(*vlan));
}

json scope_to_json(const api::FaultScope& scope) {
  if (scope.kind == api::FaultScope::Kind::vlan) return json{{"vlan", scope.vlan}};
  return json{{"port", scope.port}};
}

sw::Config Config::core_config() const {
  sw::Config core;
  core.identity = identity;
  for (const auto& p : ports) core.ports.push_back(p.port);
  core.announce = announce;
  core.cdp_interval = cdp_interval;
  core.lldp_interval = lldp_interval;
  core.seed = seed;
  return core;
}

api::Result<Config> parse_config(std::string_view text) {
  json root;
  try {
    root = json::parse(text);
  } catch (const json::parse_error& e) {
    return api::fail(api::Fault::config, std::string("switch.json: not JSON: ") + e.what());
  }
  PHONERIG_CHECK(only_keys(root, "top level",
                           {"identity", "announce", "cdp_interval_s", "lldp_interval_s", "seed",
                            "ports", "faults", "snmp", "control", "events"}));
  Config config;
  if (const auto identity = root.find("identity"); identity != root.end()) {
    PHONERIG_TRY(config.identity, parse_identity(*identity, config.address));
  }
  PHONERIG_TRY(auto announce, get_bool(root, "", "announce"));
  if (announce) config.announce = *announce;
  PHONERIG_TRY(auto cdp, get_int(root, "", "cdp_interval_s", 5, 254, false));
  if (cdp) config.cdp_interval = std::chrono::seconds(*cdp);
  PHONERIG_TRY(auto lldp, get_int(root, "", "lldp_interval_s", 5, 32768, false));
  if (lldp) config.lldp_interval = std::chrono::seconds(*lldp);
  PHONERIG_TRY(auto seed, get_int(root, "", "seed", 0, INT64_MAX, false));
  if (seed) config.seed = static_cast<std::uint64_t>(*seed);

  const auto ports = root.find("ports");
  if (ports == root.end()) return wire::unexpected(bad("ports", "missing"));
  if (!ports->is_array() || ports->empty()) {
    return wire::unexpected(bad("ports", "expected a non-empty array of ports"));
  }
  std::set<std::string> names;
  std::set<int> numbers;
  std::set<int> poe_ports;
  for (std::size_t i = 0; i < ports->size(); ++i) {
    const std::string where = "ports[" + std::to_string(i) + "]";
    PHONERIG_TRY(PortSpec spec, parse_port((*ports)[i], where));
    if (!names.insert(spec.port.name).second) {
      return wire::unexpected(bad(where + ".name", "'" + spec.port.name + "' used twice"));
    }
    if (!numbers.insert(spec.port.number).second) {
      return wire::unexpected(bad(where + ".number", std::to_string(spec.port.number) +
                                                         " used twice"));
    }
    if (spec.poe_port && !poe_ports.insert(*spec.poe_port).second) {
      return wire::unexpected(bad(where + ".poe_port", std::to_string(*spec.poe_port) +
                                                           " used twice"));
    }
    config.ports.push_back(std::move(spec));
  }

  if (const auto snmp = root.find("snmp"); snmp != root.end()) {
    PHONERIG_TRY(config.snmp, parse_snmp(*snmp));
    for (std::size_t i = 0; i < config.ports.size(); ++i) {
      const auto& p = config.ports[i];
      if (p.poe_port && *p.poe_port > config.snmp->ports) {
        return wire::unexpected(bad("ports[" + std::to_string(i) + "].poe_port",
                                    std::to_string(*p.poe_port) + " outside 1.." +
                                        std::to_string(config.snmp->ports) +
                                        " (snmp.ports)"));
      }
    }
  }

  if (const auto faults = root.find("faults"); faults != root.end()) {
    if (!faults->is_array()) return wire::unexpected(bad("faults", "expected an array"));
    for (std::size_t i = 0; i < faults->size(); ++i) {
      const std::string where = "faults[" + std::to_string(i) + "]";
      const auto& entry = (*faults)[i];
      if (!entry.is_object()) return wire::unexpected(bad(where, "expected an object"));
      const auto scope = entry.find("scope");
      if (scope == entry.end()) return wire::unexpected(bad(where + ".scope", "missing"));
      InitialFaults initial;
      PHONERIG_TRY(initial.scope, scope_from_json(*scope, where + ".scope"));
      PHONERIG_TRY(initial.faults, faults_from_json(entry, where, {"scope"}));
      if (initial.scope.kind == api::FaultScope::Kind::port) {
        bool found = false;
        for (const auto& p : config.ports) {
          found = found || initial.scope.port == p.port.name ||
                  initial.scope.port == p.port.short_name() ||
                  initial.scope.port == p.port.cisco_name();
        }
        if (!found) {
          return wire::unexpected(bad(where + ".scope.port", "no port '" + initial.scope.port + "'"));
        }
      }
      config.faults.push_back(std::move(initial));
    }
  }

  PHONERIG_TRY(std::string control, get_string(root, "", "control", true));
  config.control = control;
  if (control.size() >= 108) {
    return wire::unexpected(bad("control", "longer than a unix socket path may be (107)"));
  }
  PHONERIG_TRY(std::string events, get_string(root, "", "events", false));
  config.events = events;

  try {
    sw::SwitchCore check(config.core_config());
  } catch (const std::invalid_argument& e) {
    return api::fail(api::Fault::config, std::string("switch.json: ") + e.what());
  }
  return config;
}

api::Result<Config> load_config(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) {
    return api::fail(api::Fault::config, "switch.json: cannot read " + path.string() + ": " +
                                             std::strerror(errno));
  }
  std::stringstream text;
  text << in.rdbuf();
  return parse_config(text.str());
}

}  // namespace phonerig::sim::switchd
