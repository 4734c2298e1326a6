// The lab-file loader as a whole: good files, the shipped lab files, file-level errors,
// duplicate and unknown keys, every error reported in file order, and secrets kept out
// of every message. Section rules have their own tests (rig_section_test.cpp,
// lab_sections_test.cpp, credential_test.cpp).
#include "harness/scenario/lab_file.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace phonerig::scenario {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

const std::string kLabs = PHONERIG_VECTORS_DIR "/labs/";
const std::string kSourceDir = PHONERIG_SOURCE_DIR;

std::vector<std::string> errors_of(const LoadResult<Lab>& result) {
  std::vector<std::string> lines;
  if (result.has_value()) return lines;
  for (const auto& diagnostic : result.error()) lines.push_back(diagnostic.to_string());
  return lines;
}

std::vector<std::string> errors_of(std::string_view yaml) {
  return errors_of(load_lab_text(yaml, "lab.yaml"));
}

// 198.18.0.0/15, RFC 2544: the only addresses the simulated lab may use.
bool in_benchmarking_range(wire::Ipv4 address) { return (address.value >> 17) == (0xc612u >> 1); }

TEST(LabFile, LoadsMinimalFileWithOnlyARig) {
  auto lab = load_lab_file(kLabs + "minimal.yaml");
  ASSERT_TRUE(lab.has_value()) << to_string(lab.error());
  EXPECT_EQ(lab->file, kLabs + "minimal.yaml");
  ASSERT_EQ(lab->rig.interfaces.size(), 1u);
  const RigInterface& lan = lab->rig.interfaces[0];
  EXPECT_EQ(lan.name, "lan");
  EXPECT_EQ(lan.role, InterfaceRole::both);
  EXPECT_EQ(std::get<ExistingDevice>(lan.link).ifname, "eth0");
  EXPECT_EQ(lan.at, (Position{4, 7}));
  EXPECT_FALSE(lab->rig.netns);
  EXPECT_FALSE(lab->switch_config);
  EXPECT_TRUE(lab->phones.empty());
  EXPECT_FALSE(lab->services.dhcp.declared);
  EXPECT_FALSE(lab->simulated());
}

TEST(LabFile, LoadsFullFileWithEverySection) {
  auto lab = load_lab_file(kLabs + "full.yaml");
  ASSERT_TRUE(lab.has_value()) << to_string(lab.error());
  EXPECT_EQ(lab->rig.netns, "phonerig-test");
  ASSERT_EQ(lab->rig.interfaces.size(), 4u);
  const RigInterface* data = lab->rig.find_interface("data");
  ASSERT_NE(data, nullptr);
  EXPECT_EQ(std::get<VlanOnParent>(data->link), (VlanOnParent{"eno2", 10}));
  EXPECT_EQ(data->address->to_string(), "10.20.10.2/24");
  EXPECT_TRUE(lab->rig.find_interface("span")->serves());
  EXPECT_TRUE(lab->rig.find_interface("span")->captures());
  EXPECT_FALSE(lab->rig.find_interface("trunk")->serves());

  ASSERT_TRUE(lab->switch_config);
  const SwitchConfig& sw = *lab->switch_config;
  EXPECT_EQ(sw.address.to_string(), "10.20.0.2");
  EXPECT_EQ(sw.snmp.version, SnmpVersion::v2c);
  EXPECT_EQ(sw.snmp.community->to_string(), "file:secrets/community");
  EXPECT_EQ(sw.snmp.community->file_path(),
            std::filesystem::absolute(kLabs) / "secrets/community");
  EXPECT_EQ(sw.profile, PoeProfile::rfc3621);
  EXPECT_EQ(sw.vlans->voice, 100);
  EXPECT_EQ(sw.vlans->data, 10);

  ASSERT_EQ(lab->phones.size(), 4u);
  EXPECT_EQ(lab->phones[0].port, "Gi1/0/5");
  EXPECT_EQ(lab->phones[0].load, "sip88xx.14-2-1-0001-14");
  EXPECT_THAT(lab->phones[0].tags, ElementsAre("color", "video"));
  EXPECT_EQ(lab->phones[2].model, "7841");  // a plain number is still a model name
  // Four spellings, one normal form.
  EXPECT_EQ(lab->phones[0].mac.to_string(), "00:1e:4a:3c:12:01");
  EXPECT_EQ(lab->phones[1].mac.to_string(), "00:1e:4a:3c:12:02");
  EXPECT_EQ(lab->phones[2].mac.to_string(), "00:1e:4a:3c:12:03");
  EXPECT_EQ(lab->phones[3].mac.to_string(), "00:1e:4a:3c:12:04");
  EXPECT_EQ(lab->find_phone(*wire::Mac::parse("001e4a3c1202"))->id, "desk-1");

  EXPECT_EQ(lab->services.cdp.mode, ServiceMode::on);
  EXPECT_EQ(lab->services.dhcp.mode, ServiceMode::on);
  EXPECT_EQ(lab->services.tftp.mode, ServiceMode::off);
  EXPECT_EQ(lab->services.http.mode, ServiceMode::external);
  EXPECT_EQ(lab->services.sip.mode, ServiceMode::external);
  EXPECT_FALSE(lab->simulated());
}

