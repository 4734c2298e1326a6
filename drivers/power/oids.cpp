#include "drivers/power/oids.hpp"

#include <algorithm>
#include <charconv>

namespace phonerig::power {

std::string to_string(const Oid& oid) {
  std::string out;
  for (const auto part : oid) out += (out.empty() ? "" : ".") + std::to_string(part);
  return out;
}

std::optional<Oid> parse_oid(std::string_view text) {
  if (!text.empty() && text.front() == '.') text.remove_prefix(1);
  Oid oid;
  while (!text.empty()) {
    const auto dot = text.find('.');
    const std::string_view part = text.substr(0, dot);
    std::uint32_t value = 0;
    const auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), value);
    if (part.empty() || ec != std::errc{} || end != part.data() + part.size()) return std::nullopt;
    oid.push_back(value);
    if (dot == std::string_view::npos) break;
    text.remove_prefix(dot + 1);
    if (text.empty()) return std::nullopt;
  }
  if (oid.empty()) return std::nullopt;
  return oid;
}

bool starts_with(const Oid& oid, const Oid& prefix) {
  return oid.size() >= prefix.size() && std::equal(prefix.begin(), prefix.end(), oid.begin());
}

Oid append(Oid base, std::initializer_list<std::uint32_t> tail) {
  base.insert(base.end(), tail.begin(), tail.end());
  return base;
}

std::string_view to_string(Profile profile) {
  switch (profile) {
    case Profile::rfc3621: return "rfc3621";
    case Profile::cisco: return "cisco";
    case Profile::apc_pdu: return "apc-pdu";
  }
  return "unknown";
}

std::optional<Profile> parse_profile(std::string_view text) {
  for (const Profile p : {Profile::rfc3621, Profile::cisco, Profile::apc_pdu}) {
    if (to_string(p) == text) return p;
  }
  return std::nullopt;
}

Oid peth_column(std::uint32_t column, PethIndex index) {
  return append(oids::kPethPsePortEntry, {column, index.group, index.port});
}

Oid cisco_column(std::uint32_t column, PethIndex index) {
  return append(oids::kCpeExtPsePortEntry, {column, index.group, index.port});
}

Oid apc_outlet(const Oid& column, std::uint32_t outlet) { return append(column, {outlet}); }

PowerSet power_set(Profile profile, PethIndex index, bool on) {
  switch (profile) {
    case Profile::rfc3621:  // TruthValue: true(1), false(2)
      return {peth_column(oids::kAdminEnable, index), on ? 1 : 2};
    case Profile::cisco:    // auto(1) / disable(4)
      return {cisco_column(oids::kCpeEnable, index), on ? 1 : 4};
    case Profile::apc_pdu:  // immediateOn(1) / immediateOff(2)
      return {apc_outlet(oids::kApcOutletCommand, index.port), on ? 1 : 2};
  }
  return {};
}

StatusOids status_oids(Profile profile, PethIndex index) {
  StatusOids s;
  switch (profile) {
    case Profile::rfc3621:
      s.admin = peth_column(oids::kAdminEnable, index);
      s.detection = peth_column(oids::kDetectionStatus, index);
      s.power_class = peth_column(oids::kPowerClassifications, index);
      break;
    case Profile::cisco:
      s.admin = cisco_column(oids::kCpeEnable, index);
      s.detection = peth_column(oids::kDetectionStatus, index);
      s.power_class = peth_column(oids::kPowerClassifications, index);
      s.power_mw = cisco_column(oids::kCpePwrConsumption, index);
      break;
    case Profile::apc_pdu:
      s.admin = apc_outlet(oids::kApcOutletState, index.port);
      break;
  }
  return s;
}

}  // namespace phonerig::power
