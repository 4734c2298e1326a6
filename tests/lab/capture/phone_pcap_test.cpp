// Per-phone pcap files from a live capture: Wireshark's reader (tshark) opens each with the
// right frames and the kernel's nanosecond stamps, and `phonerig analyze`'s path
// (OfflineCapture) reads back exactly what was captured.
#include <sstream>

#include "drivers/capture/offline_capture.hpp"
#include "drivers/capture/pcap_writer.hpp"
#include "tests/lab/capture/capture_fixture.hpp"
#include "tests/support/pcap_file.hpp"

namespace phonerig::capture::lab {
namespace {

using PhonePcapLab = CaptureLabTest;

constexpr std::size_t kFramesA = 40;
constexpr std::size_t kFramesB = 25;

std::string phone_of(wire::Bytes frame) {
  if (frame.size() < 12) return {};
  const wire::Mac src = wire::Mac::from_bytes(frame.subspan(6, 6));
  return "SEP" + src.to_cisco();
}

// "1700000000.123456789" -> nanoseconds; tshark prints nine digits for nanosecond files.
std::int64_t epoch_ns(const std::string& text) {
  const auto dot = text.find('.');
  if (dot == std::string::npos || text.size() - dot - 1 != 9) return -1;
  return std::stoll(text.substr(0, dot)) * 1'000'000'000 + std::stoll(text.substr(dot + 1));
}

std::vector<std::vector<std::string>> tshark_rows(const std::string& path) {
  const CommandResult result = run_command({"tshark", "-n", "-r", path, "-T", "fields", "-e",
                                            "frame.number", "-e", "eth.src", "-e",
                                            "frame.time_epoch", "-e", "udp.dstport"});
  EXPECT_EQ(result.status, 0) << result.err;
  EXPECT_EQ(result.err.find("damaged"), std::string::npos) << result.err;
  std::vector<std::vector<std::string>> rows;
  std::istringstream lines(result.out);
  std::string line;
  while (std::getline(lines, line)) {
    std::vector<std::string> row;
    std::istringstream fields(line);
    std::string field;
    while (std::getline(fields, field, '\t')) row.push_back(field);
    rows.push_back(row);
  }
  return rows;
}

TEST_F(PhonePcapLab, WritesOnePcapPerPhoneThatTsharkOpensWithTheRightFrames) {
  testing::TempDir dir;
  std::unique_ptr<PhonePcapWriter> writer;
  std::string write_error;
  ASSERT_TRUE(start(options("udp dst port 5060"), [&](const api::FrameBatch& batch) {
    // The engine attributes frames to phones; here the source MAC decides.
    for (const api::Frame frame : batch) {
      auto written = writer->write(phone_of(frame.bytes), frame);
      if (!written) write_error = written.error().message;
    }
  }));
  writer = std::make_unique<PhonePcapWriter>(dir.path(), capture_->link_type(),
                                             capture_->snaplen());
  ASSERT_TRUE(run_until([this] { return ready_; }));

  for (std::uint32_t i = 0; i < kFramesA; ++i) {
    ASSERT_TRUE(sender_->send(test_frame(i, 5060, kPhoneA)));
    if (i < kFramesB) {
      ASSERT_TRUE(sender_->send(test_frame(i, 5060, kPhoneB)));
    }
    ASSERT_TRUE(sender_->send(test_frame(i, 9, kPhoneB)));  // filtered out
  }
  EXPECT_TRUE(run_until([this] { return frames_.size() >= kFramesA + kFramesB; }));
  stop_and_finish();
  ASSERT_TRUE(writer->close());
  EXPECT_EQ(write_error, "");
  ASSERT_EQ(frames_.size(), kFramesA + kFramesB);

  const std::string phone_a = "SEP" + kPhoneA.to_cisco();
  const std::string phone_b = "SEP" + kPhoneB.to_cisco();
  EXPECT_EQ(writer->phones(), (std::vector<std::string>{phone_b, phone_a}));
  for (const auto& [phone, mac, count] :
       {std::tuple{phone_a, kPhoneA, kFramesA}, std::tuple{phone_b, kPhoneB, kFramesB}}) {
    SCOPED_TRACE(phone);
    std::vector<std::int64_t> stamps;
    for (const CopiedFrame& frame : frames_) {
      if (phone_of(frame.bytes) == phone) stamps.push_back(frame.time_ns);
    }
    ASSERT_EQ(stamps.size(), count);
    const auto rows = tshark_rows(writer->path_for(phone));
    ASSERT_EQ(rows.size(), count);
    for (std::size_t i = 0; i < rows.size(); ++i) {
      ASSERT_EQ(rows[i].size(), 4u);
      EXPECT_EQ(rows[i][0], std::to_string(i + 1));
      EXPECT_EQ(rows[i][1], mac.to_string());
      EXPECT_EQ(epoch_ns(rows[i][2]), stamps[i]) << rows[i][2];
      EXPECT_EQ(rows[i][3], "5060");
    }
  }
}

TEST_F(PhonePcapLab, ReadsBackThroughOfflineCaptureExactlyWhatTheLiveCaptureWrote) {
  testing::TempDir dir;
  std::unique_ptr<PcapWriter> writer;
  ASSERT_TRUE(start(options("udp dst port 6970"), [&](const api::FrameBatch& batch) {
    for (const api::Frame frame : batch) writer->write(frame);
  }));
  auto created = PcapWriter::create(dir.file("all.pcap"), capture_->link_type(),
                                    capture_->snaplen());
  ASSERT_TRUE(created) << created.error().message;
  writer = std::make_unique<PcapWriter>(std::move(created).value());
  ASSERT_TRUE(run_until([this] { return ready_; }));
  for (std::uint32_t i = 0; i < 50; ++i) ASSERT_TRUE(sender_->send(test_frame(i, 6970)));
  EXPECT_TRUE(run_until([this] { return frames_.size() >= 50; }));
  stop_and_finish();
  ASSERT_TRUE(writer->close());

  auto file = OfflineCapture::open(io_.get_executor(), {dir.file("all.pcap"), "", 16});
  ASSERT_TRUE(file) << file.error().message;
  std::vector<CopiedFrame> back;
  bool ended = false;
  (*file)->start({{},
                  [&](const api::FrameBatch& batch) {
                    for (const api::Frame frame : batch) {
                      back.push_back({frame.time_ns, frame.wire_length,
                                      wire::ByteVector(frame.bytes.begin(), frame.bytes.end())});
                    }
                  },
                  [&](const api::Result<bool>& end) { ended = static_cast<bool>(end); }});
  EXPECT_TRUE(run_until([&] { return ended; }));
  EXPECT_EQ((*file)->link_type(), capture_->link_type());
  ASSERT_EQ(back.size(), frames_.size());
  for (std::size_t i = 0; i < back.size(); ++i) {
    EXPECT_EQ(back[i].time_ns, frames_[i].time_ns) << "frame " << i;
    EXPECT_EQ(back[i].wire_length, frames_[i].wire_length);
    EXPECT_EQ(back[i].bytes, frames_[i].bytes);
  }
}

}  // namespace
}  // namespace phonerig::capture::lab
