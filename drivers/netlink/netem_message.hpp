// The RTM_NEWQDISC request for a netem root qdisc and the RTM_DELQDISC that removes it, built
// byte for byte as tc builds them (iproute2 tc/q_netem.c; the kernel's
// include/uapi/linux/pkt_sched.h and net/sched/sch_netem.c). Unit-tested as bytes because
// the machines here have no netem (DESIGN.md, "What the machines here have").
#pragma once

#include <chrono>
#include <cstdint>

#include "drivers/api/link_control.hpp"
#include "drivers/api/result.hpp"
#include "drivers/netlink/message.hpp"

namespace phonerig::netlink {

inline constexpr std::uint32_t kRootParent = 0xffffffffu;  // TC_H_ROOT

struct NetemQdiscRequest {
  std::int32_t ifindex = 0;
  std::uint32_t handle = 0;  // major:0, e.g. 0x00010000 for "1:"; 0 lets the kernel choose
  api::Netem netem;
  std::uint32_t seq = 0;  // 0: the socket numbers it
};

// RTM_NEWQDISC, NLM_F_REQUEST|NLM_F_ACK|NLM_F_CREATE|NLM_F_EXCL, struct tcmsg {ifindex,
// handle, parent TC_H_ROOT}, TCA_KIND "netem", TCA_OPTIONS { struct tc_netem_qopt {latency,
// limit, loss, gap, duplicate, jitter}, then TCA_NETEM_CORRUPT {probability, correlation}
// when corruption is asked }. Like tc, no correlations, no reordering (gap 0).
api::Result<Bytes> netem_qdisc_request(const NetemQdiscRequest& request);

// RTM_DELQDISC, NLM_F_REQUEST|NLM_F_ACK, struct tcmsg {ifindex, handle, parent TC_H_ROOT}:
// `tc qdisc del dev DEV root handle H:`. The kernel puts the default qdisc back.
Bytes qdisc_delete_request(std::int32_t ifindex, std::uint32_t handle, std::uint32_t seq = 0);

// A percentage as netem's 32-bit probability: rint(percent / 100 * UINT32_MAX), as tc's
// get_percent does; 100% is UINT32_MAX. Precondition: 0 <= percent <= 100.
std::uint32_t netem_probability(double percent);

// A time in the packet scheduler's ticks: 64 ns each (PSCHED_SHIFT 6 in
// include/net/pkt_sched.h; /proc/net/psched's second field), rounded down as tc rounds.
std::uint64_t psched_ticks(std::chrono::nanoseconds time);

}  // namespace phonerig::netlink
