#include "drivers/netlink/vlan_message.hpp"

#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include "drivers/netlink/error.hpp"
#include "drivers/netlink/naming.hpp"

namespace phonerig::netlink {

api::Result<Bytes> vlan_link_request(const VlanLinkRequest& request) {
  const std::string object = "vlan link '" + request.name + "'";
  // IEEE 802.1Q-2018 table 9-2: VID 0 is the null VID (priority tag only), 4095 reserved.
  if (request.vlan_id < 1 || request.vlan_id > 4094) {
    return wire::unexpected(config_error("build", object,
                                        "VLAN id " + std::to_string(request.vlan_id) +
                                            " is outside 1-4094 (IEEE 802.1Q table 9-2)"));
  }
  PHONERIG_CHECK(check_link_name(request.name));
  if (request.parent_index <= 0) {
    return wire::unexpected(config_error("build", object, "no parent link index"));
  }

  MessageBuilder message(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL,
                         request.seq);
  // struct ifinfomsg: family, pad, type, index, flags, change.
  message.u8(AF_UNSPEC).u8(0).u16(0).s32(0).u32(0).u32(0);
  message.attr_u32(IFLA_LINK, static_cast<std::uint32_t>(request.parent_index));
  message.attr_string(IFLA_IFNAME, request.name);
  std::size_t linkinfo = message.begin(IFLA_LINKINFO);
  message.attr_chars(IFLA_INFO_KIND, "vlan");  // no NUL, as ip sends it
  std::size_t data = message.begin(IFLA_INFO_DATA);
  message.attr_u16(IFLA_VLAN_ID, request.vlan_id);
  message.end(data);
  message.end(linkinfo);
  return std::move(message).finish();
}

}  // namespace phonerig::netlink
