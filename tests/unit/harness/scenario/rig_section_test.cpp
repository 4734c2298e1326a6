// The rig section: interfaces by role, existing devices or VLANs to create, addresses,
// and the name rules of Linux interfaces and namespaces.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "harness/scenario/lab_file.hpp"
#include "harness/scenario/names.hpp"

namespace phonerig::scenario {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

std::vector<std::string> errors_of(std::string_view yaml) {
  auto lab = load_lab_text(yaml, "lab.yaml");
  std::vector<std::string> lines;
  if (lab.has_value()) return lines;
  for (const auto& diagnostic : lab.error()) lines.push_back(diagnostic.to_string());
  return lines;
}

TEST(LabRig, ReadsVlanInterfacesOnATrunkAndTheirAddresses) {
  auto lab = load_lab_text(R"(rig:
  netns: phonerig
  interfaces:
    - {name: voice, role: service, parent: eno2, vlan: 100, address: 10.20.100.2/24}
    - {name: trunk, role: capture, device: eno2}
    - {name: point, role: service, device: eno4, address: 10.9.9.1/31}
    - {name: host, role: service, device: eno5, address: 10.9.9.9/32}
)",
                           "lab.yaml");
  ASSERT_TRUE(lab.has_value()) << to_string(lab.error());
  EXPECT_EQ(lab->rig.netns, "phonerig");
  const RigInterface& voice = lab->rig.interfaces[0];
  EXPECT_EQ(std::get<VlanOnParent>(voice.link), (VlanOnParent{"eno2", 100}));
  EXPECT_EQ(voice.address->address.to_string(), "10.20.100.2");
  EXPECT_EQ(voice.address->prefix_length, 24);
  EXPECT_EQ(voice.at, (Position{4, 7}));
  EXPECT_TRUE(voice.serves());
  EXPECT_FALSE(voice.captures());
  EXPECT_EQ(lab->rig.interfaces[2].address->to_string(), "10.9.9.1/31");  // RFC 3021
  EXPECT_EQ(lab->rig.interfaces[3].address->to_string(), "10.9.9.9/32");
}

// Where a real rig's VLAN faults go (netem on its own interface on that VLAN).
TEST(LabRig, EachVlanMapsToTheRigsServiceInterfaceOnIt) {
  auto lab = load_lab_text(R"(rig:
  interfaces:
    - {name: voice, role: service, parent: eno2, vlan: 100, address: 10.20.100.2/24}
    - {name: data, role: both, parent: eno2, vlan: 10, address: 10.20.10.2/24}
    - {name: span, role: capture, device: eno3}
)",
                           "lab.yaml");
  ASSERT_TRUE(lab.has_value()) << to_string(lab.error());
  EXPECT_EQ(lab->rig_interfaces_by_vlan(),
            (std::map<std::uint16_t, std::string>{{10, "eno2.10"}, {100, "eno2.100"}}));

  // Existing devices named voice and data stand for the switch's VLANs (the simulated
  // lab's untagged rig ports); a capture interface is never one.
  auto sim = load_lab_file(std::filesystem::path(PHONERIG_SOURCE_DIR) / "lab/sim.yaml");
  ASSERT_TRUE(sim.has_value()) << to_string(sim.error());
  EXPECT_EQ(sim->rig_interfaces_by_vlan(),
            (std::map<std::uint16_t, std::string>{{10, "rig-data"}, {100, "rig-voice"}}));
}

TEST(LabRig, RejectsRigThatIsNotAMapping) {
  EXPECT_THAT(errors_of("rig: eth0\n"),
              ElementsAre("lab.yaml:1:6: rig: expected a mapping, got a string"));
  EXPECT_THAT(errors_of("rig:\n"),
              ElementsAre("lab.yaml:1:1: rig: expected a mapping, got nothing"));
}

TEST(LabRig, RequiresInterfacesAsASequence) {
  EXPECT_THAT(errors_of("rig:\n  netns: x\n"),
              ElementsAre("lab.yaml:1:1: rig: missing required key 'interfaces'"));
  EXPECT_THAT(errors_of("rig:\n  interfaces: {name: a}\n"),
              ElementsAre("lab.yaml:2:15: rig.interfaces: expected a sequence, got a mapping"));
}

TEST(LabRig, RequiresNameAndRoleOnEachInterface) {
  EXPECT_THAT(errors_of(R"(rig:
  interfaces:
    - device: eth0
    - {name: span, role: capture, device: eth1}
)"),
              ElementsAre("lab.yaml:3:7: rig.interfaces[0]: missing required key 'name'",
                          "lab.yaml:3:7: rig.interfaces[0]: missing required key 'role'"));
}

TEST(LabRig, RejectsUnknownInterfaceKeySuggestingTheNearestOne) {
  EXPECT_THAT(errors_of(R"(rig:
  interfaces:
    - {name: a, role: both, device: eth0, vlna: 10}
)"),
              ElementsAre("lab.yaml:3:43: rig.interfaces[0]: unknown key 'vlna' (allowed: name, "
                          "role, device, parent, vlan, address); did you mean 'vlan'?"));
}

