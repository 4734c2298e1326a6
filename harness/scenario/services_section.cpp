// services and sim: validated for shape only, for now.
//
// services: the services issue fills each entry's mapping (addresses, files, the
// callmanager group) and adds lldp; until then an entry is a mode, or a mapping with
// `mode:`. `external` is a lab property (a real CUCM: capture and assert only).
//
//   services: {cdp: on, dhcp: {mode: on}, tftp: on, http: on, sip: external}
//
// sim: the simulated-lab issue adds its keys (switch knobs, per-phone emulation knobs);
// until then only `sim: {}` is valid, and its presence marks the lab as simulated.
#include <optional>

#include "harness/scenario/lab_sections.hpp"

namespace phonerig::scenario::detail {

namespace {

std::optional<ServiceMode> read_mode_name(Checker& checker, const Field& field) {
  constexpr ServiceMode kModes[] = {ServiceMode::on, ServiceMode::off, ServiceMode::external};
  auto mode = read_choice(checker, field, {"on", "off", "external"});
  if (!mode) return std::nullopt;
  return kModes[*mode];
}

std::optional<ServiceMode> read_mode(Checker& checker, const Field& field) {
  if (field.node.IsMap()) {
    auto map = read_mapping(checker, field, {"mode"});
    if (!map || !map->require(checker, "mode")) return std::nullopt;
    return read_mode_name(checker, *map->get("mode"));
  }
  if (!field.node.IsScalar()) {
    checker.error(field, "expected on, off, external or a mapping with mode, got " +
                             describe(field.node));
    return std::nullopt;
  }
  return read_mode_name(checker, field);
}

}  // namespace

Services read_services(Checker& checker, const Field& field) {
  Services services;
  auto map = read_mapping(checker, field, {"cdp", "dhcp", "tftp", "http", "sip"});
  if (!map) return services;
  struct Entry {
    std::string_view key;
    std::optional<ServiceMode>& mode;
  };
  for (Entry entry : {Entry{"cdp", services.cdp}, Entry{"dhcp", services.dhcp},
                      Entry{"tftp", services.tftp}, Entry{"http", services.http},
                      Entry{"sip", services.sip}}) {
    if (auto value = map->get(entry.key)) entry.mode = read_mode(checker, *value);
  }
  return services;
}

std::optional<SimConfig> read_sim(Checker& checker, const Field& field) {
  if (field.node.IsNull()) {
    checker.error(field, "expected a mapping, got nothing (write sim: {} for the defaults)");
    return std::nullopt;
  }
  if (!read_mapping(checker, field, {})) return std::nullopt;
  return SimConfig{};
}

}  // namespace phonerig::scenario::detail
