// The default lab (lab/sim.yaml), compiled into the binary.
#pragma once

#include <string_view>

namespace phonerig::lab {

inline constexpr std::string_view kDefaultLabName = "<built-in lab/sim.yaml>";
std::string_view default_lab_yaml();

}  // namespace phonerig::lab
