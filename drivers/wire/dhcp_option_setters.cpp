// Typed setters of the DHCP option list (RFC 2132 formats, RFC 3046, RFC 5859).
#include "drivers/wire/dhcp_options.hpp"

#include <stdexcept>
#include <string>

namespace phonerig::wire::dhcp {

namespace {

[[noreturn]] void reject(std::uint8_t code, const std::string& why) {
  throw std::invalid_argument("dhcp option " + std::to_string(code) + ": " + why);
}

ByteVector u32_bytes(std::uint32_t v) {
  ByteWriter writer;
  writer.u32(v);
  return writer.take();
}

void set_address(Options& options, std::uint8_t code, Ipv4 address) {
  auto bytes = address.to_bytes();
  options.set(code, bytes);
}

void set_address_list(Options& options, std::uint8_t code, std::span<const Ipv4> addresses) {
  if (addresses.empty()) reject(code, "needs at least one address");
  ByteWriter writer;
  for (Ipv4 address : addresses)
    write_ipv4(writer, address);
  options.set(code, writer.view());
}

void set_text(Options& options, std::uint8_t code, std::string_view text) {
  if (text.empty()) reject(code, "needs at least one character");
  options.set(code, as_bytes(text));
}

} // namespace

void Options::set_message_type(MessageType type) {
  const std::uint8_t value[] = {static_cast<std::uint8_t>(type)};
  set(option::kMessageType, value);
}

void Options::set_overload(Overload overload) {
  if (overload == Overload::none) {
    remove(option::kOverload);
    return;
  }
  const std::uint8_t value[] = {static_cast<std::uint8_t>(overload)};
  set(option::kOverload, value);
}

void Options::set_subnet_mask(Ipv4 mask) {
  set_address(*this, option::kSubnetMask, mask);
}
void Options::set_routers(std::span<const Ipv4> routers) {
  set_address_list(*this, option::kRouter, routers);
}
void Options::set_dns_servers(std::span<const Ipv4> servers) {
  set_address_list(*this, option::kDnsServer, servers);
}
void Options::set_ntp_servers(std::span<const Ipv4> servers) {
  set_address_list(*this, option::kNtpServer, servers);
}
void Options::set_tftp_server_addresses(std::span<const Ipv4> servers) {
  set_address_list(*this, option::kTftpServerAddress, servers);
}
void Options::set_host_name(std::string_view name) {
  set_text(*this, option::kHostName, name);
}
void Options::set_domain_name(std::string_view name) {
  set_text(*this, option::kDomainName, name);
}
void Options::set_vendor_class(std::string_view vendor_class) {
  set_text(*this, option::kVendorClass, vendor_class);
}
void Options::set_tftp_server_name(std::string_view name) {
  set_text(*this, option::kTftpServerName, name);
}
void Options::set_bootfile_name(std::string_view name) {
  set_text(*this, option::kBootfileName, name);
}
void Options::set_vendor_specific(Bytes data) {
  set(option::kVendorSpecific, data);
}
void Options::set_requested_ip(Ipv4 address) {
  set_address(*this, option::kRequestedIp, address);
}
void Options::set_server_id(Ipv4 address) {
  set_address(*this, option::kServerId, address);
}
void Options::set_lease_time(std::uint32_t seconds) {
  set(option::kLeaseTime, u32_bytes(seconds));
}
void Options::set_renewal_time(std::uint32_t seconds) {
  set(option::kRenewalTime, u32_bytes(seconds));
}
void Options::set_rebinding_time(std::uint32_t seconds) {
  set(option::kRebindingTime, u32_bytes(seconds));
}

void Options::set_parameter_request_list(std::span<const std::uint8_t> codes) {
  if (codes.empty()) reject(option::kParameterRequestList, "needs at least one code");
  set(option::kParameterRequestList, codes);
}

void Options::set_max_message_size(std::uint16_t size) {
  if (size < kMinMaxMessageSize) {
    reject(option::kMaxMessageSize, std::to_string(size) + " is below the minimum of 576");
  }
  ByteWriter writer;
  writer.u16(size);
  set(option::kMaxMessageSize, writer.view());
}

void Options::set_client_id(const ClientId& id) {
  if (id.id.empty()) reject(option::kClientId, "needs an identifier after the type");
  ByteWriter writer;
  writer.u8(id.type).bytes(id.id);
  set(option::kClientId, writer.view());
}

void Options::set_relay_agent_info(const RelayAgentInfo& info) {
  set(option::kRelayAgentInfo, build_relay_agent_info(info));
}

} // namespace phonerig::wire::dhcp
