#include "drivers/netlink/netem_message.hpp"

#include <linux/netlink.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include <cmath>
#include <limits>
#include <string>

#include "drivers/netlink/error.hpp"

namespace phonerig::netlink {

std::uint32_t netem_probability(double percent) {
  constexpr double kMax = std::numeric_limits<std::uint32_t>::max();
  return static_cast<std::uint32_t>(std::rint(percent / 100.0 * kMax));
}

std::uint64_t psched_ticks(std::chrono::nanoseconds time) {
  return static_cast<std::uint64_t>(time.count()) >> 6;
}

api::Result<Bytes> netem_qdisc_request(const NetemQdiscRequest& request) {
  const std::string object = "netem qdisc on ifindex " + std::to_string(request.ifindex);
  const api::Netem& netem = request.netem;
  auto bad = [&](std::string why) { return wire::unexpected(config_error("build", object, why)); };
  for (auto [name, percent] : {std::pair{"loss", netem.loss_percent},
                               std::pair{"duplicate", netem.duplicate_percent},
                               std::pair{"corrupt", netem.corrupt_percent}}) {
    if (!(percent >= 0.0 && percent <= 100.0)) {
      return bad(std::string(name) + " " + std::to_string(percent) + "% is outside 0-100");
    }
  }
  if (netem.delay.count() < 0 || netem.jitter.count() < 0) return bad("negative delay or jitter");
  if (netem.jitter.count() > 0 && netem.delay.count() == 0) return bad("jitter needs a delay");
  const std::uint64_t latency = psched_ticks(netem.delay);
  const std::uint64_t jitter = psched_ticks(netem.jitter);
  constexpr std::uint64_t kMaxTicks = std::numeric_limits<std::uint32_t>::max();
  if (latency > kMaxTicks || jitter > kMaxTicks) {
    return bad("delay and jitter fit in 32-bit scheduler ticks: at most 274 s");
  }
  if (netem.limit == 0) return bad("a limit of 0 packets drops everything");
  if (request.ifindex <= 0) return bad("no link index");

  MessageBuilder message(RTM_NEWQDISC, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL,
                         request.seq);
  // struct tcmsg: family, pad1, pad2, ifindex, handle, parent, info.
  message.u8(AF_UNSPEC).u8(0).u16(0).s32(request.ifindex);
  message.u32(request.handle).u32(kRootParent).u32(0);
  message.attr_string(TCA_KIND, "netem");
  std::size_t options = message.begin(TCA_OPTIONS);
  // struct tc_netem_qopt, then netem's own attributes (sch_netem.c parse_attr).
  message.u32(static_cast<std::uint32_t>(latency));
  message.u32(netem.limit);
  message.u32(netem_probability(netem.loss_percent));
  message.u32(0);  // gap: no reordering
  message.u32(netem_probability(netem.duplicate_percent));
  message.u32(static_cast<std::uint32_t>(jitter));
  if (netem.corrupt_percent > 0.0) {
    std::size_t corrupt = message.begin(TCA_NETEM_CORRUPT);
    message.u32(netem_probability(netem.corrupt_percent)).u32(0);  // struct tc_netem_corrupt
    message.end(corrupt);
  }
  message.end(options);
  return std::move(message).finish();
}

Bytes qdisc_delete_request(std::int32_t ifindex, std::uint32_t handle, std::uint32_t seq) {
  MessageBuilder message(RTM_DELQDISC, NLM_F_REQUEST | NLM_F_ACK, seq);
  message.u8(AF_UNSPEC).u8(0).u16(0).s32(ifindex).u32(handle).u32(kRootParent).u32(0);
  return std::move(message).finish();
}

}  // namespace phonerig::netlink
