#include "drivers/wire/bytes.hpp"

#include <gtest/gtest.h>

#include "drivers/wire/address.hpp"
#include "drivers/wire/checksum.hpp"

namespace phonerig::wire {
namespace {

TEST(ByteReader, ReadsBigEndianIntegers) {
  const ByteVector data = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a};
  ByteReader r(data);
  EXPECT_EQ(*r.u8("a"), 0x01);
  EXPECT_EQ(*r.u16("b"), 0x0203);
  EXPECT_EQ(*r.u24("c"), 0x040506u);
  EXPECT_EQ(*r.u32("d"), 0x0708090au);
  EXPECT_TRUE(r.empty());
}

TEST(ByteReader, NamesTheFieldAndOffsetWhenShort) {
  const ByteVector data = {0x01, 0x02, 0x03};
  ByteReader r(data, 100);
  ASSERT_TRUE(r.u16("first"));
  auto v = r.u32("length");
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error(), (ParseError{102, "length: needs 4 bytes, 1 left"}));
  EXPECT_EQ(v.error().to_string(), "length: needs 4 bytes, 1 left at offset 102");
}

TEST(ByteReader, SubReaderKeepsAbsoluteOffsets) {
  const ByteVector data = {0, 0, 0, 0xaa, 0xbb};
  ByteReader r(data, 10);
  ASSERT_TRUE(r.skip(3, "pad"));
  auto sub = r.sub(2, "tlv");
  ASSERT_TRUE(sub);
  EXPECT_EQ(sub->offset(), 13u);
  ASSERT_TRUE(sub->u8("x"));
  auto bad = sub->u16("y");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().offset, 14u);
}

TEST(ByteReader, CstringNeedsTerminator) {
  const ByteVector data = {'a', 'b', 0, 'c'};
  ByteReader r(data);
  EXPECT_EQ(*r.cstring("name"), "ab");
  auto bad = r.cstring("mode");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error(), (ParseError{3, "mode: no terminating NUL before the end"}));
}

TEST(ByteReader, RefusesHugeCountsWithoutAllocating) {
  const ByteVector data = {1, 2};
  ByteReader r(data);
  auto bad = r.string(std::size_t{1} << 40, "value");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().what, "value: needs 1099511627776 bytes, 2 left");
}

TEST(ParseError, WithinPrefixesLayerAndShiftsOffset) {
  ParseError e{4, "option 150: length 9 is not a multiple of 4"};
  EXPECT_EQ(e.within("dhcp", 42), (ParseError{46, "dhcp: option 150: length 9 is not a multiple of 4"}));
}

TEST(ByteWriter, WritesAndBackPatches) {
  ByteWriter w;
  w.u8(1).u16(0).u24(0x030405).u32(0x06070809);
  w.put_u16_at(1, 0xbeef);
  EXPECT_EQ(to_hex(Bytes(w.view())), "01beef03040506070809");
}

TEST(Hex, RoundTripsAndRejectsBadDigits) {
  auto v = from_hex("01 02:ff\nAB");
  ASSERT_TRUE(v);
  EXPECT_EQ(to_hex(*v), "0102ffab");
  EXPECT_EQ(from_hex("0g").error(), (ParseError{1, "hex: not a hex digit 'g'"}));
  EXPECT_EQ(from_hex("012").error(), (ParseError{3, "hex: odd number of digits"}));
}

TEST(Mac, ParsesCommonSpellings) {
  auto a = Mac::parse("00:1b:53:48:9e:e0");
  ASSERT_TRUE(a);
  EXPECT_EQ(Mac::parse("00-1B-53-48-9E-E0"), a);
  EXPECT_EQ(Mac::parse("001b.5348.9ee0"), a);
  EXPECT_EQ(Mac::parse("001B53489EE0"), a);
  EXPECT_EQ(a->to_cisco(), "001B53489EE0");
  EXPECT_EQ(a->to_string(), "00:1b:53:48:9e:e0");
  EXPECT_FALSE(Mac::parse("001B53489EE"));
  EXPECT_FALSE(Mac::parse("001B53489EE0FF"));
  EXPECT_FALSE(Mac::parse("00:1b:53:48:9e:zz"));
}

TEST(Ipv4, ParsesStrictDottedQuads) {
  EXPECT_EQ(Ipv4::parse("198.18.0.1")->value, 0xc6120001u);
  EXPECT_EQ(Ipv4::parse("198.18.0.1")->to_string(), "198.18.0.1");
  EXPECT_FALSE(Ipv4::parse("198.18.0"));
  EXPECT_FALSE(Ipv4::parse("198.18.0.256"));
  EXPECT_FALSE(Ipv4::parse("198.18.0.1 "));
  EXPECT_FALSE(Ipv4::parse("198.018.0.1"));
  EXPECT_FALSE(Ipv4::parse("1.2.3.4.5"));
}

// RFC 1071 section 3 example: words 0001 f203 f4f5 f6f7 sum to 0xddf2 (before complement).
TEST(Checksum, MatchesRfc1071Example) {
  const ByteVector data = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
  EXPECT_EQ(internet_checksum(data), static_cast<std::uint16_t>(~0xddf2));
}

}  // namespace
}  // namespace phonerig::wire
