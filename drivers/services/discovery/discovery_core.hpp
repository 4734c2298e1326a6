// The CDP and LLDP-MED announcer and listener (DESIGN.md step 3): the pure core. It decides
// what the "switch" side sends (CDPv2 with the VoIP VLAN Reply, LLDP-MED network policy for
// the same voice VLAN) and when (every interval, and at once when a phone appears), and turns
// the phones' CDP and LLDP frames into events. No socket, no clock: times are passed in
// (CLOCK_REALTIME ns, the stamp of the events), frames come in as bytes with their 802.1Q tag
// already put back, and what to send comes out as bytes with its event.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "drivers/api/event.hpp"
#include "drivers/wire/address.hpp"
#include "drivers/wire/bytes.hpp"
#include "drivers/wire/cdp.hpp"
#include "drivers/wire/lldp.hpp"

namespace phonerig::services::discovery {

struct Config {
  std::string interface;                 // the one interface to announce on; required
  std::optional<wire::Mac> source_mac;   // default: the interface's own MAC
  std::string device_id = "phonerig";    // CDP Device ID, LLDP system name
  std::string port_id = "GigabitEthernet1/0/1";  // CDP Port ID, LLDP Port ID (ifName)
  std::string platform = "phonerig";     // CDP Platform
  std::string software_version = "phonerig discovery announcer";  // CDP 0x0005, LLDP sysDescr
  std::uint16_t voice_vlan = 100;        // CDP VoIP VLAN Reply, LLDP-MED voice policy
  std::uint16_t native_vlan = 1;         // CDP Native VLAN, IEEE 802.1 Port VLAN ID
  std::uint8_t voice_priority = 5;       // LLDP-MED L2 priority (reference 2.3)
  std::uint8_t voice_dscp = 46;          // LLDP-MED DSCP (EF)
  std::uint32_t power_available_mw = 15400;  // CDP Power Available, LLDP-MED extended power
  std::chrono::milliseconds interval{60000};  // `cdp timer` default 60 s (reference 1.7)
  std::uint8_t holdtime_s = 180;         // CDP TTL and LLDP TTL (`cdp holdtime`, reference 1.7)
  // LLDP-MED fast start: when a phone appears, this many LLDP frames 1 s apart, the
  // immediate one included (reference 2.1, lldpd's default 4); 1 or 0: just the one.
  int lldp_fast_start = 4;
  bool cdp = true;
  bool lldp = true;
};

// One frame to send and the event (cdp.tx / lldp.tx) to emit once it is sent.
struct Outgoing {
  wire::ByteVector frame;
  api::Event event;
};

// What the core wants done: frames to send (in order) and events to emit (rx, malformed).
struct Output {
  std::vector<Outgoing> sends;
  std::vector<api::Event> events;
};

class Core {
 public:
  // `own_mac`: the source of every frame sent; frames from it are ignored when received.
  Core(Config config, wire::Mac own_mac);

  // The first announcement; the next one is due one interval later.
  Output start(std::int64_t now_ns);
  // Announces what is due at `now`: CDP and LLDP when the periodic announcement is due,
  // LLDP alone for a fast-start repeat; nothing before next_due_ns().
  Output on_tick(std::int64_t now_ns);
  // A received Ethernet frame (802.1Q tag in the bytes when it had one). CDP and LLDP frames
  // become cdp.rx / lldp.rx; a frame for CDP or LLDP that does not decode becomes
  // request.malformed; anything else is ignored. The first frame of a neighbour not seen
  // before triggers an announcement at once.
  Output on_frame(wire::Bytes frame, std::int64_t time_ns);
  // A phone was powered on (the lead calls this on power.on): announce at once, and treat
  // its next CDP or LLDP frame as its first (it is booting).
  Output phone_appeared(const wire::Mac& phone, std::int64_t now_ns);

  // When on_tick() next has something to send: the periodic announcement or an LLDP
  // fast-start repeat, whichever comes first.
  std::int64_t next_due_ns() const;
  const Config& config() const { return config_; }
  const wire::Mac& own_mac() const { return own_mac_; }

  // The frames as they are built now (for tests and the tshark checks).
  wire::cdp::Packet cdp_packet() const;
  wire::lldp::Packet lldp_packet() const;

 private:
  Output announce(std::int64_t now_ns, std::optional<wire::Mac> phone, bool cdp, bool lldp);
  Output phone_announcement(std::int64_t now_ns, const wire::Mac& phone);
  void neighbour_seen(const wire::Mac& src, std::int64_t time_ns, Output& out);

  Config config_;
  wire::Mac own_mac_;
  std::int64_t next_due_ns_ = 0;
  bool started_ = false;
  std::set<wire::Mac> neighbours_;
  int fast_start_left_ = 0;          // LLDP fast-start repeats still to send
  std::int64_t next_fast_start_ns_ = 0;
  std::optional<wire::Mac> fast_start_phone_;
  // The last Power Requested request-id heard, echoed in Power Available (reference 1.6).
  std::uint16_t power_request_id_ = 0;
};

// The event a received CDP / LLDP packet becomes (source=service, phone = its source MAC).
api::Event cdp_rx_event(const wire::cdp::Decoded& decoded, const wire::LinkFrame& link,
                        std::size_t frame_length, std::int64_t time_ns);
api::Event lldp_rx_event(const wire::lldp::Packet& packet, const wire::LinkFrame& link,
                         std::size_t frame_length, std::int64_t time_ns);
// request.malformed for a frame of `service` ("cdp", "lldp") that did not decode.
api::Event malformed_event(std::string_view service, const wire::ParseError& error,
                           std::optional<wire::Mac> src, std::size_t frame_length,
                           std::int64_t time_ns);

// Printable LLDP Chassis ID / Port ID: a MAC as "aa:bb:..", an IPv4 address dotted, else
// the bytes as text.
std::string printable(const wire::lldp::ChassisId& id);
std::string printable(const wire::lldp::PortId& id);

}  // namespace phonerig::services::discovery
