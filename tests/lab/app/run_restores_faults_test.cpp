// A run leaves the lab's faults as it found them (issue 7: teardown restores what the run
// changed, whatever the engine reached). The lab is up before the run with 20% loss on the
// voice VLAN; the scenario raises it to 100% and its phone fails before the scenario's own
// `clear` step, which is therefore never done. After the run the switch must be back at
// 20%, read over its control socket: neither left at 100% nor cleared to 0.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/support/netns.hpp"

namespace phonerig::testing {
namespace {

namespace fs = std::filesystem;

const fs::path kSource = PHONERIG_SOURCE_DIR;
const fs::path kPhonerig = fs::path(PHONERIG_BIN_DIR) / "phonerig";

// One request on the simulated switch's control socket (lab/sim/README.md).
nlohmann::json ask_switch(const fs::path& socket, const std::string& request) {
  const auto answer = run_command(
      {"python3", "-c",
       "import socket,sys\n"
       "s=socket.socket(socket.AF_UNIX); s.settimeout(5); s.connect(sys.argv[1])\n"
       "s.sendall(sys.argv[2].encode()+b'\\n'); data=b''\n"
       "while not data.endswith(b'\\n'): data+=s.recv(65536)\n"
       "print(data.decode())",
       socket.string(), request});
  if (answer.status != 0) return nlohmann::json();
  return nlohmann::json::parse(answer.out, nullptr, false);
}

double voice_loss(const fs::path& socket) {
  const auto answer = ask_switch(socket, R"({"op":"get_faults","scope":{"vlan":100}})");
  if (!answer.is_object() || !answer.value("ok", false)) {
    ADD_FAILURE() << "get_faults: " << answer.dump();
    return -1;
  }
  return answer["faults"].value("loss_percent", -1.0);
}

TEST(RunRestoresFaults, AFaultTheScenarioNeverClearedIsPutBackToWhatTheLabHad) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root";
  const std::string instance = "f" + std::to_string(getpid() % 1000000);
  const fs::path lab = kSource / "tests/lab/app/labs/lossy-voice-vlan.yaml";
  const fs::path out = fs::temp_directory_path() / ("phonerig-restore-" + instance);
  struct Down {
    std::string instance;
    fs::path out;
    ~Down() {
      run_command({kPhonerig.string(), "lab", "down", "--instance", instance});
      std::error_code ignored;
      fs::remove_all(out, ignored);
    }
  } down{instance, out};
  fs::create_directories(out);
  const fs::path scenario = out / "never-cleared.yaml";
  std::ofstream(scenario) << "name: a fault the scenario never clears\n"
                             "phones: [cp8851-1]\n"
                             "steps:\n"
                             "  - fault: {vlan: voice, loss_percent: 100}\n"
                             "  - power: cycle\n"
                             "  - expect: {kind: dhcp.ack, after: power_on, within: 15s}\n"
                             "  - fault: {vlan: voice, clear: true}\n";

  const auto up = run_command(
      {kPhonerig.string(), "lab", "up", "--lab", lab.string(), "--instance", instance});
  ASSERT_EQ(up.status, 0) << up.out << up.err;
  const fs::path socket = "/run/phonerig/lab-" + instance + "/switch.sock";
  ASSERT_EQ(voice_loss(socket), 20.0) << "the lab's own loss, from lab up";

  const auto run = run_command({kPhonerig.string(), "run", scenario.string(), "--lab",
                                lab.string(), "--instance", instance, "--out",
                                (out / "report").string()});
  // The phone got no address through 100% loss: the assertion failed, so the clear step
  // after it was never reached.
  ASSERT_EQ(run.status, 1) << run.out << run.err;
  std::ifstream in(out / "report" / "report.json");
  const auto report = nlohmann::json::parse(in, nullptr, false);
  ASSERT_TRUE(report.is_object());
  EXPECT_EQ(report.value("result", ""), "failed");

  EXPECT_EQ(voice_loss(socket), 20.0) << "the run must put back what the lab had" << run.err;
  EXPECT_EQ(run.err.find("cannot restore"), std::string::npos) << run.err;
}

}  // namespace
}  // namespace phonerig::testing
