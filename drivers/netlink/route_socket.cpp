#include "drivers/netlink/route_socket.hpp"

#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/handlers.h>
#include <netlink/socket.h>
#include <sys/socket.h>

#include <cerrno>

#include "drivers/netlink/error.hpp"
#include "drivers/netlink/message.hpp"
#include "drivers/netlink/naming.hpp"

namespace phonerig::netlink {

struct RouteSocket::Owner {
  nl_sock* sock = nullptr;
  int error_number = 0;        // errno of the kernel's last NLMSG_ERROR, 0 if none
  std::string kernel_message;  // its extended-ack text (NLMSGERR_ATTR_MSG), if any

  Owner() = default;
  Owner(const Owner&) = delete;
  Owner& operator=(const Owner&) = delete;
  ~Owner() {
    if (sock != nullptr) nl_socket_free(sock);
  }
};

namespace {

// The extended ack (include/uapi/linux/netlink.h, NLM_F_ACK_TLVS): attributes after the
// struct nlmsgerr, which echoes only the request's header when NLM_F_CAPPED is set.
std::string extack_message(const nlmsgerr* error) {
  const auto* error_bytes = reinterpret_cast<const std::uint8_t*>(error);
  const auto* header = error_bytes - NLMSG_HDRLEN;
  HostReader reader(std::span<const std::uint8_t>(header, NLMSG_HDRLEN));
  auto length = reader.u32(0, "nlmsg_len");
  auto flags = reader.u16(6, "nlmsg_flags");
  if (!length || !flags || (*flags & NLM_F_ACK_TLVS) == 0) return {};
  std::span<const std::uint8_t> message(header, *length);
  std::size_t offset = NLMSG_HDRLEN + sizeof(nlmsgerr);
  if ((*flags & NLM_F_CAPPED) == 0) {
    offset = NLMSG_HDRLEN + sizeof(error->error) + align4(error->msg.nlmsg_len);
  }
  if (offset >= message.size()) return {};
  auto attributes = parse_attributes(message.subspan(offset));
  if (!attributes) return {};
  const Attribute* text = find_attribute(*attributes, NLMSGERR_ATTR_MSG);
  return text != nullptr ? std::string(attribute_string(*text)) : std::string();
}

// libnl's error callback: keep what the kernel said, then let libnl fail the call.
int keep_error(sockaddr_nl*, nlmsgerr* error, void* arg) {
  auto* owner = static_cast<RouteSocket::Owner*>(arg);
  owner->error_number = -error->error;
  owner->kernel_message = extack_message(error);
  return NL_STOP;
}

// The answer to an RTM_GETLINK: struct ifinfomsg's index, then the ack.
struct IndexReply {
  int index = 0;
  bool acked = false;
};

int store_index(nl_msg* message, void* arg) {
  const nlmsghdr* header = nlmsg_hdr(message);
  HostReader reader(
      std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(header), header->nlmsg_len));
  auto type = reader.u16(4, "nlmsg_type");
  auto index = reader.s32(kHeaderLength + 4, "ifi_index");
  if (type && index && *type == RTM_NEWLINK) static_cast<IndexReply*>(arg)->index = *index;
  return NL_OK;
}

int ack_received(nl_msg*, void* arg) {
  static_cast<IndexReply*>(arg)->acked = true;
  return NL_STOP;
}

// A libnl message holding `bytes` (header fields from the bytes; the socket numbers it).
api::Result<nl_msg*> to_nl_msg(std::span<const std::uint8_t> bytes, std::string_view operation,
                               std::string_view object) {
  HostReader reader(bytes);
  PHONERIG_TRY(std::uint16_t type, reader.u16(4, "nlmsg_type"));
  PHONERIG_TRY(std::uint16_t flags, reader.u16(6, "nlmsg_flags"));
  nl_msg* message = nlmsg_alloc_simple(type, flags);
  if (message == nullptr) return wire::unexpected(os_error(operation, object, ENOMEM));
  auto body = bytes.subspan(kHeaderLength);
  if (nlmsg_append(message, const_cast<std::uint8_t*>(body.data()), body.size(),
                   NLMSG_ALIGNTO) < 0) {
    nlmsg_free(message);
    return wire::unexpected(os_error(operation, object, EMSGSIZE));
  }
  return message;
}

}  // namespace

