#include "drivers/power/port_name.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace phonerig::power {

namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool all_digits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(),
                                      [](char c) { return c >= '0' && c <= '9'; });
}

std::optional<std::uint32_t> number(std::string_view text) {
  if (!all_digits(text) || text.size() > 9) return std::nullopt;
  return static_cast<std::uint32_t>(std::stoul(std::string(text)));
}

// Interface type names as IOS spells them, long form; an abbreviation is any prefix.
constexpr std::array<std::string_view, 9> kTypes = {
    "gigabitethernet", "fastethernet", "tengigabitethernet", "twogigabitethernet",
    "fivegigabitethernet", "twentyfivegige", "fortygigabitethernet", "hundredgige", "ethernet"};

// IOS's own two-letter abbreviations where a plain prefix would be ambiguous.
std::string_view expand(std::string_view type) {
  if (type == "gi" || type == "g") return "gigabitethernet";
  if (type == "fa" || type == "f") return "fastethernet";
  if (type == "te" || type == "t") return "tengigabitethernet";
  if (type == "tw") return "twogigabitethernet";
  if (type == "fi") return "fivegigabitethernet";
  if (type == "twe") return "twentyfivegige";
  if (type == "fo") return "fortygigabitethernet";
  if (type == "hu") return "hundredgige";
  if (type == "eth" || type == "e") return "ethernet";
  for (const auto t : kTypes) {
    if (t.substr(0, type.size()) == type) return t;
  }
  return type;
}

std::vector<std::string_view> split(std::string_view text, char sep) {
  std::vector<std::string_view> parts;
  while (true) {
    const auto at = text.find(sep);
    parts.push_back(text.substr(0, at));
    if (at == std::string_view::npos) break;
    text.remove_prefix(at + 1);
  }
  return parts;
}

}  // namespace

std::string normalize_port_name(std::string_view text) {
  std::string t = lower(text);
  t.erase(std::remove(t.begin(), t.end(), ' '), t.end());
  std::size_t i = 0;
  while (i < t.size() && std::isalpha(static_cast<unsigned char>(t[i]))) ++i;
  if (i == 0 || i == t.size()) return "";
  const std::string_view numbers = std::string_view(t).substr(i);
  for (const auto part : split(numbers, '/')) {
    if (!all_digits(part)) return "";
  }
  return std::string(expand(std::string_view(t).substr(0, i))) + std::string(numbers);
}

std::optional<PethIndex> index_from_name_numbers(std::string_view normalized) {
  std::size_t i = 0;
  while (i < normalized.size() && std::isalpha(static_cast<unsigned char>(normalized[i]))) ++i;
  std::vector<std::uint32_t> n;
  for (const auto part : split(normalized.substr(i), '/')) {
    const auto v = number(part);
    if (!v) return std::nullopt;
    n.push_back(*v);
  }
  if (n.size() == 3) return PethIndex{n[0], n[2]};
  if (n.size() == 2) return PethIndex{std::max<std::uint32_t>(n[0], 1), n[1]};
  return std::nullopt;
}

api::Result<PortName> parse_port_name(std::string_view text, Profile profile) {
  PortName port;
  port.text = std::string(text);
  if (profile == Profile::apc_pdu) {
    std::string t = lower(text);
    if (t.rfind("outlet", 0) == 0) t.erase(0, 6);
    t.erase(std::remove(t.begin(), t.end(), ' '), t.end());
    if (const auto outlet = number(t); outlet && *outlet > 0) {
      port.kind = PortName::Kind::outlet;
      port.index = PethIndex{0, *outlet};
      return port;
    }
    return api::fail(api::Fault::config, "port '" + std::string(text) +
                                             "': a PDU outlet is a number (7 or 'outlet 7')");
  }
  const auto parts = split(text, '/');
  if (parts.size() == 2 && number(parts[0]) && number(parts[1]) && *number(parts[1]) > 0) {
    port.kind = PortName::Kind::index;
    port.index = PethIndex{*number(parts[0]), *number(parts[1])};
    return port;
  }
  port.normalized = normalize_port_name(text);
  if (port.normalized.empty()) {
    return api::fail(api::Fault::config,
                     "port '" + std::string(text) +
                         "': not a port name (Gi1/0/5, GigabitEthernet1/0/5, or group/port 1/5)");
  }
  return port;
}

