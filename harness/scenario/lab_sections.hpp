// Internal to harness/scenario: one reader per top-level section of the lab file. Each
// reports its problems to the Checker and returns what it could read; load_lab_text
// returns the Lab only when nothing was reported.
#pragma once

#include <optional>
#include <vector>

#include "harness/scenario/lab.hpp"
#include "harness/scenario/yaml_reader.hpp"

namespace phonerig::scenario::detail {

// rig_section.cpp
Rig read_rig(Checker& checker, const Field& field);
// switch_section.cpp
std::optional<SwitchConfig> read_switch(Checker& checker, const Field& field);
// phones_section.cpp
std::vector<Phone> read_phones(Checker& checker, const Field& field);
// services_section.cpp
Services read_services(Checker& checker, const Field& field);
// sim_section.cpp
std::optional<SimConfig> read_sim(Checker& checker, const Field& field);
// What sim says of other sections: phone ids, ports, VLANs (only when the rest is valid).
void check_sim(Checker& checker, const Lab& lab);

}  // namespace phonerig::scenario::detail
