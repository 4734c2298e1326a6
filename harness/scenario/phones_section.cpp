// phones: the devices under test: id, MAC, model, switch port, expected load, the DHCP
// reservation (`address`), the lines (directory number, digest user, password reference)
// and tags for scenario selectors.
//
//   phones:
//     - id: desk-1
//       mac: 00:1e:4a:00:00:01
//       model: CP-8851
//       port: Gi1/0/5
//       address: 198.18.0.101
//       lines:
//         - {dn: "1001", auth_name: desk1, password: env:DESK1_SIP_PASSWORD}
//       tags: [lobby]
#include <algorithm>
#include <optional>
#include <string>

#include "harness/scenario/lab_sections.hpp"
#include "harness/scenario/names.hpp"

namespace phonerig::scenario::detail {

namespace {

struct ReadPhone {
  Phone phone;
  Position id_at;
  Position mac_at;
  bool has_mac = false;
};

std::optional<std::string> read_identifier(Checker& checker, const Field& field) {
  auto name = read_string(checker, field);
  if (!name) return std::nullopt;
  if (auto problem = identifier_problem(*name)) {
    checker.error(field, *problem);
    return std::nullopt;
  }
  return name;
}

void read_mac(Checker& checker, const Field& field, ReadPhone& read) {
  auto text = read_string(checker, field);
  if (!text) return;
  auto mac = wire::Mac::parse(*text);
  if (!mac) {
    checker.error(field, "'" + *text + "' is not a MAC address (write 00:1e:4a:00:00:01, "
                                       "00-1E-4A-00-00-01, 001e.4a00.0001 or 001E4A000001)");
    return;
  }
  // IEEE 802 group bit: a station address is unicast, and DHCP answers per station.
  if (mac->is_multicast()) {
    checker.error(field, mac->to_string() + " is a group (multicast) address; a phone's "
                                            "MAC is unicast");
    return;
  }
  read.phone.mac = *mac;
  read.mac_at = position_of(field.mark);
  read.has_mac = true;
}

void read_tags(Checker& checker, const Field& field, Phone& phone) {
  auto items = read_sequence(checker, field);
  if (!items) return;
  for (const auto& item : *items) {
    auto tag = read_identifier(checker, item);
    if (!tag) continue;
    if (std::find(phone.tags.begin(), phone.tags.end(), *tag) != phone.tags.end()) {
      checker.error(item, "duplicate tag '" + *tag + "'");
      continue;
    }
    phone.tags.push_back(*tag);
  }
}

std::vector<Line> read_lines(Checker& checker, const Field& field) {
  std::vector<Line> lines;
  auto items = read_sequence(checker, field);
  if (!items) return lines;
  for (const auto& item : *items) {
    auto map = read_mapping(checker, item, {"dn", "auth_name", "password", "display_name"});
    if (!map) continue;
    Line line;
    line.at = position_of(item.mark);
    if (map->require(checker, "dn")) {
      auto dn_field = *map->get("dn");
      if (auto dn = read_string(checker, dn_field)) {
        // A SIP user part: digits, letters and the unreserved marks keep it a plain URI.
        const bool plain = !dn->empty() && dn->find_first_not_of(
            "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ+-_.*#") ==
            std::string::npos;
        if (!plain) {
          checker.error(dn_field, "a directory number is digits, letters or + - _ . * #");
        } else {
          for (const auto& earlier : lines) {
            if (earlier.dn == *dn) checker.error(dn_field, "duplicate line " + *dn);
          }
          line.dn = *dn;
        }
      }
    }
    if (auto f = map->get("auth_name")) line.auth_name = read_string(checker, *f);
    if (auto f = map->get("display_name")) line.display_name = read_string(checker, *f);
    if (auto f = map->get("password")) {
      if (auto text = read_string(checker, *f)) {
        auto credential = Credential::parse(*text, checker.folder());
        if (!credential) {
          checker.error(*f, credential.error().message);  // never contains the text
        } else {
          line.password = *credential;
        }
      }
    }
    lines.push_back(std::move(line));
  }
  return lines;
}

ReadPhone read_phone(Checker& checker, const Field& item) {
  ReadPhone read;
  read.phone.at = position_of(item.mark);
  auto map = read_mapping(checker, item, {"id", "mac", "model", "port", "load", "address", "lines", "tags"});
  if (!map) return read;
  if (map->require(checker, "id")) {
    auto field = *map->get("id");
    if (auto id = read_identifier(checker, field)) {
      read.phone.id = *id;
      read.id_at = position_of(field.mark);
    }
  }
  if (map->require(checker, "mac")) read_mac(checker, *map->get("mac"), read);
  if (map->require(checker, "model")) {
    if (auto model = read_string(checker, *map->get("model"))) read.phone.model = *model;
  }
  if (auto port = map->get("port")) read.phone.port = read_string(checker, *port);
  if (auto load = map->get("load")) read.phone.load = read_string(checker, *load);
  if (auto address = map->get("address")) {
    if (auto text = read_string(checker, *address)) {
      if (auto parsed = wire::Ipv4::parse(*text)) {
        read.phone.address = *parsed;
      } else {
        checker.error(*address, "'" + *text + "' is not an IPv4 address (A.B.C.D)");
      }
    }
  }
  if (auto lines = map->get("lines")) read.phone.lines = read_lines(checker, *lines);
  if (auto tags = map->get("tags")) read_tags(checker, *tags, read.phone);
  return read;
}

}  // namespace

std::vector<Phone> read_phones(Checker& checker, const Field& field) {
  std::vector<Phone> phones;
  auto items = read_sequence(checker, field);
  if (!items) return phones;
  std::vector<ReadPhone> read;
  for (const auto& item : *items) {
    ReadPhone current = read_phone(checker, item);
    for (const auto& earlier : read) {
      if (!current.phone.id.empty() && current.phone.id == earlier.phone.id) {
        checker.error(current.id_at, item.path + ".id: duplicate phone id '" + current.phone.id +
                                         "' (first at line " +
                                         std::to_string(earlier.id_at.line) + ")");
      }
      if (current.has_mac && earlier.has_mac && current.phone.mac == earlier.phone.mac) {
        checker.error(current.mac_at, item.path + ".mac: " + current.phone.mac.to_string() +
                                          " is already phone '" + earlier.phone.id +
                                          "' (line " + std::to_string(earlier.mac_at.line) +
                                          ")");
      }
    }
    read.push_back(std::move(current));
  }
  for (auto& one : read) phones.push_back(std::move(one.phone));
  return phones;
}

}  // namespace phonerig::scenario::detail
