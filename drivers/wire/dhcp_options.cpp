// The option list and its typed accessors (RFC 2132, RFC 3396). Setters: dhcp_option_setters.cpp.
#include "drivers/wire/dhcp_options.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <utility>

namespace phonerig::wire::dhcp {

namespace {

// The value of one option across its instances (RFC 3396), and where each piece came
// from, so an error inside the value names an absolute offset.
struct Gathered {
  ByteVector bytes;
  std::size_t offset = 0;                                  // code byte of the first instance
  std::vector<std::pair<std::size_t, std::size_t>> pieces; // (position in bytes, data offset)

  std::size_t absolute(std::size_t position) const {
    std::size_t result = offset;
    for (const auto& [start, data_offset] : pieces) {
      if (start > position) break;
      result = data_offset + (position - start);
    }
    return result;
  }
};

std::optional<Gathered> gather(const std::vector<Option>& items, std::uint8_t code) {
  std::optional<Gathered> out;
  for (const auto& item : items) {
    if (item.code != code) continue;
    if (!out) {
      out.emplace();
      out->offset = item.offset;
    }
    out->pieces.emplace_back(out->bytes.size(), item.offset + 2);
    out->bytes.insert(out->bytes.end(), item.data.begin(), item.data.end());
  }
  return out;
}

std::string label(std::uint8_t code) {
  return "option " + std::to_string(code);
}

Unexpected<ParseError> bad(const Gathered& value, std::uint8_t code, const std::string& what) {
  return parse_error(value.offset, label(code) + ": " + what);
}

std::string length_text(const Gathered& value) {
  return "length " + std::to_string(value.bytes.size());
}

// A fixed-size value (RFC 2132 gives each such option one length).
ParseResult<std::optional<Gathered>> fixed(const std::vector<Option>& items, std::uint8_t code,
                                           std::size_t size) {
  auto value = gather(items, code);
  if (!value) return std::optional<Gathered>{};
  if (value->bytes.size() != size) {
    return bad(*value, code, length_text(*value) + ", must be " + std::to_string(size));
  }
  return value;
}

ParseResult<std::optional<Ipv4>> address(const std::vector<Option>& items, std::uint8_t code) {
  PHONERIG_TRY(auto value, fixed(items, code, 4));
  if (!value) return std::optional<Ipv4>{};
  return std::optional<Ipv4>(Ipv4::from_bytes(value->bytes));
}

std::uint32_t read_u32(const ByteVector& bytes) {
  return (std::uint32_t{bytes[0]} << 24) | (std::uint32_t{bytes[1]} << 16) |
         (std::uint32_t{bytes[2]} << 8) | std::uint32_t{bytes[3]};
}

ParseResult<std::optional<std::uint32_t>> seconds(const std::vector<Option>& items,
                                                  std::uint8_t code) {
  PHONERIG_TRY(auto value, fixed(items, code, 4));
  if (!value) return std::optional<std::uint32_t>{};
  return std::optional<std::uint32_t>(read_u32(value->bytes));
}

// n x 4 bytes, n >= 1 (RFC 2132 sections 3.5, 3.8, 8.3; RFC 5859 section 3 for 150).
ParseResult<std::vector<Ipv4>> address_list(const std::vector<Option>& items, std::uint8_t code) {
  auto value = gather(items, code);
  std::vector<Ipv4> out;
  if (!value) return out;
  if (value->bytes.empty()) return bad(*value, code, "length 0, needs at least one address");
  if (value->bytes.size() % 4 != 0) {
    return bad(*value, code, length_text(*value) + " is not a multiple of 4");
  }
  Bytes all(value->bytes);
  for (std::size_t i = 0; i < all.size(); i += 4)
    out.push_back(Ipv4::from_bytes(all.subspan(i, 4)));
  return out;
}

// NVT ASCII, length >= 1, trailing NULs deleted (RFC 2132 section 2).
ParseResult<std::optional<std::string>> text(const std::vector<Option>& items, std::uint8_t code) {
  auto value = gather(items, code);
  if (!value) return std::optional<std::string>{};
  if (value->bytes.empty()) return bad(*value, code, "length 0, needs at least 1");
  std::string out(as_string_view(value->bytes));
  while (!out.empty() && out.back() == '\0')
    out.pop_back();
  return std::optional<std::string>(std::move(out));
}

} // namespace

const char* to_string(MessageType type) {
  switch (type) {
  case MessageType::discover: return "DISCOVER";
  case MessageType::offer: return "OFFER";
  case MessageType::request: return "REQUEST";
  case MessageType::decline: return "DECLINE";
  case MessageType::ack: return "ACK";
  case MessageType::nak: return "NAK";
  case MessageType::release: return "RELEASE";
  case MessageType::inform: return "INFORM";
  }
  return "UNKNOWN";
}

bool Options::has(std::uint8_t code) const {
  return std::any_of(items_.begin(), items_.end(),
                     [code](const Option& item) { return item.code == code; });
}

std::optional<ByteVector> Options::get(std::uint8_t code) const {
  auto value = gather(items_, code);
  if (!value) return std::nullopt;
  return std::move(value->bytes);
}

void Options::set(std::uint8_t code, Bytes value) {
  if (code == option::kPad || code == option::kEnd) {
    throw std::invalid_argument("dhcp: option " + std::to_string(code) + " carries no value");
  }
  const ByteVector copy(value.begin(), value.end()); // `value` may view one of our items
  const Bytes data(copy);
  auto first = std::find_if(items_.begin(), items_.end(),
                            [code](const Option& item) { return item.code == code; });
  Area area = Area::options;
  std::size_t position = 0;
  if (first != items_.end()) {
    area = first->area;
    position = static_cast<std::size_t>(first - items_.begin());
  } else {
    auto after = std::find_if(items_.begin(), items_.end(),
                              [](const Option& item) { return item.area != Area::options; });
    position = static_cast<std::size_t>(after - items_.begin());
  }
  remove(code); // every instance sits at or after `position`
  std::vector<Option> pieces;
  std::size_t done = 0;
  do { // RFC 3396: at most 255 bytes per instance; an empty value is one empty instance
    std::size_t size = std::min<std::size_t>(255, data.size() - done);
    auto chunk = data.subspan(done, size);
    pieces.push_back(Option{code, ByteVector(chunk.begin(), chunk.end()), area, 0});
    done += size;
  } while (done < data.size());
  items_.insert(items_.begin() + static_cast<std::ptrdiff_t>(position), pieces.begin(),
                pieces.end());
}

void Options::remove(std::uint8_t code) {
  std::erase_if(items_, [code](const Option& item) { return item.code == code; });
}

void Options::order_options(std::span<const std::uint8_t> parameter_request_list) {
  std::erase_if(items_, [](const Option& item) { return item.code == option::kPad; });
  const std::size_t unrequested = parameter_request_list.size() + 1;
  auto rank = [&](const Option& item) -> std::size_t {
    if (item.code == option::kMessageType) return 0;
    auto it = std::find(parameter_request_list.begin(), parameter_request_list.end(), item.code);
    if (it != parameter_request_list.end()) {
      return 1 + static_cast<std::size_t>(it - parameter_request_list.begin());
    }
    return unrequested;
  };
  std::stable_sort(items_.begin(), items_.end(), [&](const Option& a, const Option& b) {
    if (a.area != b.area) return a.area < b.area;
    return rank(a) < rank(b);
  });
}

ParseResult<MessageType> Options::message_type() const {
  constexpr std::uint8_t code = option::kMessageType;
  auto value = gather(items_, code);
  if (!value) return parse_error(kOptionsOffset, "option 53 (DHCP message type): missing");
  if (value->bytes.size() != 1) return bad(*value, code, length_text(*value) + ", must be 1");
  std::uint8_t type = value->bytes[0];
  if (type < 1 || type > 8) {
    return bad(*value, code, std::to_string(type) + " is not a DHCP message type (1 to 8)");
  }
  return static_cast<MessageType>(type);
}

ParseResult<Overload> Options::overload() const {
  constexpr std::uint8_t code = option::kOverload;
  PHONERIG_TRY(auto value, fixed(items_, code, 1));
  if (!value) return Overload::none;
  std::uint8_t v = value->bytes[0];
  if (v < 1 || v > 3) {
    return bad(*value, code,
               std::to_string(v) + " is not an overload value (1 file, 2 sname, 3 both)");
  }
  return static_cast<Overload>(v);
}

ParseResult<std::optional<Ipv4>> Options::subnet_mask() const {
  return address(items_, option::kSubnetMask);
}
ParseResult<std::vector<Ipv4>> Options::routers() const {
  return address_list(items_, option::kRouter);
}
ParseResult<std::vector<Ipv4>> Options::dns_servers() const {
  return address_list(items_, option::kDnsServer);
}
ParseResult<std::vector<Ipv4>> Options::ntp_servers() const {
  return address_list(items_, option::kNtpServer);
}
ParseResult<std::vector<Ipv4>> Options::tftp_server_addresses() const {
  return address_list(items_, option::kTftpServerAddress);
}
ParseResult<std::optional<std::string>> Options::host_name() const {
  return text(items_, option::kHostName);
}
ParseResult<std::optional<std::string>> Options::domain_name() const {
  return text(items_, option::kDomainName);
}
ParseResult<std::optional<std::string>> Options::vendor_class() const {
  return text(items_, option::kVendorClass);
}
ParseResult<std::optional<std::string>> Options::tftp_server_name() const {
  return text(items_, option::kTftpServerName);
}
ParseResult<std::optional<std::string>> Options::bootfile_name() const {
  return text(items_, option::kBootfileName);
}
std::optional<ByteVector> Options::vendor_specific() const {
  return get(option::kVendorSpecific);
}
ParseResult<std::optional<Ipv4>> Options::requested_ip() const {
  return address(items_, option::kRequestedIp);
}
ParseResult<std::optional<Ipv4>> Options::server_id() const {
  return address(items_, option::kServerId);
}
ParseResult<std::optional<std::uint32_t>> Options::lease_time() const {
  return seconds(items_, option::kLeaseTime);
}
ParseResult<std::optional<std::uint32_t>> Options::renewal_time() const {
  return seconds(items_, option::kRenewalTime);
}
ParseResult<std::optional<std::uint32_t>> Options::rebinding_time() const {
  return seconds(items_, option::kRebindingTime);
}

ParseResult<std::vector<std::uint8_t>> Options::parameter_request_list() const {
  constexpr std::uint8_t code = option::kParameterRequestList;
  auto value = gather(items_, code);
  if (!value) return std::vector<std::uint8_t>{};
  if (value->bytes.empty()) return bad(*value, code, "length 0, needs at least 1");
  return std::move(value->bytes);
}

ParseResult<std::optional<std::uint16_t>> Options::max_message_size() const {
  constexpr std::uint8_t code = option::kMaxMessageSize;
  PHONERIG_TRY(auto value, fixed(items_, code, 2));
  if (!value) return std::optional<std::uint16_t>{};
  auto size = static_cast<std::uint16_t>((value->bytes[0] << 8) | value->bytes[1]);
  if (size < kMinMaxMessageSize) {
    return bad(*value, code, std::to_string(size) + " is below the minimum of 576");
  }
  return std::optional<std::uint16_t>(size);
}

ParseResult<std::optional<ClientId>> Options::client_id() const {
  constexpr std::uint8_t code = option::kClientId;
  auto value = gather(items_, code);
  if (!value) return std::optional<ClientId>{};
  if (value->bytes.size() < 2) { // RFC 2132 section 9.14: minimum length 2
    return bad(*value, code, length_text(*value) + ", needs at least 2 (type and identifier)");
  }
  ClientId id{value->bytes[0], ByteVector(value->bytes.begin() + 1, value->bytes.end())};
  return std::optional<ClientId>(std::move(id));
}

ParseResult<std::optional<RelayAgentInfo>> Options::relay_agent_info() const {
  auto value = gather(items_, option::kRelayAgentInfo);
  if (!value) return std::optional<RelayAgentInfo>{};
  auto info = parse_relay_agent_info(value->bytes, 0);
  if (!info) {
    ParseError error = std::move(info).error();
    error.offset = value->absolute(error.offset);
    return unexpected(std::move(error));
  }
  return std::optional<RelayAgentInfo>(std::move(info).value());
}

} // namespace phonerig::wire::dhcp
