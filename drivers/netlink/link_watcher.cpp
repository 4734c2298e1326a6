#include "drivers/netlink/link_watcher.hpp"

#include <fcntl.h>
#include <net/if.h>
#include <linux/rtnetlink.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/route/rtnl.h>
#include <netlink/socket.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <boost/asio/error.hpp>
#include <cerrno>

#include "drivers/netlink/error.hpp"
#include "drivers/netlink/message.hpp"
#include "drivers/netlink/namespace.hpp"

namespace phonerig::netlink {

namespace {

constexpr std::size_t kIfinfoLength = 16;  // struct ifinfomsg

int message_callback(nl_msg* message, void* arg) {
  const nlmsghdr* header = nlmsg_hdr(message);
  static_cast<LinkWatcher*>(arg)->on_message(
      std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(header),
                                    header->nlmsg_len));
  return NL_OK;
}

int done_callback(nl_msg*, void* arg) {
  static_cast<LinkWatcher*>(arg)->on_dump_done();
  return NL_OK;
}

std::int64_t realtime_ns() {
  timespec now{};
  ::clock_gettime(CLOCK_REALTIME, &now);
  return static_cast<std::int64_t>(now.tv_sec) * 1'000'000'000 + now.tv_nsec;
}

api::Result<bool> set_blocking(int fd, bool blocking, const std::string& object) {
  int flags = ::fcntl(fd, F_GETFL);
  if (flags < 0) return wire::unexpected(os_error("read flags of", object, errno));
  flags = blocking ? (flags & ~O_NONBLOCK) : (flags | O_NONBLOCK);
  if (::fcntl(fd, F_SETFL, flags) != 0) {
    return wire::unexpected(os_error("set flags of", object, errno));
  }
  return true;
}

}  // namespace

LinkWatcher::LinkWatcher(boost::asio::any_io_executor executor, RouteSocket socket,
                         std::string where, Handler handler)
    : socket_(std::move(socket)),
      descriptor_(std::move(executor)),
      where_(std::move(where)),
      handler_(std::move(handler)) {}

namespace {

api::Result<RouteSocket> open_socket_in(int netns_fd, const std::string& object) {
  PHONERIG_TRY(NamespaceGuard inside, NamespaceGuard::enter(netns_fd, object));
  return RouteSocket::open();
}

}  // namespace

api::Result<std::shared_ptr<LinkWatcher>> LinkWatcher::start(
    boost::asio::any_io_executor executor, int netns_fd, std::string where, Handler handler) {
  const std::string object = "link watch" + where;
  PHONERIG_TRY(RouteSocket socket, open_socket_in(netns_fd, object));
  nl_sock* sock = socket.get();
  // Notifications carry sequence 0 and the dump is read as it comes: no sequence checks,
  // and no ack asked for the dump request.
  nl_socket_disable_seq_check(sock);
  nl_socket_disable_auto_ack(sock);
  // Room for bursts (a rack of ports flapping) before the kernel drops notifications; a
  // drop is recovered by reading the state again (on_readable).
  nl_socket_set_buffer_size(sock, 1 << 20, 0);
  auto watcher = std::make_shared<LinkWatcher>(std::move(executor), std::move(socket),
                                               std::move(where), std::move(handler));
  nl_socket_modify_cb(sock, NL_CB_VALID, NL_CB_CUSTOM, message_callback, watcher.get());
  nl_socket_modify_cb(sock, NL_CB_FINISH, NL_CB_CUSTOM, done_callback, watcher.get());
  // Join first, then dump: a change between the two is seen twice, never missed.
  int joined = nl_socket_add_membership(sock, RTNLGRP_LINK);
  if (joined < 0) {
    return wire::unexpected(libnl_error("subscribe to RTNLGRP_LINK for", object, joined));
  }
  PHONERIG_CHECK(watcher->read_dump(/*quiet=*/true));
  int fd = nl_socket_get_fd(sock);
  PHONERIG_CHECK(set_blocking(fd, false, object));
  int copy = ::fcntl(fd, F_DUPFD_CLOEXEC, 0);
  if (copy < 0) return wire::unexpected(os_error("duplicate the socket of", object, errno));
  boost::system::error_code assign_error;
  watcher->descriptor_.assign(copy, assign_error);
  if (assign_error) {
    ::close(copy);
    return wire::unexpected(os_error("watch the socket of", object, assign_error.value()));
  }
  watcher->wait();
  return watcher;
}

