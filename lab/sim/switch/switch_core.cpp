#include "lab/sim/switch/switch_core.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "lab/sim/switch/tagging.hpp"

namespace phonerig::sim::sw {

namespace {

bool valid_vlan(Vlan vlan) { return vlan >= 1 && vlan <= kMaxVlan; }

void check(const PortConfig& port) {
  const std::string where = "switch port " + port.name + ": ";
  if (port.kind == PortKind::access || port.kind == PortKind::rig) {
    if (!valid_vlan(port.vlan)) throw std::invalid_argument(where + "VLAN outside 1..4094");
  }
  if (port.voice_vlan) {
    if (port.kind != PortKind::access) {
      throw std::invalid_argument(where + "a voice VLAN needs an access port");
    }
    if (!valid_vlan(*port.voice_vlan) || *port.voice_vlan == port.vlan) {
      throw std::invalid_argument(where + "voice VLAN outside 1..4094 or equal to the data VLAN");
    }
  }
  if (port.native_vlan && (port.kind != PortKind::trunk || !valid_vlan(*port.native_vlan))) {
    throw std::invalid_argument(where + "a native VLAN needs a trunk port and 1..4094");
  }
  for (Vlan v : port.allowed) {
    if (!valid_vlan(v)) throw std::invalid_argument(where + "allowed VLAN outside 1..4094");
  }
  if (port.kind == PortKind::mirror && port.mirrored) {
    throw std::invalid_argument(where + "a mirror port cannot be mirrored");
  }
}

}  // namespace

SwitchCore::SwitchCore(Config config)
    : config_(std::move(config)),
      state_(config_.ports.size()),
      macs_(config_.aging, config_.mac_capacity),
      faults_engine_(config_.seed) {
  for (const auto& port : config_.ports) check(port);
}

bool SwitchCore::up(PortIndex port) const {
  return port < config_.ports.size() && config_.ports[port].link_up && !state_[port].flap_down;
}

bool SwitchCore::link_up(PortIndex port) const { return up(port); }

std::optional<PortIndex> SwitchCore::find_port(std::string_view name) const {
  for (PortIndex i = 0; i < config_.ports.size(); ++i) {
    const auto& p = config_.ports[i];
    if (name == p.name || name == p.cisco_name() || name == p.short_name()) return i;
  }
  return std::nullopt;
}

std::vector<Output> SwitchCore::ingress(PortIndex port, wire::Bytes bytes,
                                        std::optional<wire::VlanTag> aux, Time now) {
  std::vector<Output> out;
  if (port >= config_.ports.size()) return out;
  ++counters_.received;
  if (!up(port)) {
    ++counters_.dropped_link;
    return out;
  }
  auto frame = normalize(bytes, aux);
  if (!frame) {
    ++counters_.malformed;
    return out;
  }
  auto vlan = classify(config_.ports[port], frame->tag);
  if (!vlan) {
    ++counters_.dropped_vlan;
    return out;
  }
  // Faults of the ingress port (its cable), then of the VLAN: once, where the frame enters.
  std::vector<Delivery> arrived;
  for (auto& first : faults_engine_.apply(state_[port].faults, std::move(*frame), now)) {
    auto it = vlan_faults_.find(*vlan);
    if (it == vlan_faults_.end()) {
      arrived.push_back(std::move(first));
      continue;
    }
    for (auto& second : faults_engine_.apply(it->second, std::move(first.frame), first.due)) {
      arrived.push_back(std::move(second));
    }
  }
  for (const auto& delivery : arrived) forward(port, *vlan, delivery.frame, delivery.due, now, out);
  return out;
}

void SwitchCore::forward(PortIndex in, Vlan vlan, const Frame& frame, Time due, Time now,
                         std::vector<Output>& out) {
  const wire::Mac src = frame.src();
  const wire::Mac dst = frame.dst();
  macs_.learn(vlan, src, in, now);

  if (discovery_kind(frame.bytes) != Discovery::none) {
    if (auto neighbour = parse_neighbour(frame.bytes, now)) heard(in, std::move(*neighbour), now, out);
    if (config_.announce) {
      // A Cisco switch speaking CDP and LLDP consumes them; SPAN still sees what came in.
      ++counters_.discovery_consumed;
      if (config_.ports[in].mirrored) mirror(in, vlan, frame, due, out);
      return;
    }
  }

  std::vector<PortIndex> egress;
  std::optional<PortIndex> learned;
  if (!dst.is_multicast()) learned = macs_.lookup(vlan, dst, now);
  if (learned) {
    if (*learned == in) {
      ++counters_.filtered;
    } else if (up(*learned) && carries(config_.ports[*learned], vlan)) {
      egress.push_back(*learned);
    }
  } else {
    ++counters_.flooded;
    for (PortIndex p = 0; p < config_.ports.size(); ++p) {
      if (p != in && up(p) && carries(config_.ports[p], vlan)) egress.push_back(p);
    }
  }

  bool copy = config_.ports[in].mirrored;
  for (PortIndex p : egress) copy = copy || config_.ports[p].mirrored;
  if (copy) mirror(in, vlan, frame, due, out);
  for (PortIndex p : egress) emit(p, vlan, frame, due, out);
}

void SwitchCore::emit(PortIndex port, Vlan vlan, const Frame& frame, Time due,
                      std::vector<Output>& out) {
  // Faults of the egress port (its cable) act after the switch sent the frame.
  for (auto& d : faults_engine_.apply(state_[port].faults, frame, due)) {
    out.push_back(Output{port, encode(config_.ports[port], vlan, d.frame), d.due});
    ++counters_.sent;
  }
}

void SwitchCore::mirror(PortIndex in, Vlan vlan, const Frame& frame, Time due,
                        std::vector<Output>& out) {
  for (PortIndex p = 0; p < config_.ports.size(); ++p) {
    if (p == in || config_.ports[p].kind != PortKind::mirror || !up(p)) continue;
    out.push_back(Output{p, encode(config_.ports[p], vlan, frame), due});
    ++counters_.mirrored;
  }
}

void SwitchCore::send_own(PortIndex port, wire::ByteVector bytes, Time now,
                          std::vector<Output>& out) {
  auto frame = normalize(bytes, std::nullopt);
  if (!frame) return;
  ++counters_.announced;
  // Our own frames leave an access port untagged, in its data VLAN.
  const Vlan vlan = config_.ports[port].vlan;
  if (config_.ports[port].mirrored) mirror(port, vlan, *frame, now, out);
  emit(port, vlan, *frame, now, out);
}

void SwitchCore::heard(PortIndex port, Neighbour neighbour, Time now, std::vector<Output>& out) {
  auto& list = state_[port].neighbours;
  const std::string protocol = neighbour.protocol;
  const auto known = std::erase_if(list, [&](const Neighbour& n) {
    return n.protocol == neighbour.protocol && n.src == neighbour.src;
  });
  // A phone asking for power gets Power Available echoing its request id at once.
  const bool new_request = neighbour.power_request_id &&
                           *neighbour.power_request_id != state_[port].power_request_id;
  if (neighbour.power_request_id) state_[port].power_request_id = *neighbour.power_request_id;
  if (neighbour.holdtime.count() > 0) list.push_back(std::move(neighbour));
  if (!config_.announce || config_.ports[port].kind != PortKind::access) return;
  // A neighbour heard for the first time since the link came up gets the switch's own
  // announcement at once (LLDP-MED fast start, ANSI/TIA-1057 11.2.1; a Cisco switch answers
  // a new phone's CDP the same way), so a phone that booted after the link-up
  // announcement learns its voice VLAN without waiting for the periodic timer.
  if (protocol == "cdp" && (new_request || known == 0)) {
    auto cdp = announce_cdp(port, now);
    out.insert(out.end(), std::make_move_iterator(cdp.begin()), std::make_move_iterator(cdp.end()));
  } else if (protocol == "lldp" && known == 0) {
    auto lldp = announce_lldp(port, now);
    out.insert(out.end(), std::make_move_iterator(lldp.begin()), std::make_move_iterator(lldp.end()));
  }
}

std::vector<Neighbour> SwitchCore::neighbours(PortIndex port, Time now) const {
  std::vector<Neighbour> out;
  if (port >= state_.size()) return out;
  for (const char* protocol : {"cdp", "lldp"}) {
    for (const auto& n : state_[port].neighbours) {
      if (n.protocol == protocol && now < n.heard + n.holdtime) out.push_back(n);
    }
  }
  return out;
}

std::vector<Output> SwitchCore::announce_cdp(PortIndex port, Time now) {
  std::vector<Output> out;
  state_[port].next_cdp = now + config_.cdp_interval;
  send_own(port, build_cdp(config_.identity, config_.ports[port], state_[port].power_request_id),
           now, out);
  return out;
}

std::vector<Output> SwitchCore::announce_lldp(PortIndex port, Time now) {
  std::vector<Output> out;
  state_[port].next_lldp = now + config_.lldp_interval;
  send_own(port, build_lldp(config_.identity, config_.ports[port]), now, out);
  return out;
}

std::vector<Output> SwitchCore::announce(PortIndex port, Time now) {
  std::vector<Output> out;
  if (!config_.announce || port >= config_.ports.size() ||
      config_.ports[port].kind != PortKind::access || !up(port)) {
    return out;
  }
  out = announce_cdp(port, now);
  auto lldp = announce_lldp(port, now);
  out.insert(out.end(), std::make_move_iterator(lldp.begin()), std::make_move_iterator(lldp.end()));
  return out;
}

void SwitchCore::link_changed(PortIndex port, bool was_up, Time now, std::vector<Output>& out) {
  const bool is_up = up(port);
  if (was_up && !is_up) {
    macs_.flush_port(port);
    state_[port].next_cdp.reset();
    state_[port].next_lldp.reset();
    // The interface went down: its neighbours are gone (a Cisco switch drops their CDP
    // cache entries), and the next phone on it is a new one.
    state_[port].neighbours.clear();
    state_[port].power_request_id = 0;
  } else if (!was_up && is_up) {
    auto frames = announce(port, now);
    out.insert(out.end(), std::make_move_iterator(frames.begin()),
               std::make_move_iterator(frames.end()));
  }
}

std::vector<Output> SwitchCore::set_link(PortIndex port, bool up_wanted, Time now) {
  std::vector<Output> out;
  if (port >= config_.ports.size()) return out;
  const bool was_up = up(port);
  config_.ports[port].link_up = up_wanted;
  link_changed(port, was_up, now, out);
  return out;
}

void SwitchCore::run_flaps(Time now, std::vector<Output>& out) {
  for (auto it = flaps_.begin(); it != flaps_.end();) {
    const PortIndex port = it->first;
    Flap& flap = it->second;
    bool finished = false;
    if (!flap.start) {
      flap.start = now;
      flap.next = now;
    }
    while (!finished && flap.next <= now) {
      const bool was_up = up(port);
      if (!flap.down) {
        state_[port].flap_down = true;
        flap.down = true;
        link_changed(port, was_up, flap.next, out);
        flap.next += flap.spec.down_for;
      } else {
        state_[port].flap_down = false;
        flap.down = false;
        link_changed(port, was_up, flap.next, out);
        ++flap.done;
        if (flap.done >= flap.spec.count || flap.spec.period.count() <= 0) {
          finished = true;
        } else {
          flap.next = *flap.start + flap.spec.period * flap.done;
        }
      }
    }
    it = finished ? flaps_.erase(it) : std::next(it);
  }
}

std::vector<Output> SwitchCore::tick(Time now) {
  std::vector<Output> out;
  run_flaps(now, out);
  macs_.age(now);
  if (!config_.announce) return out;
  for (PortIndex p = 0; p < config_.ports.size(); ++p) {
    if (config_.ports[p].kind != PortKind::access || !up(p)) continue;
    if (!state_[p].next_cdp || *state_[p].next_cdp <= now) {
      auto frames = announce_cdp(p, now);
      out.insert(out.end(), std::make_move_iterator(frames.begin()),
                 std::make_move_iterator(frames.end()));
    }
    if (!state_[p].next_lldp || *state_[p].next_lldp <= now) {
      auto frames = announce_lldp(p, now);
      out.insert(out.end(), std::make_move_iterator(frames.begin()),
                 std::make_move_iterator(frames.end()));
    }
  }
  return out;
}

std::optional<Time> SwitchCore::next_wakeup() const {
  std::optional<Time> next;
  auto consider = [&next](Time t) {
    if (!next || t < *next) next = t;
  };
  for (const auto& [port, flap] : flaps_) {
    if (!flap.start) return Time::min();  // start at once
    consider(flap.next);
  }
  if (config_.announce) {
    for (PortIndex p = 0; p < config_.ports.size(); ++p) {
      if (config_.ports[p].kind != PortKind::access || !up(p)) continue;
      if (!state_[p].next_cdp || !state_[p].next_lldp) return Time::min();
      consider(*state_[p].next_cdp);
      consider(*state_[p].next_lldp);
    }
  }
  return next;
}

api::Result<bool> SwitchCore::set_faults(const api::FaultScope& scope, const api::Faults& faults) {
  if (auto why = faults.invalid()) {
    return api::fail(api::Fault::config, "faults for " + scope.to_string() + ": " + *why);
  }
  if (scope.kind == api::FaultScope::Kind::vlan) {
    if (!valid_vlan(scope.vlan)) {
      return api::fail(api::Fault::config, "faults: VLAN " + std::to_string(scope.vlan) +
                                               " outside 1..4094");
    }
    if (faults.any()) {
      vlan_faults_[scope.vlan] = faults;
    } else {
      vlan_faults_.erase(scope.vlan);
    }
    return true;
  }
  auto port = find_port(scope.port);
  if (!port) return api::fail(api::Fault::config, "faults: no switch port " + scope.port);
  state_[*port].faults = faults;
  return true;
}

api::Result<api::Faults> SwitchCore::faults(const api::FaultScope& scope) const {
  if (scope.kind == api::FaultScope::Kind::vlan) {
    auto it = vlan_faults_.find(scope.vlan);
    return it == vlan_faults_.end() ? api::Faults{} : it->second;
  }
  auto port = find_port(scope.port);
  if (!port) return api::fail(api::Fault::config, "faults: no switch port " + scope.port);
  return state_[*port].faults;
}

api::Result<bool> SwitchCore::flap_link(const std::string& name, const api::LinkFlap& flap) {
  auto port = find_port(name);
  if (!port) return api::fail(api::Fault::config, "link flap: no switch port " + name);
  if (flap.down_for.count() <= 0 || flap.count < 1 ||
      (flap.count > 1 && flap.period < flap.down_for)) {
    return api::fail(api::Fault::config,
                     "link flap on " + name + ": needs down_for > 0, count >= 1 and a period "
                     "no shorter than down_for");
  }
  // A flap in progress is replaced; its link comes back first.
  if (flaps_.erase(*port) > 0) state_[*port].flap_down = false;
  flaps_[*port] = Flap{flap, std::nullopt, 0, false, Time{}};
  return true;
}

}  // namespace phonerig::sim::sw
