// The PoE driver's configuration from the lab file's switch section; secrets resolved here,
// never printed. A simulated lab's community falls back to the one `phonerig lab up`
// stored for the instance when the lab's reference does not resolve.
#pragma once

#include <optional>
#include <string>

#include "drivers/api/result.hpp"
#include "drivers/power/snmp_poe_switch.hpp"
#include "harness/scenario/lab.hpp"

namespace phonerig::app {

api::Result<power::Config> switch_config(const scenario::SwitchConfig& sw,
                                         const std::optional<std::string>& fallback_community = {});

}  // namespace phonerig::app