TEST(LabFile, LoadsShippedSimulatedLabWithOnlyBenchmarkingAddresses) {
  auto lab = load_lab_file(kSourceDir + "/lab/sim.yaml");
  ASSERT_TRUE(lab.has_value()) << to_string(lab.error());
  EXPECT_TRUE(lab->simulated());
  for (const auto& interface : lab->rig.interfaces) {
    if (interface.address) {
      EXPECT_TRUE(in_benchmarking_range(interface.address->address)) << interface.name;
    }
  }
  ASSERT_TRUE(lab->switch_config);
  EXPECT_TRUE(in_benchmarking_range(lab->switch_config->address));
  EXPECT_EQ(lab->switch_config->address.to_string(), "198.18.255.1");
  EXPECT_EQ(lab->switch_config->vlans->voice, 100);
  EXPECT_EQ(lab->switch_config->vlans->data, 10);
  ASSERT_EQ(lab->phones.size(), 2u);
  EXPECT_EQ(lab->phones[0].model, "CP-8851");
  EXPECT_EQ(lab->phones[1].model, "CP-7821");
  EXPECT_EQ(lab->phones[0].mac.to_string(), "00:1e:4a:00:00:01");
}

TEST(LabFile, LoadsShippedExampleRig) {
  auto lab = load_lab_file(kSourceDir + "/lab/example-rig.yaml");
  ASSERT_TRUE(lab.has_value()) << to_string(lab.error());
  EXPECT_FALSE(lab->simulated());
  EXPECT_EQ(std::get<VlanOnParent>(lab->rig.find_interface("voice")->link),
            (VlanOnParent{"eno2", 100}));
  EXPECT_EQ(lab->rig.find_interface("span")->role, InterfaceRole::capture);
  const Snmp& snmp = lab->switch_config->snmp;
  EXPECT_EQ(snmp.version, SnmpVersion::v3);
  EXPECT_EQ(snmp.auth->kind(), Credential::Kind::env);
  EXPECT_EQ(snmp.priv->kind(), Credential::Kind::env);
  EXPECT_EQ(lab->switch_config->profile, PoeProfile::cisco);
  EXPECT_EQ(lab->phones.size(), 3u);
  EXPECT_EQ(lab->phones[0].port, "Gi1/0/5");
}

TEST(LabFile, ReportsMissingFileWithoutAPosition) {
  EXPECT_THAT(errors_of(load_lab_file(kLabs + "no-such-lab.yaml")),
              ElementsAre(kLabs + "no-such-lab.yaml: cannot read: No such file or directory"));
}

TEST(LabFile, ReportsDirectoryAsUnreadable) {
  EXPECT_THAT(errors_of(load_lab_file(kLabs)),
              ElementsAre(kLabs + ": cannot read: it is a directory"));
}

TEST(LabFile, ReportsEmptyFile) {
  const std::string empty = "lab.yaml: the lab file is empty; it needs at least a rig: section";
  EXPECT_THAT(errors_of(""), ElementsAre(empty));
  EXPECT_THAT(errors_of("# only a comment\n"), ElementsAre(empty));
}

TEST(LabFile, TurnsYamlSyntaxErrorIntoDiagnosticAtItsPosition) {
  std::string file = kLabs + "syntax-error.yaml";
  EXPECT_THAT(errors_of(load_lab_file(file)),
              ElementsAre(file + ":4:8: YAML syntax: end of map flow not found"));
  // A tab cannot indent in YAML; yaml-cpp notices at the ':' that follows.
  EXPECT_THAT(errors_of("rig:\n\tinterfaces: []\n"),
              ElementsAre("lab.yaml:2:12: YAML syntax: illegal map value"));
}

TEST(LabFile, NeverThrowsOnMalformedYaml) {
  const std::vector<std::string> inputs = {
      "{", "[", ":", "&a *a", "rig: *undefined\n", std::string("rig:\0x", 6),
      std::string(5000, '['), "\xff\xfe\x00", "rig: !custom {}\n", "<<: {rig: 1}\n",
  };
  for (const auto& input : inputs) {
    std::optional<LoadResult<Lab>> lab;
    ASSERT_NO_THROW(lab.emplace(load_lab_text(input, "lab.yaml"))) << input;
    EXPECT_FALSE(lab->has_value()) << input;
  }
}

