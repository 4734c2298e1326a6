// The emulated Cisco phone's pure core (issue 6, DESIGN.md "The registration sequence").
// No sockets, no clocks: every input carries the time (ms since an arbitrary epoch) and
// every decision comes back as Actions the program shell carries out (send a frame, move
// to the voice VLAN, fetch a file, connect, send SIP, write flash, reboot). The shell
// feeds back what happened (frames heard, DHCP replies, fetch results, connect results,
// SIP bytes) and calls on_timer() once now >= next_deadline().
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "drivers/wire/address.hpp"
#include "drivers/wire/bytes.hpp"
#include "drivers/wire/sip_message.hpp"
#include "lab/sim/phone/device_config.hpp"
#include "lab/sim/phone/load_manifest.hpp"

namespace phonerig::sim::phone {

using Millis = std::int64_t;

enum class Model { cp8851, cp7821 };

// Per-model facts (reference 1.8, 4.2, 6, 7.3).
struct ModelInfo {
  std::string name;          // "CP-8851"
  std::string platform;      // CDP platform: "Cisco IP Phone 8851"
  std::string vendor_class;  // DHCP option 60: "Cisco Systems, Inc. IP Phone CP-8851"
  int model_enum = 0;        // CUCM model enum: 684 (8851), 621 (7821)
  std::string user_agent;    // "Cisco-CP8851"
  std::string locale_jar;    // "sl-be-sip.jar" (8851), "sp-sip.jar" (78xx)
  std::uint32_t power_mw = 0;
};
ModelInfo model_info(Model model);

// Steps a lab file may tell the phone to leave out ("skip a step").
enum class Step { ctl, itl, firmware, dial_rules, softkeys, localization, ringlist };

// The knobs of one emulated phone (issue 6, "Knobs per phone"). Defaults: a well-behaved
// CP-8851.
struct Config {
  wire::Mac mac{{0x00, 0x1b, 0x53, 0x48, 0x9e, 0xe0}};
  Model model = Model::cp8851;
  std::string running_load = "sip88xx.14-2-1-0001-14";  // from the "flash"; no ".loads"
  std::string inactive_load = "sip88xx.12-8-1-0001-1";  // reported in REGISTER's Reason
  Millis boot_delay_ms = 3000;   // power on -> first frame
  std::set<Step> skip;           // steps left out entirely
  bool http = true;              // false: every file over TFTP only
  bool ignore_option_150 = false;  // use option 66's server even when 150 is present
  bool voip_vlan_query = false;    // add CDP VoIP VLAN Query (0x000f) to the phone's CDP
  std::optional<std::string> password_override;  // "wrong credentials": digest with this
  bool udp_transport = false;    // SIP over UDP instead of TCP (whatever the config says)
  bool crash_during_firmware = false;  // stop (Crash action) after the first load part
  bool cdp = true;               // false: no CDP support, LLDP-MED only (CDP heard is ignored)
  bool softkeys_after_register = false;  // softkey file after REGISTER's 200, not before
  bool short_timers = false;     // every retry timer / 10, CDP wait 0.5 s (for tests)
  std::uint32_t seed = 1;        // tags, branches, xids: deterministic per seed
};

enum class Transport { http, tftp };
enum class FetchOutcome { ok, not_found, timeout, error };
enum class ConnectOutcome { connected, refused, timeout };

struct Action {
  enum class Kind {
    send_frame,       // bytes: an Ethernet frame (CDP, LLDP) for the native (untagged) side
    use_voice_vlan,   // vlan: tag everything from now on with this VLAN
    send_dhcp,        // bytes: UDP payload 68 -> 67, to 255.255.255.255
    configure_ip,     // address, mask, router: the lease
    fetch,            // file over transport from server:port (6970 HTTP, 69 TFTP)
    write_flash,      // load + files: store the verified load in the flash folder
    reboot,           // load: restart running it (the machine restarts by itself)
    crash,            // the phone stops; only power_on() revives it
    connect,          // server:port over transport (tcp/udp) for SIP
    send_sip,         // text: one SIP message on the current connection
    status,           // text: a milestone ("registered 120", "register failed: ...")
  };
  Action(Kind k = Kind::status) : kind(k) {}  // NOLINT: implicit, {Kind::fetch} reads well

  Kind kind = Kind::status;
  wire::ByteVector bytes;
  std::uint16_t vlan = 0;
  wire::Ipv4 address, mask, router;
  std::string file;
  Transport transport = Transport::http;
  std::string server;
  std::uint16_t port = 0;
  bool udp = false;  // connect: UDP instead of TCP
  std::string load;
  std::vector<std::pair<std::string, wire::ByteVector>> files;  // write_flash
  std::string text;

