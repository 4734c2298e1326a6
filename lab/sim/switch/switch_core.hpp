// The simulated switch's pure core (DESIGN.md, "The simulated lab"): frames in, frames out,
// with the time passed in. No sockets, clocks or threads: the shell reads each port's
// AF_PACKET socket (the tag from PACKET_AUXDATA), calls ingress(), and sends what comes back
// at its due time; it calls tick() at next_wakeup().
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string_view>
#include <vector>

#include "drivers/api/fault_injector.hpp"
#include "drivers/wire/bytes.hpp"
#include "drivers/wire/link.hpp"
#include "lab/sim/switch/discovery.hpp"
#include "lab/sim/switch/fault_engine.hpp"
#include "lab/sim/switch/mac_table.hpp"
#include "lab/sim/switch/port.hpp"

namespace phonerig::sim::sw {

struct Config {
  Identity identity;
  std::vector<PortConfig> ports;
  // Cisco-like: CDP and LLDP-MED out of every access port, and the phones' CDP/LLDP consumed.
  // Off: nothing is announced, and CDP/LLDP are flooded within the VLAN like any multicast,
  // as a switch that does not speak them (the harness's own announcer is then exercised).
  bool announce = true;
  std::chrono::seconds cdp_interval{60};   // `cdp timer` (reference 1.7)
  std::chrono::seconds lldp_interval{30};  // `lldp timer` (reference 2.1)
  std::chrono::seconds aging{300};
  std::size_t mac_capacity = 16384;
  std::uint64_t seed = 1;  // of the fault generator
};

// One frame to send: out of `port`, not before `due`.
struct Output {
  PortIndex port = 0;
  wire::ByteVector bytes;
  Time due{};
};

struct Counters {
  std::uint64_t received = 0;
  std::uint64_t sent = 0;        // outputs to non-mirror ports
  std::uint64_t mirrored = 0;    // outputs to mirror ports
  std::uint64_t flooded = 0;     // frames flooded within their VLAN
  std::uint64_t dropped_link = 0;
  std::uint64_t dropped_vlan = 0;
  std::uint64_t filtered = 0;    // destination learned on the ingress port
  std::uint64_t malformed = 0;   // shorter than an Ethernet header
  std::uint64_t discovery_consumed = 0;
  std::uint64_t announced = 0;   // CDP and LLDP frames of our own
};

class SwitchCore : public api::FaultInjector {
 public:
  // Throws std::invalid_argument for a configuration a switch would refuse (a VLAN out of
  // 1..4094, a voice VLAN equal to the data VLAN, a mirror port that is itself mirrored).
  explicit SwitchCore(Config config);

  // A frame received on `port`. `aux` is the 802.1Q tag the kernel gave in PACKET_AUXDATA
  // (the bytes are then untagged); without it a tag in the bytes is honoured.
  std::vector<Output> ingress(PortIndex port, wire::Bytes frame,
                              std::optional<wire::VlanTag> aux, Time now);

  // CDP and LLDP-MED out of an access port now (nothing when announcements are off, the
  // port is not an access port or its link is down); the port's timers restart.
  std::vector<Output> announce(PortIndex port, Time now);

  // Due announcements, link flap transitions (with the announcements of a link coming up)
  // and MAC aging.
  std::vector<Output> tick(Time now);
  // When tick() next has something to do (nothing: only frames will wake it).
  std::optional<Time> next_wakeup() const;

  // The port's administrative link (PoE on/off takes it up/down). Down forgets its MACs;
  // up announces at once (as a Cisco switch does at link-up).
  std::vector<Output> set_link(PortIndex port, bool up, Time now);
  bool link_up(PortIndex port) const;

  void set_announce(bool on) { config_.announce = on; }
  bool announcing() const { return config_.announce; }

  // What was heard on a port and has not expired (holdtime), CDP first then LLDP.
  std::vector<Neighbour> neighbours(PortIndex port, Time now) const;

  std::optional<PortIndex> find_port(std::string_view name) const;
  const std::vector<PortConfig>& ports() const { return config_.ports; }
  const MacTable& mac_table() const { return macs_; }
  const Counters& counters() const { return counters_; }
  const FaultCounters& fault_counters() const { return faults_engine_.counters(); }

  // api::FaultInjector. A flap starts at the next tick() (the core reads no clock).
  api::Result<bool> set_faults(const api::FaultScope& scope, const api::Faults& faults) override;
  api::Result<api::Faults> faults(const api::FaultScope& scope) const override;
  api::Result<bool> flap_link(const std::string& port, const api::LinkFlap& flap) override;

 private:
  struct Flap {
    api::LinkFlap spec;
    std::optional<Time> start;  // nothing: starts at the next tick
    int done = 0;               // flaps completed
    bool down = false;
    Time next{};
  };
  struct PortState {
    bool flap_down = false;
    std::optional<Time> next_cdp;
    std::optional<Time> next_lldp;
    std::uint16_t power_request_id = 0;
    std::vector<Neighbour> neighbours;
    api::Faults faults;
  };

  bool up(PortIndex port) const;
  void forward(PortIndex in, Vlan vlan, const Frame& frame, Time due, Time now,
               std::vector<Output>& out);
  void emit(PortIndex port, Vlan vlan, const Frame& frame, Time due, std::vector<Output>& out);
  void mirror(PortIndex in, Vlan vlan, const Frame& frame, Time due, std::vector<Output>& out);
  void send_own(PortIndex port, wire::ByteVector bytes, Time now, std::vector<Output>& out);
  void heard(PortIndex port, Neighbour neighbour, Time now, std::vector<Output>& out);
  void link_changed(PortIndex port, bool was_up, Time now, std::vector<Output>& out);
  std::vector<Output> announce_cdp(PortIndex port, Time now);
  std::vector<Output> announce_lldp(PortIndex port, Time now);
  void run_flaps(Time now, std::vector<Output>& out);

  Config config_;
  std::vector<PortState> state_;
  std::map<Vlan, api::Faults> vlan_faults_;
  std::map<PortIndex, Flap> flaps_;
  MacTable macs_;
  FaultEngine faults_engine_;
  Counters counters_;
};

}  // namespace phonerig::sim::sw
