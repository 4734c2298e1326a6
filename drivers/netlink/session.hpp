// What it takes to act in one network namespace: a route socket, a socket for the ethtool
// ioctl, and an fd on the namespace itself (for TAP devices and IFLA_NET_NS_FD). All three
// are opened inside the namespace and stay bound to it; while a session lives, so does its
// namespace, even after its name is removed.
#pragma once

#include <memory>
#include <string>

#include "drivers/api/result.hpp"
#include "drivers/netlink/route_socket.hpp"
#include "drivers/netlink/unique_fd.hpp"

namespace phonerig::netlink {

class Session {
 public:
  // `netns` is a name under /run/netns; empty means the calling thread's own namespace.
  static api::Result<std::shared_ptr<Session>> open(std::string netns);

  RouteSocket& route() { return route_; }
  int ioctl_fd() const { return ioctl_.get(); }
  int netns_fd() const { return netns_.get(); }
  const std::string& netns() const { return name_; }
  // " in netns 'NAME'", or "" for the caller's own namespace: the tail of error objects.
  std::string where() const;

  Session(RouteSocket route, UniqueFd ioctl, UniqueFd netns, std::string name)
      : route_(std::move(route)),
        ioctl_(std::move(ioctl)),
        netns_(std::move(netns)),
        name_(std::move(name)) {}

 private:
  RouteSocket route_;
  UniqueFd ioctl_;
  UniqueFd netns_;
  std::string name_;
};

// " in netns 'NAME'" or "".
std::string in_netns(const std::string& netns);

}  // namespace phonerig::netlink
