// Issue 7, must-show 3: assertions can fail. For each step of the registration sequence an
// emulated phone (or a service) breaks that step, and `phonerig run` fails at that step with
// exit code 1, naming the phone and showing the evidence; a dead switch gives exit code 3.
//
// To keep CI short, the broken phones share runs: labs/broken-steps.yaml holds one phone per
// broken step (and one healthy phone), labs/broken-callmanager.yaml breaks step 10 for every
// phone; both run labs/broken-steps-scenario.yaml at the same time, on their own instances.
// Step 1 (power) cannot fail as the phone's fault: its confirmation not coming is the rig's
// failure, shown by the dead switch (exit code 3).
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <future>
#include <nlohmann/json.hpp>
#include <pugixml.hpp>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/netns.hpp"

namespace phonerig::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const fs::path kSource = PHONERIG_SOURCE_DIR;
const fs::path kLabs = kSource / "tests" / "lab" / "app" / "labs";
const fs::path kPhonerig = fs::path(PHONERIG_BIN_DIR) / "phonerig";

// A unique instance per run (the lab's names carry it), [a-z0-9]{1,8}.
std::string instance_for(char which) {
  return "f" + std::to_string(getpid() % 100000) + which;
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// One `phonerig run` on its own instance and report folder; takes the instance down and
// removes the folder at the end (also when an assertion failed).
class LabRun {
 public:
  explicit LabRun(char which)
      : instance_(instance_for(which)),
        folder_(fs::temp_directory_path() / ("phonerig-fail-" + instance_)) {
    std::error_code ignored;
    fs::remove_all(folder_, ignored);
  }
  ~LabRun() {
    // The run takes down what it brought up; this covers a crashed run and the dead-switch
    // lab, which the test brought up itself.
    run_command({kPhonerig.string(), "lab", "down", "--instance", instance_});
    // A failed test keeps the reports (events.jsonl, pcaps) to look at.
    if (::testing::Test::HasFailure()) {
      std::fprintf(stderr, "reports of instance %s kept in %s\n", instance_.c_str(),
                   folder_.c_str());
      return;
    }
    std::error_code ignored;
    fs::remove_all(folder_, ignored);
  }
  LabRun(const LabRun&) = delete;
  LabRun& operator=(const LabRun&) = delete;

  const std::string& instance() const { return instance_; }
  const fs::path& folder() const { return folder_; }

  CommandResult lab(const std::string& verb) {
    return run_command({kPhonerig.string(), "lab", verb, "--instance", instance_});
  }

  void run(const fs::path& scenario, std::vector<std::string> extra = {}) {
    std::vector<std::string> argv{kPhonerig.string(), "run",      scenario.string(),
                                  "--instance",       instance_, "--out",
                                  folder_.string()};
    argv.insert(argv.end(), extra.begin(), extra.end());
    command = run_command(argv);
    report = json::parse(read_text(folder_ / "report.json"), nullptr, false);
    junit_loaded = static_cast<bool>(junit.load_file((folder_ / "junit.xml").c_str()));
  }

  std::string output() const { return command.out + command.err; }

  CommandResult command;
  json report;
  pugi::xml_document junit;
  bool junit_loaded = false;

 private:
  std::string instance_;
  fs::path folder_;
};

const json* phone_of(const json& report, const std::string& id) {
  if (!report.is_object() || !report.contains("phones")) return nullptr;
  for (const auto& phone : report["phones"]) {
    if (phone.value("id", "") == id) return &phone;
  }
  return nullptr;
}

bool has_event(const json& evidence, const std::function<bool(const json&)>& wanted) {
  for (const auto& event : evidence) {
    if (wanted(event)) return true;
  }
  return false;
}

std::string attr(const json& event, const std::string& name) {
  if (!event.contains("attrs") || !event["attrs"].contains(name)) return "";
  const auto& value = event["attrs"][name];
  return value.is_string() ? value.get<std::string>() : value.dump();
}

// The file an event is about: TFTP names it `file`, HTTP `path` (with its leading '/').
std::string file_of(const json& event) {
  std::string file = attr(event, "file");
  if (file.empty()) file = attr(event, "path");
  while (!file.empty() && file.front() == '/') file.erase(0, 1);
  return file;
}

struct Broken {
  std::string phone;
  std::string step;     // the step that must fail: every one before it passed
  std::string verdict;  // "failed" (an attempt came out otherwise) or "missing"
  // For "failed": the evidence must hold such an event.
  std::function<bool(const json&)> evidence = nullptr;
};

// The phone's first failure is exactly `broken.step`, earlier steps passed, later ones were
// not reached; the reason names the phone; the evidence (or, when missing, what was
// expected) is shown; junit.xml has a <failure> for that step and for no other.
void expect_fails_at(const LabRun& run, const std::string& scenario_name, const Broken& broken) {
  SCOPED_TRACE("phone " + broken.phone + ", step " + broken.step);
  const json* phone = phone_of(run.report, broken.phone);
  ASSERT_NE(phone, nullptr) << "no phone " << broken.phone << " in report.json";
  EXPECT_EQ(phone->value("result", ""), "failed");
  const auto& steps = (*phone)["steps"];
  bool seen = false;
  for (const auto& step : steps) {
    const std::string name = step.value("name", "");
    const std::string result = step.value("result", "");
    if (!seen && name != broken.step) {
      EXPECT_EQ(result, "passed") << name << ": " << step.value("reason", "");
      continue;
    }
    if (seen) {
      EXPECT_EQ(result, "not_reached") << name << ": " << step.value("reason", "");
      continue;
    }
    seen = true;
    EXPECT_EQ(result, broken.verdict) << step.dump(2);
    const std::string reason = step.value("reason", "");
    EXPECT_EQ(reason.rfind(broken.phone + ": ", 0), 0u) << "the reason names the phone: " << reason;
    EXPECT_NE(reason.find("expected"), std::string::npos) << reason;
    if (broken.verdict == "failed") {
      EXPECT_NE(reason.find("; saw "), std::string::npos) << reason;
      ASSERT_FALSE(step["evidence"].empty()) << step.dump(2);
      if (broken.evidence) {
        EXPECT_TRUE(has_event(step["evidence"], broken.evidence)) << step["evidence"].dump(2);
      }
      for (const auto& event : step["evidence"]) {
        EXPECT_EQ(event.value("phone", ""), phone->value("mac", "")) << event.dump();
      }
    } else {
      EXPECT_NE(reason.find("nothing seen"), std::string::npos) << reason;
    }
    // The deadline it was held to, after its reference.
    EXPECT_TRUE(step["deadline_ms"].is_number()) << step.dump(2);
  }
  EXPECT_TRUE(seen) << "no step '" << broken.step << "' in " << steps.dump(2);
  // The summary line of the run's output names the phone and its first failure.
  EXPECT_NE(run.output().find(broken.step + ": " + broken.phone + ": expected"), std::string::npos)
      << run.output();

  // JUnit: one test case per step of the phone; the failing step is its only <failure>.
  ASSERT_TRUE(run.junit_loaded);
  const std::string classname = scenario_name + "." + broken.phone;
  std::size_t cases = 0;
  bool failure_seen = false;
  for (const auto& node : run.junit.select_nodes("//testcase")) {
    const auto testcase = node.node();
    if (classname != testcase.attribute("classname").value()) continue;
    ++cases;
    const std::string name = testcase.attribute("name").value();
    const auto failure = testcase.child("failure");
    if (name == broken.step) {
      ASSERT_TRUE(failure) << name;
      EXPECT_EQ(std::string(failure.attribute("type").value()), broken.verdict);
      EXPECT_NE(std::string(failure.attribute("message").value()).find(broken.phone + ": "),
                std::string::npos);
      failure_seen = true;
    } else {
      EXPECT_FALSE(failure) << name << ": " << failure.attribute("message").value();
    }
  }
  EXPECT_EQ(cases, steps.size());
  EXPECT_TRUE(failure_seen);
}

bool is(const json& event, const std::string& kind) { return event.value("kind", "") == kind; }

TEST(RunFailures, EachStepOfTheSequenceFailsAtThatStepNamingThePhone) {
  LabRun broken_steps('a');
  LabRun broken_callmanager('b');
  const fs::path scenario = kLabs / "broken-steps-scenario.yaml";
  // Both at once: each waits out its deadlines (up to 90 s), on its own instance.
  auto other = std::async(std::launch::async, [&] {
    broken_callmanager.run(scenario, {"--lab", (kLabs / "broken-callmanager.yaml").string()});
  });
  broken_steps.run(scenario);
  other.get();

  const std::string name = "broken steps";
  {
    SCOPED_TRACE("labs/broken-steps.yaml");
    const LabRun& run = broken_steps;
    ASSERT_EQ(run.command.status, 1) << run.output();
    ASSERT_TRUE(run.report.is_object()) << "no report.json in " << run.folder();
    EXPECT_EQ(run.report.value("result", ""), "failed");
    EXPECT_EQ(run.report.value("exit_code", -1), 1);

    // The healthy phone passes every step: the scenario and the lab are sound, and the
    // failures below are the knobs' doing.
    const json* healthy = phone_of(run.report, "healthy");
    ASSERT_NE(healthy, nullptr);
    EXPECT_EQ(healthy->value("result", ""), "passed") << healthy->dump(2);
    for (const auto& step : (*healthy)["steps"]) {
      EXPECT_EQ(step.value("result", ""), "passed") << step.dump(2);
    }

    const std::vector<Broken> cases = {
        // boot_delay_ms 90 s: no frame within 60 s of power-on.
        {"boot-late", "2 boot", "missing"},
        // Its port delays frames 20 s: the VLAN answer comes after it gave up; untagged DHCP.
        {"vlan-slow", "3 voice VLAN", "missing"},
        // No reservation and the pool's only address taken: DISCOVERs unanswered.
        {"dhcp-starved", "4 DHCP", "missing"},
        {"no-ctl", "5 CTL", "missing"},
        {"no-itl", "6 ITL", "missing"},
        // No lines: SEP<MAC>.cnf.xml is not found, over HTTP 6970 then TFTP.
        {"unprovisioned", "7 device config", "failed",
         [](const json& e) {
           return (is(e, "tftp.error") || (is(e, "http.status") && attr(e, "status") == "404")) &&
                  file_of(e) == "SEP001E4A000107.cnf.xml";
         }},
        // An older running load: the load is requested where the scenario expects none.
        {"upgrader", "8 firmware: no load requested", "failed",
         [](const json& e) {
           return (is(e, "http.get") || is(e, "tftp.rrq")) &&
                  file_of(e) == "sip88xx.14-2-1-0001-14.loads";
         }},
        // A wrong digest password: 403 to REGISTER.
        {"wrong-password", "11 register", "failed",
         [](const json& e) {
           return is(e, "sip.response") && attr(e, "status") == "403" &&
                  attr(e, "method") == "REGISTER";
         }},
        {"no-dial", "9 dial rules", "missing"},
        {"no-softkeys", "12-14 soft keys", "missing"},
        {"no-ringlist", "12-14 ring list and locale", "missing"},
    };
    for (const auto& broken : cases) expect_fails_at(run, name, broken);

    // The crasher: its unexpected load request is its first failure in time, though the
    // call manager step that missed because of the crash is listed before it.
    const json* crasher = phone_of(run.report, "crasher");
    ASSERT_NE(crasher, nullptr);
    EXPECT_EQ(crasher->value("result", ""), "failed");
    EXPECT_EQ((*crasher)["first_failure"], "8 firmware: no load requested") << crasher->dump(2);
    for (const auto& step : (*crasher)["steps"]) {
      const std::string step_name = step.value("name", "");
      if (step_name == "10 call manager") {
        EXPECT_EQ(step.value("result", ""), "missing");
      }
      if (step_name != "8 firmware: no load requested") continue;
      EXPECT_EQ(step.value("result", ""), "failed") << step.dump(2);
      EXPECT_TRUE(has_event(step["evidence"], [](const json& e) {
        return (is(e, "http.get") || is(e, "tftp.rrq")) &&
               file_of(e) == "sip88xx.14-2-1-0001-14.loads";
      })) << step["evidence"].dump(2);
    }
    EXPECT_NE(run.output().find("8 firmware: no load requested: crasher: expected"),
              std::string::npos)
        << run.output();
    EXPECT_EQ(run.report["phones"].size(), cases.size() + 2);
  }
  {
    SCOPED_TRACE("labs/broken-callmanager.yaml");
    const LabRun& run = broken_callmanager;
    ASSERT_EQ(run.command.status, 1) << run.output();
    ASSERT_TRUE(run.report.is_object()) << "no report.json in " << run.folder();
    EXPECT_EQ(run.report.value("result", ""), "failed");
    EXPECT_EQ(run.report.value("exit_code", -1), 1);
    ASSERT_EQ(run.report["phones"].size(), 2u);
    for (const std::string id : {"cp8851-1", "cp7821-1"}) {
      // The SYN to the CallManager's port, refused: an attempt, not a connection.
      expect_fails_at(run, name,
                      {id, "10 call manager", "failed", [](const json& e) {
                         return is(e, "tcp.syn") && attr(e, "dst") == "198.18.0.10" &&
                                attr(e, "dst_port") == "5061";
                       }});
    }
  }
  // Each run left the lab as it found it: nothing of its instance remains.
  for (const LabRun* run : {&broken_steps, &broken_callmanager}) {
    EXPECT_FALSE(fs::exists("/run/netns/phr-" + run->instance() + "-sw"));
    EXPECT_FALSE(fs::exists("/run/phonerig/lab-" + run->instance()));
  }
}

// The PID of the instance's snmpd, from its ledger, after checking it is that snmpd.
pid_t snmpd_of(const std::string& instance) {
  const fs::path state = "/run/phonerig/lab-" + instance;
  const json ledger = json::parse(read_text(state / "ledger.json"), nullptr, false);
  if (!ledger.is_object()) return -1;
  for (const auto& process : ledger.value("processes", json::array())) {
    if (process.value("role", "") != "snmpd") continue;
    const pid_t pid = process.value("pid", 0);
    std::string cmdline = read_text("/proc/" + std::to_string(pid) + "/cmdline");
    for (char& c : cmdline) {
      if (c == '\0') c = ' ';
    }
    if (pid > 0 && cmdline.find("snmpd") != std::string::npos &&
        cmdline.find(state.string()) != std::string::npos) {
      return pid;
    }
  }
  return -1;
}

bool running(pid_t pid) {
  // A zombie is no longer answering: state Z in /proc/PID/stat.
  const std::string stat = read_text("/proc/" + std::to_string(pid) + "/stat");
  const auto paren = stat.rfind(')');
  return paren != std::string::npos && paren + 2 < stat.size() && stat[paren + 2] != 'Z';
}

TEST(RunFailures, ADeadSwitchIsTheRigsFailureExitCode3) {
  LabRun run('c');
  // The built-in simulated lab, up before the run (which then uses it as it is), with the
  // switch's snmpd killed: the switch address answers nothing.
  const auto up = run.lab("up");
  ASSERT_EQ(up.status, 0) << up.out << up.err;
  const pid_t snmpd = snmpd_of(run.instance());
  ASSERT_GT(snmpd, 0) << "no snmpd of instance " << run.instance();
  ASSERT_EQ(kill(snmpd, SIGKILL), 0);
  for (int i = 0; i < 100 && running(snmpd); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_FALSE(running(snmpd));

  run.run(kSource / "scenarios" / "cold-boot-registration.yaml");
  ASSERT_EQ(run.command.status, 3) << run.output();
  ASSERT_TRUE(run.report.is_object()) << "no report.json in " << run.folder();
  EXPECT_EQ(run.report.value("result", ""), "rig_error");
  EXPECT_EQ(run.report.value("exit_code", -1), 3);
  EXPECT_FALSE(run.report.value("rig_error", "").empty());
  ASSERT_EQ(run.report["phones"].size(), 2u);
  for (const auto& phone : run.report["phones"]) {
    const std::string id = phone.value("id", "");
    SCOPED_TRACE(id);
    EXPECT_EQ(phone.value("result", ""), "rig_error");
    ASSERT_FALSE(phone["steps"].empty());
    const auto& power = phone["steps"][0];
    EXPECT_EQ(power.value("name", ""), "1 power");
    EXPECT_EQ(power.value("result", ""), "failed");
    const std::string reason = power.value("reason", "");
    EXPECT_EQ(reason.rfind(id + ": power cycle on port " + phone.value("port", ""), 0), 0u)
        << reason;
    EXPECT_NE(reason.find("198.18.255.1"), std::string::npos) << reason;
    EXPECT_NE(reason.find("no response"), std::string::npos) << reason;
    for (std::size_t i = 1; i < phone["steps"].size(); ++i) {
      EXPECT_EQ(phone["steps"][i].value("result", ""), "not_reached") << phone["steps"][i].dump();
    }
  }
  // The run leaves the lab as it found it (up); the LabRun takes it down.
  EXPECT_TRUE(fs::exists("/run/phonerig/lab-" + run.instance()));
}

}  // namespace
}  // namespace phonerig::testing
