// The built `phonerig analyze` binary on a pcap of the synthesized boot and on vectors.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/support/boot_capture.hpp"
#include "tests/support/pcap_file.hpp"

namespace {

struct CliRun {
  int exit_code = -1;
  std::string out;
};

CliRun phonerig(const std::string& args) {
  std::string command = std::string(PHONERIG_BIN_DIR) + "/phonerig " + args + " 2>&1";
  CliRun run;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return run;
  std::array<char, 4096> buffer{};
  while (std::size_t n = std::fread(buffer.data(), 1, buffer.size(), pipe)) run.out.append(buffer.data(), n);
  int status = pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

class AnalyzeCli : public ::testing::Test {
 protected:
  void SetUp() override {
    boot_ = dir_.file("boot.pcap");
    phonerig::testing::write_pcap(boot_, phonerig::testing::synthesize_phone_boot());
  }
  phonerig::testing::TempDir dir_;
  std::string boot_;
};

TEST_F(AnalyzeCli, PrintsTheTimelineOfASynthesizedBoot) {
  CliRun run = phonerig("analyze " + boot_);
  ASSERT_EQ(run.exit_code, 0) << run.out;
  EXPECT_TRUE(has(run.out, "97 frames")) << run.out;
  EXPECT_TRUE(has(run.out, "phone 00:1e:4a:00:00:01 (SEP001E4A000001)")) << run.out;
  EXPECT_TRUE(has(run.out, "registration sequence complete")) << run.out;
  EXPECT_TRUE(has(run.out, "DHCP ACK 198.18.1.20 option 150=[198.18.1.10]")) << run.out;
  EXPECT_TRUE(has(run.out, "CTLSEP001E4A000001.tlv: HTTP 503, then TFTP error 1 File not found"))
      << run.out;
  EXPECT_TRUE(has(run.out, "REGISTER -> 401 -> REGISTER (digest) -> 200 expires 120")) << run.out;
  EXPECT_TRUE(has(run.out, "missing or out of order: nothing")) << run.out;
  EXPECT_TRUE(has(run.out, "1 frames of no phone")) << run.out;
}

TEST_F(AnalyzeCli, JsonHasEveryStepWithItsStatusAndEvents) {
  CliRun run = phonerig("analyze --json " + boot_);
  ASSERT_EQ(run.exit_code, 0) << run.out;
  auto doc = nlohmann::json::parse(run.out);
  ASSERT_EQ(doc["phones"].size(), 1u);
  const auto& phone = doc["phones"][0];
  EXPECT_EQ(phone["phone"], "00:1e:4a:00:00:01");
  EXPECT_EQ(phone["complete"], true);
  ASSERT_EQ(phone["steps"].size(), 12u);
  EXPECT_EQ(phone["steps"][0]["status"], "not observed");
  EXPECT_EQ(phone["steps"][3]["step"], "dhcp");
  EXPECT_EQ(phone["steps"][3]["status"], "passed");
  EXPECT_EQ(phone["steps"][3]["events"].size(), 4u);
  EXPECT_EQ(phone["steps"][10]["step"], "register");
  EXPECT_EQ(phone["steps"][10]["status"], "passed");
  EXPECT_GT(phone["steps"][10]["since_first_frame_ms"].get<double>(), 30.0);
  EXPECT_EQ(doc["skipped"]["not_attributed"], 1);
}

TEST_F(AnalyzeCli, VectorsAreReadAndWhatIsMissingIsSaid) {
  CliRun dhcp = phonerig("analyze " + phonerig::testing::vector_path("dhcp_option150_rfc5859.pcap"));
  ASSERT_EQ(dhcp.exit_code, 0) << dhcp.out;
  EXPECT_TRUE(has(dhcp.out, "DHCP ACK 192.168.1.4 option 150=[192.168.1.10, 192.168.1.11]"))
      << dhcp.out;
  EXPECT_TRUE(has(dhcp.out, "step 11 register: missing")) << dhcp.out;

  CliRun cdp = phonerig("analyze " + phonerig::testing::vector_path("cdp_cisco_phone_7912_7970.pcap"));
  ASSERT_EQ(cdp.exit_code, 0) << cdp.out;
  EXPECT_TRUE(has(cdp.out, "phone 00:1b:53:48:9e:e0 (SEP001B53489EE0)")) << cdp.out;
  EXPECT_TRUE(has(cdp.out, "phone 00:12:da:db:d3:4e (SEP0012DADBD34E)")) << cdp.out;

  CliRun sll = phonerig("analyze " + phonerig::testing::vector_path("tftp_malformed_heapoverflow.pcap"));
  ASSERT_EQ(sll.exit_code, 0) << sll.out;
  EXPECT_TRUE(has(sll.out, "Linux cooked (SLL)")) << sll.out;
  EXPECT_TRUE(has(sll.out, "no phone found")) << sll.out;
  EXPECT_TRUE(has(sll.out, "1 frames malformed")) << sll.out;
  EXPECT_TRUE(has(sll.out, "udp: UDP: length 12336 runs past the IP payload")) << sll.out;

  CliRun pcapng = phonerig("analyze " + phonerig::testing::vector_path("sip_register_401_200_cisco_ios.pcapng"));
  EXPECT_EQ(pcapng.exit_code, 0) << pcapng.out;
  EXPECT_TRUE(has(pcapng.out, "4 frames of no phone")) << pcapng.out;
}

TEST_F(AnalyzeCli, AMissingOrUnreadableFileIsExitTwo) {
  CliRun missing = phonerig("analyze " + dir_.file("none.pcap"));
  EXPECT_EQ(missing.exit_code, 2) << missing.out;
  EXPECT_TRUE(has(missing.out, "none.pcap")) << missing.out;
  EXPECT_FALSE(has(missing.out, "not expected")) << missing.out;  // not a usage error
  std::FILE* junk = std::fopen(dir_.file("junk.pcap").c_str(), "w");
  ASSERT_NE(junk, nullptr);
  std::fputs("this is not a capture\n", junk);
  std::fclose(junk);
  CliRun run = phonerig("analyze " + dir_.file("junk.pcap"));
  EXPECT_EQ(run.exit_code, 2) << run.out;
  EXPECT_TRUE(has(run.out, "phonerig analyze: pcap file")) << run.out;
  EXPECT_TRUE(has(run.out, "unknown file format")) << run.out;
}

}  // namespace
