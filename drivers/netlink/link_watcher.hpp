// Link changes (RTNLGRP_LINK notifications) of one namespace as events link.up and
// link.down, delivered on an Asio executor: a phone's port coming up is evidence for its
// boot step (DESIGN.md, "The registration sequence", step 2). The socket is read through a
// posix::stream_descriptor on a duplicate of its fd, so Asio never closes libnl's own.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "drivers/api/event.hpp"
#include "drivers/api/link_control.hpp"
#include "drivers/api/result.hpp"
#include "drivers/netlink/route_socket.hpp"

namespace phonerig::netlink {

class LinkWatcher : public std::enable_shared_from_this<LinkWatcher> {
 public:
  using Handler = api::LinkControl::EventHandler;

  // Subscribes in the namespace `netns_fd` refers to, takes the links there as they are now
  // (no events for them), then reports every change on `executor`. `where` ends errors.
  static api::Result<std::shared_ptr<LinkWatcher>> start(boost::asio::any_io_executor executor,
                                                         int netns_fd, std::string where,
                                                         Handler handler);

  // Stops reporting; call it on the executor's thread. Safe from within the handler.
  void stop();
  bool stopped() const { return stopped_; }

  LinkWatcher(boost::asio::any_io_executor executor, RouteSocket socket, std::string where,
              Handler handler);

  struct Link {
    std::string name;
    bool up = false;
    bool seen = false;  // in the dump being read (a resync)
  };

  // libnl's callbacks: one rtnetlink message; the end of a dump.
  void on_message(std::span<const std::uint8_t> message);
  void on_dump_done() { dump_done_ = true; }

 private:
  api::Result<bool> read_dump(bool quiet);
  void wait();
  void on_readable(const boost::system::error_code& error);
  void report(const std::string& name, bool up);

  RouteSocket socket_;
  boost::asio::posix::stream_descriptor descriptor_;
  std::string where_;
  Handler handler_;
  std::map<int, Link> links_;       // by ifindex
  std::vector<api::Event> pending_;  // read, not yet handed over
  bool quiet_ = true;                // taking the state as it is: no events
  bool dump_done_ = false;
  bool stopped_ = false;
};

// A lease on a watch: releasing it stops the watch.
class WatchLease final : public api::Lease::Held {
 public:
  explicit WatchLease(std::shared_ptr<LinkWatcher> watcher, std::string where);
  const std::string& name() const override { return name_; }
  std::string describe() const override { return name_ + where_; }
  api::Result<bool> release() override;

 private:
  std::shared_ptr<LinkWatcher> watcher_;
  std::string name_ = "link watch";
  std::string where_;
};

}  // namespace phonerig::netlink