  // One line: "fetch CTLSEP001B53489EE0.tlv http 198.18.0.10:6970", "send_frame cdp", ...
  std::string describe() const;
};

struct FetchResult {
  std::string file;
  Transport transport = Transport::http;
  FetchOutcome outcome = FetchOutcome::ok;
  wire::ByteVector bytes;
};

class Phone {
 public:
  explicit Phone(Config config);

  std::vector<Action> power_on(Millis now);
  void power_off();
  std::vector<Action> on_timer(Millis now);
  // The earliest of the state timer and the next periodic CDP/LLDP announcement.
  std::optional<Millis> next_deadline() const;

  std::vector<Action> on_frame(Millis now, wire::Bytes ethernet_frame);  // CDP / LLDP heard
  std::vector<Action> on_dhcp(Millis now, wire::Bytes udp_payload);      // from port 67
  std::vector<Action> on_fetch(Millis now, const FetchResult& result);
  // local_ip:local_port is this end of the SIP connection (Via, Contact).
  std::vector<Action> on_connect(Millis now, ConnectOutcome outcome, std::uint16_t local_port);
  std::vector<Action> on_sip(Millis now, wire::Bytes bytes);  // stream bytes or a datagram

  const std::string& running_load() const { return config_.running_load; }
  std::optional<std::uint16_t> voice_vlan() const { return voice_vlan_; }
  bool registered() const { return state_ == State::registered; }
  bool crashed() const { return state_ == State::off; }
  const Config& config() const { return config_; }

 private:
  enum class State {
    off, booting, discovering_vlan, dhcp_selecting, dhcp_requesting, fetching,
    connecting, registering, registered, register_failed,
  };
  // What the current fetch is for.
  enum class FetchPurpose {
    ctl, itl, device_config, default_config, manifest, load_part, dial_rules, softkeys,
    user_locale, network_locale, ringlist,
  };

  Millis scaled(Millis ms) const { return config_.short_timers ? ms / 10 : ms; }
  std::uint32_t next_random();
  std::string hex_random(int digits);

  void boot(Millis now, std::vector<Action>& out);
  void announce(std::vector<Action>& out);
  void start_dhcp(Millis now, std::vector<Action>& out);
  void send_discover(Millis now, std::vector<Action>& out);
  void send_request(Millis now, std::vector<Action>& out);
  void start_fetch(Millis now, FetchPurpose purpose, std::string file, std::vector<Action>& out);
  void fetch_done(Millis now, bool ok, const wire::ByteVector& bytes, std::vector<Action>& out);
  void after_config(Millis now, std::vector<Action>& out);
  void next_part(Millis now, std::vector<Action>& out);
  void before_register_files(Millis now, std::vector<Action>& out);
  void after_register_files(Millis now, std::vector<Action>& out);
  void fetch_queued(Millis now, std::vector<Action>& out);
  bool use_udp() const;
  void connect_member(Millis now, std::vector<Action>& out);
  void fail_over(Millis now, const std::string& why, std::vector<Action>& out);
  void send_register(Millis now, const std::string* authorization, std::vector<Action>& out);
  void handle_response(Millis now, const wire::sip::Message& response, std::vector<Action>& out);
  bool skipped(Step step) const { return config_.skip.count(step) != 0; }

  Config config_;
  ModelInfo info_;
  State state_ = State::off;
  std::optional<Millis> deadline_;
  std::optional<Millis> announce_at_;
  std::uint32_t rng_ = 1;
  std::string last_reset_ = "power-on";

  // Link and lease.
  std::optional<std::uint16_t> voice_vlan_;
  int announcements_ = 0;
  std::uint32_t xid_ = 0;
  int dhcp_tries_ = 0;
  wire::Ipv4 offered_, server_id_, my_ip_;
  std::string tftp_server_;

  // Files.
  FetchPurpose purpose_ = FetchPurpose::ctl;
  std::string fetching_;
  Transport fetch_transport_ = Transport::http;
  int fetch_attempt_ = 1;  // a file that timed out (not one refused) is asked for again
  std::vector<std::pair<FetchPurpose, std::string>> queue_;  // fetched after the current one
  bool after_register_phase_ = false;
  bool after_register_done_ = false;
  bool config_retry_ = false;
  std::optional<DeviceConfig> device_;
  std::optional<LoadManifest> manifest_;
  std::size_t part_index_ = 0;
  std::vector<std::pair<std::string, wire::ByteVector>> parts_;
  wire::ByteVector manifest_bytes_;

  // SIP.
  std::size_t member_ = 0;
  std::uint16_t local_port_ = 5060;
  std::string call_id_, from_tag_, contact_user_;
  std::uint32_t cseq_ = 100;
  bool answered_challenge_ = false;
  bool first_register_ = true;
  std::string stream_;
};

}  // namespace phonerig::sim::phone
