// DHCP options (RFC 2132) as the ordered list of raw instances a message carried, with
// typed accessors and setters for the options a Cisco phone's boot uses.
//
// Raw first, typed on demand: parse() only checks the option framing (code, length, value
// within its field), so a message with, say, a bad option 150 still parses and the service
// decides what to do; the typed accessor then reports "option 150: length 9 is not a
// multiple of 4" at the offset of that option. Every instance is kept, in wire order, with
// Pad options and unknown codes, so build(parse(b)) gives back the same bytes.
//
// RFC 3396: an option may appear several times (split because it is longer than 255 bytes,
// or spread over the fields option 52 overloads); its value is the concatenation of every
// instance in the aggregate order: options field, then file, then sname. The accessors
// read that concatenation, the setters split long values into 255-byte instances.
#pragma once

#include "drivers/wire/address.hpp"
#include "drivers/wire/bytes.hpp"
#include "drivers/wire/dhcp_relay_agent.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace phonerig::wire::dhcp {

// Option codes: RFC 2132 sections 3-9, RFC 3046 (82), RFC 5859 (150).
namespace option {
inline constexpr std::uint8_t kPad = 0;
inline constexpr std::uint8_t kSubnetMask = 1;
inline constexpr std::uint8_t kRouter = 3;
inline constexpr std::uint8_t kDnsServer = 6;
inline constexpr std::uint8_t kHostName = 12;
inline constexpr std::uint8_t kDomainName = 15;
inline constexpr std::uint8_t kNtpServer = 42;
inline constexpr std::uint8_t kVendorSpecific = 43;
inline constexpr std::uint8_t kRequestedIp = 50;
inline constexpr std::uint8_t kLeaseTime = 51;
inline constexpr std::uint8_t kOverload = 52;
inline constexpr std::uint8_t kMessageType = 53;
inline constexpr std::uint8_t kServerId = 54;
inline constexpr std::uint8_t kParameterRequestList = 55;
inline constexpr std::uint8_t kMaxMessageSize = 57;
inline constexpr std::uint8_t kRenewalTime = 58;   // T1
inline constexpr std::uint8_t kRebindingTime = 59; // T2
inline constexpr std::uint8_t kVendorClass = 60;
inline constexpr std::uint8_t kClientId = 61;
inline constexpr std::uint8_t kTftpServerName = 66;
inline constexpr std::uint8_t kBootfileName = 67;
inline constexpr std::uint8_t kRelayAgentInfo = 82;
inline constexpr std::uint8_t kTftpServerAddress = 150;
inline constexpr std::uint8_t kEnd = 255;
} // namespace option

// Where the options begin in a message (after the 236-byte header and the magic cookie);
// a missing option is reported at this offset.
inline constexpr std::size_t kOptionsOffset = 240;
// RFC 2132 section 9.10: the smallest maximum message size a client may announce.
inline constexpr std::uint16_t kMinMaxMessageSize = 576;

// Option 53, RFC 2132 section 9.6.
enum class MessageType : std::uint8_t {
  discover = 1,
  offer = 2,
  request = 3,
  decline = 4,
  ack = 5,
  nak = 6,
  release = 7,
  inform = 8,
};
const char* to_string(MessageType type); // "DISCOVER", "OFFER", ...

// Which header fields option 52 gives over to options (RFC 2132 section 9.3).
enum class Overload : std::uint8_t { none = 0, file = 1, sname = 2, both = 3 };

// Where an option instance sits: the options field, or the file / sname header fields
// when option 52 overloads them.
enum class Area : std::uint8_t { options, file, sname };

// One option instance as it was on the wire.
struct Option {
  std::uint8_t code = 0; // 0 is Pad: one byte, no length, no data
  ByteVector data;       // this instance's value, at most 255 bytes
  Area area = Area::options;
  std::size_t offset = 0; // of the code byte in the parsed buffer; for errors, not compared

  bool operator==(const Option& other) const {
    return code == other.code && data == other.data && area == other.area;
  }
};

// Option 61, RFC 2132 section 9.14: a type (1 = Ethernet, as htype) and the identifier.
struct ClientId {
  std::uint8_t type = 1;
  ByteVector id;
  bool operator==(const ClientId&) const = default;
};

class Options {
public:
  // Every instance in aggregate order: options field, then file, then sname. Keep that
  // order when editing by hand; build() writes each area's instances in list order.
  std::vector<Option>& items() { return items_; }
  const std::vector<Option>& items() const { return items_; }

