// Issue 6, must-show 3 (the switch's faults): with 20% loss on the voice VLAN the switch
// really drops the phones' frames, and the phones, with shortened retry timers, still
// register by retrying. The lab is brought up by the test (the loss applies from `lab up`),
// the cold-boot scenario runs on it, and the switch's own counters are read back over its
// control socket.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/lab/app/sim_lab_instance.hpp"

namespace phonerig::testing {
namespace {

namespace fs = std::filesystem;

const fs::path kSource = PHONERIG_SOURCE_DIR;
const fs::path kPhonerig = SimLabInstance::phonerig();

TEST(LossyVoiceVlan, PhonesRegisterThroughTwentyPercentLossByRetrying) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root";
  SimLabInstance instance('l', "phonerig-lossy-");
  const fs::path lab = kSource / "tests/lab/app/labs/lossy-voice-vlan.yaml";
  const fs::path& out = instance.out();

  const auto up = run_command(
      {kPhonerig.string(), "lab", "up", "--lab", lab.string(), "--instance", instance.id()});
  ASSERT_EQ(up.status, 0) << up.out << up.err;
  const auto before = instance.ask_switch(R"({"op":"status"})");
  ASSERT_TRUE(before.is_object() && before.value("ok", false)) << before.dump();
  // The rig's own frames on the voice VLAN (ARP, say) may already have
  // met the loss: count from here.
  const auto lost_before = before["counters"]["lost"].get<std::uint64_t>();

  const auto run = run_command({kPhonerig.string(), "run",
                                (kSource / "scenarios/cold-boot-registration.yaml").string(),
                                "--lab", lab.string(), "--instance", instance.id(), "--out",
                                out.string()});
  std::ifstream in(out / "report.json");
  const auto report = nlohmann::json::parse(in, nullptr, false);
  ASSERT_EQ(run.status, 0) << run.out << run.err;
  ASSERT_TRUE(report.is_object());
  EXPECT_EQ(report.value("result", ""), "passed");
  for (const auto& phone : report["phones"]) {
    EXPECT_EQ(phone.value("result", ""), "passed") << phone.dump(2);
  }

  // The run left the lab up, as it found it; the loss was real: the switch dropped frames.
  const auto after = instance.ask_switch(R"({"op":"status"})");
  ASSERT_TRUE(after.is_object() && after.value("ok", false)) << after.dump();
  const auto lost = after["counters"]["lost"].get<std::uint64_t>() - lost_before;
  const auto received = after["counters"]["received"].get<std::uint64_t>();
  std::printf("switch: received %llu frames, lost %llu to the voice VLAN's 20%% loss\n",
              static_cast<unsigned long long>(received), static_cast<unsigned long long>(lost));
  EXPECT_GT(lost, 0u) << after["counters"].dump();
  // About a fifth of the voice VLAN's frames; the whole switch saw more (data VLAN, rig).
  EXPECT_LT(lost, received / 2) << after["counters"].dump();
}

}  // namespace
}  // namespace phonerig::testing
