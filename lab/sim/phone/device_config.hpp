// What the emulated phone reads from SEP<MAC>.cnf.xml / XMLDefault.cnf.xml (reference 7),
// parsed with pugixml. Only the elements the boot sequence acts on.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace phonerig::sim::phone {

struct CallManager {
  int priority = 0;              // member@priority: lower is tried first (reference 7.2)
  std::string host;              // processNodeName
  std::uint16_t sip_port = 5060; // ports/sipPort
};

struct Line {
  int button = 1;
  std::string name;          // AOR user
  std::string display_name;
  std::string auth_name;
  std::string auth_password;
  std::string contact;       // Contact user; empty: the phone makes one up
};

struct DeviceConfig {
  std::vector<CallManager> call_managers;  // sorted by priority, stable
  std::vector<Line> lines;                 // featureID 9 only, in order
  std::string load_information;            // without ".loads"; empty: keep the running load
  std::string dial_template;
  std::string softkey_file;
  std::string user_locale;                 // userLocale/name
  std::string network_locale;              // networkLocaleInfo/name or networkLocale
  std::uint32_t register_expires = 3600;   // sipStack/timerRegisterExpires
  std::uint32_t register_delta = 5;        // sipStack/timerRegisterDelta
  int transport = 1;                       // transportLayerProtocol: 1 TCP, 2 UDP, 3 TLS
};

// Parses a device file (<device> or XMLDefault's <Default>). `model_enum` picks
// <loadInformationN> in XMLDefault. Errors: not XML, no callManagerGroup member.
// Returns the error text on failure.
struct DeviceConfigResult {
  std::optional<DeviceConfig> config;
  std::string error;
};
DeviceConfigResult parse_device_config(std::string_view xml, int model_enum);

}  // namespace phonerig::sim::phone
