// Adding and removing the objects a ledger entry describes, in the namespace of a session.
// Removal is shared by leases and by cleanup_ledger, so the path a crashed run's leftovers
// take is the one every test exercises.
#pragma once

#include <cstdint>

#include "drivers/api/result.hpp"
#include "drivers/netlink/ledger.hpp"
#include "drivers/netlink/session.hpp"

namespace phonerig::netlink {

// The root qdisc handle of our netem, "7072:" ("pr" in ASCII): removal deletes only a
// qdisc with this handle, never one someone else put there.
inline constexpr std::uint32_t kNetemHandle = 0x70720000;

enum class Removal { removed, already_gone };

// An IPv4 address (entry.prefix) on link entry.name, as `ip address add` adds it.
api::Result<bool> add_address(Session& session, const LedgerEntry& entry);
// A main-table route to entry.prefix, via entry.gateway if any, out of link entry.name.
api::Result<bool> add_route(Session& session, const LedgerEntry& entry);

// Removes what `entry` describes. Something that is not there (its link or namespace gone
// too) is already_gone, not an error. A netns entry needs no session (pass any or none).
api::Result<Removal> remove_object(Session* session, const LedgerEntry& entry);

}  // namespace phonerig::netlink