  bool has(std::uint8_t code) const;
  // The value of `code`: all its instances concatenated (RFC 3396); nullopt when absent.
  std::optional<ByteVector> get(std::uint8_t code) const;
  // Replaces every instance of `code` by `data`, split into 255-byte instances (RFC 3396),
  // where the first instance was (same field), else at the end of the options field.
  // Throws std::invalid_argument for Pad and End, which carry no value.
  void set(std::uint8_t code, Bytes data);
  void remove(std::uint8_t code);
  // Reorders for a reply: 53 first, then the codes of the client's parameter request list
  // in its order (RFC 2132 section 9.8: the server "MUST try to insert the requested
  // options in the order requested"), then the rest as they were. Pad instances are
  // dropped; End is always written last by build(). Each field keeps its own instances.
  void order_options(std::span<const std::uint8_t> parameter_request_list);

  // Typed accessors. Absent options are nullopt (or an empty list); a value of the wrong
  // shape is an error naming the option, at the offset of its first instance.
  ParseResult<MessageType> message_type() const; // absent: error, at kOptionsOffset
  ParseResult<Overload> overload() const;        // absent: Overload::none
  ParseResult<std::optional<Ipv4>> subnet_mask() const;
  ParseResult<std::vector<Ipv4>> routers() const;
  ParseResult<std::vector<Ipv4>> dns_servers() const;
  ParseResult<std::vector<Ipv4>> ntp_servers() const;
  ParseResult<std::vector<Ipv4>> tftp_server_addresses() const; // 150, preference order
  // Strings lose their trailing NULs (RFC 2132 section 2: the receiver "MUST be prepared
  // to delete trailing nulls"); 79xx phones send option 60 with one.
  ParseResult<std::optional<std::string>> host_name() const;
  ParseResult<std::optional<std::string>> domain_name() const;
  ParseResult<std::optional<std::string>> vendor_class() const;
  ParseResult<std::optional<std::string>> tftp_server_name() const;
  ParseResult<std::optional<std::string>> bootfile_name() const;
  std::optional<ByteVector> vendor_specific() const; // 43, opaque
  ParseResult<std::optional<Ipv4>> requested_ip() const;
  ParseResult<std::optional<Ipv4>> server_id() const;
  ParseResult<std::optional<std::uint32_t>> lease_time() const; // 0xffffffff: infinite
  ParseResult<std::optional<std::uint32_t>> renewal_time() const;
  ParseResult<std::optional<std::uint32_t>> rebinding_time() const;
  ParseResult<std::vector<std::uint8_t>> parameter_request_list() const;
  ParseResult<std::optional<std::uint16_t>> max_message_size() const;
  ParseResult<std::optional<ClientId>> client_id() const;
  ParseResult<std::optional<RelayAgentInfo>> relay_agent_info() const;

  // Typed setters (each replaces the option, see set()). Values an accessor would reject
  // (an empty address list, an empty string, a max size below 576) are programmer errors
  // and throw std::invalid_argument.
  void set_message_type(MessageType type);
  void set_overload(Overload overload); // none: removes option 52
  void set_subnet_mask(Ipv4 mask);
  void set_routers(std::span<const Ipv4> routers);
  void set_dns_servers(std::span<const Ipv4> servers);
  void set_ntp_servers(std::span<const Ipv4> servers);
  void set_tftp_server_addresses(std::span<const Ipv4> servers);
  void set_host_name(std::string_view name);
  void set_domain_name(std::string_view name);
  void set_vendor_class(std::string_view vendor_class); // sent as given, NUL included
  void set_tftp_server_name(std::string_view name);
  void set_bootfile_name(std::string_view name);
  void set_vendor_specific(Bytes data);
  void set_requested_ip(Ipv4 address);
  void set_server_id(Ipv4 address);
  void set_lease_time(std::uint32_t seconds);
  void set_renewal_time(std::uint32_t seconds);
  void set_rebinding_time(std::uint32_t seconds);
  void set_parameter_request_list(std::span<const std::uint8_t> codes);
  void set_max_message_size(std::uint16_t size);
  void set_client_id(const ClientId& id);
  void set_relay_agent_info(const RelayAgentInfo& info);

  bool operator==(const Options&) const = default;

private:
  std::vector<Option> items_;
};

} // namespace phonerig::wire::dhcp
