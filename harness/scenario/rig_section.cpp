// rig: where the harness runs (DESIGN.md, "The lab file"; the foundation issue owns it).
//
//   rig:
//     netns: phonerig            # optional
//     interfaces:
//       - {name: voice, role: service, parent: eno2, vlan: 100, address: 10.1.100.2/24}
//       - {name: span, role: capture, device: eno3}
#include <optional>
#include <string>

#include "harness/scenario/lab_sections.hpp"
#include "harness/scenario/names.hpp"

namespace phonerig::scenario::detail {

namespace {

constexpr long long kMaxVlan = 4094;  // IEEE 802.1Q: VIDs 0 and 4095 are reserved

std::optional<std::string> read_ifname(Checker& checker, const Field& field) {
  auto name = read_string(checker, field);
  if (!name) return std::nullopt;
  if (auto problem = ifname_problem(*name)) {
    checker.error(field, *problem);
    return std::nullopt;
  }
  return name;
}

// One interface, and where its name was written (for the uniqueness checks).
struct ReadInterface {
  RigInterface interface;
  Position name_at;
  bool complete = false;  // every key read without error
};

ReadInterface read_interface(Checker& checker, const Field& item) {
  ReadInterface read;
  read.interface.at = position_of(item.mark);
  std::size_t errors_before = checker.error_count();
  auto map = read_mapping(checker, item, {"name", "role", "device", "parent", "vlan", "address"});
  if (!map) return read;

  if (map->require(checker, "name")) {
    auto field = *map->get("name");
    if (auto name = read_string(checker, field)) {
      if (auto problem = identifier_problem(*name)) {
        checker.error(field, *problem);
      } else {
        read.interface.name = *name;
        read.name_at = position_of(field.mark);
      }
    }
  }

  if (map->require(checker, "role")) {
    constexpr InterfaceRole kRoles[] = {InterfaceRole::service, InterfaceRole::capture,
                                        InterfaceRole::both};
    if (auto role = read_choice(checker, *map->get("role"), {"service", "capture", "both"})) {
      read.interface.role = kRoles[*role];
    }
  }

  auto device = map->get("device");
  auto parent = map->get("parent");
  auto vlan = map->get("vlan");
  if (device && (parent || vlan)) {
    checker.error(parent ? *parent : *vlan,
                  "device and parent + vlan exclude each other: an interface either exists "
                  "(device) or is created on a trunk NIC (parent + vlan)");
  } else if (device) {
    if (auto name = read_ifname(checker, *device)) read.interface.link = ExistingDevice{*name};
  } else if (parent || vlan) {
    if (!parent) checker.error(*vlan, "vlan needs parent: the trunk NIC to create it on");
    if (!vlan) checker.error(*parent, "parent needs vlan: the 802.1Q VLAN id to create");
    std::optional<std::string> parent_name;
    std::optional<long long> vlan_id;
    if (parent) parent_name = read_ifname(checker, *parent);
    if (vlan) vlan_id = read_integer(checker, *vlan, 1, kMaxVlan);
    if (parent_name && vlan_id) {
      read.interface.link = VlanOnParent{*parent_name, static_cast<std::uint16_t>(*vlan_id)};
    }
  } else {
    checker.error_at_owner(item, "needs either device (an existing interface) or parent + "
                                 "vlan (a VLAN interface to create)");
  }

  if (auto address = map->get("address")) {
    if (auto text = read_string(checker, *address)) {
      auto parsed = InterfaceAddress::parse(*text);
      if (!parsed) {
        checker.error(*address, parsed.error().message);
      } else if (!read.interface.serves() && map->has("role")) {
        checker.error(*address, "only interfaces with role service or both take an address; "
                                "a capture interface listens without one");
      } else {
        read.interface.address = *parsed;
      }
    }
  }
  read.complete = checker.error_count() == errors_before;
  return read;
}

std::string line_of(Position at) { return "line " + std::to_string(at.line); }

// Logical names, devices and VLANs to create are each used once.
void check_unique(Checker& checker, const std::vector<ReadInterface>& read,
                  const std::vector<Field>& items) {
  for (std::size_t i = 0; i < read.size(); ++i) {
    const RigInterface& current = read[i].interface;
    for (std::size_t j = 0; j < i; ++j) {
      const RigInterface& earlier = read[j].interface;
      if (!current.name.empty() && current.name == earlier.name) {
        checker.error(read[i].name_at, items[i].path + ".name: duplicate interface name '" +
                                           current.name + "' (first at " +
                                           line_of(read[j].name_at) + ")");
        break;
      }
      const auto* device = std::get_if<ExistingDevice>(&current.link);
      const auto* earlier_device = std::get_if<ExistingDevice>(&earlier.link);
      if (device && earlier_device && !device->ifname.empty() &&
          device->ifname == earlier_device->ifname) {
        checker.error(items[i], "device '" + device->ifname + "' is already interface '" +
                                    earlier.name + "' (" + line_of(earlier.at) +
                                    "); one interface with role both serves and captures");
        break;
      }
      const auto* vlan = std::get_if<VlanOnParent>(&current.link);
      const auto* earlier_vlan = std::get_if<VlanOnParent>(&earlier.link);
      if (vlan && earlier_vlan && vlan->vlan != 0 && *vlan == *earlier_vlan) {
        checker.error(items[i], "VLAN " + std::to_string(vlan->vlan) + " on '" + vlan->parent +
                                    "' is already interface '" + earlier.name + "' (" +
                                    line_of(earlier.at) + ")");
        break;
      }
    }
  }
}

}  // namespace

Rig read_rig(Checker& checker, const Field& field) {
  Rig rig;
  rig.at = position_of(field.mark);
  auto map = read_mapping(checker, field, {"netns", "interfaces"});
  if (!map) return rig;

  if (auto netns = map->get("netns")) {
    if (auto name = read_string(checker, *netns)) {
      if (auto problem = netns_problem(*name)) {
        checker.error(*netns, *problem);
      } else {
        rig.netns = *name;
      }
    }
  }

  if (!map->require(checker, "interfaces")) return rig;
  auto interfaces = *map->get("interfaces");
  auto items = read_sequence(checker, interfaces);
  if (!items) return rig;

  std::vector<ReadInterface> read;
  bool complete = true;
  for (const auto& item : *items) {
    read.push_back(read_interface(checker, item));
    complete = complete && read.back().complete;
  }
  check_unique(checker, read, *items);
  for (auto& one : read) rig.interfaces.push_back(std::move(one.interface));

  // Judged only when every role was read: a misspelt role must not also count as missing.
  if (complete) {
    bool serves = false;
    bool captures = false;
    for (const auto& interface : rig.interfaces) {
      serves = serves || interface.serves();
      captures = captures || interface.captures();
    }
    if (!serves) {
      checker.error(interfaces, "no interface has role service or both: the services need one");
    }
    if (!captures) {
      checker.error(interfaces, "no interface has role capture or both: the assertions need one");
    }
  }
  return rig;
}

}  // namespace phonerig::scenario::detail
