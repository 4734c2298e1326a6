#include "harness/report/report_files.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include "harness/report/phone_pcap.hpp"
#include "harness/report/report_json.hpp"
#include "tests/support/pcap_file.hpp"
#include "tests/unit/harness/report/redact_frames.hpp"
#include "tests/unit/harness/report/report_samples.hpp"

namespace phonerig::report {
namespace {

unsigned mode_of(const std::filesystem::path& path) {
  struct stat st {};
  EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
  return st.st_mode & 0777;
}

std::string read(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(ReportFiles, WritesTheThreeReportsOwnerOnly) {
  phonerig::testing::TempDir dir;
  const std::filesystem::path folder = std::filesystem::path(dir.path()) / "runs" / "one";
  auto paths = write_reports(folder, testing::sample_report());
  ASSERT_TRUE(paths) << paths.error().message;
  for (const auto& path : {paths->junit, paths->json, paths->html}) {
    EXPECT_TRUE(std::filesystem::exists(path)) << path;
    EXPECT_EQ(mode_of(path), 0600u) << path;
  }
  EXPECT_EQ(mode_of(folder), 0700u);
  EXPECT_EQ(paths->json.filename(), "report.json");
  EXPECT_TRUE(parse_report_json(read(paths->json)));
  EXPECT_FALSE(std::filesystem::exists(paths->json.string() + ".partial"));
}

TEST(ReportFiles, AnExistingReadableFileBecomesOwnerOnly) {
  phonerig::testing::TempDir dir;
  const std::filesystem::path path = std::filesystem::path(dir.path()) / "junit.xml";
  std::ofstream(path) << "old";
  ::chmod(path.c_str(), 0644);
  ASSERT_TRUE(write_private_file(path, "new"));
  EXPECT_EQ(read(path), "new");
  EXPECT_EQ(mode_of(path), 0600u);
}

TEST(ReportFiles, AFolderThatCannotBeCreatedIsTheRigsError) {
  auto written = write_private_file("/proc/no/such/report.json", "x");
  ASSERT_FALSE(written);
  EXPECT_EQ(written.error().fault, api::Fault::rig);
  EXPECT_NE(written.error().message.find("/proc/no/such/report.json"), std::string::npos);
}

TEST(PhonePcap, WritesNanosecondPcapThatLibpcapReadsBack) {
  const auto records = testing::http_fetch({});
  const wire::ByteVector bytes = pcap_file_bytes(wire::LinkType::ethernet, records);
  ASSERT_GE(bytes.size(), 24u);
  EXPECT_EQ(bytes[0], 0x4d);  // 0xa1b23c4d little endian: nanosecond stamps
  EXPECT_EQ(bytes[3], 0xa1);

  phonerig::testing::TempDir dir;
  PhoneCapture capture{"phone1", wire::LinkType::ethernet, records};
  auto written = write_phone_pcaps(dir.path(), {capture});
  ASSERT_TRUE(written) << written.error().message;
  ASSERT_EQ(written->size(), 1u);
  const auto& file = written->front();
  EXPECT_EQ(file.path, std::filesystem::path(dir.path()) / "pcap" / "phone1.pcap");
  EXPECT_EQ(mode_of(file.path), 0600u);
  EXPECT_EQ(mode_of(file.path.parent_path()), 0700u);
  const auto contents = phonerig::testing::read_pcap(file.path.string());
  ASSERT_EQ(contents.records.size(), records.size());
  for (std::size_t i = 0; i < records.size(); ++i) {
    EXPECT_EQ(contents.records[i].bytes, records[i].bytes);
    EXPECT_EQ(contents.records[i].time_ns, records[i].time_ns);
  }
  // Not redacted unless asked: the wire as it was.
  EXPECT_NE(read(file.path).find(testing::kSecret), std::string::npos);
}

TEST(PhonePcap, RedactsWhenAsked) {
  phonerig::testing::TempDir dir;
  PcapWriteOptions options;
  options.redact = true;
  auto written = write_phone_pcaps(dir.path(), {{"phone1", wire::LinkType::ethernet,
                                                 testing::http_fetch({})}},
                                   options);
  ASSERT_TRUE(written) << written.error().message;
  EXPECT_EQ(written->front().redacted.elements, 2u);
  EXPECT_EQ(read(written->front().path).find(testing::kSecret), std::string::npos);
}

TEST(PhonePcap, RefusesAPhoneIdThatIsNoFileName) {
  phonerig::testing::TempDir dir;
  for (const char* bad : {"../escape", "", ".hidden", "a/b", "a b"}) {
    auto written = write_phone_pcaps(dir.path(), {{bad, wire::LinkType::ethernet, {}}});
    ASSERT_FALSE(written) << bad;
    EXPECT_EQ(written.error().fault, api::Fault::config);
  }
}

TEST(PhonePcap, KeepsTheWireLengthOfATruncatedFrame) {
  PcapRecord record{5'000'000'123, 1500, wire::ByteVector(100, 0xab)};
  const wire::ByteVector bytes = pcap_file_bytes(wire::LinkType::ethernet, {&record, 1}, 64);
  ASSERT_EQ(bytes.size(), 24u + 16u + 64u);
  auto u32 = [&](std::size_t at) {
    return static_cast<std::uint32_t>(bytes[at] | bytes[at + 1] << 8 | bytes[at + 2] << 16 |
                                      bytes[at + 3] << 24);
  };
  EXPECT_EQ(u32(24), 5u);
  EXPECT_EQ(u32(28), 123u);
  EXPECT_EQ(u32(32), 64u);
  EXPECT_EQ(u32(36), 1500u);
}

}  // namespace
}  // namespace phonerig::report
