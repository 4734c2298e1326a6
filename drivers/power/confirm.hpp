// The decisions of set-then-confirm and of a power cycle, apart from SNMP and clocks: which
// detection status counts as "reached", whether to poll again, how long the hold still lasts.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "drivers/api/poe_switch.hpp"

namespace phonerig::power {

// The detection status a set waits for: deliveringPower after on (or any status but
// disabled when `accept_searching`: a port with nothing plugged in), disabled after off.
api::PoeDetection wanted_after(bool on);
bool satisfies(const api::PortStatus& status, api::PoeDetection wanted, bool accept_searching);

enum class ConfirmStep { done, poll_again, timed_out };
// `now` and `deadline` on one steady clock.
ConfirmStep confirm_step(const std::vector<api::PortStatus>& statuses, api::PoeDetection wanted,
                         bool accept_searching, std::chrono::steady_clock::time_point now,
                         std::chrono::steady_clock::time_point deadline);
// The ports that do not satisfy `wanted`, as "Gi1/0/5 (searching)".
std::vector<std::string> unreached(const std::vector<api::PortStatus>& statuses,
                                   api::PoeDetection wanted, bool accept_searching);

// How long a cycle still holds power off: the minimum off-time counts from the switch's
// answer to the off set (power is off from then on at the latest).
std::chrono::milliseconds hold_remaining(std::chrono::steady_clock::time_point off_acked,
                                         std::chrono::steady_clock::time_point now,
                                         std::chrono::milliseconds min_off);

}  // namespace phonerig::power