TEST(LabRig, RejectsUnknownRole) {
  EXPECT_THAT(errors_of(R"(rig:
  interfaces:
    - {name: a, role: serve, device: eth0}
)"),
              ElementsAre("lab.yaml:3:23: rig.interfaces[0].role: expected one of service, "
                          "capture, both, got 'serve'"));
}

TEST(LabRig, RejectsVlanOutsideOneTo4094OrNotAPlainInteger) {
  EXPECT_THAT(
      errors_of(R"(rig:
  interfaces:
    - {name: a, role: both, parent: eno2, vlan: 0}
    - {name: b, role: both, parent: eno2, vlan: 4095}
    - {name: c, role: both, parent: eno2, vlan: "100"}
    - {name: d, role: both, parent: eno2, vlan: 0100}
    - {name: e, role: both, parent: eno2, vlan: [100]}
)"),
      ElementsAre(
          "lab.yaml:3:49: rig.interfaces[0].vlan: expected an integer 1..4094, got 0",
          "lab.yaml:4:49: rig.interfaces[1].vlan: expected an integer 1..4094, got 4095",
          "lab.yaml:5:49: rig.interfaces[2].vlan: expected an integer 1..4094, got the quoted "
          "string \"100\"",
          "lab.yaml:6:49: rig.interfaces[3].vlan: expected an integer 1..4094, got '0100'",
          "lab.yaml:7:49: rig.interfaces[4].vlan: expected an integer 1..4094, got a sequence"));
}

TEST(LabRig, RejectsDeviceTogetherWithParent) {
  EXPECT_THAT(errors_of(R"(rig:
  interfaces:
    - {name: a, role: both, device: eth0, parent: eno2, vlan: 10}
)"),
              ElementsAre("lab.yaml:3:51: rig.interfaces[0].parent: device and parent + vlan "
                          "exclude each other: an interface either exists (device) or is "
                          "created on a trunk NIC (parent + vlan)"));
}

TEST(LabRig, RequiresDeviceOrBothParentAndVlan) {
  EXPECT_THAT(
      errors_of(R"(rig:
  interfaces:
    - {name: a, role: both, parent: eno2}
    - {name: b, role: both, vlan: 10}
    - {name: c, role: both}
)"),
      ElementsAre(
          "lab.yaml:3:37: rig.interfaces[0].parent: parent needs vlan: the 802.1Q VLAN id to "
          "create",
          "lab.yaml:4:35: rig.interfaces[1].vlan: vlan needs parent: the trunk NIC to create it on",
          "lab.yaml:5:7: rig.interfaces[2]: needs either device (an existing interface) or "
          "parent + vlan (a VLAN interface to create)"));
}

TEST(LabRig, RejectsInterfaceNamesLinuxRefuses) {
  EXPECT_THAT(
      errors_of(R"(rig:
  interfaces:
    - {name: a, role: both, device: eth0.100-too-long}
    - {name: b, role: both, device: "eth 1"}
    - {name: c, role: both, device: "eth:1"}
    - {name: d, role: both, device: ".."}
    - {name: e, role: both, parent: eno2/x, vlan: 5}
)"),
      ElementsAre("lab.yaml:3:37: rig.interfaces[0].device: interface name 'eth0.100-too-long' "
                  "has 17 characters; Linux allows at most 15",
                  "lab.yaml:4:37: rig.interfaces[1].device: interface name 'eth 1' may not "
                  "contain '/', ':', whitespace or non-printable characters",
                  "lab.yaml:5:37: rig.interfaces[2].device: interface name 'eth:1' may not "
                  "contain '/', ':', whitespace or non-printable characters",
                  "lab.yaml:6:37: rig.interfaces[3].device: '..' is not an interface name",
                  "lab.yaml:7:37: rig.interfaces[4].parent: interface name 'eno2/x' may not "
                  "contain '/', ':', whitespace or non-printable characters"));
}

TEST(LabRig, RejectsLogicalNamesThatAreNotIdentifiers) {
  EXPECT_THAT(errors_of(R"(rig:
  interfaces:
    - {name: -voice, role: both, device: eth0}
    - {name: "my voice", role: both, device: eth1}
)"),
              ElementsAre("lab.yaml:3:14: rig.interfaces[0].name: '-voice' must start with a "
                          "letter or digit",
                          "lab.yaml:4:14: rig.interfaces[1].name: 'my voice' may contain only "
                          "letters, digits, '_', '-' and '.'"));
}

