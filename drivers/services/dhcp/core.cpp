#include "drivers/services/dhcp/core.hpp"

#include <cstdint>
#include <functional>
#include <set>

namespace phonerig::services::dhcp {

namespace d = wire::dhcp;
using wire::Ipv4;
using wire::Mac;

std::size_t MacHash::operator()(const Mac& mac) const noexcept {
  std::uint64_t v = 0;
  for (auto o : mac.octets)
    v = (v << 8) | o;
  return std::hash<std::uint64_t>{}(v);
}

std::optional<std::string> check_config(const Config& config) {
  if (config.server_address.is_zero()) return "dhcp: server_address is not set";
  if (config.lease_time_s == 0) return "dhcp: lease time 0";
  std::set<Mac> macs;
  std::set<Ipv4> addresses;
  for (const auto& r : config.reservations) {
    if (!macs.insert(r.mac).second) return "dhcp: two reservations for " + r.mac.to_string();
    if (r.address.is_zero() || !addresses.insert(r.address).second) {
      return "dhcp: reservation address " + r.address.to_string() + " is zero or used twice";
    }
  }
  if (config.pool && config.pool->last < config.pool->first) {
    return "dhcp: pool " + config.pool->first.to_string() + " - " + config.pool->last.to_string() +
           " ends before it starts";
  }
  for (const auto& [code, value] : config.extra_options) {
    if (code == 0 || code == 255 || code == d::option::kMessageType ||
        code == d::option::kServerId || code == d::option::kRelayAgentInfo ||
        code == d::option::kOverload) {
      return "dhcp: option " + std::to_string(code) + " cannot be configured";
    }
    if (value.empty()) return "dhcp: option " + std::to_string(code) + " has no value";
  }
  return std::nullopt;
}

Core::Core(Config config) : config_(std::move(config)) {
  for (const auto& r : config_.reservations) {
    reservations_[r.mac] = &r;
    reserved_addresses_[r.address.value] = r.mac;
  }
  for (const auto& mac : config_.allowed)
    allowed_[mac] = true;
}

struct Core::Context {
  const Datagram& datagram;
  d::Message message;
  d::MessageType type;
  Mac mac;
  std::optional<Ipv4> requested;
  std::optional<Ipv4> server_id;
  std::int64_t now_s;
  Outcome& out;
};

namespace {

api::Event malformed(const Datagram& datagram, std::uint16_t port, const wire::ParseError& error,
                     std::optional<Mac> phone) {
  api::Event e;
  e.time_ns = datagram.now_ns;
  e.source = api::EventSource::service;
  e.kind = "request.malformed";
  e.phone = phone;
  e.attrs["service"] = std::string("dhcp");
  e.attrs["error"] = error.what;
  e.attrs["offset"] = static_cast<std::int64_t>(error.offset);
  e.attrs["src"] = datagram.source;
  e.attrs["src_port"] = static_cast<std::int64_t>(datagram.source_port);
  e.attrs["dst_port"] = static_cast<std::int64_t>(port);
  return e;
}

bool is_client_message(d::MessageType t) {
  return t == d::MessageType::discover || t == d::MessageType::request ||
         t == d::MessageType::decline || t == d::MessageType::release ||
         t == d::MessageType::inform;
}

} // namespace

Outcome Core::handle(const Datagram& datagram) {
  Outcome out;
  const std::int64_t now_ns = datagram.now_ns;
  auto parsed = d::parse(datagram.payload);
  if (!parsed) {
    std::optional<Mac> phone;
    if (datagram.payload.size() >= 34 && datagram.payload[1] == 1 && datagram.payload[2] == 6) {
      phone = Mac::from_bytes(datagram.payload.subspan(28, 6));
    }
    out.events.push_back(malformed(datagram, config_.port, parsed.error(), phone));
    return out;
  }
  d::Message& m = *parsed;
  const d::MessageType type = *m.options.message_type(); // parse() checked option 53
  const auto mac = m.mac();
  Context c{datagram, std::move(m), type, mac.value_or(Mac{}), {}, {}, now_ns / 1'000'000'000, out};
  out.events.push_back(
      received_event(c.message, type, datagram.source, datagram.source_port, config_.port, now_ns));
  if (c.message.op != d::Op::request || !is_client_message(type)) {
    ignore(c, std::string("DHCP") + d::to_string(type) + " in a BOOTREPLY or from a server");
    return out;
  }
  if (!mac) {
    ignore(c, "htype " + std::to_string(c.message.htype) + " hlen " +
                  std::to_string(c.message.hlen) + " is not Ethernet");
    return out;
  }
  auto requested = c.message.options.requested_ip();
  auto server_id = c.message.options.server_id();
  auto prl = c.message.options.parameter_request_list();
  for (const wire::ParseError* e :
       {requested ? nullptr : &requested.error(), server_id ? nullptr : &server_id.error(),
        prl ? nullptr : &prl.error()}) {
    if (e != nullptr) {
      out.events.push_back(malformed(datagram, config_.port, *e, *mac));
      return out;
    }
  }
  c.requested = *requested;
  c.server_id = *server_id;
  if (!reservations_.count(*mac) && !allowed_.count(*mac)) {
    ignore(c, "MAC not declared: no reservation and not allowed");
    return out;
  }
  switch (type) {
  case d::MessageType::discover: discover(c); break;
  case d::MessageType::request: request(c); break;
  case d::MessageType::decline: decline(c); break;
  case d::MessageType::release: release(c); break;
  case d::MessageType::inform: inform(c); break;
  default: break;
  }
  return out;
}

bool Core::free_for(Ipv4 address, const Mac& mac, std::int64_t now_s) const {
  if (address == config_.server_address) return false;
  if (auto r = reserved_addresses_.find(address.value);
      r != reserved_addresses_.end() && r->second != mac) {
    return false;
  }
  if (auto dcl = declined_.find(address.value);
      dcl != declined_.end() && dcl->second.expires_s > now_s) {
    return false;
  }
  auto owner = lease_addresses_.find(address.value);
  if (owner == lease_addresses_.end() || owner->second == mac) return true;
  const Lease& other = leases_.at(owner->second);
  const bool active = (other.state == LeaseState::offered || other.state == LeaseState::bound) &&
                      other.expires_s > now_s;
  return !active;
}

std::optional<Ipv4> Core::choose(const Mac& mac, std::optional<Ipv4> wanted, std::int64_t now_s,
                                 std::string& why) const {
  if (auto r = reservations_.find(mac); r != reservations_.end()) {
    const Ipv4 address = r->second->address;
    if (auto dcl = declined_.find(address.value);
        dcl != declined_.end() && dcl->second.expires_s > now_s) {
      why = "reserved address " + address.to_string() + " was declined (address conflict)";
      return std::nullopt;
    }
    return address;
  }
  const auto in_pool = [&](Ipv4 a) {
    return config_.pool && config_.pool->first <= a && a <= config_.pool->last;
  };
  if (auto l = leases_.find(mac); l != leases_.end() && l->second.state != LeaseState::declined &&
                                  in_pool(l->second.address) &&
                                  free_for(l->second.address, mac, now_s)) {
    return l->second.address;
  }
  if (wanted && in_pool(*wanted) && free_for(*wanted, mac, now_s)) return wanted;
  if (config_.pool) {
    for (std::uint64_t a = config_.pool->first.value; a <= config_.pool->last.value; ++a) {
      const Ipv4 address{static_cast<std::uint32_t>(a)};
      if (free_for(address, mac, now_s)) return address;
    }
    why = "pool exhausted";
  } else {
    why = "no reservation and no pool";
  }
  return std::nullopt;
}

bool Core::has_record(const Mac& mac) const {
  return reservations_.count(mac) != 0 || leases_.count(mac) != 0;
}

void Core::discover(Context& c) {
  std::string why;
  const auto address = choose(c.mac, c.requested, c.now_s, why);
  if (!address) return ignore(c, why);
  const bool reserved = reservations_.count(c.mac) != 0;
  auto current = leases_.find(c.mac);
  const bool bound_here = current != leases_.end() && current->second.state == LeaseState::bound &&
                          current->second.address == *address &&
                          current->second.expires_s > c.now_s;
  if (!bound_here) {
    Lease lease{c.mac,    *address,        LeaseState::offered, c.now_s + config_.offer_hold_s,
                reserved, c.message.giaddr};
    set_lease(lease);
    c.out.events.push_back(lease_event(lease, "offered", c.datagram.now_ns));
  }
  const auto r = reservations_.find(c.mac);
  send(c,
       make_reply(config_, c.message, d::MessageType::offer, *address, true,
                  r != reservations_.end() ? std::string_view(r->second->hostname) : ""),
       d::MessageType::offer, *address);
}

void Core::request(Context& c) {
  const Ipv4 ciaddr = c.message.ciaddr;
  if (c.server_id) { // SELECTING
    if (*c.server_id != config_.server_address) {
      auto l = leases_.find(c.mac);
      if (l != leases_.end() && l->second.state == LeaseState::offered) drop_lease(c.mac);
      return ignore(c, "client selected server " + c.server_id->to_string());
    }
    const std::optional<Ipv4> wanted = c.requested        ? c.requested
                                       : ciaddr.is_zero() ? std::nullopt
                                                          : std::optional<Ipv4>(ciaddr);
    if (!wanted) return nak(c, "REQUEST without requested address");
    std::string why;
    const auto address = choose(c.mac, wanted, c.now_s, why);
    if (!address) return nak(c, why);
    if (*address != *wanted) {
      return nak(c, "requested " + wanted->to_string() + ", offered " + address->to_string());
    }
    return ack(c, *address);
  }
  const bool init_reboot = ciaddr.is_zero();
  const std::optional<Ipv4> wanted = init_reboot ? c.requested : std::optional<Ipv4>(ciaddr);
  if (!wanted) return ignore(c, "REQUEST with no server id, no requested address, no ciaddr");
  if (!has_record(c.mac)) {
    return ignore(c, std::string(init_reboot ? "INIT-REBOOT" : "RENEWING/REBINDING") +
                         " request from a client with no lease record");
  }
  if (init_reboot) {
    // RFC 2131 section 4.3.2: NAK when the address is on the wrong network.
    const Ipv4 local = c.message.giaddr.is_zero() ? config_.server_address : c.message.giaddr;
    const std::uint32_t mask = config_.subnet_mask.value;
    if ((wanted->value & mask) != (local.value & mask)) {
      return nak(c, "requested " + wanted->to_string() + " is not on network " +
                        Ipv4{local.value & mask}.to_string());
    }
  }
  std::string why;
  const auto address = choose(c.mac, wanted, c.now_s, why);
  if (!address) return nak(c, why);
  if (*address != *wanted) {
    return nak(c, "requested " + wanted->to_string() + ", the client's address is " +
                      address->to_string());
  }
  ack(c, *address);
}

void Core::ack(Context& c, Ipv4 address) {
  auto previous = leases_.find(c.mac);
  const bool renewed = previous != leases_.end() && previous->second.state == LeaseState::bound &&
                       previous->second.address == address && previous->second.expires_s > c.now_s;
  const bool reserved = reservations_.count(c.mac) != 0;
  const std::int64_t expires =
      config_.lease_time_s == 0xffffffffu ? INT64_MAX / 2 : c.now_s + config_.lease_time_s;
  Lease lease{c.mac, address, LeaseState::bound, expires, reserved, c.message.giaddr};
  set_lease(lease);
  c.out.journal.push_back(lease);
  c.out.events.push_back(lease_event(lease, renewed ? "renewed" : "bound", c.datagram.now_ns));
  const auto r = reservations_.find(c.mac);
  send(c,
       make_reply(config_, c.message, d::MessageType::ack, address, true,
                  r != reservations_.end() ? std::string_view(r->second->hostname) : ""),
       d::MessageType::ack, address);
}

void Core::nak(Context& c, const std::string& reason) {
  send(c, make_nak(config_, c.message, reason), d::MessageType::nak, Ipv4{});
}

void Core::ignore(Context& c, const std::string& reason) {
  api::Event e;
  e.time_ns = c.datagram.now_ns;
  e.source = api::EventSource::service;
  e.kind = "dhcp.ignored";
  if (c.message.mac()) e.phone = c.mac;
  e.attrs["chaddr"] = Mac::from_bytes(wire::Bytes(c.message.chaddr.data(), 6));
  e.attrs["reason"] = reason;
  e.attrs["xid"] = static_cast<std::int64_t>(c.message.xid);
  c.out.events.push_back(std::move(e));
}

void Core::send(Context& c, d::Message reply, d::MessageType type, Ipv4 yiaddr) {
  const Destination to = destination_of(c.message, type, yiaddr, c.datagram.source);
  c.out.events.push_back(
      sent_event(reply, type, config_.server_address, config_.port, to, c.datagram.now_ns));
  c.out.reply = Reply{d::build(reply), to};
}

void Core::decline(Context& c) {
  if (c.server_id && *c.server_id != config_.server_address) {
    return ignore(c, "DECLINE for server " + c.server_id->to_string());
  }
  if (!c.requested) return ignore(c, "DECLINE without requested address (option 50)");
  const Ipv4 address = *c.requested;
  auto l = leases_.find(c.mac);
  const auto r = reservations_.find(c.mac);
  const bool ours = (l != leases_.end() && l->second.address == address) ||
                    (r != reservations_.end() && r->second->address == address);
  if (!ours) return ignore(c, "DECLINE of " + address.to_string() + ", not this client's");
  Lease record{c.mac,
               address,
               LeaseState::declined,
               c.now_s + config_.decline_hold_s,
               r != reservations_.end(),
               c.message.giaddr};
  if (l != leases_.end()) drop_lease(c.mac);
  declined_[address.value] = record;
  c.out.journal.push_back(record);
  c.out.events.push_back(lease_event(record, "declined", c.datagram.now_ns));
}

void Core::release(Context& c) {
  if (c.server_id && *c.server_id != config_.server_address) {
    return ignore(c, "RELEASE for server " + c.server_id->to_string());
  }
  auto l = leases_.find(c.mac);
  if (l == leases_.end() || l->second.address != c.message.ciaddr ||
      l->second.state != LeaseState::bound) {
    return ignore(c, "RELEASE of " + c.message.ciaddr.to_string() + ", not bound to this client");
  }
  l->second.state = LeaseState::released;
  l->second.expires_s = c.now_s;
  c.out.journal.push_back(l->second);
  c.out.events.push_back(lease_event(l->second, "released", c.datagram.now_ns));
}

void Core::inform(Context& c) {
  send(c, make_reply(config_, c.message, d::MessageType::ack, Ipv4{}, false, ""),
       d::MessageType::ack, Ipv4{});
}

} // namespace phonerig::services::dhcp
