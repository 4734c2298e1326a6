// PoeSwitch: what the harness asks of the equipment that powers the phones (DESIGN.md, step 1
// of "The registration sequence"): a PoE switch over SNMP (POWER-ETHERNET-MIB, RFC 3621, and
// the Cisco extension MIB) or a switched PDU feeding PoE injectors (APC PowerNet-MIB).
//
// Every operation is asynchronous: its handler runs once, on the executor the implementation
// was given, with the ports in the order asked. Ports are named the way a lab names them:
// `Gi1/0/5`, `GigabitEthernet1/0/5`, `group/port` as in the MIB index (`1/5`), or an outlet
// number on a PDU (`7`). A batch either succeeds for every port or fails as a whole, with an
// error naming every port that failed (switch, port, OID and what the agent said). A failure
// of the switch is Fault::rig; a port the lab file names wrongly is Fault::config.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "drivers/api/result.hpp"

namespace phonerig::api {

// pethPsePortDetectionStatus (RFC 3621 section 6, 1.3.6.1.2.1.105.1.1.1.6): the numbering of
// the MIB. A PDU outlet reads delivering_power when on and disabled when off.
enum class PoeDetection {
  disabled = 1,
  searching = 2,
  delivering_power = 3,
  fault = 4,
  test = 5,
  other_fault = 6,
};
// The MIB's names: "disabled", "searching", "deliveringPower", "fault", "test", "otherFault".
std::string_view to_string(PoeDetection detection);
std::optional<PoeDetection> parse_poe_detection(std::string_view text);

struct PortStatus {
  std::string port;                  // as asked
  std::string name;                  // the switch's own name when known (entPhysicalName)
  bool admin_on = false;             // pethPsePortAdminEnable / cpeExtPsePortEnable / outlet
  PoeDetection detection = PoeDetection::disabled;
  std::optional<int> power_class;    // 0-4, only while deliveringPower
  std::optional<std::int64_t> power_mw;  // where the switch reports it (Cisco)
  std::optional<bool> link_up;       // IF-MIB ifOperStatus up(1), where the port maps to one
};

struct CycleResult {
  std::vector<PortStatus> ports;     // read back after power came back on
  // Measured from the switch's answer to the off set to the sending of the on set: power
  // was off at least this long (never less than the configured minimum).
  std::chrono::milliseconds off_time{0};
};

// One neighbour a switch port saw: CISCO-CDP-MIB cdpCacheTable or LLDP-MIB lldpRemTable.
struct Neighbour {
  std::string port;                  // as asked
  std::string protocol;              // "cdp" or "lldp"
  std::string device_id;             // cdpCacheDeviceId; lldpRemChassisId
  std::string port_id;               // cdpCacheDevicePort; lldpRemPortId
  std::string platform;              // cdpCachePlatform (CDP only)
  std::string software_version;      // cdpCacheVersion (CDP only)
  std::string system_name;           // lldpRemSysName (LLDP only)
  std::string system_description;    // lldpRemSysDesc (LLDP only)
};

class PoeSwitch {
 public:
  template <class T>
  using Handler = std::function<void(Result<T>)>;

  virtual ~PoeSwitch() = default;

  // Sets power on or off for every port in one request, then confirms each port reached
  // the state asked (detection status deliveringPower, or disabled, polled until the
  // implementation's confirm deadline); the handler gets the statuses read back.
  virtual void set_power(std::vector<std::string> ports, bool on,
                         Handler<std::vector<PortStatus>> handler) = 0;

  // Off (confirmed), a hold of at least the configured minimum off-time, on (confirmed).
  virtual void cycle(std::vector<std::string> ports, Handler<CycleResult> handler) = 0;

  // Reads admin state, detection status, power class, power drawn and link state.
  virtual void status(std::vector<std::string> ports,
                      Handler<std::vector<PortStatus>> handler) = 0;

  // Polls until every port reads `wanted`, or fails at `deadline` naming the ports that
  // did not, with what they read last.
  virtual void wait_for(std::vector<std::string> ports, PoeDetection wanted,
                        std::chrono::milliseconds deadline,
                        Handler<std::vector<PortStatus>> handler) = 0;

  // The CDP and LLDP neighbours the switch has on these ports (none is not an error).
  virtual void neighbours(std::vector<std::string> ports,
                          Handler<std::vector<Neighbour>> handler) = 0;

  // Cancels what is in flight (their handlers get an error) and closes the sessions.
  // Idempotent; the destructor calls it.
  virtual void close() = 0;
};

}  // namespace phonerig::api