TEST(LabFile, RejectsKeysThatAreNotStrings) {
  EXPECT_THAT(errors_of("rig:\n"
                        "  interfaces: [{name: lan, role: both, device: eth0}]\n"
                        "? [a, b]\n"
                        ": c\n"),
              ElementsAre("lab.yaml:3:3: keys must be strings, got a sequence"));
}

TEST(LabFile, RejectsTopLevelThatIsNotAMapping) {
  EXPECT_THAT(errors_of("- rig\n"),
              ElementsAre("lab.yaml:1:1: a lab file is a mapping of rig, switch, phones, "
                          "services and sim; got a sequence"));
}

TEST(LabFile, RequiresRigSection) {
  EXPECT_THAT(errors_of("phones: []\n"), ElementsAre("lab.yaml:1:1: missing required key 'rig'"));
}

TEST(LabFile, RejectsSecondDocument) {
  EXPECT_THAT(errors_of("rig:\n"
                        "  interfaces: [{name: lan, role: both, device: eth0}]\n"
                        "---\n"
                        "sim: {}\n"),
              ElementsAre("lab.yaml:4:1: a lab file holds one YAML document; a second one "
                          "starts here"));
}

TEST(LabFile, RejectsUnknownTopLevelKeyNamingTheAllowedOnes) {
  EXPECT_THAT(errors_of("rig:\n"
                        "  interfaces: [{name: lan, role: both, device: eth0}]\n"
                        "phone: []\n"
                        "extras: {}\n"),
              ElementsAre("lab.yaml:3:1: unknown key 'phone' (allowed: rig, switch, phones, "
                          "services, sim); did you mean 'phones'?",
                          "lab.yaml:4:1: unknown key 'extras' (allowed: rig, switch, phones, "
                          "services, sim)"));
}

TEST(LabFile, RejectsDuplicateKeyWithBothLines) {
  std::string file = kLabs + "duplicate-key.yaml";
  EXPECT_THAT(errors_of(load_lab_file(file)),
              ElementsAre(file + ":6:3: rig: duplicate key 'netns' (first at line 3)"));
}

TEST(LabFile, RejectsDuplicateKeyInsideAListItem) {
  EXPECT_THAT(errors_of("rig:\n"
                        "  interfaces: [{name: lan, role: both, device: eth0}]\n"
                        "phones:\n"
                        "  - id: a\n"
                        "    mac: 00:1e:4a:00:00:01\n"
                        "    model: CP-7821\n"
                        "    id: b\n"),
              ElementsAre("lab.yaml:7:5: phones[0]: duplicate key 'id' (first at line 4)"));
}

TEST(LabFile, RejectsDuplicateTopLevelSection) {
  EXPECT_THAT(errors_of("rig:\n"
                        "  interfaces: [{name: lan, role: both, device: eth0}]\n"
                        "sim: {}\n"
                        "rig: {}\n"),
              ElementsAre("lab.yaml:4:1: duplicate key 'rig' (first at line 1)"));
}

TEST(LabFile, ReportsEveryErrorInFileOrder) {
  std::string file = kLabs + "many-errors.yaml";
  EXPECT_THAT(
      errors_of(load_lab_file(file)),
      ElementsAre(
          file + ":2:10: rig.netns: namespace name 'bad/name' may not contain '/', whitespace "
                 "or non-printable characters",
          file + ":5:13: rig.interfaces[0].role: expected one of service, capture, both, got "
                 "'servce'",
          file + ":9:15: rig.interfaces[1].device: interface name 'this-name-is-too-long' has "
                 "21 characters; Linux allows at most 15",
          file + ":11:12: switch.address: '198.18.255.256' is not an IPv4 address (A.B.C.D)",
          file + ":12:34: switch.snmp.community: credentials must be references (env:NAME or "
                 "file:PATH), not inline values",
          file + ":14:29: switch.vlans.data: expected an integer 1..4094, got 4095",
          file + ":17:10: phones[1].id: duplicate phone id 'a' (first at line 16)",
          file + ":17:18: phones[1].mac: 00:1e:4a:00:00:01 is already phone 'a' (line 16)",
          file + ":19:9: services.dhcp: expected one of on, off, external, got 'maybe'",
          file + ":20:6: sim: expected a mapping, got a sequence"));
}

