#include "drivers/services/dhcp/reply.hpp"

#include <string>
#include <vector>

namespace phonerig::services::dhcp {

namespace d = wire::dhcp;
namespace opt = wire::dhcp::option;

const char* to_string(Delivery delivery) {
  switch (delivery) {
  case Delivery::udp: return "udp";
  case Delivery::broadcast: return "broadcast";
  case Delivery::link_unicast: return "link_unicast";
  }
  return "?";
}

Destination destination_of(const d::Message& request, d::MessageType reply, wire::Ipv4 yiaddr,
                           wire::Ipv4 source) {
  Destination to;
  if (!request.giaddr.is_zero()) {
    to.delivery = Delivery::udp;
    to.address = request.giaddr;
    to.port = d::kServerPort; // RFC 2131 section 4.1: "to the 'DHCP server' port"
    return to;
  }
  if (reply == d::MessageType::nak) return to; // broadcast
  if (!request.ciaddr.is_zero()) {
    to.delivery = Delivery::udp;
    to.address = request.ciaddr;
    return to;
  }
  if (yiaddr.is_zero()) { // INFORM without ciaddr: answer where it came from
    if (!source.is_zero()) {
      to.delivery = Delivery::udp;
      to.address = source;
    }
    return to;
  }
  if (request.broadcast()) return to;
  const auto mac = request.mac();
  if (!mac) return to; // not Ethernet: no frame can be addressed to it
  to.delivery = Delivery::link_unicast;
  to.address = yiaddr;
  to.mac = *mac;
  return to;
}

namespace {

d::Message reply_header(const Config& config, const d::Message& request, d::MessageType type) {
  d::Message reply;
  reply.op = d::Op::reply;
  reply.htype = request.htype;
  reply.hlen = request.hlen;
  reply.xid = request.xid;
  reply.flags = request.flags; // RFC 2131 table 3: 'flags' from the client message
  reply.giaddr = request.giaddr;
  reply.chaddr = request.chaddr;
  reply.options.set_message_type(type);
  reply.options.set_server_id(config.server_address);
  return reply;
}

void echo_client_options(const d::Message& request, d::Message& reply) {
  if (auto id = request.options.get(opt::kClientId)) reply.options.set(opt::kClientId, *id);
  if (auto info = request.options.get(opt::kRelayAgentInfo)) {
    reply.options.set(opt::kRelayAgentInfo, *info);
  }
}

} // namespace

d::Message make_reply(const Config& config, const d::Message& request, d::MessageType type,
                      wire::Ipv4 yiaddr, bool with_lease, std::string_view hostname) {
  d::Message reply = reply_header(config, request, type);
  reply.yiaddr = yiaddr;
  // RFC 2131 table 3: ciaddr is 0 in an OFFER, the client's in an ACK.
  if (type == d::MessageType::ack) reply.ciaddr = request.ciaddr;
  d::Options& o = reply.options;
  if (with_lease) {
    const std::uint32_t lease = config.lease_time_s;
    o.set_lease_time(lease);
    if (lease != 0xffffffffu) { // RFC 2131 section 4.4.5 defaults
      o.set_renewal_time(config.renewal_time_s.value_or(lease / 2));
      o.set_rebinding_time(config.rebinding_time_s.value_or(
          static_cast<std::uint32_t>(static_cast<std::uint64_t>(lease) * 7 / 8)));
    }
  }
  o.set_subnet_mask(config.subnet_mask);
  if (!config.routers.empty()) o.set_routers(config.routers);
  if (!config.dns_servers.empty()) o.set_dns_servers(config.dns_servers);
  if (!hostname.empty()) o.set_host_name(hostname);
  if (!config.domain.empty()) o.set_domain_name(config.domain);
  if (!config.tftp_server_name.empty()) o.set_tftp_server_name(config.tftp_server_name);
  if (!config.tftp_servers.empty()) o.set_tftp_server_addresses(config.tftp_servers);
  for (const auto& [code, value] : config.extra_options)
    o.set(code, value);
  echo_client_options(request, reply);
  if (auto prl = request.options.parameter_request_list(); prl && !prl->empty()) {
    o.order_options(*prl);
  }
  return reply;
}

d::Message make_nak(const Config& config, const d::Message& request, std::string_view reason) {
  d::Message reply = reply_header(config, request, d::MessageType::nak);
  constexpr std::uint8_t kMessage = 56; // RFC 2132 section 9.9
  const std::string text(reason.substr(0, 255));
  reply.options.set(kMessage,
                    wire::Bytes(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
  echo_client_options(request, reply);
  return reply;
}

namespace {

api::AttrList address_list(const std::vector<wire::Ipv4>& addresses) {
  api::AttrList out;
  out.reserve(addresses.size());
  for (const auto& a : addresses)
    out.push_back(a.to_string());
  return out;
}

api::Event message_event(const d::Message& m, d::MessageType type, std::int64_t now_ns) {
  api::Event e;
  e.time_ns = now_ns;
  e.source = api::EventSource::service;
  std::string kind = "dhcp.";
  for (const char* c = d::to_string(type); *c != '\0'; ++c) {
    kind += static_cast<char>(*c >= 'A' && *c <= 'Z' ? *c - 'A' + 'a' : *c);
  }
  e.kind = std::move(kind);
  wire::Mac chaddr = wire::Mac::from_bytes(wire::Bytes(m.chaddr.data(), 6));
  if (auto mac = m.mac()) e.phone = *mac;
  e.attrs["xid"] = static_cast<std::int64_t>(m.xid);
  e.attrs["chaddr"] = chaddr;
  if (!m.ciaddr.is_zero()) e.attrs["ciaddr"] = m.ciaddr;
  if (!m.yiaddr.is_zero()) e.attrs["yiaddr"] = m.yiaddr;
  if (!m.giaddr.is_zero()) e.attrs["giaddr"] = m.giaddr;
  const d::Options& o = m.options;
  if (auto v = o.server_id(); v && *v) e.attrs["server_id"] = **v;
  if (auto v = o.requested_ip(); v && *v) e.attrs["requested_ip"] = **v;
  if (auto v = o.lease_time(); v && *v) e.attrs["lease_s"] = static_cast<std::int64_t>(**v);
  if (auto v = o.vendor_class(); v && *v) e.attrs["vendor_class"] = **v;
  if (auto v = o.parameter_request_list(); v && !v->empty()) {
    api::AttrList codes;
    for (auto code : *v)
      codes.push_back(std::to_string(code));
    e.attrs["parameter_request_list"] = std::move(codes);
  }
  if (auto v = o.tftp_server_addresses(); v && !v->empty()) {
    e.attrs["tftp_servers"] = address_list(*v);
  }
  if (auto v = o.tftp_server_name(); v && *v) e.attrs["tftp_server_name"] = **v;
  if (auto v = o.routers(); v && !v->empty()) e.attrs["routers"] = address_list(*v);
  if (auto v = o.subnet_mask(); v && *v) e.attrs["subnet_mask"] = **v;
  if (auto v = o.get(56)) e.attrs["message"] = std::string(v->begin(), v->end());
  api::AttrList codes;
  for (const auto& item : o.items()) {
    if (item.code != opt::kPad) codes.push_back(std::to_string(item.code));
  }
  e.attrs["options"] = std::move(codes);
  return e;
}

} // namespace

api::Event received_event(const d::Message& message, d::MessageType type, wire::Ipv4 source,
                          std::uint16_t source_port, std::uint16_t server_port,
                          std::int64_t now_ns) {
  api::Event e = message_event(message, type, now_ns);
  e.attrs["src"] = source;
  e.attrs["src_port"] = static_cast<std::int64_t>(source_port);
  e.attrs["dst_port"] = static_cast<std::int64_t>(server_port);
  return e;
}

api::Event sent_event(const d::Message& message, d::MessageType type, wire::Ipv4 server,
                      std::uint16_t server_port, const Destination& to, std::int64_t now_ns) {
  api::Event e = message_event(message, type, now_ns);
  e.attrs["src"] = server;
  e.attrs["src_port"] = static_cast<std::int64_t>(server_port);
  e.attrs["dst"] = to.address;
  e.attrs["dst_port"] = static_cast<std::int64_t>(to.port);
  if (to.delivery == Delivery::link_unicast) e.attrs["dst_mac"] = to.mac;
  return e;
}

} // namespace phonerig::services::dhcp
