#include "lab/sim/poe-agent/mib_model.hpp"

#include <algorithm>

namespace phonerig::sim::poe {

namespace {

Oid append(Oid base, std::initializer_list<std::uint32_t> tail) {
  base.insert(base.end(), tail.begin(), tail.end());
  return base;
}

// RFC 3621: pethPsePortEntry, pethMainPseEntry.
const Oid kPethPort = {1, 3, 6, 1, 2, 1, 105, 1, 1, 1};
const Oid kPethMain = {1, 3, 6, 1, 2, 1, 105, 1, 3, 1, 1};
const Oid kPethRoot = {1, 3, 6, 1, 2, 1, 105};
// CISCO-POWER-ETHERNET-EXT-MIB cpeExtPsePortEntry.
const Oid kCiscoPort = {1, 3, 6, 1, 4, 1, 9, 9, 402, 1, 2, 1};
const Oid kCiscoRoot = {1, 3, 6, 1, 4, 1, 9, 9, 402};
// ENTITY-MIB entPhysicalEntry and entAliasMappingIdentifier.
const Oid kEntPhysical = {1, 3, 6, 1, 2, 1, 47, 1, 1, 1, 1};
const Oid kEntAlias = {1, 3, 6, 1, 2, 1, 47, 1, 3, 2, 1, 2};
const Oid kEntityRoot = {1, 3, 6, 1, 2, 1, 47};
// CISCO-CDP-MIB cdpCacheEntry.
const Oid kCdpCache = {1, 3, 6, 1, 4, 1, 9, 9, 23, 1, 2, 1, 1};
const Oid kCdpRoot = {1, 3, 6, 1, 4, 1, 9, 9, 23};
// LLDP-MIB lldpRemEntry, lldpLocPortEntry.
const Oid kLldpRem = {1, 0, 8802, 1, 1, 2, 1, 4, 1, 1};
const Oid kLldpLocPort = {1, 0, 8802, 1, 1, 2, 1, 3, 7, 1};
const Oid kLldpRoot = {1, 0, 8802, 1, 1, 2};
// PowerNet-MIB rPDUOutletControlEntry, rPDUOutletStatusEntry.
const Oid kApcControl = {1, 3, 6, 1, 4, 1, 318, 1, 1, 12, 3, 3, 1, 1};
const Oid kApcStatus = {1, 3, 6, 1, 4, 1, 318, 1, 1, 12, 3, 5, 1, 1};
const Oid kApcRoot = {1, 3, 6, 1, 4, 1, 318, 1, 1, 12};
// IF-MIB ifIndex, the target of entAliasMappingIdentifier (a RowPointer).
const Oid kIfIndex = {1, 3, 6, 1, 2, 1, 2, 2, 1, 1};

constexpr std::uint32_t kEntBase = 1000;  // entPhysicalIndex of port p: 1000 + p

bool starts_with(const Oid& oid, const Oid& prefix) {
  return oid.size() >= prefix.size() && std::equal(prefix.begin(), prefix.end(), oid.begin());
}

bool truth_on(std::int64_t v) { return v == 1; }

}  // namespace

std::string to_string(const Oid& oid) {
  std::string out;
  for (const auto part : oid) out += (out.empty() ? "" : ".") + std::to_string(part);
  return out;
}

std::optional<Profile> parse_profile(const std::string& text) {
  if (text == "rfc3621") return Profile::rfc3621;
  if (text == "cisco") return Profile::cisco;
  if (text == "apc-pdu") return Profile::apc_pdu;
  return std::nullopt;
}

Model::Model(ModelConfig config, Clock::time_point now) : config_(std::move(config)) {
  ports_.resize(static_cast<std::size_t>(std::max(config_.ports, 0)));
  for (std::size_t i = 0; i < ports_.size(); ++i) {
    ports_[i].on = config_.initially_on;
    ports_[i].on_since = now - config_.detection_delay;
    ports_[i].if_index = 10100 + static_cast<std::uint32_t>(i + 1);  // Catalyst's numbering
  }
}

std::vector<Oid> Model::roots() const {
  if (config_.profile == Profile::apc_pdu) return {kApcRoot};
  std::vector<Oid> roots = {kPethRoot, kEntityRoot, kCdpRoot, kLldpRoot};
  if (config_.profile == Profile::cisco) roots.push_back(kCiscoRoot);
  std::sort(roots.begin(), roots.end());
  return roots;
}

bool Model::power(int port) const { return valid_port(port) && ports_[port - 1].on; }

Detection Model::detection(int port, Clock::time_point now) const {
  const Port& p = ports_.at(static_cast<std::size_t>(port - 1));
  if (!p.on) return Detection::disabled;
  if (p.forced) return *p.forced;
  if (!p.pd_present || now - p.on_since < config_.detection_delay) return Detection::searching;
  return Detection::delivering_power;
}

std::optional<PowerChange> Model::set_power(int port, bool on, Clock::time_point now) {
  if (!valid_port(port)) return std::nullopt;
  Port& p = ports_[port - 1];
  if (p.on == on) return std::nullopt;
  p.on = on;
  if (on) p.on_since = now;
  return PowerChange{port, on};
}

void Model::set_pd_present(int port, bool present) {
  if (valid_port(port)) ports_[port - 1].pd_present = present;
}
void Model::set_forced_detection(int port, std::optional<Detection> detection) {
  if (valid_port(port)) ports_[port - 1].forced = detection;
}
void Model::set_if_index(int port, std::uint32_t if_index) {
  if (valid_port(port)) ports_[port - 1].if_index = if_index;
}
std::uint32_t Model::if_index(int port) const {
  return valid_port(port) ? ports_[port - 1].if_index : 0;
}
void Model::set_cdp_neighbour(int port, std::optional<CdpNeighbour> neighbour) {
  if (valid_port(port)) ports_[port - 1].cdp = std::move(neighbour);
}
void Model::set_lldp_neighbour(int port, std::optional<LldpNeighbour> neighbour) {
  if (valid_port(port)) ports_[port - 1].lldp = std::move(neighbour);
}

std::map<Oid, Value> Model::snapshot(Clock::time_point now) const {
  std::map<Oid, Value> out;
  const auto group = static_cast<std::uint32_t>(config_.group);
  const int n = config_.ports;
  auto delivering = [&](int p) { return detection(p, now) == Detection::delivering_power; };

  if (config_.profile == Profile::apc_pdu) {
    for (int p = 1; p <= n; ++p) {
      const auto u = static_cast<std::uint32_t>(p);
      const std::string name = "Outlet " + std::to_string(p);
      const std::int64_t state = power(p) ? 1 : 2;
      out[append(kApcControl, {1, u})] = Value::integer(p);
      out[append(kApcControl, {2, u})] = Value::string(name);
      out[append(kApcControl, {3, u})] = Value::integer(1);  // phase 1
      out[append(kApcControl, {4, u})] = Value::integer(state);
      out[append(kApcStatus, {1, u})] = Value::integer(p);
      out[append(kApcStatus, {2, u})] = Value::string(name);
      out[append(kApcStatus, {4, u})] = Value::integer(state);
    }
    return out;
  }

  std::int64_t total_mw = 0;
  for (int p = 1; p <= n; ++p) {
    const auto u = static_cast<std::uint32_t>(p);
    const Port& port = ports_[static_cast<std::size_t>(p - 1)];
    const bool on = port.on;
    const bool dp = delivering(p);
    if (dp) total_mw += config_.power_mw;
    out[append(kPethPort, {3, group, u})] = Value::integer(on ? 1 : 2);
    out[append(kPethPort, {4, group, u})] = Value::integer(2);  // pairs control: false
    out[append(kPethPort, {5, group, u})] = Value::integer(port.power_pairs);
    out[append(kPethPort, {6, group, u})] =
        Value::integer(static_cast<std::int64_t>(detection(p, now)));
    out[append(kPethPort, {7, group, u})] = Value::integer(port.priority);
    out[append(kPethPort, {8, group, u})] = Value::counter(0);
    out[append(kPethPort, {9, group, u})] = Value::string(port.type);
    out[append(kPethPort, {10, group, u})] = Value::integer(dp ? config_.power_class + 1 : 1);
    for (std::uint32_t col = 11; col <= 14; ++col) {
      out[append(kPethPort, {col, group, u})] = Value::counter(0);
    }
    const std::uint32_t ent = kEntBase + u;
    out[append(kEntPhysical, {2, ent})] = Value::string("Gigabit Ethernet Port");
    out[append(kEntPhysical, {5, ent})] = Value::integer(10);  // port(10)
    out[append(kEntPhysical, {7, ent})] = Value::string(config_.name_prefix + std::to_string(p));
    out[append(kEntAlias, {ent, 0})] = Value::oid(append(kIfIndex, {port.if_index}));
    if (config_.profile == Profile::cisco) {
      out[append(kCiscoPort, {1, group, u})] = Value::integer(on ? 1 : 4);  // auto / disable
      out[append(kCiscoPort, {2, group, u})] = Value::integer(3);            // ieee
      out[append(kCiscoPort, {3, group, u})] = Value::integer(dp ? 1 : 2);
      out[append(kCiscoPort, {4, group, u})] = Value::integer(dp ? 1 : 2);
      out[append(kCiscoPort, {6, group, u})] = Value::gauge(30000);
      out[append(kCiscoPort, {7, group, u})] = Value::gauge(dp ? 15400 : 0);
      out[append(kCiscoPort, {8, group, u})] = Value::gauge(dp ? 15400 : 0);
      out[append(kCiscoPort, {9, group, u})] = Value::gauge(dp ? config_.power_mw : 0);
      out[append(kCiscoPort, {10, group, u})] = Value::gauge(dp ? config_.power_mw : 0);
      out[append(kCiscoPort, {11, group, u})] = Value::integer(ent);
    }
    if (port.cdp) {
      const Oid index = {port.if_index, 1};
      auto cdp = [&](std::uint32_t col) {
        Oid oid = append(kCdpCache, {col});
        oid.insert(oid.end(), index.begin(), index.end());
        return oid;
      };
      if (port.cdp->address != 0) {
        const std::uint32_t a = port.cdp->address;
        std::string bytes = {static_cast<char>(a >> 24), static_cast<char>(a >> 16),
                             static_cast<char>(a >> 8), static_cast<char>(a)};
        out[cdp(3)] = Value::integer(1);  // ip(1)
        out[cdp(4)] = Value::string(bytes);
      }
      out[cdp(5)] = Value::string(port.cdp->software_version);
      out[cdp(6)] = Value::string(port.cdp->device_id);
      out[cdp(7)] = Value::string(port.cdp->port_id);
      out[cdp(8)] = Value::string(port.cdp->platform);
    }
    out[append(kLldpLocPort, {2, u})] = Value::integer(5);  // interfaceName(5)
    out[append(kLldpLocPort, {3, u})] = Value::string(config_.short_prefix + std::to_string(p));
    out[append(kLldpLocPort, {4, u})] = Value::string(config_.name_prefix + std::to_string(p));
    if (port.lldp) {
      auto rem = [&](std::uint32_t col) { return append(kLldpRem, {col, 0, u, 1}); };
      out[rem(4)] = Value::integer(7);  // local(7)
      out[rem(5)] = Value::string(port.lldp->chassis_id);
      out[rem(6)] = Value::integer(7);
      out[rem(7)] = Value::string(port.lldp->port_id);
      out[rem(9)] = Value::string(port.lldp->system_name);
      out[rem(10)] = Value::string(port.lldp->system_description);
    }
  }
  out[append(kPethMain, {2, group})] = Value::gauge(740);  // W available
  out[append(kPethMain, {3, group})] = Value::integer(1);  // on(1)
  out[append(kPethMain, {4, group})] = Value::gauge(total_mw / 1000);
  out[append(kPethMain, {5, group})] = Value::integer(usage_threshold_);
  return out;
}

bool Model::is_known_column(const Oid& oid) const {
  // A column is the entry OID plus one sub-identifier; the snapshot knows them all.
  const auto snap = snapshot(Clock::now());
  auto it = snap.lower_bound(oid);
  auto shares_column = [&](const Oid& key) {
    if (key.size() < 2 || oid.size() < 2) return false;
    for (const Oid* entry : {&kPethPort, &kPethMain, &kCiscoPort, &kEntPhysical, &kCdpCache,
                             &kLldpRem, &kLldpLocPort, &kApcControl, &kApcStatus}) {
      if (starts_with(key, *entry) && starts_with(oid, *entry) && oid.size() > entry->size() &&
          key[entry->size()] == oid[entry->size()]) {
        return true;
      }
    }
    return starts_with(key, kEntAlias) && starts_with(oid, kEntAlias);
  };
  if (it != snap.end() && shares_column(it->first)) return true;
  if (it != snap.begin() && shares_column(std::prev(it)->first)) return true;
  return false;
}

int Model::port_index(const Oid& oid, std::size_t column_len) const {
  // Index group.port (or outlet) after the column; 0 when it names no port of ours.
  if (config_.profile == Profile::apc_pdu) {
    if (oid.size() != column_len + 1) return 0;
    const int p = static_cast<int>(oid[column_len]);
    return valid_port(p) ? p : 0;
  }
  if (oid.size() != column_len + 2) return 0;
  if (oid[column_len] != static_cast<std::uint32_t>(config_.group)) return 0;
  const int p = static_cast<int>(oid[column_len + 1]);
  return valid_port(p) ? p : 0;
}

SetError Model::check_set(const Oid& oid, const Value& value) const {
  auto integer_in = [&](std::int64_t lo, std::int64_t hi) {
    if (value.type != Value::Type::integer) return SetError::wrong_type;
    return (value.number < lo || value.number > hi) ? SetError::wrong_value : SetError::none;
  };
  const std::size_t port_col = kPethPort.size() + 1;
  if (config_.profile == Profile::apc_pdu) {
    if (starts_with(oid, kApcControl) && oid.size() > kApcControl.size() &&
        oid[kApcControl.size()] == 4) {
      if (port_index(oid, kApcControl.size() + 1) == 0) return SetError::no_creation;
      return integer_in(1, 7);
    }
    return SetError::not_writable;
  }
  if (starts_with(oid, kPethPort) && oid.size() > kPethPort.size()) {
    const auto col = oid[kPethPort.size()];
    if (col != 3 && col != 5 && col != 7 && col != 9) return SetError::not_writable;
    if (port_index(oid, port_col) == 0) return SetError::no_creation;
    if (col == 3) return integer_in(1, 2);
    if (col == 5) return integer_in(1, 2);
    if (col == 7) return integer_in(1, 3);
    return value.type == Value::Type::octets ? SetError::none : SetError::wrong_type;
  }
  if (starts_with(oid, kPethMain) && oid.size() == kPethMain.size() + 2 &&
      oid[kPethMain.size()] == 5) {
    if (oid.back() != static_cast<std::uint32_t>(config_.group)) return SetError::no_creation;
    return integer_in(1, 99);
  }
  if (config_.profile == Profile::cisco && starts_with(oid, kCiscoPort) &&
      oid.size() > kCiscoPort.size() && oid[kCiscoPort.size()] == 1) {
    if (port_index(oid, kCiscoPort.size() + 1) == 0) return SetError::no_creation;
    return integer_in(1, 4);
  }
  return SetError::not_writable;
}

std::vector<PowerChange> Model::apply_set(const Oid& oid, const Value& value,
                                          Clock::time_point now) {
  std::vector<PowerChange> changes;
  auto power_to = [&](int port, bool on) {
    if (auto change = set_power(port, on, now)) changes.push_back(*change);
  };
  if (config_.profile == Profile::apc_pdu) {
    const int port = port_index(oid, kApcControl.size() + 1);
    switch (value.number) {
      case 1: case 4: power_to(port, true); break;   // immediateOn, delayedOn
      case 2: case 5: power_to(port, false); break;  // immediateOff, delayedOff
      case 3: case 6:                                // immediateReboot, delayedReboot
        power_to(port, false);
        power_to(port, true);
        break;
      default: break;  // cancelPendingCommand: nothing pending here
    }
    return changes;
  }
  if (starts_with(oid, kPethPort)) {
    const int port = port_index(oid, kPethPort.size() + 1);
    Port& p = ports_[static_cast<std::size_t>(port - 1)];
    switch (oid[kPethPort.size()]) {
      case 3: power_to(port, truth_on(value.number)); break;
      case 5: p.power_pairs = static_cast<int>(value.number); break;
      case 7: p.priority = static_cast<int>(value.number); break;
      case 9: p.type = value.octets; break;
      default: break;
    }
  } else if (starts_with(oid, kPethMain)) {
    usage_threshold_ = static_cast<int>(value.number);
  } else if (starts_with(oid, kCiscoPort)) {
    // auto(1), static(2), limit(3) enable the port; disable(4) turns it off.
    power_to(port_index(oid, kCiscoPort.size() + 1), value.number != 4);
  }
  return changes;
}

}  // namespace phonerig::sim::poe
