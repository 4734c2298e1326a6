#include "drivers/capture/pcap_writer.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include <fstream>
#include <iterator>

#include "drivers/capture/offline_capture.hpp"
#include "tests/support/pcap_file.hpp"

namespace phonerig::capture {
namespace {

wire::ByteVector frame_bytes(std::size_t size, std::uint8_t fill) {
  return wire::ByteVector(size, fill);
}

api::Frame frame(std::int64_t time_ns, const wire::ByteVector& bytes,
                 std::uint32_t wire_length = 0) {
  return {time_ns, wire_length == 0 ? static_cast<std::uint32_t>(bytes.size()) : wire_length,
          bytes};
}

wire::ByteVector file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return wire::ByteVector(std::istreambuf_iterator<char>(in), {});
}

TEST(PcapWriter, RoundTripsNanosecondStampsBytesAndWireLengths) {
  testing::TempDir dir;
  const auto a = frame_bytes(60, 0xaa);
  const auto b = frame_bytes(1514, 0xbb);
  auto writer = PcapWriter::create(dir.file("out.pcap"), wire::LinkType::ethernet, 2048);
  ASSERT_TRUE(writer) << writer.error().message;
  writer->write(frame(1'700'000'000'123'456'789, a));
  writer->write(frame(1'700'000'001'000'000'001, b, 9000));
  EXPECT_EQ(writer->frames_written(), 2u);
  ASSERT_TRUE(writer->close());

  const testing::PcapContents back = testing::read_pcap(dir.file("out.pcap"));
  EXPECT_EQ(back.link_type, wire::LinkType::ethernet);
  ASSERT_EQ(back.records.size(), 2u);
  EXPECT_EQ(back.records[0].time_ns, 1'700'000'000'123'456'789);
  EXPECT_EQ(back.records[0].bytes, a);
  EXPECT_EQ(back.records[1].time_ns, 1'700'000'001'000'000'001);
  EXPECT_EQ(back.records[1].wire_length, 9000u);
  EXPECT_EQ(back.records[1].bytes, b);
}

TEST(PcapWriter, WritesTheNanosecondPcapMagicWiresharkRecognises) {
  testing::TempDir dir;
  auto writer = PcapWriter::create(dir.file("out.pcap"), wire::LinkType::ethernet, 2048);
  ASSERT_TRUE(writer);
  ASSERT_TRUE(writer->close());
  const wire::ByteVector header = file_bytes(dir.file("out.pcap"));
  ASSERT_EQ(header.size(), 24u);  // the file header alone
  // 0xa1b23c4d in the writer's byte order: nanosecond-resolution pcap.
  const std::uint32_t magic = header[0] | header[1] << 8 | header[2] << 16 |
                              static_cast<std::uint32_t>(header[3]) << 24;
  EXPECT_TRUE(magic == 0xa1b23c4d || magic == 0x4d3cb2a1) << std::hex << magic;
}

TEST(PcapWriter, CutsFramesAtTheSnaplenAndKeepsTheirWireLength) {
  testing::TempDir dir;
  auto writer = PcapWriter::create(dir.file("out.pcap"), wire::LinkType::ethernet, 100);
  ASSERT_TRUE(writer);
  writer->write(frame(1, frame_bytes(300, 1)));
  ASSERT_TRUE(writer->close());
  const testing::PcapContents back = testing::read_pcap(dir.file("out.pcap"));
  ASSERT_EQ(back.records.size(), 1u);
  EXPECT_EQ(back.records[0].bytes.size(), 100u);
  EXPECT_EQ(back.records[0].wire_length, 300u);
}

TEST(PcapWriter, RecordsRawIpAsLinktypeRawNotTheLocalDltNumber) {
  testing::TempDir dir;
  auto writer = PcapWriter::create(dir.file("raw.pcap"), wire::LinkType::raw, 2048);
  ASSERT_TRUE(writer) << writer.error().message;
  ASSERT_TRUE(writer->close());
  const wire::ByteVector header = file_bytes(dir.file("raw.pcap"));
  ASSERT_EQ(header.size(), 24u);
  EXPECT_EQ(header[20], 101);  // LINKTYPE_RAW, little endian on this host
  boost::asio::io_context io;
  auto back = OfflineCapture::open(io.get_executor(), {dir.file("raw.pcap"), "", 1});
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ((*back)->link_type(), wire::LinkType::raw);
}

TEST(PcapWriter, NamesTheFileWhenItCannotBeCreated) {
  auto writer = PcapWriter::create("/nonexistent/dir/out.pcap", wire::LinkType::ethernet, 2048);
  ASSERT_FALSE(writer);
  EXPECT_EQ(writer.error().fault, api::Fault::rig);
  EXPECT_NE(writer.error().message.find("/nonexistent/dir/out.pcap"), std::string::npos)
      << writer.error().message;
}

TEST(PcapWriter, IgnoresWritesAfterClose) {
  testing::TempDir dir;
  auto writer = PcapWriter::create(dir.file("out.pcap"), wire::LinkType::ethernet, 2048);
  ASSERT_TRUE(writer);
  writer->write(frame(1, frame_bytes(60, 1)));
  ASSERT_TRUE(writer->close());
  writer->write(frame(2, frame_bytes(60, 2)));
  EXPECT_TRUE(writer->close());
  EXPECT_EQ(testing::read_pcap(dir.file("out.pcap")).records.size(), 1u);
}

TEST(PhonePcapWriter, RoutesEachFrameToItsPhonesFile) {
  testing::TempDir dir;
  PhonePcapWriter writer(dir.path(), wire::LinkType::ethernet, 2048);
  const auto a = frame_bytes(60, 0xa);
  const auto b = frame_bytes(70, 0xb);
  ASSERT_TRUE(writer.write("SEP001B53489EE0", frame(1, a)));
  ASSERT_TRUE(writer.write("phone-2", frame(2, b)));
  ASSERT_TRUE(writer.write("SEP001B53489EE0", frame(3, a)));
  ASSERT_TRUE(writer.write("phone-2", frame(4, a)));  // a broadcast both phones saw
  ASSERT_TRUE(writer.write("SEP001B53489EE0", frame(4, a)));
  EXPECT_EQ(writer.frames_written("SEP001B53489EE0"), 3u);
  EXPECT_EQ(writer.frames_written("phone-2"), 2u);
  EXPECT_EQ(writer.frames_written("nobody"), 0u);
  EXPECT_EQ(writer.phones(), (std::vector<std::string>{"SEP001B53489EE0", "phone-2"}));
  ASSERT_TRUE(writer.close());

  const auto first = testing::read_pcap(dir.file("SEP001B53489EE0.pcap"));
  ASSERT_EQ(first.records.size(), 3u);
  EXPECT_EQ(first.records[1].time_ns, 3);
  const auto second = testing::read_pcap(writer.path_for("phone-2"));
  ASSERT_EQ(second.records.size(), 2u);
  EXPECT_EQ(second.records[0].bytes, b);
}

TEST(PhonePcapWriter, RejectsAPhoneNameThatIsNotAFileName) {
  testing::TempDir dir;
  PhonePcapWriter writer(dir.path(), wire::LinkType::ethernet, 2048);
  const auto a = frame_bytes(60, 1);
  for (const char* bad : {"", "../escape", ".hidden", "a/b", "name with space"}) {
    auto written = writer.write(bad, frame(1, a));
    ASSERT_FALSE(written) << bad;
    EXPECT_EQ(written.error().fault, api::Fault::config);
  }
  EXPECT_TRUE(writer.phones().empty());
}

}  // namespace
}  // namespace phonerig::capture
