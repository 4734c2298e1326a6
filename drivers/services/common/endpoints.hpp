// Socket endpoints as events name them.
#pragma once

#include <cstdint>

#include <boost/asio/ip/address.hpp>

#include "drivers/api/event.hpp"
#include "drivers/wire/address.hpp"

namespace phonerig::services {

// The IPv4 address of a socket endpoint; 0.0.0.0 for anything else (the services bind
// IPv4 sockets only).
inline wire::Ipv4 to_ipv4(const boost::asio::ip::address& address) {
  return address.is_v4() ? wire::Ipv4{address.to_v4().to_uint()} : wire::Ipv4::any();
}

// src, src_port, dst, dst_port of a packet event, from Asio endpoints (TCP or UDP).
template <class Endpoint>
void set_endpoint_attrs(api::Event& event, const Endpoint& src, const Endpoint& dst) {
  event.attrs["src"] = to_ipv4(src.address());
  event.attrs["src_port"] = static_cast<std::int64_t>(src.port());
  event.attrs["dst"] = to_ipv4(dst.address());
  event.attrs["dst_port"] = static_cast<std::int64_t>(dst.port());
}

}  // namespace phonerig::services
