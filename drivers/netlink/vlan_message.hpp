// The RTM_NEWLINK request for an 802.1Q interface on a trunk link, built byte for byte as
// `ip link add link PARENT name NAME type vlan id ID` builds it (iproute2 ip/iplink_vlan.c;
// the kernel's include/uapi/linux/if_link.h). libnl 3.7 could build it too, but the design
// keeps VLAN and netem requests as our own bytes so they are unit-tested on kernels without
// the 802.1Q module (DESIGN.md, "What the machines here have").
#pragma once

#include <cstdint>
#include <string>

#include "drivers/api/result.hpp"
#include "drivers/netlink/message.hpp"

namespace phonerig::netlink {

struct VlanLinkRequest {
  std::string name;           // the new interface, at most 15 characters
  std::int32_t parent_index;  // ifindex of the trunk link
  std::uint16_t vlan_id;      // 1-4094
  std::uint32_t seq = 0;      // 0: the socket numbers it
};

// RTM_NEWLINK, NLM_F_REQUEST|NLM_F_ACK|NLM_F_CREATE|NLM_F_EXCL, struct ifinfomsg all zero,
// then IFLA_LINK (u32 parent), IFLA_IFNAME, IFLA_LINKINFO { IFLA_INFO_KIND "vlan" (no NUL),
// IFLA_INFO_DATA { IFLA_VLAN_ID (u16) } }. The protocol is left out: the kernel's default is
// 802.1Q (ETH_P_8021Q), as with ip.
api::Result<Bytes> vlan_link_request(const VlanLinkRequest& request);

}  // namespace phonerig::netlink
