// The MAC address table (IEEE 802.1Q 8.8 filtering database, one per VLAN): source MACs
// learned on the port they arrived on, forgotten after the aging time (`mac address-table
// aging-time`, 300 s by default on Catalyst) or when their port's link goes down.
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <optional>
#include <utility>
#include <vector>

#include "drivers/wire/address.hpp"
#include "lab/sim/switch/port.hpp"

namespace phonerig::sim::sw {

class MacTable {
 public:
  struct Entry {
    Vlan vlan = 0;
    wire::Mac mac;
    PortIndex port = 0;
    Time last_seen{};
  };

  explicit MacTable(std::chrono::seconds aging = std::chrono::seconds(300),
                    std::size_t capacity = 16384)
      : aging_(aging), capacity_(capacity) {}

  // Learns (or moves, or refreshes) `mac` on `port`. Group addresses are never learned; a
  // full table learns nothing new (those frames are flooded), as a real switch does.
  void learn(Vlan vlan, const wire::Mac& mac, PortIndex port, Time now);
  // The port `mac` was learned on, unless it aged out.
  std::optional<PortIndex> lookup(Vlan vlan, const wire::Mac& mac, Time now) const;
  // Forgets every entry of a port (its link went down).
  void flush_port(PortIndex port);
  // Forgets entries older than the aging time.
  void age(Time now);
  std::vector<Entry> entries(Time now) const;
  std::size_t size() const { return table_.size(); }

 private:
  std::chrono::seconds aging_;
  std::size_t capacity_;
  std::map<std::pair<Vlan, wire::Mac>, Entry> table_;
};

}  // namespace phonerig::sim::sw
