// Issue 7, must-show 2: every shipped scenario passes on the simulated lab, through the
// real CLI (`phonerig run`), each on its own lab instance that the run brings up and takes
// down again. The reports must say the same as the exit code.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <cctype>
#include <set>
#include <nlohmann/json.hpp>
#include <pugixml.hpp>
#include <string>

#include "tests/support/netns.hpp"

namespace phonerig::testing {
namespace {

namespace fs = std::filesystem;

const fs::path kSource = PHONERIG_SOURCE_DIR;
const fs::path kPhonerig = fs::path(PHONERIG_BIN_DIR) / "phonerig";

// A unique instance per test (the lab's names carry it), [a-z0-9]{1,8}.
std::string instance_for(int index) {
  return "t" + std::to_string(getpid() % 100000) + static_cast<char>('a' + index);
}

struct RunOutcome {
  CommandResult command;
  nlohmann::json report;
  fs::path folder;
};

class ShippedScenario : public ::testing::TestWithParam<std::string> {
 protected:
  void TearDown() override {
    // The run takes down what it brought up; this only covers a run that crashed.
    run_command({kPhonerig.string(), "lab", "down", "--instance", instance_});
    std::error_code ignored;
    fs::remove_all(folder_, ignored);
  }

  RunOutcome run(const std::string& scenario, std::vector<std::string> extra = {}) {
    instance_ = instance_for(index_++);
    folder_ = fs::temp_directory_path() / ("phonerig-run-" + instance_);
    std::vector<std::string> argv{kPhonerig.string(), "run",
                                  (kSource / "scenarios" / scenario).string(),
                                  "--instance", instance_, "--out", folder_.string()};
    argv.insert(argv.end(), extra.begin(), extra.end());
    RunOutcome outcome;
    outcome.folder = folder_;
    outcome.command = run_command(argv);
    std::ifstream in(folder_ / "report.json");
    if (in) outcome.report = nlohmann::json::parse(in, nullptr, false);
    return outcome;
  }

  std::string instance_;
  fs::path folder_;
  int index_ = 0;
};

std::string failures(const nlohmann::json& report) {
  std::string text;
  if (!report.is_object() || !report.contains("phones")) return "(no report.json)";
  for (const auto& phone : report["phones"]) {
    for (const auto& step : phone["steps"]) {
      const std::string result = step.value("result", "");
      if (result == "failed" || result == "missing") {
        text += phone.value("id", "?") + " " + step.value("name", "?") + ": " +
                step.value("reason", "") + "\n";
      }
    }
  }
  return text;
}

TEST_P(ShippedScenario, PassesOnTheSimulatedLab) {
  const auto outcome = run(GetParam());
  ASSERT_EQ(outcome.command.status, 0) << outcome.command.out << outcome.command.err
                                       << failures(outcome.report);
  ASSERT_TRUE(outcome.report.is_object()) << "no report.json in " << outcome.folder;
  EXPECT_EQ(outcome.report.value("result", ""), "passed");
  ASSERT_FALSE(outcome.report["phones"].empty());
  for (const auto& phone : outcome.report["phones"]) {
    EXPECT_EQ(phone.value("result", ""), "passed") << phone.dump(2);
    EXPECT_FALSE(phone["steps"].empty());
    // The evidence of record: a pcap per phone, readable by the owner only.
    const fs::path pcap = outcome.folder / "pcap" / (phone.value("id", "") + ".pcap");
    EXPECT_EQ(phone["pcap"], "pcap/" + phone.value("id", "") + ".pcap");
    ASSERT_TRUE(fs::exists(pcap)) << pcap;
    EXPECT_GT(fs::file_size(pcap), 24u);
    EXPECT_EQ(fs::status(pcap).permissions() & fs::perms::all, fs::perms::owner_read | fs::perms::owner_write);
  }
  // JUnit: one test case per phone and step, none failed.
  pugi::xml_document junit;
  ASSERT_TRUE(junit.load_file((outcome.folder / "junit.xml").c_str()));
  std::size_t cases = 0;
  for (const auto& node : junit.select_nodes("//testcase")) {
    ++cases;
    EXPECT_FALSE(node.node().child("failure")) << node.node().attribute("name").value();
  }
  EXPECT_GT(cases, 0u);
  EXPECT_TRUE(fs::exists(outcome.folder / "report.html"));
  // The switch's view is in the record too: its CDP table (read over SNMP) names each
  // phone on its port, with the load it runs.
  std::set<std::string> neighbours;
  std::ifstream events(outcome.folder / "events.jsonl");
  for (std::string line; std::getline(events, line);) {
    const auto event = nlohmann::json::parse(line, nullptr, false);
    if (!event.is_object() || event.value("kind", "") != "switch.neighbour") continue;
    if (event["attrs"].value("protocol", "") != "cdp") continue;
    neighbours.insert(event.value("phone", "") + " " + event["attrs"].value("device_id", ""));
  }
  for (const auto& phone : outcome.report["phones"]) {
    const std::string mac = phone.value("mac", "");
    std::string device = "SEP";
    for (char c : mac) {
      if (c != ':') device += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    EXPECT_TRUE(neighbours.count(mac + " " + device))
        << phone.value("id", "") << ": no switch.neighbour " << device << " in events.jsonl";
  }
  // The run left the lab as it found it: nothing of its instance remains.
  EXPECT_FALSE(fs::exists("/run/netns/phr-" + instance_ + "-sw"));
  EXPECT_FALSE(fs::exists("/run/phonerig/lab-" + instance_));
}

INSTANTIATE_TEST_SUITE_P(
    Scenarios, ShippedScenario,
    ::testing::Values("cold-boot-registration.yaml", "unprovisioned-xmldefault.yaml",
                      "firmware-upgrade.yaml", "callmanager-failover.yaml",
                      "tftp-http-down-then-restored.yaml", "option66-only.yaml",
                      "digest-wrong-password.yaml", "power-cycle-soak.yaml",
                      "voice-vlan-loss.yaml", "relay.yaml"),
    [](const ::testing::TestParamInfo<std::string>& info) {
      std::string name = fs::path(info.param).stem().string();
      for (char& c : name) {
        if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
      }
      return name;
    });

}  // namespace
}  // namespace phonerig::testing