RouteSocket::RouteSocket(std::unique_ptr<Owner> owner) : owner_(std::move(owner)) {}
RouteSocket::RouteSocket(RouteSocket&&) noexcept = default;
RouteSocket& RouteSocket::operator=(RouteSocket&&) noexcept = default;
RouteSocket::~RouteSocket() = default;

nl_sock* RouteSocket::get() const { return owner_->sock; }

api::Result<RouteSocket> RouteSocket::open() {
  auto owner = std::make_unique<Owner>();
  owner->sock = nl_socket_alloc();
  if (owner->sock == nullptr) return wire::unexpected(os_error("open", "netlink socket", ENOMEM));
  nl_socket_modify_err_cb(owner->sock, NL_CB_CUSTOM, keep_error, owner.get());
  int connected = nl_connect(owner->sock, NETLINK_ROUTE);
  if (connected < 0) return wire::unexpected(libnl_error("connect", "netlink socket", connected));
  // Ask for the kernel's reason in text, and not for our own request echoed back.
  int fd = nl_socket_get_fd(owner->sock);
  int on = 1;
  ::setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &on, sizeof on);
  ::setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &on, sizeof on);
  RouteSocket socket(std::move(owner));
  return socket;
}

void RouteSocket::clear() {
  owner_->error_number = 0;
  owner_->kernel_message.clear();
}

api::Error RouteSocket::error(std::string_view operation, std::string_view object,
                              int nl_result) const {
  if (owner_->error_number != 0) {
    return os_error(operation, object, owner_->error_number, owner_->kernel_message);
  }
  return libnl_error(operation, object, nl_result);
}

api::Result<bool> RouteSocket::send(std::span<const std::uint8_t> message,
                                    std::string_view operation, std::string_view object) {
  PHONERIG_TRY(nl_msg * request, to_nl_msg(message, operation, object));
  // nl_send_sync numbers the request, sends it, waits for the ack and frees it.
  return run(operation, object, [&](nl_sock* sock) { return nl_send_sync(sock, request); });
}

api::Result<int> RouteSocket::link_index(std::string_view name, std::string_view where) {
  const std::string object = "link '" + std::string(name) + "'" + std::string(where);
  PHONERIG_CHECK(check_link_name(name));
  // RTM_GETLINK by IFLA_IFNAME. Not rtnl_link_get_kernel: it puts its own error callback in
  // place of ours, and the kernel's ENODEV would come back as libnl's NLE_NODEV.
  MessageBuilder request(RTM_GETLINK, NLM_F_REQUEST);
  request.u8(AF_UNSPEC).u8(0).u16(0).s32(0).u32(0).u32(0);  // struct ifinfomsg
  request.attr_string(IFLA_IFNAME, name);
  const Bytes bytes = std::move(request).finish();
  PHONERIG_TRY(nl_msg * message, to_nl_msg(bytes, "look up", object));
  clear();
  int sent = nl_send_auto(get(), message);
  nlmsg_free(message);
  if (sent < 0) return wire::unexpected(error("look up", object, sent));

  IndexReply reply;
  nl_cb* socket_callbacks = nl_socket_get_cb(get());
  nl_cb* callbacks = nl_cb_clone(socket_callbacks);  // keeps our error callback
  nl_cb_put(socket_callbacks);
  if (callbacks == nullptr) return wire::unexpected(os_error("look up", object, ENOMEM));
  nl_cb_set(callbacks, NL_CB_VALID, NL_CB_CUSTOM, store_index, &reply);
  nl_cb_set(callbacks, NL_CB_ACK, NL_CB_CUSTOM, ack_received, &reply);
  int result = 0;
  while (!reply.acked && result >= 0) result = nl_recvmsgs(get(), callbacks);
  nl_cb_put(callbacks);
  if (result < 0) return wire::unexpected(error("look up", object, result));
  if (reply.index <= 0) {
    return wire::unexpected(rig_error("look up", object, "the kernel's answer had no ifindex"));
  }
  return reply.index;
}

}  // namespace phonerig::netlink
