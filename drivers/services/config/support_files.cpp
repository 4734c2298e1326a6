// The files the device config names (reference 6): dial rules, soft keys, ring lists; and
// generate(), which puts every file of a Config into one map after checking the Config.
#include <pugixml.hpp>

#include <initializer_list>
#include <set>
#include <string>

#include "drivers/services/config/phone_config.hpp"
#include "drivers/services/config/xml_bytes.hpp"

namespace phonerig::services::config {

// Dial rules in the 79xx/78xx SIP DIALTEMPLATE format: one <TEMPLATE MATCH Timeout User/>
// per rule, first match wins on the phone.
FileBytes dial_rules_file(const Config& config) {
  pugi::xml_document doc;
  pugi::xml_node root = doc.append_child("DIALTEMPLATE");
  for (const DialRule& rule : config.dial_rules) {
    pugi::xml_node t = root.append_child("TEMPLATE");
    t.append_attribute("MATCH").set_value(rule.match.c_str());
    t.append_attribute("Timeout").set_value(rule.timeout_s);
    t.append_attribute("User").set_value(rule.user.c_str());
  }
  return detail::to_bytes(doc);
}

// Soft keys. CUCM's SK<uuid>.xml layout is not in the reference (unverified): this file
// carries the version stamp and one soft-key set per call state with the usual keys, enough
// for a phone (or the emulated phone) that fetches it to get a well-formed document.
FileBytes softkey_file(const Config& config) {
  pugi::xml_document doc;
  pugi::xml_node root = doc.append_child("softKeyCfg");
  root.append_child("versionStamp").text().set(config.version_stamp.c_str());
  pugi::xml_node sets = root.append_child("softKeySets");
  struct Set {
    const char* state;
    std::initializer_list<const char*> keys;
  };
  const Set kSets[] = {
      {"OnHook", {"Redial", "NewCall", "CFwdALL"}},
      {"OffHook", {"Redial", "EndCall"}},
      {"Connected", {"Hold", "EndCall", "Transfer", "Conference"}},
      {"RingIn", {"Answer", "Divert"}},
  };
  for (const Set& s : kSets) {
    pugi::xml_node set = sets.append_child("softKeySet");
    set.append_attribute("state").set_value(s.state);
    for (const char* key : s.keys) set.append_child("softKey").text().set(key);
  }
  return detail::to_bytes(doc);
}

// <CiscoIPPhoneRingList><Ring><DisplayName/><FileName/></Ring>...: the ring list format of
// Cisco's phone XML services; RingList.xml and DistinctiveRingList.xml share it.
FileBytes ring_list_file(const Config& config) {
  pugi::xml_document doc;
  pugi::xml_node root = doc.append_child("CiscoIPPhoneRingList");
  for (const Ring& ring : config.rings) {
    pugi::xml_node r = root.append_child("Ring");
    r.append_child("DisplayName").text().set(ring.display_name.c_str());
    r.append_child("FileName").text().set(ring.file_name.c_str());
  }
  return detail::to_bytes(doc);
}

namespace {

api::Result<bool> check(const Config& config) {
  if (config.call_managers.empty()) {
    return api::fail(api::Fault::config, "phone config: the CallManager group has no member");
  }
  if (config.call_managers.size() > 5) {
    return api::fail(api::Fault::config,
                     "phone config: the CallManager group has " +
                         std::to_string(config.call_managers.size()) +
                         " members, at most 5 are allowed (reference 7.2)");
  }
  std::set<int> priorities;
  for (const CallManager& cm : config.call_managers) {
    if (cm.priority < 0 || cm.priority > 4) {
      return api::fail(api::Fault::config, "phone config: CallManager " + cm.name +
                                               " has priority " + std::to_string(cm.priority) +
                                               ", expected 0-4 (reference 7.2)");
    }
    if (!priorities.insert(cm.priority).second) {
      return api::fail(api::Fault::config, "phone config: CallManager priority " +
                                               std::to_string(cm.priority) + " is used twice");
    }
    if (cm.address.empty()) {
      return api::fail(api::Fault::config, "phone config: CallManager " + cm.name +
                                               " has no address (processNodeName)");
    }
  }
  std::set<wire::Mac> macs;
  for (const Phone& phone : config.phones) {
    const std::string name = "phone " + phone.mac.to_string();
    if (!macs.insert(phone.mac).second) {
      return api::fail(api::Fault::config, "phone config: " + name + " is listed twice");
    }
    if (phone.lines.empty()) {
      return api::fail(api::Fault::config, "phone config: " + name + " has no line");
    }
    if (detail::load_for(config, phone).empty()) {
      return api::fail(api::Fault::config,
                       "phone config: " + name + " has no load id and model '" + phone.model +
                           "' has no load in the load information");
    }
  }
  return true;
}

}  // namespace

api::Result<FileMap> generate(const Config& config) {
  if (auto ok = check(config); !ok) return wire::Unexpected<api::Error>{ok.error()};
  FileMap files;
  auto add = [&files](const std::string& name, FileBytes bytes) -> api::Result<bool> {
    if (!files.emplace(name, std::move(bytes)).second) {
      return api::fail(api::Fault::config, "phone config: two files are named " + name);
    }
    return true;
  };
  std::vector<std::pair<std::string, FileBytes>> all;
  for (const Phone& phone : config.phones) {
    all.emplace_back(device_config_name(phone.mac), device_config(config, phone));
  }
  all.emplace_back(kDefaultConfigName, default_config(config));
  if (!config.dial_template.empty()) all.emplace_back(config.dial_template, dial_rules_file(config));
  if (!config.softkey_file.empty()) all.emplace_back(config.softkey_file, softkey_file(config));
  if (!config.ring_list_file.empty()) all.emplace_back(config.ring_list_file, ring_list_file(config));
  if (!config.distinctive_ring_list_file.empty()) {
    all.emplace_back(config.distinctive_ring_list_file, ring_list_file(config));
  }
  for (auto& [name, bytes] : all) {
    if (auto ok = add(name, std::move(bytes)); !ok) return wire::Unexpected<api::Error>{ok.error()};
  }
  return files;
}

std::vector<api::Event> generated_events(const Config& config, const FileMap& files,
                                         std::int64_t time_ns) {
  std::vector<api::Event> events;
  for (const auto& [name, bytes] : files) {
    api::Event e;
    e.time_ns = time_ns;
    e.source = api::EventSource::service;
    e.kind = "file.generated";
    for (const Phone& phone : config.phones) {
      if (device_config_name(phone.mac) == name) e.phone = phone.mac;
    }
    e.attrs["file"] = name;
    e.attrs["bytes"] = static_cast<std::int64_t>(bytes.size());
    events.push_back(std::move(e));
  }
  return events;
}

}  // namespace phonerig::services::config
