// libFuzzer target for the DHCP codec: parse any UDP payload; when it parses, every typed
// accessor must return (value or error, never crash), build must give back the input byte
// for byte (parse keeps everything), the rebuilt message must parse to the same Message,
// and a reply-ordered copy must still build and parse.
#include <cstddef>
#include <cstdint>

#include "drivers/wire/dhcp.hpp"

namespace dhcp = phonerig::wire::dhcp;
using phonerig::wire::ByteVector;
using phonerig::wire::Bytes;

namespace {

void read_every_option(const dhcp::Options& o) {
  (void)o.message_type();
  (void)o.overload();
  (void)o.subnet_mask();
  (void)o.routers();
  (void)o.dns_servers();
  (void)o.ntp_servers();
  (void)o.tftp_server_addresses();
  (void)o.host_name();
  (void)o.domain_name();
  (void)o.vendor_class();
  (void)o.tftp_server_name();
  (void)o.bootfile_name();
  (void)o.vendor_specific();
  (void)o.requested_ip();
  (void)o.server_id();
  (void)o.lease_time();
  (void)o.renewal_time();
  (void)o.rebinding_time();
  (void)o.parameter_request_list();
  (void)o.max_message_size();
  (void)o.client_id();
  auto relay = o.relay_agent_info();
  if (relay && *relay) {
    ByteVector value = dhcp::build_relay_agent_info(**relay);
    if (value != *o.get(dhcp::option::kRelayAgentInfo)) __builtin_trap();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const Bytes input(data, size);
  auto parsed = dhcp::parse(input);
  if (!parsed) return 0;
  read_every_option(parsed->options);
  (void)parsed->mac();
  (void)parsed->server_name();
  (void)parsed->boot_file();

  const ByteVector built = dhcp::build(*parsed);
  if (built != ByteVector(input.begin(), input.end())) __builtin_trap();
  auto again = dhcp::parse(built);
  if (!again || !(*again == *parsed)) __builtin_trap();

  dhcp::Message reply = *parsed;
  auto requested = parsed->options.parameter_request_list();
  if (requested) reply.options.order_options(*requested);
  if (!dhcp::parse(dhcp::build(reply))) __builtin_trap();
  return 0;
}
