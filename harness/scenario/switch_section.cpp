// switch: the PoE switch (or PDU) the harness powers phones through.
//
//   switch:
//     address: 198.18.255.1
//     snmp: {version: 3, user: phonerig, auth: env:SNMP_AUTH, priv: env:SNMP_PRIV,
//            auth_protocol: SHA, priv_protocol: AES, port: 161, timeout_ms: 1000, retries: 2}
//     min_off_ms: 5000             # a power cycle holds power off at least this long
//     confirm_timeout_ms: 15000    # a port must reach the state asked within this
//     profile: cisco            # rfc3621 | cisco | apc-pdu
//     vlans: {voice: 100, data: 10}
#include <optional>
#include <string>

#include "harness/scenario/lab_sections.hpp"

namespace phonerig::scenario::detail {

namespace {

constexpr long long kMaxVlan = 4094;  // IEEE 802.1Q: VIDs 0 and 4095 are reserved
// RFC 3414 section 5: usmUserName is an SnmpAdminString (SIZE(1..32)).
constexpr std::size_t kMaxSnmpUserLength = 32;

std::optional<Credential> read_credential(Checker& checker, const Field& field) {
  auto text = read_string(checker, field);
  if (!text) return std::nullopt;
  auto credential = Credential::parse(*text, checker.folder());
  if (!credential) {
    checker.error(field, credential.error().message);  // never contains the text
    return std::nullopt;
  }
  return *credential;
}

Snmp read_snmp(Checker& checker, const Field& field) {
  Snmp snmp;
  auto map = read_mapping(checker, field,
                          {"version", "port", "community", "user", "auth", "priv",
                           "auth_protocol", "priv_protocol", "timeout_ms", "retries"});
  if (!map || !map->require(checker, "version")) return snmp;
  if (auto f = map->get("port")) {
    if (auto v = read_integer(checker, *f, 1, 65535)) snmp.port = static_cast<std::uint16_t>(*v);
  }
  if (auto f = map->get("timeout_ms")) {
    if (auto v = read_integer(checker, *f, 10, 60000)) snmp.timeout_ms = static_cast<int>(*v);
  }
  if (auto f = map->get("retries")) {
    if (auto v = read_integer(checker, *f, 0, 10)) snmp.retries = static_cast<int>(*v);
  }
  auto auth_protocol = map->get("auth_protocol");
  auto priv_protocol = map->get("priv_protocol");
  auto version = read_choice(checker, *map->get("version"), {"2c", "3"});
  if (!version) return snmp;
  snmp.version = *version == 0 ? SnmpVersion::v2c : SnmpVersion::v3;

  auto community = map->get("community");
  auto user = map->get("user");
  auto auth = map->get("auth");
  auto priv = map->get("priv");
  if (snmp.version == SnmpVersion::v2c) {
    for (const auto& v3_only : {user, auth, priv, auth_protocol, priv_protocol}) {
      if (v3_only) checker.error_at_owner(*v3_only, "only for SNMP version 3");
    }
    if (map->require(checker, "community")) snmp.community = read_credential(checker, *community);
    return snmp;
  }

  if (community) checker.error_at_owner(*community, "only for SNMP version 2c");
  if (map->require(checker, "user")) {
    if (auto name = read_string(checker, *user)) {
      if (name->size() > kMaxSnmpUserLength) {
        checker.error(*user, "an SNMPv3 user name has at most 32 characters (RFC 3414)");
      } else {
        snmp.user = *name;
      }
    }
  }
  if (auth) snmp.auth = read_credential(checker, *auth);
  if (auth_protocol) {
    if (auto v = read_choice(checker, *auth_protocol, {"SHA", "MD5"})) {
      snmp.auth_protocol = *v == 0 ? SnmpAuthProtocol::sha : SnmpAuthProtocol::md5;
    }
  }
  if (priv_protocol) {
    if (auto v = read_choice(checker, *priv_protocol, {"AES", "DES"})) {
      snmp.priv_protocol = *v == 0 ? SnmpPrivProtocol::aes : SnmpPrivProtocol::des;
    }
  }
  if (priv) {
    // RFC 3414 section 3.1.2.3: privacy needs authentication (no noAuthPriv level).
    if (!auth) checker.error_at_owner(*priv, "priv needs auth: SNMPv3 has no privacy without it");
    snmp.priv = read_credential(checker, *priv);
  }
  return snmp;
}

std::optional<SwitchVlans> read_vlans(Checker& checker, const Field& field) {
  auto map = read_mapping(checker, field, {"voice", "data"});
  if (!map) return std::nullopt;
  std::optional<long long> voice;
  std::optional<long long> data;
  if (map->require(checker, "voice")) {
    voice = read_integer(checker, *map->get("voice"), 1, kMaxVlan);
  }
  if (map->require(checker, "data")) data = read_integer(checker, *map->get("data"), 1, kMaxVlan);
  if (!voice || !data) return std::nullopt;
  if (*voice == *data) {
    checker.error(*map->get("data"), "the data VLAN must differ from the voice VLAN (both " +
                                         std::to_string(*voice) + ")");
    return std::nullopt;
  }
  return SwitchVlans{static_cast<std::uint16_t>(*voice), static_cast<std::uint16_t>(*data)};
}

}  // namespace

std::optional<SwitchConfig> read_switch(Checker& checker, const Field& field) {
  auto map = read_mapping(checker, field,
                          {"address", "snmp", "profile", "vlans", "min_off_ms",
                           "confirm_timeout_ms"});
  if (!map) return std::nullopt;
  SwitchConfig config;
  config.at = position_of(field.mark);

  if (map->require(checker, "address")) {
    auto address_field = *map->get("address");
    if (auto text = read_string(checker, address_field)) {
      if (auto address = wire::Ipv4::parse(*text)) {
        config.address = *address;
      } else {
        checker.error(address_field, "'" + *text + "' is not an IPv4 address (A.B.C.D)");
      }
    }
  }
  if (map->require(checker, "snmp")) config.snmp = read_snmp(checker, *map->get("snmp"));
  if (map->require(checker, "profile")) {
    constexpr PoeProfile kProfiles[] = {PoeProfile::rfc3621, PoeProfile::cisco,
                                        PoeProfile::apc_pdu};
    auto profile = read_choice(checker, *map->get("profile"), {"rfc3621", "cisco", "apc-pdu"});
    if (profile) config.profile = kProfiles[*profile];
  }
  if (auto vlans = map->get("vlans")) config.vlans = read_vlans(checker, *vlans);
  if (auto f = map->get("min_off_ms")) {
    if (auto v = read_integer(checker, *f, 0, 600000)) config.min_off_ms = static_cast<int>(*v);
  }
  if (auto f = map->get("confirm_timeout_ms")) {
    if (auto v = read_integer(checker, *f, 100, 600000)) {
      config.confirm_timeout_ms = static_cast<int>(*v);
    }
  }
  return config;
}

}  // namespace phonerig::scenario::detail
