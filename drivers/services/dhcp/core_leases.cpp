// Core's lease table: set/drop, lease events, restore from the journal, expiry, and the
// records the journal keeps (core.hpp).
#include "drivers/services/dhcp/core.hpp"

#include <cstdint>
#include <iterator>
#include <vector>

namespace phonerig::services::dhcp {

using wire::Ipv4;
using wire::Mac;

void Core::set_lease(Lease lease) {
  auto existing = leases_.find(lease.mac);
  if (existing != leases_.end() && existing->second.address != lease.address) {
    auto owner = lease_addresses_.find(existing->second.address.value);
    if (owner != lease_addresses_.end() && owner->second == lease.mac) {
      lease_addresses_.erase(owner);
    }
  }
  lease_addresses_[lease.address.value] = lease.mac;
  leases_[lease.mac] = lease;
}

void Core::drop_lease(const Mac& mac) {
  auto l = leases_.find(mac);
  if (l == leases_.end()) return;
  auto owner = lease_addresses_.find(l->second.address.value);
  if (owner != lease_addresses_.end() && owner->second == mac) lease_addresses_.erase(owner);
  leases_.erase(l);
}

api::Event Core::lease_event(const Lease& lease, const char* state, std::int64_t now_ns) const {
  api::Event e;
  e.time_ns = now_ns;
  e.source = api::EventSource::service;
  e.kind = "dhcp.lease";
  e.phone = lease.mac;
  e.attrs["chaddr"] = lease.mac;
  e.attrs["yiaddr"] = lease.address;
  e.attrs["state"] = std::string(state);
  if (lease.state == LeaseState::bound || lease.state == LeaseState::offered) {
    e.attrs["lease_s"] = static_cast<std::int64_t>(config_.lease_time_s);
  }
  e.attrs["reserved"] = static_cast<std::int64_t>(lease.reserved ? 1 : 0);
  if (!lease.giaddr.is_zero()) e.attrs["giaddr"] = lease.giaddr;
  return e;
}

Outcome Core::restore(const std::vector<Lease>& leases, std::int64_t now_ns) {
  Outcome out;
  const std::int64_t now_s = now_ns / 1'000'000'000;
  for (const Lease& lease : leases) {
    if (lease.expires_s <= now_s && lease.state != LeaseState::released) continue;
    if (lease.state == LeaseState::declined) {
      declined_[lease.address.value] = lease;
      continue;
    }
    if (lease.state == LeaseState::offered) continue;
    const auto r = reservations_.find(lease.mac);
    const bool matches = r != reservations_.end()
                             ? r->second->address == lease.address
                             : allowed_.count(lease.mac) != 0 && config_.pool &&
                                   config_.pool->first <= lease.address &&
                                   lease.address <= config_.pool->last &&
                                   reserved_addresses_.count(lease.address.value) == 0;
    if (!matches) continue;
    Lease kept = lease;
    kept.reserved = r != reservations_.end();
    set_lease(kept);
    if (kept.state == LeaseState::bound)
      out.events.push_back(lease_event(kept, "restored", now_ns));
  }
  return out;
}

Outcome Core::expire(std::int64_t now_ns) {
  Outcome out;
  const std::int64_t now_s = now_ns / 1'000'000'000;
  std::vector<Mac> gone;
  for (auto& [mac, lease] : leases_) {
    if (lease.expires_s > now_s) continue;
    if (lease.state == LeaseState::bound) {
      out.events.push_back(lease_event(lease, "expired", now_ns));
      gone.push_back(mac);
    } else if (lease.state == LeaseState::offered) {
      gone.push_back(mac);
    }
  }
  for (const Mac& mac : gone)
    drop_lease(mac);
  for (auto it = declined_.begin(); it != declined_.end();) {
    it = it->second.expires_s <= now_s ? declined_.erase(it) : std::next(it);
  }
  return out;
}

std::vector<Lease> Core::records() const {
  std::vector<Lease> out;
  for (const auto& [mac, lease] : leases_) {
    if (lease.state == LeaseState::bound || lease.state == LeaseState::released) {
      out.push_back(lease);
    }
  }
  for (const auto& [address, lease] : declined_)
    out.push_back(lease);
  return out;
}

const Lease* Core::lease_of(const Mac& mac) const {
  auto l = leases_.find(mac);
  return l == leases_.end() ? nullptr : &l->second;
}

} // namespace phonerig::services::dhcp
