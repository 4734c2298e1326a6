// SEP<MAC>.cnf.xml and XMLDefault.cnf.xml (reference 7.1-7.3), written with pugixml so every
// value is escaped by the XML writer, never by hand.
#include <pugixml.hpp>

#include <algorithm>
#include <sstream>
#include <string>

#include "drivers/services/config/phone_config.hpp"
#include "drivers/services/config/xml_bytes.hpp"

namespace phonerig::services::config {

namespace {

void text_child(pugi::xml_node parent, const char* name, const std::string& value) {
  parent.append_child(name).text().set(value.c_str());
}

void int_child(pugi::xml_node parent, const char* name, long long value) {
  parent.append_child(name).text().set(value);
}

std::vector<CallManager> by_priority(const Config& config) {
  std::vector<CallManager> members = config.call_managers;
  std::stable_sort(members.begin(), members.end(),
                   [](const CallManager& a, const CallManager& b) { return a.priority < b.priority; });
  return members;
}

// <callManagerGroup><members><member priority="N"><callManager>... (reference 7.1): members
// in priority order, lowest first, as the phone tries them.
void call_manager_group(pugi::xml_node parent, const Config& config) {
  pugi::xml_node members = parent.append_child("callManagerGroup").append_child("members");
  for (const CallManager& cm : by_priority(config)) {
    pugi::xml_node member = members.append_child("member");
    member.append_attribute("priority").set_value(cm.priority);
    pugi::xml_node node = member.append_child("callManager");
    text_child(node, "name", cm.name);
    pugi::xml_node ports = node.append_child("ports");
    int_child(ports, "sipPort", cm.sip_port);
    int_child(ports, "securedSipPort", cm.secure_sip_port);
    text_child(node, "processNodeName", cm.address);
  }
}

}  // namespace

std::string device_config_name(const wire::Mac& mac) {
  return "SEP" + mac.to_cisco() + ".cnf.xml";
}

namespace detail {

std::string load_for(const Config& config, const Phone& phone) {
  if (!phone.load_id.empty()) return phone.load_id;
  for (const ModelLoad& load : config.loads) {
    if (load.model == phone.model) return load.load_id;
  }
  return {};
}

}  // namespace detail

FileBytes device_config(const Config& config, const Phone& phone) {
  pugi::xml_document doc;
  pugi::xml_node device = doc.append_child("device");
  text_child(device, "fullConfig", "true");
  text_child(device, "deviceProtocol", "SIP");
  text_child(device, "description", phone.description);
  call_manager_group(device.append_child("devicePool"), config);

  pugi::xml_node profile = device.append_child("sipProfile");
  text_child(profile.append_child("sipProxies"), "registerWithProxy", "true");
  pugi::xml_node stack = profile.append_child("sipStack");
  int_child(stack, "timerRegisterExpires", config.sip_timers.register_expires_s);
  int_child(stack, "timerRegisterDelta", config.sip_timers.register_delta_s);
  int_child(stack, "timerKeepAliveExpires", config.sip_timers.keep_alive_expires_s);
  int_child(stack, "timerT1", config.sip_timers.t1_ms);
  int_child(stack, "timerT2", config.sip_timers.t2_ms);
  pugi::xml_node lines = profile.append_child("sipLines");
  int button = 0;
  for (const Line& l : phone.lines) {
    ++button;
    pugi::xml_node line = lines.append_child("line");
    line.append_attribute("button").set_value(button);
    line.append_attribute("lineIndex").set_value(button);
    int_child(line, "featureID", 9);  // 9 = line (reference 7.2)
    text_child(line, "featureLabel", l.directory_number);
    text_child(line, "proxy", l.proxy);
    int_child(line, "port", l.port);
    text_child(line, "name", l.directory_number);
    text_child(line, "displayName", l.display_name);
    text_child(line, "authName", l.auth_name);
    text_child(line, "authPassword", l.password);
    text_child(line, "contact", l.contact.empty() ? l.directory_number : l.contact);
  }
  if (!config.dial_template.empty()) text_child(profile, "dialTemplate", config.dial_template);
  if (!config.softkey_file.empty()) text_child(profile, "softKeyFile", config.softkey_file);

  text_child(device.append_child("commonProfile"), "phonePassword", "");
  text_child(device, "loadInformation", detail::load_for(config, phone));
  pugi::xml_node vendor = device.append_child("vendorConfig");
  int_child(vendor, "enableCdpSwPort", 1);
  int_child(vendor, "enableLldpSwPort", 1);
  text_child(device, "versionStamp", config.version_stamp);

  pugi::xml_node user = device.append_child("userLocale");
  text_child(user, "name", config.locale.user_locale);
  int_child(user, "uid", config.locale.user_locale_uid);
  text_child(user, "langCode", config.locale.lang_code);
  text_child(user, "version", config.locale.user_locale_version);
  text_child(user, "winCharSet", config.locale.win_char_set);
  text_child(device, "networkLocale", config.locale.network_locale);
  pugi::xml_node network = device.append_child("networkLocaleInfo");
  text_child(network, "name", config.locale.network_locale);
  text_child(network, "version", config.locale.network_locale_version);
  int_child(device, "deviceSecurityMode", config.device_security_mode);
  int_child(device, "transportLayerProtocol", config.transport_layer_protocol);
  return detail::to_bytes(doc);
}

// Reference 7.3: <Default>, the CallManager group, and one <loadInformationN model="...">
// per model, N the CUCM model enum.
FileBytes default_config(const Config& config) {
  pugi::xml_document doc;
  pugi::xml_node root = doc.append_child("Default");
  call_manager_group(root, config);
  for (const ModelLoad& load : config.loads) {
    const std::string name = "loadInformation" + std::to_string(load.model_id);
    pugi::xml_node node = root.append_child(name.c_str());
    node.append_attribute("model").set_value(load.model.c_str());
    node.text().set(load.load_id.c_str());
  }
  return detail::to_bytes(doc);
}

}  // namespace phonerig::services::config
