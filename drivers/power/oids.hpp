// The OIDs the PoE driver reads and writes, per MIB profile (reference/protocols.md section 9).
// net-snmp 5.9.3 on Debian ships no MIB files, so every object is numeric here, named after
// its MIB object.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace phonerig::power {

using Oid = std::vector<std::uint32_t>;
std::string to_string(const Oid& oid);                 // "1.3.6.1.2.1.105.1.1.1.3.1.5"
std::optional<Oid> parse_oid(std::string_view text);   // dotted, an optional leading dot
bool starts_with(const Oid& oid, const Oid& prefix);
Oid append(Oid base, std::initializer_list<std::uint32_t> tail);

// rfc3621: POWER-ETHERNET-MIB only. cisco: CISCO-POWER-ETHERNET-EXT-MIB for enable and power
// drawn, alongside RFC 3621's detection status and class. apc_pdu: PowerNet-MIB outlets.
enum class Profile { rfc3621, cisco, apc_pdu };
std::string_view to_string(Profile profile);  // "rfc3621", "cisco", "apc-pdu"
std::optional<Profile> parse_profile(std::string_view text);

// Where a port lives in the MIB: pethPsePortTable's {group, port}, or a PDU outlet (group 0).
struct PethIndex {
  std::uint32_t group = 0;
  std::uint32_t port = 0;
  bool operator==(const PethIndex&) const = default;
};

namespace oids {
// POWER-ETHERNET-MIB (RFC 3621) pethPsePortEntry columns, 1.3.6.1.2.1.105.1.1.1.<col>.
inline const Oid kPethPsePortEntry = {1, 3, 6, 1, 2, 1, 105, 1, 1, 1};
constexpr std::uint32_t kAdminEnable = 3;          // true(1) / false(2), read-write
constexpr std::uint32_t kDetectionStatus = 6;      // disabled(1) ... otherFault(6)
constexpr std::uint32_t kPowerClassifications = 10;  // class0(1) ... class4(5)
// pethMainPseEntry 1.3.6.1.2.1.105.1.3.1.1.<col>.<group>: Power(2) W, OperStatus(3),
// ConsumptionPower(4) W.
inline const Oid kPethMainPseEntry = {1, 3, 6, 1, 2, 1, 105, 1, 3, 1, 1};
// CISCO-POWER-ETHERNET-EXT-MIB cpeExtPsePortEntry 1.3.6.1.4.1.9.9.402.1.2.1.<col>.
inline const Oid kCpeExtPsePortEntry = {1, 3, 6, 1, 4, 1, 9, 9, 402, 1, 2, 1};
constexpr std::uint32_t kCpeEnable = 1;            // auto(1) static(2) limit(3) disable(4)
constexpr std::uint32_t kCpePwrConsumption = 9;    // mW
constexpr std::uint32_t kCpeEntPhyIndex = 11;      // entPhysicalIndex of the port
// ENTITY-MIB.
inline const Oid kEntPhysicalName = {1, 3, 6, 1, 2, 1, 47, 1, 1, 1, 1, 7};
inline const Oid kEntAliasMappingIdentifier = {1, 3, 6, 1, 2, 1, 47, 1, 3, 2, 1, 2};
// IF-MIB.
inline const Oid kIfIndex = {1, 3, 6, 1, 2, 1, 2, 2, 1, 1};
inline const Oid kIfDescr = {1, 3, 6, 1, 2, 1, 2, 2, 1, 2};
inline const Oid kIfOperStatus = {1, 3, 6, 1, 2, 1, 2, 2, 1, 8};  // up(1) down(2)...
inline const Oid kIfName = {1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 1};
// CISCO-CDP-MIB cdpCacheEntry 1.3.6.1.4.1.9.9.23.1.2.1.1.<col>.<ifIndex>.<deviceIndex>.
inline const Oid kCdpCacheEntry = {1, 3, 6, 1, 4, 1, 9, 9, 23, 1, 2, 1, 1};
// LLDP-MIB lldpRemEntry 1.0.8802.1.1.2.1.4.1.1.<col>.<timeMark>.<localPortNum>.<index>,
// lldpLocPortEntry 1.0.8802.1.1.2.1.3.7.1.<col>.<localPortNum>.
inline const Oid kLldpRemEntry = {1, 0, 8802, 1, 1, 2, 1, 4, 1, 1};
inline const Oid kLldpLocPortEntry = {1, 0, 8802, 1, 1, 2, 1, 3, 7, 1};
// PowerNet-MIB rPDUOutletControlOutletCommand (immediateOn(1), immediateOff(2); a GET reads
// 1 on / 2 off) and rPDUOutletStatusOutletState (outletStatusOn(1), outletStatusOff(2)).
inline const Oid kApcOutletCommand = {1, 3, 6, 1, 4, 1, 318, 1, 1, 12, 3, 3, 1, 1, 4};
inline const Oid kApcOutletState = {1, 3, 6, 1, 4, 1, 318, 1, 1, 12, 3, 5, 1, 1, 4};
}  // namespace oids

// The objects of one port, per profile.
Oid peth_column(std::uint32_t column, PethIndex index);  // pethPsePortEntry.<col>.g.p
Oid cisco_column(std::uint32_t column, PethIndex index);
Oid apc_outlet(const Oid& column, std::uint32_t outlet);

// The object a power set writes and the value it writes.
struct PowerSet {
  Oid oid;
  long value = 0;
};
PowerSet power_set(Profile profile, PethIndex index, bool on);

// The objects a status read asks for, in this order: admin, detection (absent for a PDU),
// class (absent for a PDU), power drawn (cisco only).
struct StatusOids {
  Oid admin;
  std::optional<Oid> detection;
  std::optional<Oid> power_class;
  std::optional<Oid> power_mw;
};
StatusOids status_oids(Profile profile, PethIndex index);

}  // namespace phonerig::power
