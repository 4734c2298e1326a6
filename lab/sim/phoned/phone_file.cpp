#include "lab/sim/phoned/phone_file.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

namespace phonerig::sim::phoned {
namespace {

using nlohmann::json;

std::string lower(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c != '-' && c != '_' && c != ' ') out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

api::Error bad(const std::string& key, const std::string& why) {
  return api::Error{api::Fault::config, "phone.json: key '" + key + "': " + why};
}

}  // namespace

std::optional<phone::Model> parse_model(std::string_view text) {
  const std::string l = lower(text);
  if (l == "cp8851" || l == "8851" || l == "cisco8851") return phone::Model::cp8851;
  if (l == "cp7821" || l == "7821" || l == "cisco7821") return phone::Model::cp7821;
  return std::nullopt;
}

std::optional<phone::Step> parse_step(std::string_view text) {
  using phone::Step;
  static const std::pair<const char*, Step> kSteps[] = {
      {"ctl", Step::ctl},           {"itl", Step::itl},
      {"firmware", Step::firmware}, {"dial_rules", Step::dial_rules},
      {"softkeys", Step::softkeys}, {"localization", Step::localization},
      {"ringlist", Step::ringlist},
  };
  for (const auto& [name, step] : kSteps) {
    if (text == name) return step;
  }
  return std::nullopt;
}

api::Result<PhoneFile> parse_phone_file(const std::string& text) {
  json doc = json::parse(text, nullptr, false);
  if (doc.is_discarded()) return api::fail(api::Fault::config, "phone.json: not valid JSON");
  if (!doc.is_object()) return api::fail(api::Fault::config, "phone.json: not a JSON object");
  PhoneFile out;
  static const std::set<std::string> kKeys = {
      "id", "mac", "model", "running_load", "inactive_load", "boot_delay_ms", "skip", "http",
      "ignore_option_150", "voip_vlan_query", "password_override", "udp_transport",
      "crash_during_firmware", "cdp", "softkeys_after_register", "short_timers", "seed",
      "port_interface", "tap", "flash", "events"};
  for (const auto& [key, value] : doc.items()) {
    if (kKeys.count(key) == 0) return wire::unexpected(bad(key, "unknown key"));
  }
  auto string_of = [&](const char* key, std::string& into, bool required) -> std::optional<api::Error> {
    if (!doc.contains(key)) {
      if (required) return bad(key, "missing");
      return std::nullopt;
    }
    if (!doc[key].is_string()) return bad(key, "must be a string");
    into = doc[key].get<std::string>();
    return std::nullopt;
  };
  auto bool_of = [&](const char* key, bool& into) -> std::optional<api::Error> {
    if (!doc.contains(key)) return std::nullopt;
    if (!doc[key].is_boolean()) return bad(key, "must be true or false");
    into = doc[key].get<bool>();
    return std::nullopt;
  };
  std::string mac, model, flash, events;
  for (auto e : {string_of("id", out.id, true), string_of("mac", mac, true),
                 string_of("model", model, false),
                 string_of("running_load", out.phone.running_load, false),
                 string_of("inactive_load", out.phone.inactive_load, false),
                 string_of("port_interface", out.port_interface, false),
                 string_of("tap", out.tap, false), string_of("flash", flash, false),
                 string_of("events", events, false), bool_of("http", out.phone.http),
                 bool_of("ignore_option_150", out.phone.ignore_option_150),
                 bool_of("voip_vlan_query", out.phone.voip_vlan_query),
                 bool_of("udp_transport", out.phone.udp_transport),
                 bool_of("crash_during_firmware", out.phone.crash_during_firmware),
                 bool_of("cdp", out.phone.cdp),
                 bool_of("softkeys_after_register", out.phone.softkeys_after_register),
                 bool_of("short_timers", out.phone.short_timers)}) {
    if (e) return wire::unexpected(*e);
  }
  if (out.id.empty()) return wire::unexpected(bad("id", "empty"));
  auto parsed_mac = wire::Mac::parse(mac);
  if (!parsed_mac) return wire::unexpected(bad("mac", "not a MAC address: '" + mac + "'"));
  if (parsed_mac->is_multicast()) return wire::unexpected(bad("mac", "a multicast MAC"));
  out.phone.mac = *parsed_mac;
  if (!model.empty()) {
    auto m = parse_model(model);
    if (!m) return wire::unexpected(bad("model", "'" + model + "' is not CP-8851 or CP-7821"));
    out.phone.model = *m;
  }
  if (out.phone.running_load.empty()) return wire::unexpected(bad("running_load", "empty"));
  for (const auto& [key, name] : {std::pair<const char*, std::string*>{"port_interface", &out.port_interface},
                                  {"tap", &out.tap}}) {
    if (name->empty() || name->size() > 15 || name->find('/') != std::string::npos) {
      return wire::unexpected(bad(key, "not an interface name: '" + *name + "'"));
    }
  }
  if (out.port_interface == out.tap) return wire::unexpected(bad("tap", "same name as port_interface"));
  if (doc.contains("boot_delay_ms")) {
    const auto& v = doc["boot_delay_ms"];
    if (!v.is_number_integer() || v.get<std::int64_t>() < 0 || v.get<std::int64_t>() > 3600000) {
      return wire::unexpected(bad("boot_delay_ms", "must be an integer 0..3600000"));
    }
    out.phone.boot_delay_ms = v.get<std::int64_t>();
  }
  if (doc.contains("seed")) {
    const auto& v = doc["seed"];
    if (!v.is_number_integer() || v.get<std::int64_t>() < 0 || v.get<std::int64_t>() > 0xffffffffLL) {
      return wire::unexpected(bad("seed", "must be an integer 0..4294967295"));
    }
    out.phone.seed = static_cast<std::uint32_t>(v.get<std::int64_t>());
  }
  if (doc.contains("skip")) {
    const auto& v = doc["skip"];
    if (!v.is_array()) return wire::unexpected(bad("skip", "must be a list of step names"));
    for (const auto& item : v) {
      if (!item.is_string()) return wire::unexpected(bad("skip", "must be a list of step names"));
      auto step = parse_step(item.get<std::string>());
      if (!step) {
        return wire::unexpected(bad("skip", "unknown step '" + item.get<std::string>() +
                                                "' (ctl, itl, firmware, dial_rules, softkeys, "
                                                "localization, ringlist)"));
      }
      out.phone.skip.insert(*step);
    }
  }
  if (doc.contains("password_override")) {
    const auto& v = doc["password_override"];
    if (v.is_string()) {
      out.phone.password_override = v.get<std::string>();
    } else if (!v.is_null()) {
      return wire::unexpected(bad("password_override", "must be a string or null"));
    }
  }
  out.flash = flash;
  out.events = events;
  return out;
}

api::Result<PhoneFile> load_phone_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) return api::fail(api::Fault::config, "cannot read " + path.string());
  std::stringstream text;
  text << in.rdbuf();
  auto parsed = parse_phone_file(text.str());
  if (!parsed) return api::fail(api::Fault::config, path.string() + ": " + parsed.error().message);
  return parsed;
}

}  // namespace phonerig::sim::phoned