TEST(LabFile, GathersAllDiagnosticsIntoOneConfigError) {
  auto lab = load_lab_text("rig: []\nsim: 1\n", "lab.yaml");
  ASSERT_FALSE(lab.has_value());
  EXPECT_EQ(to_string(lab.error()),
            "lab.yaml:1:6: rig: expected a mapping, got a sequence\n"
            "lab.yaml:2:6: sim: expected a mapping, got a string\n");
  api::Error error = to_error(lab.error());
  EXPECT_EQ(error.fault, api::Fault::config);
  EXPECT_EQ(error.message,
            "lab.yaml:1:6: rig: expected a mapping, got a sequence\n"
            "lab.yaml:2:6: sim: expected a mapping, got a string");
}

TEST(LabFile, ResolvesRelativeCredentialsOfTextAgainstTheFolderOfItsName) {
  const std::string yaml =
      "rig:\n"
      "  interfaces: [{name: lan, role: both, device: eth0}]\n"
      "switch:\n"
      "  address: 198.18.255.1\n"
      "  snmp: {version: 2c, community: file:community.txt}\n"
      "  profile: cisco\n";
  auto named = load_lab_text(yaml, "/etc/phonerig/lab.yaml");
  ASSERT_TRUE(named.has_value()) << to_string(named.error());
  EXPECT_EQ(named->switch_config->snmp.community->file_path(), "/etc/phonerig/community.txt");
  auto given = load_lab_text(yaml, "built-in sim.yaml", "/srv/lab");
  ASSERT_TRUE(given.has_value()) << to_string(given.error());
  EXPECT_EQ(given->switch_config->snmp.community->file_path(), "/srv/lab/community.txt");
}

// DESIGN.md, "Safety rules": credentials never appear in logs or reports. The secret is
// set in the environment, referenced by a good lab, and written inline into bad labs in
// every place a user might put it; it must never come back out of the loader.
TEST(LabFile, NeverPrintsACredentialValue) {
  const std::string secret = "Zq7-s3cret-Community";
  ASSERT_EQ(::setenv("PHONERIG_TEST_LAB_SECRET", secret.c_str(), 1), 0);
  const std::string rig =
      "rig:\n"
      "  interfaces: [{name: lan, role: both, device: eth0}]\n"
      "switch:\n"
      "  address: 198.18.255.1\n"
      "  profile: cisco\n";

  auto good = load_lab_text(
      rig + "  snmp: {version: 2c, community: env:PHONERIG_TEST_LAB_SECRET}\n", "lab.yaml");
  ASSERT_TRUE(good.has_value()) << to_string(good.error());
  const Credential& community = *good->switch_config->snmp.community;
  EXPECT_EQ(community.resolve().value(), secret);  // the reference does lead to the secret
  std::ostringstream streamed;
  streamed << community;
  EXPECT_EQ(streamed.str(), "env:PHONERIG_TEST_LAB_SECRET");
  EXPECT_EQ(community.to_string(), "env:PHONERIG_TEST_LAB_SECRET");
  EXPECT_EQ(::testing::PrintToString(community), "env:PHONERIG_TEST_LAB_SECRET");

  const std::vector<std::string> inline_secrets = {
      "  snmp: {version: 2c, community: " + secret + "}\n",
      "  snmp: {version: 2c, community: \"" + secret + "\"}\n",
      "  snmp: {version: 3, user: phonerig, auth: " + secret + ", priv: " + secret + "}\n",
      "  snmp: {version: 2c, community: env:" + secret + "}\n",
      "  snmp: {version: 2c, community: [" + secret + "]}\n",
      "  snmp: {version: 2c, community: {value: " + secret + "}}\n",
      "  snmp: {version: 2c, comunity: " + secret + "}\n",
      "  snmp: {version: 2c, community: env:X, auth: " + secret + "}\n",
      "  snmp: {version: 2c, community: \"" + secret + "\n",  // a syntax error near it
  };
  for (const auto& snmp : inline_secrets) {
    auto bad = load_lab_text(rig + snmp, "lab.yaml");
    ASSERT_FALSE(bad.has_value()) << snmp;
    EXPECT_THAT(to_string(bad.error()), Not(HasSubstr(secret))) << snmp;
    EXPECT_THAT(to_error(bad.error()).message, Not(HasSubstr(secret))) << snmp;
  }
  EXPECT_THAT(errors_of(rig + inline_secrets[0]),
              ElementsAre("lab.yaml:6:34: switch.snmp.community: credentials must be references "
                          "(env:NAME or file:PATH), not inline values"));
  ::unsetenv("PHONERIG_TEST_LAB_SECRET");
}

}  // namespace
}  // namespace phonerig::scenario
