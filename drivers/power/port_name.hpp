// Port names as a lab writes them, and their resolution to the MIB's index
// (reference/protocols.md section 9.3): `Gi1/0/5` and `GigabitEthernet1/0/5` name the same
// port; `1/5` is pethPsePortTable's {group, port} itself; a PDU outlet is its number.
//
// A name is looked up in what the switch reports: every pethPsePortTable row, the
// ENTITY-MIB entPhysicalName of each port, and IF-MIB ifName/ifDescr. On the Cisco profile
// cpeExtPsePortEntPhyIndex ties a row to its entPhysicalIndex (NAV's method); RFC 3621
// alone defines no such tie, so a name's numbers give the index: `<type><g>/<m>/<p>` is
// group g, port p, and `<type><a>/<p>` is group max(a, 1), port p (Catalyst stacks; not
// guaranteed by any MIB). The port's ifIndex (for ifOperStatus and cdpCacheTable) comes from
// entAliasMappingIdentifier, else from a matching ifName/ifDescr.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "drivers/api/result.hpp"
#include "drivers/power/oids.hpp"

namespace phonerig::power {

struct PortName {
  enum class Kind { name, index, outlet };
  Kind kind = Kind::name;
  std::string text;       // as given
  std::string normalized; // Kind::name: lower-case long form, "gigabitethernet1/0/5"
  PethIndex index;        // Kind::index and Kind::outlet (group 0)
};

// Fault::config with the text and the accepted forms when it is none of them.
api::Result<PortName> parse_port_name(std::string_view text, Profile profile);

// "Gi1/0/5", "gi 1/0/5", "GigabitEthernet1/0/5" -> "gigabitethernet1/0/5"; "" when the text
// is not an interface name.
std::string normalize_port_name(std::string_view text);

// Group and port from a name's numbers, as described above; nullopt when it has none.
std::optional<PethIndex> index_from_name_numbers(std::string_view normalized);

struct PortRecord {
  PethIndex index;
  std::uint32_t ent_index = 0;   // entPhysicalIndex, 0 unknown
  std::string name;              // entPhysicalName (or ifName), the switch's spelling
  std::uint32_t if_index = 0;    // 0 unknown
  std::uint32_t lldp_port = 0;   // lldpLocPortNum, 0 unknown
};

// What the driver walked; every map is keyed by the table's index.
struct PortTableInput {
  std::vector<PethIndex> peth_rows;                       // pethPsePortAdminEnable
  std::map<std::uint32_t, std::string> ent_names;         // entPhysicalName
  std::vector<std::pair<PethIndex, std::uint32_t>> cisco_ent;  // cpeExtPsePortEntPhyIndex
  std::map<std::uint32_t, std::uint32_t> ent_alias_if;    // entAliasMappingIdentifier -> ifIndex
  std::map<std::uint32_t, std::vector<std::string>> if_names;  // ifName, ifDescr
  std::map<std::uint32_t, std::vector<std::string>> lldp_ports;  // lldpLocPortId, PortDesc
};

class PortTable {
 public:
  PortTable() = default;
  explicit PortTable(const PortTableInput& input);

  const std::vector<PortRecord>& records() const { return records_; }
  const PortRecord* find(PethIndex index) const;
  // By name (Kind::name) or index (Kind::index); Fault::config naming the port and `where`
  // (the switch) when the switch has no such port.
  api::Result<PortRecord> resolve(const PortName& port, std::string_view where) const;

 private:
  std::vector<PortRecord> records_;
  std::map<std::string, std::size_t> by_name_;  // normalized names -> records_
};

}  // namespace phonerig::power