api::Result<bool> LinkWatcher::read_dump(bool quiet) {
  const std::string object = "link watch" + where_;
  int fd = nl_socket_get_fd(socket_.get());
  PHONERIG_CHECK(set_blocking(fd, true, object));
  for (auto& entry : links_) entry.second.seen = false;
  quiet_ = quiet;
  dump_done_ = false;
  PHONERIG_CHECK(socket_.run("request the links for", object, [](nl_sock* sock) {
    return nl_rtgen_request(sock, RTM_GETLINK, AF_UNSPEC, NLM_F_DUMP);
  }));
  while (!dump_done_) {
    PHONERIG_CHECK(socket_.run("read the links for", object,
                               [](nl_sock* sock) { return nl_recvmsgs_default(sock); }));
  }
  // A link the dump no longer shows went while nobody listened.
  for (auto it = links_.begin(); it != links_.end();) {
    if (it->second.seen) {
      ++it;
      continue;
    }
    if (!quiet_ && it->second.up) report(it->second.name, false);
    it = links_.erase(it);
  }
  quiet_ = false;
  return set_blocking(fd, false, object);
}

void LinkWatcher::on_message(std::span<const std::uint8_t> message) {
  // struct nlmsghdr, struct ifinfomsg {family, pad, type, index, flags, change}, attributes.
  HostReader reader(message);
  auto type = reader.u16(4, "nlmsg_type");
  auto index = reader.s32(kHeaderLength + 4, "ifi_index");
  auto flags = reader.u32(kHeaderLength + 8, "ifi_flags");
  if (!type || !index || !flags || (*type != RTM_NEWLINK && *type != RTM_DELLINK)) return;
  if (*type == RTM_DELLINK) {
    auto it = links_.find(*index);
    if (it == links_.end()) return;
    if (!quiet_ && it->second.up) report(it->second.name, false);
    links_.erase(it);
    return;
  }
  std::string name;
  if (message.size() >= kHeaderLength + kIfinfoLength) {
    auto attributes = parse_attributes(message.subspan(kHeaderLength + kIfinfoLength));
    const Attribute* ifname = attributes ? find_attribute(*attributes, IFLA_IFNAME) : nullptr;
    if (ifname != nullptr) name = attribute_string(*ifname);
  }
  const bool up = (*flags & IFF_UP) != 0 && (*flags & IFF_RUNNING) != 0;
  auto [it, inserted] = links_.try_emplace(*index);
  Link& link = it->second;
  if (!name.empty()) link.name = name;
  link.seen = true;
  const bool changed = inserted ? up : link.up != up;
  link.up = up;
  if (changed && !quiet_) report(link.name, up);
}

void LinkWatcher::report(const std::string& name, bool up) {
  api::Event event;
  event.time_ns = realtime_ns();
  event.source = api::EventSource::link;
  event.kind = up ? "link.up" : "link.down";
  event.attrs["interface"] = name;
  pending_.push_back(std::move(event));
}

void LinkWatcher::wait() {
  descriptor_.async_wait(boost::asio::posix::stream_descriptor::wait_read,
                         [self = shared_from_this()](const boost::system::error_code& error) {
                           self->on_readable(error);
                         });
}

void LinkWatcher::on_readable(const boost::system::error_code& error) {
  if (stopped_ || error == boost::asio::error::operation_aborted) return;
  for (;;) {
    int result = nl_recvmsgs_default(socket_.get());
    if (result >= 0) continue;
    if (result == -NLE_AGAIN) break;
    // The kernel dropped notifications (ENOBUFS, which libnl calls NLE_NOMEM) or the read
    // failed: read the whole state again; what changed meanwhile becomes events.
    if (!read_dump(/*quiet=*/false)) stopped_ = true;
    break;
  }
  std::vector<api::Event> events = std::move(pending_);
  pending_.clear();
  for (api::Event& event : events) {
    if (stopped_) return;  // the handler may stop the watch
    handler_(std::move(event));
  }
  if (!stopped_) wait();
}

void LinkWatcher::stop() {
  if (stopped_) return;
  stopped_ = true;
  boost::system::error_code ignored;
  descriptor_.close(ignored);
}

WatchLease::WatchLease(std::shared_ptr<LinkWatcher> watcher, std::string where)
    : watcher_(std::move(watcher)), where_(std::move(where)) {}

api::Result<bool> WatchLease::release() {
  if (watcher_) watcher_->stop();
  watcher_.reset();
  return true;
}

}  // namespace phonerig::netlink
