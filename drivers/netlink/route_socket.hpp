// A libnl NETLINK_ROUTE socket with one owner, and the errors of what is sent on it. libnl
// turns the kernel's errno into its own codes, which lose it (EOPNOTSUPP and ENOENT both
// matter here), so an error callback keeps the errno and the kernel's extended-ack text.
//
// A netlink socket belongs to the namespace it was opened in, for its whole life.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "drivers/api/result.hpp"

struct nl_sock;

namespace phonerig::netlink {

class RouteSocket {
 public:
  // Opens and connects a socket in the calling thread's current namespace.
  static api::Result<RouteSocket> open();

  RouteSocket(RouteSocket&&) noexcept;
  RouteSocket& operator=(RouteSocket&&) noexcept;
  ~RouteSocket();

  nl_sock* get() const;

  // Runs one libnl call that sends a request and waits for its answer (rtnl_link_add...).
  // `request` returns libnl's result: negative is a failure, told with errno when the kernel
  // gave one.
  template <class Request>
  api::Result<bool> run(std::string_view operation, std::string_view object, Request&& request) {
    clear();
    int result = request(get());
    if (result < 0) return wire::unexpected(error(operation, object, result));
    return true;
  }

  // Sends a request built as bytes (MessageBuilder) and waits for the kernel's ack.
  api::Result<bool> send(std::span<const std::uint8_t> message, std::string_view operation,
                         std::string_view object);

  // The ifindex of a link in this socket's namespace; ENODEV when there is none. `where`
  // ends the error's object (" in netns 'NAME'").
  api::Result<int> link_index(std::string_view name, std::string_view where = {});

  struct Owner;  // the libnl socket and the last kernel error seen on it

 private:
  explicit RouteSocket(std::unique_ptr<Owner> owner);
  void clear();
  api::Error error(std::string_view operation, std::string_view object, int nl_result) const;

  std::unique_ptr<Owner> owner_;
};

}  // namespace phonerig::netlink