PortTable::PortTable(const PortTableInput& input) {
  std::map<std::uint32_t, PethIndex> ent_to_index;  // from the Cisco table
  for (const auto& [index, ent] : input.cisco_ent) {
    if (ent != 0) ent_to_index[ent] = index;
  }
  std::map<std::string, std::uint32_t> if_by_name;
  for (const auto& [if_index, names] : input.if_names) {
    for (const auto& n : names) {
      const auto norm = normalize_port_name(n);
      if (!norm.empty()) if_by_name.emplace(norm, if_index);
    }
  }
  std::map<std::string, std::uint32_t> lldp_by_name;
  for (const auto& [num, names] : input.lldp_ports) {
    for (const auto& n : names) {
      const auto norm = normalize_port_name(n);
      if (!norm.empty()) lldp_by_name.emplace(norm, num);
    }
  }
  // entPhysicalIndex of each row: the Cisco tie first, then the name's numbers.
  std::map<std::pair<std::uint32_t, std::uint32_t>, std::uint32_t> row_ent;
  for (const auto& [ent, index] : ent_to_index) row_ent[{index.group, index.port}] = ent;
  for (const auto& [ent, name] : input.ent_names) {
    const auto norm = normalize_port_name(name);
    if (norm.empty() || ent_to_index.count(ent) != 0) continue;
    if (const auto index = index_from_name_numbers(norm)) {
      row_ent.emplace(std::make_pair(index->group, index->port), ent);
    }
  }
  for (const PethIndex& row : input.peth_rows) {
    PortRecord record;
    record.index = row;
    if (const auto it = row_ent.find({row.group, row.port}); it != row_ent.end()) {
      record.ent_index = it->second;
      if (const auto n = input.ent_names.find(it->second); n != input.ent_names.end()) {
        record.name = n->second;
      }
      if (const auto a = input.ent_alias_if.find(it->second); a != input.ent_alias_if.end()) {
        record.if_index = a->second;
      }
    }
    const std::string norm = normalize_port_name(record.name);
    if (record.if_index == 0 && !norm.empty()) {
      if (const auto it = if_by_name.find(norm); it != if_by_name.end()) {
        record.if_index = it->second;
      }
    }
    if (!norm.empty()) {
      if (const auto it = lldp_by_name.find(norm); it != lldp_by_name.end()) {
        record.lldp_port = it->second;
      }
    }
    const std::size_t at = records_.size();
    records_.push_back(record);
    if (!norm.empty()) by_name_.emplace(norm, at);
    // The interface's own names reach the same row.
    for (const auto& [if_index, names] : input.if_names) {
      if (if_index != record.if_index || record.if_index == 0) continue;
      for (const auto& n : names) {
        const auto alias = normalize_port_name(n);
        if (!alias.empty()) by_name_.emplace(alias, at);
      }
    }
  }
}

const PortRecord* PortTable::find(PethIndex index) const {
  for (const auto& r : records_) {
    if (r.index == index) return &r;
  }
  return nullptr;
}

api::Result<PortRecord> PortTable::resolve(const PortName& port, std::string_view where) const {
  if (port.kind != PortName::Kind::name) {
    if (const PortRecord* r = find(port.index)) return *r;
    return api::fail(api::Fault::config,
                     "switch " + std::string(where) + ", port " + port.text +
                         ": no such port (pethPsePortTable has no row " +
                         std::to_string(port.index.group) + "." +
                         std::to_string(port.index.port) + ")");
  }
  if (const auto it = by_name_.find(port.normalized); it != by_name_.end()) {
    return records_[it->second];
  }
  std::string known;
  if (!records_.empty()) {
    known = "; the switch has " + std::to_string(records_.size()) + " PoE ports";
    const auto& first = records_.front();
    const auto& last = records_.back();
    if (!first.name.empty() && !last.name.empty()) known += ": " + first.name + " .. " + last.name;
  }
  return api::fail(api::Fault::config,
                   "switch " + std::string(where) + ", port " + port.text +
                       ": no such port (no entPhysicalName, ifName or ifDescr of a "
                       "pethPsePortTable row matches" + known + ")");
}

}  // namespace phonerig::power
