#include "lab/sim/phone/device_config.hpp"

#include <algorithm>
#include <charconv>
#include <string>

#include <pugixml.hpp>

namespace phonerig::sim::phone {
namespace {

std::string text_of(const pugi::xml_node& node, const char* child) {
  return node.child(child).text().as_string();
}

template <class T>
T number_of(const pugi::xml_node& node, const char* child, T fallback) {
  const std::string text = text_of(node, child);
  T value{};
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || ptr != text.data() + text.size()) return fallback;
  return value;
}

}  // namespace

DeviceConfigResult parse_device_config(std::string_view xml, int model_enum) {
  pugi::xml_document doc;
  const pugi::xml_parse_result parsed = doc.load_buffer(xml.data(), xml.size());
  if (!parsed) return {std::nullopt, std::string("not XML: ") + parsed.description()};
  pugi::xml_node root = doc.child("device");
  const bool is_default = !root;
  if (is_default) root = doc.child("Default");
  if (!root) return {std::nullopt, "no <device> or <Default> element"};

  DeviceConfig config;
  pugi::xml_node group = root.child("devicePool").child("callManagerGroup");
  if (!group) group = root.child("callManagerGroup");
  for (pugi::xml_node member : group.child("members").children("member")) {
    pugi::xml_node cm = member.child("callManager");
    CallManager entry;
    entry.priority = member.attribute("priority").as_int(0);
    entry.host = text_of(cm, "processNodeName");
    entry.sip_port = number_of<std::uint16_t>(cm.child("ports"), "sipPort", 5060);
    if (!entry.host.empty()) config.call_managers.push_back(entry);
  }
  if (config.call_managers.empty()) return {std::nullopt, "no callManagerGroup member"};
  std::stable_sort(config.call_managers.begin(), config.call_managers.end(),
                   [](const CallManager& a, const CallManager& b) { return a.priority < b.priority; });

  pugi::xml_node profile = root.child("sipProfile");
  for (pugi::xml_node line : profile.child("sipLines").children("line")) {
    if (number_of<int>(line, "featureID", 9) != 9) continue;
    Line entry;
    entry.button = line.attribute("button").as_int(1);
    entry.name = text_of(line, "name");
    entry.display_name = text_of(line, "displayName");
    entry.auth_name = text_of(line, "authName");
    entry.auth_password = text_of(line, "authPassword");
    entry.contact = text_of(line, "contact");
    if (entry.auth_name.empty()) entry.auth_name = entry.name;
    config.lines.push_back(entry);
  }
  config.dial_template = text_of(profile, "dialTemplate");
  config.softkey_file = text_of(profile, "softKeyFile");
  pugi::xml_node stack = profile.child("sipStack");
  config.register_expires = number_of<std::uint32_t>(stack, "timerRegisterExpires", 3600);
  config.register_delta = number_of<std::uint32_t>(stack, "timerRegisterDelta", 5);

  if (is_default) {
    const std::string name = "loadInformation" + std::to_string(model_enum);
    config.load_information = text_of(root, name.c_str());
  } else {
    config.load_information = text_of(root, "loadInformation");
  }
  config.user_locale = text_of(root.child("userLocale"), "name");
  config.network_locale = text_of(root.child("networkLocaleInfo"), "name");
  if (config.network_locale.empty()) config.network_locale = text_of(root, "networkLocale");
  config.transport = number_of<int>(root, "transportLayerProtocol", 1);
  return {std::move(config), {}};
}

}  // namespace phonerig::sim::phone
