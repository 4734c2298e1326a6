// The PoE switch emulator's state and the MIB objects it serves, without net-snmp: a pure
// model the AgentX glue (poe_agent.cpp) reads a snapshot from and writes sets into. Time is
// passed in, so detection (disabled -> searching -> deliveringPower after a delay, as a real
// PSE classifies a powered device) is a function of the state and `now`.
//
// OIDs (reference/protocols.md section 9): POWER-ETHERNET-MIB (RFC 3621) 1.3.6.1.2.1.105,
// CISCO-POWER-ETHERNET-EXT-MIB 1.3.6.1.4.1.9.9.402, ENTITY-MIB 1.3.6.1.2.1.47,
// CISCO-CDP-MIB 1.3.6.1.4.1.9.9.23, LLDP-MIB 1.0.8802.1.1.2, APC PowerNet-MIB
// 1.3.6.1.4.1.318.1.1.12.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace phonerig::sim::poe {

using Oid = std::vector<std::uint32_t>;
std::string to_string(const Oid& oid);  // dotted, no leading dot

enum class Profile { rfc3621, cisco, apc_pdu };
std::optional<Profile> parse_profile(const std::string& text);

// pethPsePortDetectionStatus values (RFC 3621).
enum class Detection { disabled = 1, searching = 2, delivering_power = 3, fault = 4, test = 5,
                       other_fault = 6 };

struct Value {
  enum class Type { integer, octets, counter32, gauge32, object_id };
  Type type = Type::integer;
  std::int64_t number = 0;
  std::string octets;
  Oid object_id;

  static Value integer(std::int64_t v) { return {Type::integer, v, {}, {}}; }
  static Value gauge(std::int64_t v) { return {Type::gauge32, v, {}, {}}; }
  static Value counter(std::int64_t v) { return {Type::counter32, v, {}, {}}; }
  static Value string(std::string s) { return {Type::octets, 0, std::move(s), {}}; }
  static Value oid(Oid o) { return {Type::object_id, 0, {}, std::move(o)}; }
};

struct CdpNeighbour {
  std::string device_id;         // cdpCacheDeviceId: SEP<MAC>
  std::string port_id;           // cdpCacheDevicePort: "Port 1"
  std::string platform;          // cdpCachePlatform: "Cisco IP Phone 8845"
  std::string software_version;  // cdpCacheVersion: the running load
  std::uint32_t address = 0;     // cdpCacheAddress, IPv4 host order, 0 = none
};

struct LldpNeighbour {
  std::string chassis_id;          // lldpRemChassisId, served as subtype local(7)
  std::string port_id;             // lldpRemPortId, subtype local(7)
  std::string system_name;         // lldpRemSysName
  std::string system_description;  // lldpRemSysDesc
};

struct ModelConfig {
  int ports = 48;
  Profile profile = Profile::rfc3621;
  int group = 1;                                  // pethPsePortGroupIndex (stack member)
  std::string name_prefix = "GigabitEthernet1/0/";  // entPhysicalName = prefix + port
  std::string short_prefix = "Gi1/0/";            // lldpLocPortId
  std::chrono::milliseconds detection_delay{1000};  // searching -> deliveringPower
  int power_class = 2;                            // 0-4, reported while deliveringPower
  std::int64_t power_mw = 6300;                   // drawn while deliveringPower (Cisco)
  bool initially_on = false;
};

// A change of a port's power made through SNMP (or the host's API).
struct PowerChange {
  int port = 0;
  bool on = false;
};

// SNMP error-status values (RFC 3416 section 3) a set can fail with.
enum class SetError { none = 0, wrong_type = 7, wrong_value = 10, no_creation = 11,
                      not_writable = 17 };

class Model {
 public:
  using Clock = std::chrono::steady_clock;
  explicit Model(ModelConfig config, Clock::time_point now = Clock::now());

  const ModelConfig& config() const { return config_; }
  int ports() const { return config_.ports; }

  // The OID subtrees the agent registers for its profile.
  std::vector<Oid> roots() const;

  // Every object served, in OID order (std::vector compares as SNMP orders OIDs).
  std::map<Oid, Value> snapshot(Clock::time_point now) const;
  // True when `oid` names a column (object type) this profile serves, whatever the index.
  bool is_known_column(const Oid& oid) const;

  SetError check_set(const Oid& oid, const Value& value) const;
  // Applies a set that check_set accepted; returns the power changes it made.
  std::vector<PowerChange> apply_set(const Oid& oid, const Value& value, Clock::time_point now);

  // The host's side (the simulated switch): ports are numbered 1..ports().
  bool valid_port(int port) const { return port >= 1 && port <= config_.ports; }
  std::optional<PowerChange> set_power(int port, bool on, Clock::time_point now);
  bool power(int port) const;
  Detection detection(int port, Clock::time_point now) const;
  void set_pd_present(int port, bool present);
  void set_forced_detection(int port, std::optional<Detection> detection);
  void set_if_index(int port, std::uint32_t if_index);
  std::uint32_t if_index(int port) const;
  void set_cdp_neighbour(int port, std::optional<CdpNeighbour> neighbour);
  void set_lldp_neighbour(int port, std::optional<LldpNeighbour> neighbour);

 private:
  struct Port {
    bool on = false;
    Clock::time_point on_since{};
    bool pd_present = true;
    std::optional<Detection> forced;
    std::uint32_t if_index = 0;
    int priority = 3;                // pethPsePortPowerPriority low(3)
    int power_pairs = 1;             // signal(1)
    std::string type;                // pethPsePortType
    std::optional<CdpNeighbour> cdp;
    std::optional<LldpNeighbour> lldp;
  };
  int port_index(const Oid& oid, std::size_t column_len) const;

  ModelConfig config_;
  std::vector<Port> ports_;
  int usage_threshold_ = 80;
};

}  // namespace phonerig::sim::poe
