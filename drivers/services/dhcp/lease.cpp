#include "drivers/services/dhcp/lease.hpp"

#include <charconv>
#include <vector>

namespace phonerig::services::dhcp {

const char* to_string(LeaseState state) {
  switch (state) {
  case LeaseState::offered: return "offered";
  case LeaseState::bound: return "bound";
  case LeaseState::released: return "released";
  case LeaseState::declined: return "declined";
  }
  return "?";
}

std::string to_journal_line(const Lease& lease) {
  std::string line = to_string(lease.state);
  line += ' ';
  line += lease.mac.to_string();
  line += ' ';
  line += lease.address.to_string();
  line += ' ';
  line += std::to_string(lease.expires_s);
  line += lease.reserved ? " r " : " p ";
  line += lease.giaddr.to_string();
  return line;
}

std::optional<Lease> from_journal_line(std::string_view line) {
  std::vector<std::string_view> fields;
  while (!line.empty()) {
    const auto space = line.find(' ');
    fields.push_back(line.substr(0, space));
    if (space == std::string_view::npos) break;
    line.remove_prefix(space + 1);
  }
  if (fields.size() != 6) return std::nullopt;
  Lease lease;
  if (fields[0] == "offered") {
    lease.state = LeaseState::offered;
  } else if (fields[0] == "bound") {
    lease.state = LeaseState::bound;
  } else if (fields[0] == "released") {
    lease.state = LeaseState::released;
  } else if (fields[0] == "declined") {
    lease.state = LeaseState::declined;
  } else {
    return std::nullopt;
  }
  const auto mac = wire::Mac::parse(fields[1]);
  const auto address = wire::Ipv4::parse(fields[2]);
  const auto giaddr = wire::Ipv4::parse(fields[5]);
  if (!mac || !address || !giaddr) return std::nullopt;
  const auto [end, ec] =
      std::from_chars(fields[3].data(), fields[3].data() + fields[3].size(), lease.expires_s);
  if (ec != std::errc() || end != fields[3].data() + fields[3].size()) return std::nullopt;
  if (fields[4] != "r" && fields[4] != "p") return std::nullopt;
  lease.mac = *mac;
  lease.address = *address;
  lease.reserved = fields[4] == "r";
  lease.giaddr = *giaddr;
  return lease;
}

} // namespace phonerig::services::dhcp
