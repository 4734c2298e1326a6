// The sections later issues extend (switch, phones, services, sim): their minimal
// schemas, already strict.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "harness/scenario/lab_file.hpp"

namespace phonerig::scenario {
namespace {

using ::testing::ElementsAre;

// Lines 1 and 2 of every lab below: the smallest valid rig.
const std::string kRig = "rig:\n  interfaces: [{name: lan, role: both, device: eth0}]\n";

LoadResult<Lab> load(const std::string& sections) {
  return load_lab_text(kRig + sections, "lab.yaml");
}

std::vector<std::string> errors_of(const std::string& sections) {
  auto lab = load(sections);
  std::vector<std::string> lines;
  if (lab.has_value()) return lines;
  for (const auto& diagnostic : lab.error()) lines.push_back(diagnostic.to_string());
  return lines;
}

TEST(LabSwitch, RequiresAddressSnmpAndProfile) {
  EXPECT_THAT(errors_of("switch: {}\n"),
              ElementsAre("lab.yaml:3:1: switch: missing required key 'address'",
                          "lab.yaml:3:1: switch: missing required key 'snmp'",
                          "lab.yaml:3:1: switch: missing required key 'profile'"));
}

TEST(LabSwitch, ReadsSnmpV3WithAuthOnly) {
  auto lab = load(R"(switch:
  address: 198.18.255.1
  profile: apc-pdu
  snmp: {version: 3, user: phonerig, auth: file:/run/secrets/snmp-auth}
)");
  ASSERT_TRUE(lab.has_value()) << to_string(lab.error());
  const SwitchConfig& sw = *lab->switch_config;
  EXPECT_EQ(sw.profile, PoeProfile::apc_pdu);
  EXPECT_EQ(sw.snmp.version, SnmpVersion::v3);
  EXPECT_EQ(sw.snmp.user, "phonerig");
  EXPECT_EQ(sw.snmp.auth->to_string(), "file:/run/secrets/snmp-auth");
  EXPECT_FALSE(sw.snmp.priv);
  EXPECT_FALSE(sw.snmp.community);
  EXPECT_FALSE(sw.vlans);
  EXPECT_EQ(sw.at, (Position{4, 3}));
}

TEST(LabSwitch, RejectsAddressThatIsNotIpv4) {
  EXPECT_THAT(errors_of(R"(switch:
  address: 198.18.255
  profile: cisco
  snmp: {version: 2c, community: env:C}
)"),
              ElementsAre("lab.yaml:4:12: switch.address: '198.18.255' is not an IPv4 address "
                          "(A.B.C.D)"));
}

TEST(LabSwitch, RequiresCommunityAndRejectsV3KeysUnderV2c) {
  EXPECT_THAT(errors_of(R"(switch:
  address: 198.18.255.1
  profile: cisco
  snmp:
    version: 2c
    user: admin
    priv: env:PRIV
)"),
              ElementsAre("lab.yaml:6:3: switch.snmp: missing required key 'community'",
                          "lab.yaml:8:5: switch.snmp.user: only for SNMP version 3",
                          "lab.yaml:9:5: switch.snmp.priv: only for SNMP version 3"));
}

TEST(LabSwitch, RequiresUserAndAuthBeforePrivUnderV3) {
  EXPECT_THAT(errors_of(R"(switch:
  address: 198.18.255.1
  profile: rfc3621
  snmp:
    version: 3
    community: env:COMMUNITY
    priv: env:PRIV
)"),
              ElementsAre("lab.yaml:6:3: switch.snmp: missing required key 'user'",
                          "lab.yaml:8:5: switch.snmp.community: only for SNMP version 2c",
                          "lab.yaml:9:5: switch.snmp.priv: priv needs auth: SNMPv3 has no "
                          "privacy without it"));
}

TEST(LabSwitch, RejectsUnknownSnmpVersionAndProfile) {
  EXPECT_THAT(errors_of(R"(switch:
  address: 198.18.255.1
  profile: hp
  snmp: {version: 2, community: env:C}
)"),
              ElementsAre("lab.yaml:5:12: switch.profile: expected one of rfc3621, cisco, "
                          "apc-pdu, got 'hp'",
                          "lab.yaml:6:19: switch.snmp.version: expected one of 2c, 3, got '2'"));
}

TEST(LabSwitch, RequiresTwoDifferentVlans) {
  const std::string head = R"(switch:
  address: 198.18.255.1
  profile: cisco
  snmp: {version: 2c, community: env:C}
)";
  EXPECT_THAT(errors_of(head + "  vlans: {voice: 100, data: 100}\n"),
              ElementsAre("lab.yaml:7:29: switch.vlans.data: the data VLAN must differ from the "
                          "voice VLAN (both 100)"));
  EXPECT_THAT(errors_of(head + "  vlans: {voice: 100}\n"),
              ElementsAre("lab.yaml:7:3: switch.vlans: missing required key 'data'"));
  EXPECT_THAT(errors_of(head + "  vlans: {voice: 4095, data: 10}\n"),
              ElementsAre("lab.yaml:7:18: switch.vlans.voice: expected an integer 1..4094, got "
                          "4095"));
}

TEST(LabPhones, NormalizesEveryCommonMacSpelling) {
  auto lab = load(R"(phones:
  - {id: a, mac: 00:1e:4a:00:00:01, model: CP-8851}
  - {id: b, mac: 00-1E-4A-00-00-02, model: CP-8851}
  - {id: c, mac: 001e.4a00.0003, model: CP-8851}
  - {id: d, mac: 001E4A000004, model: CP-8851}
)");
  ASSERT_TRUE(lab.has_value()) << to_string(lab.error());
  ASSERT_EQ(lab->phones.size(), 4u);
  EXPECT_EQ(lab->phones[0].mac.to_string(), "00:1e:4a:00:00:01");
  EXPECT_EQ(lab->phones[1].mac.to_string(), "00:1e:4a:00:00:02");
  EXPECT_EQ(lab->phones[2].mac.to_string(), "00:1e:4a:00:00:03");
  EXPECT_EQ(lab->phones[3].mac.to_cisco(), "001E4A000004");
  EXPECT_EQ(lab->find_phone("c")->at, (Position{6, 5}));
}

TEST(LabPhones, RejectsDuplicateMacWrittenInAnotherSpelling) {
  EXPECT_THAT(errors_of(R"(phones:
  - {id: a, mac: 00:1e:4a:00:00:01, model: CP-8851}
  - {id: b, mac: 001E.4A00.0001, model: CP-7821}
)"),
              ElementsAre("lab.yaml:5:18: phones[1].mac: 00:1e:4a:00:00:01 is already phone 'a' "
                          "(line 4)"));
}

TEST(LabPhones, RejectsMalformedAndGroupMacs) {
  EXPECT_THAT(
      errors_of(R"(phones:
  - {id: a, mac: 00:1e:4a:00:00, model: CP-8851}
  - {id: b, mac: 01:00:5e:00:00:01, model: CP-7821}
  - {id: c, mac: ff:ff:ff:ff:ff:ff, model: CP-7821}
)"),
      ElementsAre("lab.yaml:4:18: phones[0].mac: '00:1e:4a:00:00' is not a MAC address (write "
                  "00:1e:4a:00:00:01, 00-1E-4A-00-00-01, 001e.4a00.0001 or 001E4A000001)",
                  "lab.yaml:5:18: phones[1].mac: 01:00:5e:00:00:01 is a group (multicast) "
                  "address; a phone's MAC is unicast",
                  "lab.yaml:6:18: phones[2].mac: ff:ff:ff:ff:ff:ff is a group (multicast) "
                  "address; a phone's MAC is unicast"));
}

TEST(LabPhones, RequiresIdMacAndModel) {
  EXPECT_THAT(errors_of("phones:\n  - {port: Gi1/0/1}\n"),
              ElementsAre("lab.yaml:4:5: phones[0]: missing required key 'id'",
                          "lab.yaml:4:5: phones[0]: missing required key 'mac'",
                          "lab.yaml:4:5: phones[0]: missing required key 'model'"));
}

TEST(LabPhones, RejectsDuplicateAndMalformedTags) {
  EXPECT_THAT(
      errors_of("phones:\n"
                "  - {id: a, mac: 00:1e:4a:00:00:01, model: CP-8851, tags: [lobby, lobby, "
                "\"two words\"]}\n"),
      ElementsAre("lab.yaml:4:67: phones[0].tags[1]: duplicate tag 'lobby'",
                  "lab.yaml:4:74: phones[0].tags[2]: 'two words' may contain only letters, "
                  "digits, '_', '-' and '.'"));
}

TEST(LabPhones, RejectsAnUnknownKeyWithAHint) {
  EXPECT_THAT(errors_of("phones:\n"
                        "  - id: a\n"
                        "    mac: 00:1e:4a:00:00:01\n"
                        "    model: CP-8851\n"
                        "    line: []\n"),
              ElementsAre("lab.yaml:7:5: phones[0]: unknown key 'line' (allowed: id, mac, "
                          "model, port, load, address, lines, tags); did you mean 'lines'?"));
}

TEST(LabPhones, RejectsPhonesThatAreNotASequence) {
  EXPECT_THAT(errors_of("phones: {id: a}\n"),
              ElementsAre("lab.yaml:3:9: phones: expected a sequence, got a mapping"));
}

TEST(LabServices, AcceptsModesAndMappingsWithMode) {
  auto lab = load("services: {cdp: off, dhcp: {mode: external}, sip: on}\n");
  ASSERT_TRUE(lab.has_value()) << to_string(lab.error());
  EXPECT_EQ(lab->services.cdp.mode, ServiceMode::off);
  EXPECT_EQ(lab->services.dhcp.mode, ServiceMode::external);
  EXPECT_EQ(lab->services.sip.mode, ServiceMode::on);
  EXPECT_EQ(lab->services.tftp.mode, ServiceMode::on);  // unset: served
  EXPECT_FALSE(lab->services.tftp.declared);
}

TEST(LabServices, RejectsUnknownServicesModesAndShapes) {
  EXPECT_THAT(errors_of(R"(services:
  lldp: on
  dhcp: {mode: maybe}
  tftp: {prot: 69}
  http: [on]
  sip: {mode: {mode: on}}
)"),
              ElementsAre("lab.yaml:4:3: services: unknown key 'lldp' (allowed: cdp, dhcp, tftp, "
                          "http, sip, callmanager_group, loads)",
                          "lab.yaml:5:16: services.dhcp.mode: expected one of on, off, external, "
                          "got 'maybe'",
                          "lab.yaml:6:3: services.tftp: missing required key 'mode'",
                          "lab.yaml:6:10: services.tftp: unknown key 'prot' (allowed: mode, "
                          "interface, root, port); did you mean 'port'?",
                          "lab.yaml:7:9: services.http: expected on, off, external or a mapping "
                          "with mode, got a sequence",
                          "lab.yaml:8:15: services.sip.mode: expected one of on, off, external, "
                          "got a mapping"));
}

TEST(LabSim, MarksTheLabAsSimulated) {
  auto lab = load("sim: {}\n");
  ASSERT_TRUE(lab.has_value()) << to_string(lab.error());
  EXPECT_TRUE(lab->simulated());
}

TEST(LabSim, RejectsNothingAndUnknownKeys) {
  EXPECT_THAT(errors_of("sim:\n"),
              ElementsAre("lab.yaml:3:1: sim: expected a mapping, got nothing (write sim: {} for "
                          "the defaults)"));
  EXPECT_THAT(errors_of("sim: {faults: 1}\n"),
              ElementsAre("lab.yaml:3:7: sim: unknown key 'faults' (allowed: layout, switch, "
                          "phone_defaults, phones)"));
}

}  // namespace
}  // namespace phonerig::scenario
