// services.
//
// services: what phonerig serves (DESIGN.md, "The lab file"). Each entry is a mode (on,
// off, external) or a mapping with `mode:` and that service's settings. `external` is a
// lab property (a real CUCM: capture and assert only). Every service binds to a rig
// interface that serves (`interface:`, a logical name; default the first one).
//
//   services:
//     cdp: {mode: on, interface: voice, interval_s: 60, lldp: true}
//     dhcp:
//       mode: on
//       interface: voice
//       lease_s: 3600
//       routers: [198.18.0.1]
//       dns: [198.18.0.10]
//       pool: {first: 198.18.0.100, last: 198.18.0.199}
//       tftp_servers: [198.18.0.10]     # option 150; default: the tftp service's address
//       option66: 198.18.0.10           # optional
//     tftp: {mode: on, root: firmware/}
//     http: {mode: on, port: 6970, missing_status: 503}
//     sip: {mode: on, digest: true, realm: lab, granted_expires: 120}
//     callmanager_group:
//       - {name: cucm-a, address: 198.18.0.10, priority: 0}
//     loads: {CP-8851: sip88xx.14-2-1-0001-14}
//
// sim: sim_section.cpp.
#include <optional>
#include <string>

#include "harness/scenario/lab_sections.hpp"

namespace phonerig::scenario::detail {

namespace {

std::optional<ServiceMode> read_mode_name(Checker& checker, const Field& field) {
  constexpr ServiceMode kModes[] = {ServiceMode::on, ServiceMode::off, ServiceMode::external};
  auto mode = read_choice(checker, field, {"on", "off", "external"});
  if (!mode) return std::nullopt;
  return kModes[*mode];
}

std::optional<wire::Ipv4> read_address(Checker& checker, const Field& field) {
  auto text = read_string(checker, field);
  if (!text) return std::nullopt;
  auto address = wire::Ipv4::parse(*text);
  if (!address) {
    checker.error(field, "'" + *text + "' is not an IPv4 address (A.B.C.D)");
    return std::nullopt;
  }
  return *address;
}

std::vector<wire::Ipv4> read_addresses(Checker& checker, const Field& field) {
  std::vector<wire::Ipv4> addresses;
  auto items = read_sequence(checker, field);
  if (!items) return addresses;
  for (const auto& item : *items) {
    if (auto address = read_address(checker, item)) addresses.push_back(*address);
  }
  return addresses;
}

std::optional<bool> read_bool(Checker& checker, const Field& field) {
  auto choice = read_choice(checker, field, {"true", "false"});
  if (!choice) return std::nullopt;
  return *choice == 0;
}

template <class Number>
void read_number(Checker& checker, const std::optional<Field>& field, long long min,
                 long long max, Number& out) {
  if (!field) return;
  if (auto value = read_integer(checker, *field, min, max)) out = static_cast<Number>(*value);
}

// The keys every service shares; returns the mapping for the service's own keys, or
// nullopt when the entry was a bare mode (or wrong).
std::optional<Mapping> read_common(Checker& checker, const Field& field, ServiceCommon& common,
                                   std::initializer_list<std::string_view> allowed) {
  common.at = position_of(field.mark);
  common.declared = true;
  if (field.node.IsScalar()) {
    if (auto mode = read_mode_name(checker, field)) common.mode = *mode;
    return std::nullopt;
  }
  if (!field.node.IsMap()) {
    checker.error(field, "expected on, off, external or a mapping with mode, got " +
                             describe(field.node));
    return std::nullopt;
  }
  auto map = read_mapping(checker, field, allowed);
  if (!map) return std::nullopt;
  if (map->require(checker, "mode")) {
    if (auto mode = read_mode_name(checker, *map->get("mode"))) common.mode = *mode;
  }
  if (auto interface = map->get("interface")) common.interface = read_string(checker, *interface);
  return map;
}

void read_cdp(Checker& checker, const Field& field, CdpService& cdp) {
  auto map = read_common(checker, field, cdp,
                         {"mode", "interface", "device_id", "port_id", "interval_s", "lldp",
                          "power_available_mw"});
  if (!map) return;
  if (auto f = map->get("device_id")) {
    if (auto v = read_string(checker, *f)) cdp.device_id = *v;
  }
  if (auto f = map->get("port_id")) {
    if (auto v = read_string(checker, *f)) cdp.port_id = *v;
  }
  // CDP's holdtime is a byte: an interval above 255 s would outlive it (reference 1.7).
  read_number(checker, map->get("interval_s"), 5, 254, cdp.interval_s);
  if (auto f = map->get("lldp")) {
    if (auto v = read_bool(checker, *f)) cdp.lldp = *v;
  }
  read_number(checker, map->get("power_available_mw"), 0, 100000, cdp.power_available_mw);
}

void read_dhcp(Checker& checker, const Field& field, DhcpService& dhcp) {
  auto map = read_common(checker, field, dhcp,
                         {"mode", "interface", "lease_s", "routers", "dns", "domain", "pool",
                          "tftp_servers", "option66", "option150", "lease_file"});
  if (!map) return;
  read_number(checker, map->get("lease_s"), 60, 7 * 24 * 3600, dhcp.lease_s);
  if (auto f = map->get("routers")) dhcp.routers = read_addresses(checker, *f);
  if (auto f = map->get("dns")) dhcp.dns = read_addresses(checker, *f);
  if (auto f = map->get("domain")) dhcp.domain = read_string(checker, *f);
  if (auto f = map->get("pool")) {
    if (auto pool = read_mapping(checker, *f, {"first", "last"})) {
      std::optional<wire::Ipv4> first;
      std::optional<wire::Ipv4> last;
      if (pool->require(checker, "first")) first = read_address(checker, *pool->get("first"));
      if (pool->require(checker, "last")) last = read_address(checker, *pool->get("last"));
      if (first && last) {
        if (last->value < first->value) {
          checker.error(*pool->get("last"), "the pool's last address comes before its first");
        } else {
          dhcp.pool = AddressRange{*first, *last};
        }
      }
    }
  }
  if (auto f = map->get("tftp_servers")) {
    dhcp.tftp_servers = read_addresses(checker, *f);
    if (dhcp.tftp_servers.empty() && f->node.IsSequence()) {
      checker.error(*f, "option 150 needs at least one address (or write option150: false)");
    }
  }
  if (auto f = map->get("option150")) {
    if (auto v = read_bool(checker, *f)) dhcp.send_option150 = *v;
  }
  if (auto f = map->get("option66")) {
    if (auto v = read_string(checker, *f)) {
      if (v->size() > 255) {
        checker.error(*f, "option 66 holds at most 255 bytes");
      } else {
        dhcp.option66 = *v;
      }
    }
  }
  if (!dhcp.send_option150 && !dhcp.option66) {
    checker.error(map->self(), "with option150: false, option66 must name the TFTP server");
  }
  if (auto f = map->get("lease_file")) {
    if (auto v = read_string(checker, *f)) {
      std::filesystem::path path(*v);
      dhcp.lease_file = path.is_absolute() ? path : checker.folder() / path;
    }
  }
}

void read_tftp(Checker& checker, const Field& field, TftpService& tftp) {
  auto map = read_common(checker, field, tftp, {"mode", "interface", "root", "port"});
  if (!map) return;
  if (auto f = map->get("root")) {
    if (auto v = read_string(checker, *f)) {
      std::filesystem::path path(*v);
      tftp.root = path.is_absolute() ? path : checker.folder() / path;
    }
  }
  read_number(checker, map->get("port"), 1, 65535, tftp.port);
}

void read_http(Checker& checker, const Field& field, HttpService& http) {
  auto map = read_common(checker, field, http, {"mode", "interface", "port", "missing_status"});
  if (!map) return;
  read_number(checker, map->get("port"), 1, 65535, http.port);
  if (auto f = map->get("missing_status")) {
    if (auto v = read_choice(checker, *f, {"404", "503"})) http.missing_status = *v == 0 ? 404 : 503;
  }
}

void read_sip(Checker& checker, const Field& field, SipService& sip) {
  auto map = read_common(checker, field, sip,
                         {"mode", "interface", "port", "transports", "digest", "realm",
                          "granted_expires", "min_expires", "max_expires"});
  if (!map) return;
  read_number(checker, map->get("port"), 1, 65535, sip.port);
  if (auto f = map->get("transports")) {
    if (auto items = read_sequence(checker, *f)) {
      sip.udp = sip.tcp = false;
      for (const auto& item : *items) {
        auto which = read_choice(checker, item, {"udp", "tcp"});
        if (which) (*which == 0 ? sip.udp : sip.tcp) = true;
      }
      if (!sip.udp && !sip.tcp) checker.error(*f, "at least one transport: udp, tcp");
    }
  }
  if (auto f = map->get("digest")) {
    if (auto v = read_bool(checker, *f)) sip.digest = *v;
  }
  if (auto f = map->get("realm")) {
    if (auto v = read_string(checker, *f)) sip.realm = *v;
  }
  if (auto f = map->get("granted_expires")) {
    if (auto v = read_integer(checker, *f, 1, 86400)) sip.granted_expires = static_cast<int>(*v);
  }
  read_number(checker, map->get("min_expires"), 1, 86400, sip.min_expires);
  read_number(checker, map->get("max_expires"), 1, 86400, sip.max_expires);
  if (sip.min_expires > sip.max_expires) {
    checker.error(map->self(), "min_expires (" + std::to_string(sip.min_expires) +
                                   ") is above max_expires (" +
                                   std::to_string(sip.max_expires) + ")");
  }
}

std::vector<CallManager> read_group(Checker& checker, const Field& field) {
  std::vector<CallManager> group;
  auto items = read_sequence(checker, field);
  if (!items) return group;
  for (const auto& item : *items) {
    auto map = read_mapping(checker, item, {"name", "address", "sip_port", "priority"});
    if (!map) continue;
    CallManager member;
    member.at = position_of(item.mark);
    if (map->require(checker, "name")) {
      if (auto v = read_string(checker, *map->get("name"))) member.name = *v;
    }
    bool ok = false;
    if (map->require(checker, "address")) {
      if (auto v = read_address(checker, *map->get("address"))) {
        member.address = *v;
        ok = true;
      }
    }
    read_number(checker, map->get("sip_port"), 1, 65535, member.sip_port);
    read_number(checker, map->get("priority"), 0, 15, member.priority);
    for (const auto& earlier : group) {
      if (earlier.name == member.name && !member.name.empty()) {
        checker.error(*map->get("name"), "duplicate CallManager name '" + member.name +
                                             "' (first at line " +
                                             std::to_string(earlier.at.line) + ")");
      }
    }
    if (ok) group.push_back(std::move(member));
  }
  if (group.empty() && field.node.IsSequence()) {
    checker.error(field, "the CallManager group needs at least one member");
  }
  return group;
}

std::vector<std::pair<std::string, std::string>> read_loads(Checker& checker,
                                                            const Field& field) {
  std::vector<std::pair<std::string, std::string>> loads;
  if (!field.node.IsMap()) {
    checker.error(field, "expected a mapping of phone model to load id, got " +
                             describe(field.node));
    return loads;
  }
  for (const auto& entry : field.node) {
    Field value{entry.second, entry.second.Mark(), entry.first.Mark(),
                field.path + "." + entry.first.Scalar()};
    auto load = read_string(checker, value);
    for (const auto& [model, _] : loads) {
      if (model == entry.first.Scalar()) checker.error(value, "duplicate model");
    }
    if (load) loads.emplace_back(entry.first.Scalar(), *load);
  }
  return loads;
}

}  // namespace

Services read_services(Checker& checker, const Field& field) {
  Services services;
  services.at = position_of(field.mark);
  auto map = read_mapping(checker, field,
                          {"cdp", "dhcp", "tftp", "http", "sip", "callmanager_group", "loads"});
  if (!map) return services;
  if (auto f = map->get("cdp")) read_cdp(checker, *f, services.cdp);
  if (auto f = map->get("dhcp")) read_dhcp(checker, *f, services.dhcp);
  if (auto f = map->get("tftp")) read_tftp(checker, *f, services.tftp);
  if (auto f = map->get("http")) read_http(checker, *f, services.http);
  if (auto f = map->get("sip")) read_sip(checker, *f, services.sip);
  if (auto f = map->get("callmanager_group")) services.callmanager_group = read_group(checker, *f);
  if (auto f = map->get("loads")) services.loads = read_loads(checker, *f);
  return services;
}

}  // namespace phonerig::scenario::detail
