// The phone config generator (DESIGN.md steps 7, 9 and 12-14): from a plain Config it
// writes, with pugixml, the files a Cisco 78xx/88xx SIP phone fetches over TFTP / HTTP 6970:
//   SEP<MAC>.cnf.xml     per phone (reference 7.1, 7.2)
//   XMLDefault.cnf.xml   for phones without their own file (reference 7.3)
//   <dialTemplate>       dial rules named by the config (reference 6, "dial rules")
//   <softKeyFile>        soft keys named by the config (reference 6, "soft keys")
//   RingList.xml, DistinctiveRingList.xml   ring lists (reference 6, "ring lists")
// The result is a map file name -> bytes that the lead puts into the TFTP/HTTP file store.
// Pure: no sockets, no clock; the same Config always gives the same bytes.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "drivers/api/event.hpp"
#include "drivers/api/result.hpp"
#include "drivers/wire/address.hpp"

namespace phonerig::services::config {

// One member of the CallManager group (reference 7.2: priority 0-4, lower tried first,
// at most 5 members).
struct CallManager {
  std::string name;                    // <callManager><name>, e.g. "phonerig-cm1"
  std::string address;                 // <processNodeName>: host or IPv4, the REGISTER target
  std::uint16_t sip_port = 5060;       // <sipPort>
  std::uint16_t secure_sip_port = 5061;  // <securedSipPort>
  int priority = 0;                    // member@priority
};

// The load a model should run (reference 7.3): `model_id` is the CUCM model enum that
// XMLDefault.cnf.xml puts in the element name (684 = 8851, 621 = 7821).
struct ModelLoad {
  std::string model;   // "Cisco 8851", as in the model="" attribute
  int model_id = 0;    // 684
  std::string load_id; // "sip88xx.14-2-1-0001-14", without ".loads"
};

struct Line {
  std::string directory_number;  // <name> and <featureLabel>: the AOR user, "1003"
  std::string auth_name;         // <authName>: digest user
  std::string display_name;      // <displayName>
  std::string password;          // <authPassword>, already resolved from its reference
  std::string contact;           // <contact>; empty: the directory number
  std::string proxy = "USECALLMANAGER";  // <proxy>: the CallManager group member
  std::uint16_t port = 5060;     // <port>
};

struct Phone {
  wire::Mac mac;
  std::string model;        // "Cisco 8851": picks the load when load_id is empty
  std::string description;  // <description>
  std::string load_id;      // expected load; empty: the model's load from Config::loads
  std::vector<Line> lines;  // button 1, 2, ...
};

// Locale (reference 7.1 <userLocale>, <networkLocale>, <networkLocaleInfo>).
struct Locale {
  std::string user_locale = "English_United_States";
  int user_locale_uid = 1;
  std::string lang_code = "en_US";
  std::string user_locale_version = "1.0.0.0-1";
  std::string win_char_set = "utf-8";
  std::string network_locale = "United_States";
  std::string network_locale_version = "1.0.0.0-1";
};

// One dial rule of the dial-rules file (the 79xx/78xx SIP DIALTEMPLATE format: MATCH
// pattern, seconds to wait before dialing, User="Phone" or "IP").
struct DialRule {
  std::string match = "*";
  int timeout_s = 5;
  std::string user = "Phone";
};

// One entry of a ring list (<CiscoIPPhoneRingList><Ring>).
struct Ring {
  std::string display_name;
  std::string file_name;
};

// SIP stack timers of <sipProfile><sipStack> (reference 7.2 defaults).
struct SipTimers {
  int register_expires_s = 3600;
  int register_delta_s = 5;
  int keep_alive_expires_s = 120;
  int t1_ms = 500;
  int t2_ms = 4000;
};

namespace device_security_mode {
inline constexpr int kNonSecure = 1;  // reference 7.2
inline constexpr int kAuthenticated = 2;
inline constexpr int kEncrypted = 3;
}  // namespace device_security_mode

namespace transport {
inline constexpr int kTcp = 1;  // reference 7.2 transportLayerProtocol
inline constexpr int kUdp = 2;
inline constexpr int kTls = 3;
}  // namespace transport

struct Config {
  std::vector<CallManager> call_managers;  // any order: written by priority
  std::vector<ModelLoad> loads;            // per model
  Locale locale;
  std::string dial_template = "dialplan.xml";  // <dialTemplate>; empty: none
  std::vector<DialRule> dial_rules{DialRule{}};
  std::string softkey_file = "softkeys.xml";   // <softKeyFile>; empty: none
  std::string ring_list_file = "RingList.xml";                          // empty: none
  std::string distinctive_ring_list_file = "DistinctiveRingList.xml";  // empty: none
  std::vector<Ring> rings{Ring{"Chirp 1", "Chirp1.raw"}, Ring{"Chirp 2", "Chirp2.raw"}};
  SipTimers sip_timers;
  int device_security_mode = device_security_mode::kNonSecure;
  int transport_layer_protocol = transport::kTcp;
  std::string version_stamp = "phonerig-1";  // <versionStamp>: the change marker
  std::vector<Phone> phones;
};

using FileBytes = std::vector<std::uint8_t>;
using FileMap = std::map<std::string, FileBytes>;

// "SEP001B53489EE0.cnf.xml": the MAC in 12 upper-case hex digits (reference 6).
std::string device_config_name(const wire::Mac& mac);
inline constexpr const char* kDefaultConfigName = "XMLDefault.cnf.xml";

// Every file, by the name the phone asks for. Errors (Fault::config): no CallManager,
// more than 5, a priority outside 0-4 or used twice, a phone with no line, two phones
// with one MAC, a phone whose load is neither given nor found for its model, two files
// with one name.
api::Result<FileMap> generate(const Config& config);

// The single files, for tests and for the lead to regenerate one phone.
FileBytes device_config(const Config& config, const Phone& phone);
FileBytes default_config(const Config& config);
FileBytes dial_rules_file(const Config& config);
FileBytes softkey_file(const Config& config);
FileBytes ring_list_file(const Config& config);

// One file.generated event per file (source=service, stamped `time_ns`), `phone` set on a
// SEP<MAC>.cnf.xml: for the lead to emit when it puts the files into the store.
std::vector<api::Event> generated_events(const Config& config, const FileMap& files,
                                         std::int64_t time_ns);

// `phonerig serve --write-files DIR`: writes every file into `dir` (which must exist).
// Refuses (Fault::config) any name containing '/' or "..", or empty, before writing
// anything; a write failure is Fault::rig with the path and errno text. Returns the paths
// written.
api::Result<std::vector<std::filesystem::path>> write_files(const FileMap& files,
                                                            const std::filesystem::path& dir);

}  // namespace phonerig::services::config
