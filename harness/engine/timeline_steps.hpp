// Internal to the timeline: how each step of the registration sequence is decided from one
// phone's events (time order). Each function fills the StepResult it is given.
#pragma once

#include <initializer_list>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "harness/engine/timeline.hpp"

namespace phonerig::engine::detail {

using Events = std::vector<api::Event>;

void power_step(StepResult& s, const Events& mine);
void boot_step(StepResult& s, const Events& mine, const wire::Mac& phone,
               const TimelineOptions& options);
// `shared`: switch CDP/LLDP with no phone (to the multicast address of the port).
void voice_vlan_step(StepResult& s, const Events& mine, std::span<const api::Event> shared,
                     const wire::Mac& phone, std::optional<std::int64_t> first_frame,
                     const TimelineOptions& options);
void dhcp_step(StepResult& s, const Events& mine);
// The fetches of `roles`; with `needs_delivery` a fetch that never delivered fails the step.
void file_step(StepResult& s, const std::vector<FileFetch>& files,
               std::initializer_list<FileRole> roles, bool needs_delivery,
               const char* missing_note);
void call_manager_step(StepResult& s, const Events& mine);
void register_step(StepResult& s, const Events& mine);
// Marks asserted steps that began before the asserted step before them.
void check_order(PhoneTimeline& t);

}  // namespace phonerig::engine::detail
