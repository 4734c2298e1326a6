#include "lab/sim/switch/mac_table.hpp"

namespace phonerig::sim::sw {

void MacTable::learn(Vlan vlan, const wire::Mac& mac, PortIndex port, Time now) {
  if (mac.is_multicast()) return;
  auto key = std::make_pair(vlan, mac);
  auto it = table_.find(key);
  if (it == table_.end()) {
    if (table_.size() >= capacity_) {
      age(now);
      if (table_.size() >= capacity_) return;
    }
    table_.emplace(key, Entry{vlan, mac, port, now});
    return;
  }
  it->second.port = port;
  it->second.last_seen = now;
}

std::optional<PortIndex> MacTable::lookup(Vlan vlan, const wire::Mac& mac, Time now) const {
  auto it = table_.find(std::make_pair(vlan, mac));
  if (it == table_.end() || now - it->second.last_seen >= aging_) return std::nullopt;
  return it->second.port;
}

void MacTable::flush_port(PortIndex port) {
  std::erase_if(table_, [port](const auto& item) { return item.second.port == port; });
}

void MacTable::age(Time now) {
  std::erase_if(table_, [&](const auto& item) { return now - item.second.last_seen >= aging_; });
}

std::vector<MacTable::Entry> MacTable::entries(Time now) const {
  std::vector<Entry> out;
  for (const auto& [key, entry] : table_) {
    if (now - entry.last_seen < aging_) out.push_back(entry);
  }
  return out;
}

}  // namespace phonerig::sim::sw
