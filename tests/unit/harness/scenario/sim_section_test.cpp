// The lab file's sim section (issue 6; lab/sim/README.md): layout, switch knobs and faults,
// phone defaults and per-phone knobs, each validated with file:line:col.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "harness/scenario/lab_file.hpp"

namespace phonerig::scenario {
namespace {

using ::testing::ElementsAre;

// Lines 1-17 of every lab below; the sim section starts on line 18.
const std::string kLab =
    "rig:\n"
    "  interfaces:\n"
    "    - {name: voice, role: service, device: rig-voice, address: 198.18.0.10/24}\n"
    "    - {name: span, role: capture, device: rig-span}\n"
    "switch:\n"
    "  address: 198.18.255.1\n"
    "  snmp: {version: 2c, community: env:PHONERIG_SIM_SNMP_COMMUNITY}\n"
    "  profile: cisco\n"
    "  vlans: {voice: 100, data: 10}\n"
    "phones:\n"
    "  - {id: a, mac: 00:1e:4a:00:00:01, model: CP-8851, port: Gi1/0/1}\n"
    "  - {id: b, mac: 00:1e:4a:00:00:02, model: CP-7821, port: Gi1/0/2}\n"
    "services:\n"
    "  dhcp:\n"
    "    mode: on\n"
    "    pool: {first: 198.18.0.150, last: 198.18.0.199}\n"
    "  cdp: off\n";

LoadResult<Lab> load(const std::string& sim) { return load_lab_text(kLab + sim, "lab.yaml"); }

std::vector<std::string> errors_of(const std::string& sim) {
  auto lab = load(sim);
  std::vector<std::string> lines;
  if (lab.has_value()) return lines;
  for (const auto& diagnostic : lab.error()) lines.push_back(diagnostic.to_string());
  return lines;
}

TEST(LabSimSection, AnEmptySimIsTheDefaults) {
  auto lab = load("sim: {}\n");
  ASSERT_TRUE(lab.has_value()) << to_string(lab.error());
  ASSERT_TRUE(lab->simulated());
  EXPECT_EQ(lab->sim->layout, SimLayout::direct);
  EXPECT_TRUE(lab->sim->switch_knobs.announce);
  EXPECT_EQ(lab->sim->switch_knobs.cdp_interval_s, 60);
  EXPECT_EQ(lab->sim->switch_knobs.seed, 1u);
  EXPECT_TRUE(lab->sim->switch_knobs.faults.empty());
  EXPECT_TRUE(lab->sim->phones.empty());
  EXPECT_FALSE(lab->sim->knobs_for("a").boot_delay_ms.has_value());
}

TEST(LabSimSection, ReadsEveryKnob) {
  auto lab = load(R"(sim:
  layout: relayed
  switch:
    announce: false
    cdp_interval_s: 30
    seed: 7
    faults:
      - {vlan: 100, loss_percent: 5}
      - {port: Gi1/0/2, delay_ms: 20, duplicate_percent: 0.5, corrupt_percent: 1, reorder_percent: 2}
  phone_defaults: {short_timers: true, boot_delay_ms: 500}
  phones:
    a:
      running_load: sip88xx.14-2-1-0001-14
      inactive_load: sip88xx.12-8-1-0001-1
      boot_delay_ms: 1000
      skip: [ctl, ringlist]
      http: false
      ignore_option_150: true
      voip_vlan_query: true
      password_override: wrong
      udp_transport: true
      crash_during_firmware: true
      cdp: false
      softkeys_after_register: true
      seed: 42
)");
  ASSERT_TRUE(lab.has_value()) << to_string(lab.error());
  const SimConfig& sim = *lab->sim;
  EXPECT_EQ(sim.layout, SimLayout::relayed);
  EXPECT_FALSE(sim.switch_knobs.announce);
  EXPECT_EQ(sim.switch_knobs.cdp_interval_s, 30);
  EXPECT_EQ(sim.switch_knobs.seed, 7u);
  ASSERT_EQ(sim.switch_knobs.faults.size(), 2u);
  EXPECT_EQ(sim.switch_knobs.faults[0].vlan, std::optional<std::uint16_t>(100));
  EXPECT_DOUBLE_EQ(sim.switch_knobs.faults[0].loss_percent, 5);
  EXPECT_EQ(sim.switch_knobs.faults[1].port, std::optional<std::string>("Gi1/0/2"));
  EXPECT_EQ(sim.switch_knobs.faults[1].delay_ms, 20);
  EXPECT_DOUBLE_EQ(sim.switch_knobs.faults[1].duplicate_percent, 0.5);
  EXPECT_DOUBLE_EQ(sim.switch_knobs.faults[1].corrupt_percent, 1);
  EXPECT_DOUBLE_EQ(sim.switch_knobs.faults[1].reorder_percent, 2);

  const SimPhoneKnobs a = sim.knobs_for("a");
  EXPECT_EQ(a.running_load, std::optional<std::string>("sip88xx.14-2-1-0001-14"));
  EXPECT_EQ(a.inactive_load, std::optional<std::string>("sip88xx.12-8-1-0001-1"));
  EXPECT_EQ(a.boot_delay_ms, std::optional<int>(1000));  // its own beats the default
  EXPECT_EQ(a.skip, (std::optional<std::vector<std::string>>({"ctl", "ringlist"})));
  EXPECT_EQ(a.http, std::optional<bool>(false));
  EXPECT_EQ(a.ignore_option_150, std::optional<bool>(true));
  EXPECT_EQ(a.voip_vlan_query, std::optional<bool>(true));
  EXPECT_EQ(a.password_override, std::optional<std::string>("wrong"));
  EXPECT_EQ(a.udp_transport, std::optional<bool>(true));
  EXPECT_EQ(a.crash_during_firmware, std::optional<bool>(true));
  EXPECT_EQ(a.cdp, std::optional<bool>(false));
  EXPECT_EQ(a.softkeys_after_register, std::optional<bool>(true));
  EXPECT_EQ(a.short_timers, std::optional<bool>(true));  // from the defaults
  EXPECT_EQ(a.seed, std::optional<std::uint32_t>(42));

  const SimPhoneKnobs b = sim.knobs_for("b");  // defaults only
  EXPECT_EQ(b.boot_delay_ms, std::optional<int>(500));
  EXPECT_EQ(b.short_timers, std::optional<bool>(true));
  EXPECT_FALSE(b.http.has_value());
}

TEST(LabSimSection, RejectsUnknownKeysAndBadValuesWithTheirPositions) {
  EXPECT_THAT(errors_of(R"(sim:
  layout: bridged
  switch: {announce: maybe, cdp_interval_s: 1, colour: red}
  phone_defaults: {boot_delay_ms: -1, skip: [ctl, dance, ctl]}
  phones:
    a: {running_load: "../etc/passwd", seed: x}
)"),
              ElementsAre(
                  "lab.yaml:19:11: sim.layout: expected one of direct, relayed, got 'bridged'",
                  "lab.yaml:20:22: sim.switch.announce: expected one of true, false, got 'maybe'",
                  "lab.yaml:20:45: sim.switch.cdp_interval_s: expected an integer 5..254, got 1",
                  "lab.yaml:20:48: sim.switch: unknown key 'colour' (allowed: announce, "
                  "cdp_interval_s, seed, faults)",
                  "lab.yaml:21:35: sim.phone_defaults.boot_delay_ms: expected an integer "
                  "0..600000, got -1",
                  "lab.yaml:21:51: sim.phone_defaults.skip[1]: expected one of ctl, itl, "
                  "firmware, dial_rules, softkeys, localization, ringlist, got 'dance'",
                  "lab.yaml:21:58: sim.phone_defaults.skip[2]: step 'ctl' is already skipped",
                  "lab.yaml:23:23: sim.phones.a.running_load: a load id is 1-64 letters, "
                  "digits, '.', '-' or '_' (it names files), got '../etc/passwd'",
                  "lab.yaml:23:46: sim.phones.a.seed: expected an integer 0..4294967295, got "
                  "'x'"));
}

TEST(LabSimSection, RejectsBadFaults) {
  EXPECT_THAT(errors_of(R"(sim:
  switch:
    faults:
      - {loss_percent: 5}
      - {vlan: 100, port: Gi1/0/1, loss_percent: 5}
      - {port: Fa0/1, loss_percent: 101}
      - {vlan: 100, loss_percent: "5"}
)"),
              ElementsAre(
                  "lab.yaml:21:9: sim.switch.faults[0]: a fault names its scope: either port "
                  "(Gi1/0/N) or vlan, not neither",
                  "lab.yaml:22:9: sim.switch.faults[1]: a fault names its scope: either port "
                  "(Gi1/0/N) or vlan, not both",
                  "lab.yaml:23:16: sim.switch.faults[2].port: 'Fa0/1' is not a port of the "
                  "simulated switch (Gi1/0/N)",
                  "lab.yaml:23:37: sim.switch.faults[2].loss_percent: expected a percentage "
                  "0..100, got '101'",
                  "lab.yaml:24:35: sim.switch.faults[3].loss_percent: expected a percentage "
                  "0..100, got a string"));
}

TEST(LabSimSection, ChecksPhoneIdsPortsAndVlansAgainstTheOtherSections) {
  EXPECT_THAT(errors_of(R"(sim:
  switch:
    faults: [{vlan: 200, loss_percent: 5}]
  phones:
    a: {http: false}
    nobody: {http: false}
)"),
              ElementsAre("lab.yaml:20:14: sim.switch.faults: VLAN 200 is neither the voice "
                          "(100) nor the data (10) VLAN",
                          "lab.yaml:23:5: sim.phones.nobody: no phone in the phones section has "
                          "id 'nobody'"));
}

TEST(LabSimSection, RejectsADuplicatePhoneIdInSim) {
  EXPECT_THAT(errors_of(R"(sim:
  phones:
    a: {http: false}
    a: {cdp: false}
)"),
              ElementsAre("lab.yaml:21:5: sim.phones: duplicate key 'a' (first at line 20)"));
}

TEST(LabSimSection, NeedsAPortOfTheSimulatedSwitchForEveryPhone) {
  std::string lab = kLab;
  lab.replace(lab.find("port: Gi1/0/2"), 13, "port: Gi1/0/1");
  auto loaded = load_lab_text(lab + "sim: {}\n", "lab.yaml");
  ASSERT_FALSE(loaded.has_value());
  EXPECT_THAT(loaded.error()[0].to_string(),
              ::testing::HasSubstr("lab.yaml:12:5: phones[1].port: Gi1/0/1 is already phone 'a'"));
  lab = kLab;
  lab.replace(lab.find("port: Gi1/0/2"), 13, "port: Gi2/0/2");
  loaded = load_lab_text(lab + "sim: {}\n", "lab.yaml");
  ASSERT_FALSE(loaded.has_value());
  EXPECT_THAT(loaded.error()[0].to_string(),
              ::testing::HasSubstr("needs a port of the simulated switch (Gi1/0/N, N 1..480)"));
}

TEST(LabSimSection, PortNumbers) {
  EXPECT_EQ(sim_port_number("Gi1/0/1"), std::optional<int>(1));
  EXPECT_EQ(sim_port_number("GigabitEthernet1/0/48"), std::optional<int>(48));
  EXPECT_EQ(sim_port_number("Gi1/0/480"), std::optional<int>(480));
  EXPECT_FALSE(sim_port_number("Gi1/0/481"));
  EXPECT_FALSE(sim_port_number("Gi1/0/0"));
  EXPECT_FALSE(sim_port_number("Gi1/0/01"));
  EXPECT_FALSE(sim_port_number("Gi1/0/"));
  EXPECT_FALSE(sim_port_number("1/5"));
}

TEST(LabSimSection, TheBuiltInLabIsSimulated) {
  auto lab = load_lab_file(std::string(PHONERIG_SOURCE_DIR) + "/lab/sim.yaml");
  ASSERT_TRUE(lab.has_value()) << to_string(lab.error());
  EXPECT_TRUE(lab->simulated());
}

}  // namespace
}  // namespace phonerig::scenario
