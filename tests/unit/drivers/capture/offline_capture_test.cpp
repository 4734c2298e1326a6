#include "drivers/capture/offline_capture.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <filesystem>
#include <fstream>
#include <optional>
#include <regex>
#include <sstream>

#include "drivers/wire/ip.hpp"
#include "tests/support/pcap_file.hpp"

namespace phonerig::capture {
namespace {

struct Copied {
  std::int64_t time_ns;
  std::uint32_t wire_length;
  wire::ByteVector bytes;
};

struct Outcome {
  bool ready = false;
  std::size_t batches = 0;
  std::size_t largest_batch = 0;
  std::vector<Copied> frames;
  std::optional<api::Result<bool>> end;
  api::CaptureStats stats;
};

// Reads the whole file through the FrameSource interface, as `phonerig analyze` will.
Outcome read_through_source(OfflineCaptureOptions options,
                            std::function<void(api::FrameSource&)> on_first_batch = {}) {
  boost::asio::io_context io;
  auto source = OfflineCapture::open(io.get_executor(), std::move(options));
  if (!source) throw std::runtime_error(source.error().message);
  Outcome out;
  api::FrameSource& frames = **source;
  frames.start({
      [&] { out.ready = true; },
      [&](const api::FrameBatch& batch) {
        ++out.batches;
        out.largest_batch = std::max(out.largest_batch, batch.size());
        for (const api::Frame frame : batch) {
          out.frames.push_back({frame.time_ns, frame.wire_length,
                                wire::ByteVector(frame.bytes.begin(), frame.bytes.end())});
        }
        if (out.batches == 1 && on_first_batch) on_first_batch(frames);
      },
      [&](const api::Result<bool>& end) { out.end = end; },
  });
  io.run();
  out.stats = frames.stats();
  return out;
}

std::vector<std::string> vector_files() {
  std::vector<std::string> out;
  for (const auto& entry : std::filesystem::directory_iterator(PHONERIG_VECTORS_DIR)) {
    const std::string name = entry.path().filename().string();
    if (name.ends_with(".pcap") || name.ends_with(".pcapng")) out.push_back(name);
  }
  std::sort(out.begin(), out.end());
  return out;
}

// "# Number of packets:   4" in the vector's tshark dissection.
std::size_t tshark_frame_count(const std::string& name) {
  std::ifstream in(testing::vector_path(name + ".expected.txt"));
  std::string line;
  const std::regex count(R"(^# Number of packets:\s+(\d+))");
  std::smatch match;
  while (std::getline(in, line)) {
    if (std::regex_search(line, match, count)) return std::stoul(match[1]);
  }
  throw std::runtime_error("no packet count in " + name + ".expected.txt");
}

wire::ByteVector udp_frame(std::uint16_t dst_port, std::uint8_t tag) {
  wire::EthernetHeader eth{*wire::Mac::parse("02:00:00:00:00:02"),
                           *wire::Mac::parse("02:00:00:00:00:01"), {}};
  wire::Ipv4Build ip{*wire::Ipv4::parse("198.18.0.1"), *wire::Ipv4::parse("198.18.0.2")};
  const wire::ByteVector payload(20, tag);
  return wire::build_udp_frame(eth, ip, 40000, dst_port, payload);
}

TEST(OfflineCapture, ReadsEveryFrameOfEveryVectorAsTsharkCountedThem) {
  const auto files = vector_files();
  ASSERT_GE(files.size(), 10u);
  for (const std::string& name : files) {
    SCOPED_TRACE(name);
    Outcome out = read_through_source({testing::vector_path(name), "", 1024});
    EXPECT_TRUE(out.ready);
    ASSERT_TRUE(out.end.has_value());
    EXPECT_TRUE(*out.end) << out.end->error().message;
    EXPECT_EQ(out.frames.size(), tshark_frame_count(name));
    EXPECT_EQ(out.stats.captured, out.frames.size());
    EXPECT_EQ(out.stats.delivered, out.frames.size());
    EXPECT_TRUE(out.stats.lost_nothing());
  }
}

TEST(OfflineCapture, DeliversTheBytesStampsAndWireLengthsOfEveryRecord) {
  for (const std::string name : {"sip_register_401_200_cisco_ios.pcapng",
                                 "sip_register_nero_sipps.pcap", "cdp_8021q_cisco2970.pcap"}) {
    SCOPED_TRACE(name);
    const testing::PcapContents reference = testing::read_pcap(testing::vector_path(name));
    Outcome out = read_through_source({testing::vector_path(name), "", 7});
    ASSERT_EQ(out.frames.size(), reference.records.size());
    for (std::size_t i = 0; i < out.frames.size(); ++i) {
      EXPECT_EQ(out.frames[i].time_ns, reference.records[i].time_ns) << "frame " << i + 1;
      EXPECT_EQ(out.frames[i].wire_length, reference.records[i].wire_length) << "frame " << i + 1;
      EXPECT_EQ(out.frames[i].bytes, reference.records[i].bytes) << "frame " << i + 1;
    }
  }
}

TEST(OfflineCapture, ReportsTheFilesLinkTypeAndSnaplen) {
  boost::asio::io_context io;
  auto source = OfflineCapture::open(
      io.get_executor(), {testing::vector_path("sip_register_nero_sipps.pcap"), "", 1024});
  ASSERT_TRUE(source) << source.error().message;
  EXPECT_EQ((*source)->link_type(), wire::LinkType::ethernet);
  EXPECT_GT((*source)->snaplen(), 0u);
  EXPECT_EQ((*source)->name(), testing::vector_path("sip_register_nero_sipps.pcap"));
}

TEST(OfflineCapture, DeliversBatchesNoLargerThanAsked) {
  Outcome out =
      read_through_source({testing::vector_path("tftp_mixed_oack_blksize_tsize.pcapng"), "", 10});
  EXPECT_EQ(out.frames.size(), 109u);
  EXPECT_EQ(out.largest_batch, 10u);
  EXPECT_EQ(out.batches, 11u);
}

TEST(OfflineCapture, AppliesTheBpfFilterAsALiveCaptureWould) {
  testing::TempDir dir;
  std::vector<wire::ByteVector> frames;
  for (std::uint8_t i = 0; i < 30; ++i) frames.push_back(udp_frame(i % 3 == 0 ? 5060 : 9, i));
  testing::write_pcap(dir.file("mixed.pcap"), frames);
  Outcome out = read_through_source({dir.file("mixed.pcap"), "udp dst port 5060", 4});
  ASSERT_EQ(out.frames.size(), 10u);
  for (std::size_t i = 0; i < out.frames.size(); ++i) EXPECT_EQ(out.frames[i].bytes, frames[i * 3]);
}

TEST(OfflineCapture, StopsAfterTheBatchInProgress) {
  Outcome out = read_through_source(
      {testing::vector_path("tftp_mixed_oack_blksize_tsize.pcapng"), "", 10},
      [](api::FrameSource& source) { source.stop(); });
  EXPECT_EQ(out.frames.size(), 10u);
  ASSERT_TRUE(out.end.has_value());
  EXPECT_TRUE(*out.end);
}

TEST(OfflineCapture, EndsWithAnErrorNamingTheFileAfterTheFramesBeforeATruncatedRecord) {
  testing::TempDir dir;
  std::vector<wire::ByteVector> frames;
  for (std::uint8_t i = 0; i < 5; ++i) frames.push_back(udp_frame(5060, i));
  const std::string path = dir.file("cut.pcap");
  testing::write_pcap(path, frames);
  std::filesystem::resize_file(path, std::filesystem::file_size(path) - 10);
  Outcome out = read_through_source({path, "", 1024});
  EXPECT_EQ(out.frames.size(), 4u);
  ASSERT_TRUE(out.end.has_value());
  ASSERT_FALSE(*out.end);
  EXPECT_EQ(out.end->error().fault, api::Fault::config);
  EXPECT_NE(out.end->error().message.find(path), std::string::npos) << out.end->error().message;
  EXPECT_NE(out.end->error().message.find("truncated"), std::string::npos)
      << out.end->error().message;
}

TEST(OfflineCapture, NamesTheFileAndLibpcapsMessageWhenItCannotBeOpened) {
  boost::asio::io_context io;
  auto source = OfflineCapture::open(io.get_executor(), {"/nonexistent/phonerig.pcap", "", 1});
  ASSERT_FALSE(source);
  EXPECT_EQ(source.error().fault, api::Fault::config);
  EXPECT_NE(source.error().message.find("/nonexistent/phonerig.pcap"), std::string::npos);
  EXPECT_NE(source.error().message.find("No such file or directory"), std::string::npos)
      << source.error().message;
}

TEST(OfflineCapture, RejectsAFilterThatDoesNotCompileNamingFilterAndFile) {
  boost::asio::io_context io;
  const std::string path = testing::vector_path("dhcp_dora_basic.pcap");
  auto source = OfflineCapture::open(io.get_executor(), {path, "udp port banana", 1});
  ASSERT_FALSE(source);
  EXPECT_EQ(source.error().fault, api::Fault::config);
  EXPECT_NE(source.error().message.find(path), std::string::npos);
  EXPECT_NE(source.error().message.find("udp port banana"), std::string::npos);
  EXPECT_NE(source.error().message.find("banana"), source.error().message.rfind("banana"))
      << "libpcap's own message names the bad token: " << source.error().message;
}

}  // namespace
}  // namespace phonerig::capture