TEST(LabRig, RejectsAddressesThatAreNotHostAddressesWithAPrefix) {
  EXPECT_THAT(
      errors_of(R"(rig:
  interfaces:
    - {name: a, role: service, device: eth0, address: 10.0.0.1}
    - {name: b, role: service, device: eth1, address: 10.0.0.1/33}
    - {name: c, role: service, device: eth2, address: 10.0.0.256/24}
    - {name: d, role: service, device: eth3, address: 10.0.0.0/24}
    - {name: e, role: service, device: eth4, address: 10.0.0.255/24}
    - {name: f, role: capture, device: eth5, address: 10.0.1.1/24}
)"),
      ElementsAre(
          "lab.yaml:3:55: rig.interfaces[0].address: expected an address with its prefix "
          "length, A.B.C.D/N, got '10.0.0.1'",
          "lab.yaml:4:55: rig.interfaces[1].address: prefix length '33' is not an integer 0..32",
          "lab.yaml:5:55: rig.interfaces[2].address: '10.0.0.256' is not an IPv4 address",
          "lab.yaml:6:55: rig.interfaces[3].address: 10.0.0.0/24 is the network address of its "
          "subnet, not a host",
          "lab.yaml:7:55: rig.interfaces[4].address: 10.0.0.255/24 is the broadcast address of "
          "its subnet, not a host",
          "lab.yaml:8:55: rig.interfaces[5].address: only interfaces with role service or both "
          "take an address; a capture interface listens without one"));
}

TEST(LabRig, RequiresAnInterfaceThatServesAndOneThatCaptures) {
  EXPECT_THAT(errors_of(R"(rig:
  interfaces:
    - {name: a, role: service, device: eth0}
)"),
              ElementsAre("lab.yaml:3:5: rig.interfaces: no interface has role capture or both: "
                          "the assertions need one"));
  EXPECT_THAT(errors_of(R"(rig:
  interfaces:
    - {name: a, role: capture, device: eth0}
)"),
              ElementsAre("lab.yaml:3:5: rig.interfaces: no interface has role service or both: "
                          "the services need one"));
  EXPECT_THAT(errors_of("rig:\n  interfaces: []\n"),
              ElementsAre("lab.yaml:2:15: rig.interfaces: no interface has role service or "
                          "both: the services need one",
                          "lab.yaml:2:15: rig.interfaces: no interface has role capture or "
                          "both: the assertions need one"));
}

TEST(LabRig, RejectsDuplicateInterfaceNameWithBothLines) {
  EXPECT_THAT(errors_of(R"(rig:
  interfaces:
    - {name: lan, role: service, device: eth0}
    - {name: lan, role: capture, device: eth1}
)"),
              ElementsAre("lab.yaml:4:14: rig.interfaces[1].name: duplicate interface name "
                          "'lan' (first at line 3)"));
}

TEST(LabRig, RejectsTheSameDeviceOrVlanTwice) {
  EXPECT_THAT(errors_of(R"(rig:
  interfaces:
    - {name: a, role: service, device: eth0}
    - {name: b, role: capture, device: eth0}
    - {name: c, role: service, parent: eno2, vlan: 100}
    - {name: d, role: both, parent: eno2, vlan: 100}
)"),
              ElementsAre("lab.yaml:4:7: rig.interfaces[1]: device 'eth0' is already interface "
                          "'a' (line 3); one interface with role both serves and captures",
                          "lab.yaml:6:7: rig.interfaces[3]: VLAN 100 on 'eno2' is already "
                          "interface 'c' (line 5)"));
}

TEST(LabRig, RejectsNamespaceNamesIpNetnsRefuses) {
  const std::string interfaces = "  interfaces: [{name: a, role: both, device: eth0}]\n";
  EXPECT_THAT(errors_of("rig:\n  netns: \"\"\n" + interfaces),
              ElementsAre("lab.yaml:2:10: rig.netns: expected a non-empty string"));
  EXPECT_THAT(errors_of("rig:\n  netns:\n" + interfaces),
              ElementsAre("lab.yaml:2:3: rig.netns: expected a string, got nothing"));
  EXPECT_THAT(errors_of("rig:\n  netns: ..\n" + interfaces),
              ElementsAre("lab.yaml:2:10: rig.netns: '..' is not a namespace name"));
}

TEST(InterfaceNames, FollowTheKernelRules) {
  EXPECT_EQ(ifname_problem("abcdefghijklmno"), std::nullopt);  // 15: the longest
  EXPECT_EQ(ifname_problem("eno2.100"), std::nullopt);
  EXPECT_EQ(ifname_problem("veth-a_b@x"), std::nullopt);
  EXPECT_NE(ifname_problem("abcdefghijklmnop"), std::nullopt);
  EXPECT_NE(ifname_problem(""), std::nullopt);
  EXPECT_NE(ifname_problem("."), std::nullopt);
  EXPECT_NE(ifname_problem("eth\t0"), std::nullopt);
  EXPECT_NE(ifname_problem("eth\xc3\xa9"), std::nullopt);
}

TEST(Identifiers, AllowFileNameSafeCharactersOnly) {
  EXPECT_EQ(identifier_problem("desk-1.lobby_2"), std::nullopt);
  EXPECT_EQ(identifier_problem("8851"), std::nullopt);
  EXPECT_NE(identifier_problem(".hidden"), std::nullopt);
  EXPECT_NE(identifier_problem("a/b"), std::nullopt);
  EXPECT_NE(identifier_problem(std::string(65, 'a')), std::nullopt);
  EXPECT_THAT(errors_of("rig:\n  interfaces: [{name: a, role: both, device: eth0}]\n"), IsEmpty());
}

}  // namespace
}  // namespace phonerig::scenario
