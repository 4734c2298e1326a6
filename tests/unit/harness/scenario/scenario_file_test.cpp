// The scenario loader (issue 7, "Scenarios"): strict YAML with file:line:col diagnostics,
// and the shipped scenarios, each loaded, validated and planned against its lab.
#include "harness/engine/steps.hpp"
#include "harness/scenario/lab_file.hpp"
#include "harness/scenario/scenario.hpp"

#include <algorithm>
#include <filesystem>
#include <gtest/gtest.h>

namespace phonerig::scenario {
namespace {

namespace fs = std::filesystem;

Scenario load_ok(std::string_view text) {
  auto result = load_scenario_text(text, "test.yaml", fs::temp_directory_path());
  EXPECT_TRUE(result.has_value()) << (result ? "" : to_string(result.error()));
  return result ? *result : Scenario{};
}

// The only diagnostic's text, "test.yaml:L:C: message".
std::string load_error(std::string_view text) {
  auto result = load_scenario_text(text, "test.yaml", fs::temp_directory_path());
  EXPECT_FALSE(result.has_value());
  if (result) return "";
  return to_string(result.error());
}

TEST(ScenarioFile, TheCommonCaseIsFourLines) {
  Scenario s = load_ok("name: cold boot\nphones: all\nsteps:\n  - registration\n");
  EXPECT_EQ(s.name, "cold boot");
  EXPECT_TRUE(s.phones.all);
  EXPECT_EQ(s.repeat, 1);
  ASSERT_EQ(s.steps.size(), 1u);
  const auto* r = std::get_if<engine::Registration>(&s.steps[0].what);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->power, engine::PowerAction::cycle);
  EXPECT_FALSE(r->expect_firmware_upgrade);
}

TEST(ScenarioFile, ReadsEveryKindOfStep) {
  Scenario s = load_ok(R"(name: all steps
phones: [cp8851-1, CP-7821, sim]
repeat: 5
steps:
  - power: cycle
  - power: {action: on, confirm_within: 20s}
    phones: [cp8851-1]
  - wait: 1.5s
  - expect: {kind: fetched, file: ["SEP{mac}.cnf.xml", "{device}.cnf.xml"], within: 2m, after: power_on, optional: true}
    name: config
  - expect: {kind: dhcp.ack, options: [150], no_options: [66], option_values: {150: "198.18.0.10"}, vlan: voice, src: 198.18.0.10}
  - expect: {kind: sip.response, method: REGISTER, status: 200, attrs: {expires: "120"}}
  - absent: {kind: requested, file: "*.loads", within: 500ms}
  - absent: {kind: requested, file: "*.loads", after: power_on}
  - any_order:
      - expect: {kind: fetched, file: "*dial*"}
      - expect: {kind: fetched, file: "*softkey*"}
  - service: {stop: [tftp, http]}
  - service: {drop_address: 198.18.0.10}
  - fault: {vlan: voice, loss_percent: 5, delay_ms: 20}
  - fault: {port: Gi1/0/1, flap: {down_ms: 1000, period_ms: 5000, count: 3}}
  - fault: {vlan: 100, clear: true}
  - registration: {power: none, skip: [ctl, itl], expect_default_config: true}
)");
  ASSERT_EQ(s.steps.size(), 15u);
  EXPECT_FALSE(s.phones.all);
  EXPECT_EQ(s.phones.names, (std::vector<std::string>{"cp8851-1", "CP-7821", "sim"}));
  EXPECT_EQ(s.repeat, 5);
  auto power = std::get<engine::Power>(s.steps[1].what);
  EXPECT_EQ(power.action, engine::PowerAction::on);
  EXPECT_EQ(power.confirm_within, engine::Millis(20'000));
  ASSERT_TRUE(s.steps[1].phones.has_value());
  EXPECT_EQ(std::get<engine::Wait>(s.steps[2].what).duration, engine::Millis(1500));
  auto config = std::get<engine::Expect>(s.steps[3].what);
  EXPECT_EQ(s.steps[3].name, "config");
  EXPECT_EQ(config.match.files.size(), 2u);
  EXPECT_EQ(config.within, engine::Millis(120'000));
  EXPECT_EQ(config.after, engine::After::power_on);
  EXPECT_TRUE(config.optional);
  auto ack = std::get<engine::Expect>(s.steps[4].what);
  EXPECT_EQ(ack.match.option_present, std::vector<int>{150});
  EXPECT_EQ(ack.match.option_absent, std::vector<int>{66});
  ASSERT_EQ(ack.match.option_equal.size(), 1u);
  EXPECT_EQ(ack.match.option_equal[0].first, 150);
  EXPECT_EQ(ack.match.vlan_role, "voice");
  EXPECT_EQ(ack.match.src, wire::Ipv4::parse("198.18.0.10"));
  EXPECT_EQ(ack.within, engine::Millis(30'000)); // the default
  auto absent = std::get<engine::Absent>(s.steps[7].what);
  EXPECT_FALSE(absent.within.has_value());
  EXPECT_EQ(std::get<engine::AnyOrder>(s.steps[8].what).members.size(), 2u);
  auto stop = std::get<engine::ServiceAction>(s.steps[9].what);
  EXPECT_EQ(stop.services, (std::vector<std::string>{"tftp", "http"}));
  auto drop = std::get<engine::ServiceAction>(s.steps[10].what);
  EXPECT_EQ(drop.op, engine::ServiceOp::drop_address);
  auto loss = std::get<engine::FaultAction>(s.steps[11].what);
  EXPECT_EQ(loss.faults.loss_percent, 5.0);
  EXPECT_EQ(loss.faults.delay, engine::Millis(20));
  auto flap = std::get<engine::FaultAction>(s.steps[12].what);
  ASSERT_TRUE(flap.flap.has_value());
  EXPECT_EQ(flap.flap->count, 3);
  EXPECT_TRUE(std::get<engine::FaultAction>(s.steps[13].what).clear);
  auto r = std::get<engine::Registration>(s.steps[14].what);
  EXPECT_FALSE(r.power.has_value());
  EXPECT_EQ(r.skip, (std::vector<std::string>{"ctl", "itl"}));
  EXPECT_TRUE(r.expect_default_config);
}

TEST(ScenarioFile, RefusesAnUnknownKeyWithLineAndColumn) {
  EXPECT_EQ(load_error("steps:\n  - expect: {kind: dhcp.ack, withn: 3s}\n"),
            "test.yaml:2:30: steps[0].expect: unknown key 'withn' (allowed: kind, origin, file, "
            "method, status, from_phone, options, no_options, option_values, vlan, src, dst, "
            "attrs, within, after, optional); did you mean 'within'?\n");
}

TEST(ScenarioFile, RefusesADuplicateKey) {
  EXPECT_EQ(load_error("steps:\n  - registration\nsteps:\n  - registration\n"),
            "test.yaml:3:1: duplicate key 'steps' (first at line 1)\n");
}

TEST(ScenarioFile, RefusesBadValuesEachAtItsPlace) {
  auto text = load_error(R"(repeat: 0
steps:
  - wait: 30
  - expect: {kind: dhcp.acknowledge}
  - expect: {kind: sip.response, file: "x"}
  - power: reboot
  - service: {stop: ftp}
  - fault: {vlan: voice}
  - registration: {skip: [dchp]}
  - expect: {kind: fetched, file: "{MAC}.cnf.xml"}
  - absent: {kind: dhcp.ack, optional: true}
  - expect: {kind: dhcp.ack, attrs: {no_such: "1"}}
  - service: {start: tftp}
    phones: [cp8851-1]
)");
  EXPECT_NE(text.find("test.yaml:1:9: repeat: expected an integer 1..10000, got 0"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("test.yaml:3:11: steps[0].wait: expected a duration such as 500ms, 30s, "
                      "1.5s, 2m or 1h, got '30' (units: ms, s, m, h)"),
            std::string::npos)
      << text;
  EXPECT_NE(
      text.find("test.yaml:4:20: steps[1].expect.kind: unknown event kind 'dhcp.acknowledge'"),
      std::string::npos)
      << text;
  EXPECT_NE(text.find("test.yaml:5:40: steps[2].expect.file: 'sip.response' events name no file"),
            std::string::npos)
      << text;
  EXPECT_NE(
      text.find("test.yaml:6:12: steps[3].power: expected one of on, off, cycle, got 'reboot'"),
      std::string::npos)
      << text;
  EXPECT_NE(text.find("test.yaml:7:21: steps[4].service.stop: unknown service 'ftp'"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("test.yaml:8:12: steps[5].fault: a fault sets an impairment"),
            std::string::npos)
      << text;
  EXPECT_NE(
      text.find("test.yaml:9:26: steps[6].registration.skip: unknown registration step 'dchp'"),
      std::string::npos)
      << text;
  EXPECT_NE(text.find("test.yaml:10:35: steps[7].expect.file: '{MAC}.cnf.xml': the placeholders "
                      "are {mac}, {device} and {load}"),
            std::string::npos)
      << text;
  EXPECT_NE(
      text.find("test.yaml:11:30: steps[8].absent.optional: an absent step cannot be optional"),
      std::string::npos)
      << text;
  EXPECT_NE(
      text.find("test.yaml:12:38: steps[9].expect.attrs: 'no_such' is no attribute of dhcp.ack"),
      std::string::npos)
      << text;
  EXPECT_NE(text.find("test.yaml:14:13: steps[10].phones: a service step acts on the whole lab"),
            std::string::npos)
      << text;
}

TEST(ScenarioFile, RefusesTwoStepsInOneItemAndAGroupOfActions) {
  auto text = load_error(R"(steps:
  - {wait: 1s, power: on}
  - any_order:
      - expect: {kind: dhcp.ack}
      - power: on
)");
  EXPECT_NE(text.find("one step per item: 'power' and 'wait'"), std::string::npos) << text;
  EXPECT_NE(text.find("any_order holds expect and absent steps only, not power"), std::string::npos)
      << text;
}

TEST(ScenarioFile, RefusesAMissingLabFileAndAnEmptyFile) {
  EXPECT_NE(load_error("lab: no-such-lab.yaml\nsteps: [registration]\n")
                .find("test.yaml:1:6: lab: no lab file at "),
            std::string::npos);
  EXPECT_EQ(load_error(""), "test.yaml: the scenario file is empty; it needs at least steps:\n");
  EXPECT_NE(load_error("name: x\n").find("missing required key 'steps'"), std::string::npos);
}

TEST(ScenarioFile, TellsAScenarioFromALab) {
  EXPECT_EQ(detect_text_kind("steps: [registration]\n"), FileKind::scenario);
  EXPECT_EQ(detect_text_kind("rig: {}\nphones: []\n"), FileKind::lab);
  EXPECT_EQ(detect_text_kind("- a\n"), FileKind::unknown);
  EXPECT_EQ(detect_text_kind("{{{"), FileKind::unknown);
}

TEST(ScenarioFile, ChecksSelectorsLoadsAndVlansAgainstTheLab) {
  auto lab = load_lab_file(fs::path(PHONERIG_SOURCE_DIR) / "lab" / "sim.yaml");
  ASSERT_TRUE(lab.has_value());
  Scenario good =
      load_ok("phones: [cp8851-1, sim]\nsteps:\n  - registration: {expect_firmware_upgrade: true}\n"
              "  - fault: {vlan: voice, loss_percent: 5}\n");
  EXPECT_TRUE(check_against_lab(good, *lab).empty());
  Scenario bad = load_ok(R"(phones: [cp8851-1, cp9951]
steps:
  - expect: {kind: fetched, file: "{load}.loads"}
  - wait: 1s
    phones: [lobby]
)");
  Lab no_loads = *lab;
  no_loads.services.loads.clear();
  auto problems = check_against_lab(bad, no_loads);
  ASSERT_EQ(problems.size(), 3u) << to_string(problems);
  EXPECT_EQ(problems[0].to_string(),
            "test.yaml:1:9: phones: 'cp9951' is no phone id, model or tag of " + lab->file);
  EXPECT_EQ(problems[1].to_string().rfind(
                "test.yaml:3:5: {load} needs the expected load of phone 'cp8851-1'", 0),
            0u)
      << problems[1].to_string();
  EXPECT_EQ(problems[2].to_string(),
            "test.yaml:5:13: phones: 'lobby' is no phone id, model or tag of " + lab->file);
}

TEST(ScenarioFile, StopsAndStartsOnlyWhatPhonerigServes) {
  auto lab = load_lab_file(fs::path(PHONERIG_SOURCE_DIR) / "lab" / "sim.yaml");
  ASSERT_TRUE(lab.has_value());
  Scenario s = load_ok("steps:\n  - service: {stop: [tftp, cdp]}\n");
  auto problems = check_against_lab(s, *lab);
  ASSERT_EQ(problems.size(), 1u) << to_string(problems); // the built-in lab's switch announces
  EXPECT_EQ(problems[0].to_string(),
            "test.yaml:2:5: service cdp: services.cdp is off in " + lab->file +
                "; a scenario can stop and start only what phonerig serves");
  Lab external = *lab;
  external.services.sip.mode = ServiceMode::external;
  Scenario sip = load_ok("steps:\n  - service: {start: sip}\n");
  EXPECT_EQ(check_against_lab(sip, external).size(), 1u);
}

// Every file in scenarios/ loads, and plans against its lab (the built-in simulated lab,
// or the variant it names): selectors name real phones, {load} is known, VLAN roles exist.
TEST(ShippedScenarios, EveryOneValidatesAndPlansAgainstItsLab) {
  const fs::path folder = fs::path(PHONERIG_SOURCE_DIR) / "scenarios";
  auto default_lab = load_lab_file(fs::path(PHONERIG_SOURCE_DIR) / "lab" / "sim.yaml");
  ASSERT_TRUE(default_lab.has_value()) << to_string(default_lab.error());
  int count = 0;
  for (const auto& entry : fs::directory_iterator(folder)) {
    if (entry.path().extension() != ".yaml") continue;
    SCOPED_TRACE(entry.path().string());
    ++count;
    EXPECT_EQ(detect_file_kind(entry.path()), FileKind::scenario);
    auto scenario = load_scenario_file(entry.path());
    ASSERT_TRUE(scenario.has_value()) << to_string(scenario.error());
    Lab lab = *default_lab;
    if (scenario->lab) {
      auto variant = load_lab_file(*scenario->lab);
      ASSERT_TRUE(variant.has_value()) << to_string(variant.error());
      EXPECT_TRUE(variant->simulated());
      lab = *variant;
    }
    EXPECT_TRUE(check_against_lab(*scenario, lab).empty())
        << to_string(check_against_lab(*scenario, lab));
    auto plans = engine::plan(scenario->steps, scenario->phones, phone_facts(lab), lab_facts(lab));
    ASSERT_TRUE(plans.has_value()) << plans.error().message;
    EXPECT_FALSE(plans->empty());
    for (const auto& p : *plans)
      EXPECT_FALSE(p.steps.empty()) << p.phone.id;
  }
  EXPECT_GE(count, 10);
}

TEST(ShippedScenarios, EveryLabVariantValidates) {
  for (const auto& entry :
       fs::directory_iterator(fs::path(PHONERIG_SOURCE_DIR) / "scenarios" / "labs")) {
    if (entry.path().extension() != ".yaml") continue;
    SCOPED_TRACE(entry.path().string());
    EXPECT_EQ(detect_file_kind(entry.path()), FileKind::lab);
    auto lab = load_lab_file(entry.path());
    EXPECT_TRUE(lab.has_value()) << to_string(lab.error());
  }
}

} // namespace
} // namespace phonerig::scenario
