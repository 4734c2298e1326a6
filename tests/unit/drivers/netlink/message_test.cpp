#include "drivers/netlink/message.hpp"

#include <gtest/gtest.h>

#include <bit>

namespace phonerig::netlink {
namespace {

class NetlinkMessageBuilder : public ::testing::Test {
 protected:
  void SetUp() override {
    if constexpr (std::endian::native != std::endian::little) {
      GTEST_SKIP() << "expected bytes are written little-endian; netlink is in host order";
    }
  }
};

TEST_F(NetlinkMessageBuilder, FinishWritesTheTotalLengthIntoTheHeader) {
  Bytes bytes = MessageBuilder(0x10, 0x0001, 7, 9).finish();
  EXPECT_EQ(bytes, (Bytes{16, 0, 0, 0, 0x10, 0, 1, 0, 7, 0, 0, 0, 9, 0, 0, 0}));
}

TEST_F(NetlinkMessageBuilder, PadsStringsAndU16AttributesToFourBytes) {
  MessageBuilder message(1, 0);
  message.attr_string(3, "abc").attr_u16(4, 0x1234).attr_string(5, "abcd");
  Bytes bytes = std::move(message).finish();
  const Bytes attributes(bytes.begin() + kHeaderLength, bytes.end());
  EXPECT_EQ(attributes, (Bytes{8, 0, 3, 0, 'a', 'b', 'c', 0,                   // no padding
                               6, 0, 4, 0, 0x34, 0x12, 0, 0,                   // 2 bytes of pad
                               9, 0, 5, 0, 'a', 'b', 'c', 'd', 0, 0, 0, 0}));  // 3 bytes of pad
}

TEST_F(NetlinkMessageBuilder, NestedAttributeLengthCoversItsContents) {
  MessageBuilder message(1, 0);
  std::size_t outer = message.begin(18);
  message.attr_u32(1, 5);
  message.end(outer);
  Bytes bytes = std::move(message).finish();
  const Bytes attributes(bytes.begin() + kHeaderLength, bytes.end());
  EXPECT_EQ(attributes, (Bytes{12, 0, 18, 0, 8, 0, 1, 0, 5, 0, 0, 0}));
}

TEST(NetlinkParseAttributes, ReadsWhatTheBuilderWrote) {
  MessageBuilder message(1, 0);
  message.attr_string(3, "eth0").attr_u32(13, 1500);
  Bytes bytes = std::move(message).finish();
  auto attributes = parse_attributes(std::span(bytes).subspan(kHeaderLength));
  ASSERT_TRUE(attributes) << attributes.error().message;
  ASSERT_EQ(attributes->size(), 2u);
  EXPECT_EQ(attribute_string((*attributes)[0]), "eth0");
  EXPECT_EQ((*attributes)[1].type, 13);
  EXPECT_EQ((*attributes)[1].payload.size(), 4u);
}

TEST(NetlinkParseAttributes, MasksTheNestedFlagOffTheType) {
  const Bytes bytes = {4, 0, 0x12, 0x80};  // NLA_F_NESTED | IFLA_LINKINFO, empty
  auto attributes = parse_attributes(bytes);
  ASSERT_TRUE(attributes);
  ASSERT_EQ(attributes->size(), 1u);
  EXPECT_EQ((*attributes)[0].type, 0x12);
}

TEST(NetlinkParseAttributes, RejectsALengthRunningPastTheEndNamingItsOffset) {
  const Bytes bytes = {8, 0, 1, 0, 1, 0, 0, 0, 12, 0, 3, 0, 'x', 0, 0, 0};
  auto attributes = parse_attributes(bytes);
  ASSERT_FALSE(attributes);
  EXPECT_EQ(attributes.error().message, "netlink attribute type 3: length 12 is invalid at offset 8");
}

TEST(NetlinkParseAttributes, RejectsALengthShorterThanTheAttributeHeader) {
  const Bytes bytes = {2, 0, 1, 0};
  auto attributes = parse_attributes(bytes);
  ASSERT_FALSE(attributes);
  EXPECT_EQ(attributes.error().message, "netlink attribute type 1: length 2 is invalid at offset 0");
}

TEST(NetlinkHostReader, RefusesAReadPastTheEnd) {
  const Bytes bytes = {1, 2, 3};
  HostReader reader(bytes);
  auto value = reader.u32(0, "ifi_index");
  ASSERT_FALSE(value);
  EXPECT_EQ(value.error().message,
            "netlink message: ifi_index at offset 0 runs past the end (3 bytes)");
}

}  // namespace
}  // namespace phonerig::netlink
