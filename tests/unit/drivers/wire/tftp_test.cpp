// TFTP codec: every packet type round trips, the RFC 2347-2349/7440 options and their typed
// values, real-capture vectors against their TShark dissection (tests/vectors/tftp_*), and
// the exact error of each malformed packet.
#include "drivers/wire/packet.hpp"
#include "drivers/wire/tftp.hpp"
#include "tests/support/pcap_file.hpp"

#include <fstream>
#include <gtest/gtest.h>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace phonerig::wire {
namespace {

ByteVector bytes_of(std::string_view text) {
  Bytes raw = as_bytes(text);
  return ByteVector(raw.begin(), raw.end());
}

// A packet written as text with "\0" separators, e.g. "\0\1" "file\0" "octet\0".
ByteVector packet(std::string_view text) {
  return bytes_of(text);
}
template <std::size_t N> ByteVector packet(const char (&text)[N]) {
  return bytes_of(std::string_view(text, N - 1));
}

ParseError error_of(const ByteVector& payload) {
  auto result = tftp::parse(payload);
  if (result) {
    ADD_FAILURE() << "parsed a malformed packet: " << to_hex(payload);
    return {};
  }
  return result.error();
}

tftp::Packet parsed(const ByteVector& payload) {
  auto result = tftp::parse(payload);
  if (!result) throw std::runtime_error(result.error().to_string());
  return *result;
}

// ---------------------------------------------------------------------------------------
// Packets, RFC 1350 section 5 and RFC 2347

TEST(TftpParse, ReadsAPlainReadRequest) {
  auto packet_value = parsed(packet("\0\1SEPC80084AA8743.cnf.xml\0octet\0"));
  const auto& request = std::get<tftp::Request>(packet_value);
  EXPECT_FALSE(request.write);
  EXPECT_EQ(request.filename, "SEPC80084AA8743.cnf.xml");
  EXPECT_EQ(request.mode, tftp::Mode::octet);
  EXPECT_TRUE(request.mode_spelling.empty());
  EXPECT_TRUE(request.options.items.empty());
  EXPECT_EQ(tftp::opcode_of(packet_value), tftp::Opcode::rrq);
}

TEST(TftpParse, ReadsModesCaseInsensitivelyAndKeepsTheSpelling) {
  auto request = std::get<tftp::Request>(parsed(packet("\0\2f\0NetASCII\0")));
  EXPECT_TRUE(request.write);
  EXPECT_EQ(request.mode, tftp::Mode::netascii);
  EXPECT_EQ(request.mode_spelling, "NetASCII");
  EXPECT_EQ(tftp::build(request), packet("\0\2f\0NetASCII\0"));
  EXPECT_EQ(std::get<tftp::Request>(parsed(packet("\0\1f\0MAIL\0"))).mode, tftp::Mode::mail);
}

TEST(TftpParse, AcceptsAnEmptyFileNameBecauseRfc1350DoesNotForbidIt) {
  auto request = std::get<tftp::Request>(parsed(packet("\0\1\0octet\0")));
  EXPECT_EQ(request.filename, "");
  EXPECT_EQ(request.mode, tftp::Mode::octet);
}

TEST(TftpParse, ReadsOptionsInOrderWithCaseInsensitiveLookup) {
  auto request = std::get<tftp::Request>(parsed(
      packet("\0\1f\0octet\0BLKSIZE\0001468\0tsize\0000\0Timeout\0005\0windowsize\00016\0")));
  ASSERT_EQ(request.options.items.size(), 4u);
  EXPECT_EQ(request.options.items[0].name, "BLKSIZE");
  EXPECT_EQ(request.options.items[3].name, "windowsize");
  ASSERT_NE(request.options.find("blksize"), nullptr);
  EXPECT_EQ(request.options.find("blksize")->value, "1468");
  EXPECT_EQ(request.options.find("TSIZE")->value, "0");
  EXPECT_FALSE(request.options.contains("rollover"));
  EXPECT_EQ(*request.options.blksize(), std::optional<std::uint16_t>(1468));
  EXPECT_EQ(*request.options.tsize(), std::optional<std::uint64_t>(0));
  EXPECT_EQ(*request.options.timeout(), std::optional<std::uint8_t>(5));
  EXPECT_EQ(*request.options.windowsize(), std::optional<std::uint16_t>(16));
}

TEST(TftpParse, KeepsUnknownOptionsRaw) {
  auto bytes = packet("\0\1f\0octet\0rollover\0000\0");
  auto request = std::get<tftp::Request>(parsed(bytes));
  EXPECT_EQ(request.options.find("rollover")->value, "0");
  EXPECT_EQ(tftp::build(request), bytes);
}

TEST(TftpParse, ReadsDataAckErrorAndOack) {
  auto data = std::get<tftp::Data>(parsed(packet("\0\3\0\7abc")));
  EXPECT_EQ(data.block, 7);
  EXPECT_EQ(data.payload, bytes_of("abc"));
  EXPECT_TRUE(std::get<tftp::Data>(parsed(packet("\0\3\xff\xff"))).payload.empty());
  EXPECT_EQ(std::get<tftp::Ack>(parsed(packet("\0\4\1\0"))).block, 256);
  auto error = std::get<tftp::Error>(parsed(packet("\0\5\0\1File not found\0")));
  EXPECT_EQ(error.code, tftp::ErrorCode::file_not_found);
  EXPECT_EQ(error.message, "File not found");
  auto oack = std::get<tftp::Oack>(parsed(packet("\0\6blksize\0001428\0")));
  EXPECT_EQ(*oack.options.blksize(), std::optional<std::uint16_t>(1428));
}

TEST(TftpParse, AcceptsTheLargestBlockOfRfc2348) {
  ByteVector bytes = packet("\0\3\0\1");
  bytes.resize(4 + tftp::kMaxBlockSize, 0x5a);
  EXPECT_EQ(std::get<tftp::Data>(parsed(bytes)).payload.size(), tftp::kMaxBlockSize);
}

// ---------------------------------------------------------------------------------------
// Typed option values, RFC 2348, RFC 2349, RFC 7440

tftp::Options options_with(std::string name, std::string value) {
  std::string text("\0\1f\0octet\0", 10);
  text += name + '\0' + value + '\0';
  auto request = std::get<tftp::Request>(parsed(packet(std::string_view(text))));
  return request.options;
}

TEST(TftpOptions, AcceptTheBoundsOfEachRange) {
  EXPECT_EQ(*options_with("blksize", "8").blksize(), std::optional<std::uint16_t>(8));
  EXPECT_EQ(*options_with("blksize", "65464").blksize(), std::optional<std::uint16_t>(65464));
  EXPECT_EQ(*options_with("timeout", "1").timeout(), std::optional<std::uint8_t>(1));
  EXPECT_EQ(*options_with("timeout", "255").timeout(), std::optional<std::uint8_t>(255));
  EXPECT_EQ(*options_with("windowsize", "65535").windowsize(), std::optional<std::uint16_t>(65535));
  EXPECT_EQ(*options_with("tsize", "18446744073709551615").tsize(),
            std::optional<std::uint64_t>(18446744073709551615ull));
}

TEST(TftpOptions, AbsentOptionsAreNullopt) {
  tftp::Options none;
  EXPECT_EQ(*none.blksize(), std::nullopt);
  EXPECT_EQ(*none.tsize(), std::nullopt);
  EXPECT_EQ(*none.timeout(), std::nullopt);
  EXPECT_EQ(*none.windowsize(), std::nullopt);
}

// "\0\1f\0octet\0" is 10 bytes; "blksize\0" puts the value at offset 18.
TEST(TftpOptions, RejectsBlksizeSevenBelowRfc2348) {
  EXPECT_EQ(options_with("blksize", "7").blksize().error(),
            (ParseError{18, "option blksize: \"7\" is out of range 8..65464"}));
}

TEST(TftpOptions, RejectsBlksize65465AboveRfc2348) {
  EXPECT_EQ(options_with("blksize", "65465").blksize().error(),
            (ParseError{18, "option blksize: \"65465\" is out of range 8..65464"}));
}

TEST(TftpOptions, RejectsTimeoutZeroAnd256) {
  EXPECT_EQ(options_with("timeout", "0").timeout().error(),
            (ParseError{18, "option timeout: \"0\" is out of range 1..255"}));
  EXPECT_EQ(options_with("timeout", "256").timeout().error(),
            (ParseError{18, "option timeout: \"256\" is out of range 1..255"}));
}

TEST(TftpOptions, RejectsWindowsizeZeroAndAbove65535) {
  EXPECT_EQ(options_with("windowsize", "0").windowsize().error(),
            (ParseError{21, "option windowsize: \"0\" is out of range 1..65535"}));
  EXPECT_EQ(options_with("windowsize", "65536").windowsize().error(),
            (ParseError{21, "option windowsize: \"65536\" is out of range 1..65535"}));
}

TEST(TftpOptions, RejectsNonNumericValues) {
  EXPECT_EQ(options_with("blksize", "1k").blksize().error(),
            (ParseError{18, "option blksize: \"1k\" is not a decimal number"}));
  EXPECT_EQ(options_with("tsize", "-1").tsize().error(),
            (ParseError{16, "option tsize: \"-1\" is not a decimal number"}));
  EXPECT_EQ(options_with("timeout", " 5").timeout().error(),
            (ParseError{18, "option timeout: \" 5\" is not a decimal number"}));
  EXPECT_EQ(options_with("blksize", "").blksize().error(),
            (ParseError{18, "option blksize: empty value"}));
}

TEST(TftpOptions, RejectsATsizeThatOverflows64Bits) {
  EXPECT_EQ(options_with("tsize", "18446744073709551616").tsize().error(),
            (ParseError{16, "option tsize: \"18446744073709551616\" is out of range "
                            "0..18446744073709551615"}));
}

// ---------------------------------------------------------------------------------------
// Malformed packets: the exact error of each

TEST(TftpMalformed, RejectsAnEmptyPacket) {
  EXPECT_EQ(error_of({}), (ParseError{0, "opcode: needs 2 bytes, 0 left"}));
}

TEST(TftpMalformed, RejectsAShortOpcode) {
  EXPECT_EQ(error_of({0x00}), (ParseError{0, "opcode: needs 2 bytes, 1 left"}));
}

TEST(TftpMalformed, RejectsOpcodesZeroAndSeven) {
  EXPECT_EQ(error_of(packet("\0\7x")), (ParseError{0, "opcode: 7 is not a TFTP opcode (1..6)"}));
  EXPECT_EQ(error_of(packet("\0\0")), (ParseError{0, "opcode: 0 is not a TFTP opcode (1..6)"}));
}

TEST(TftpMalformed, RejectsAFileNameWithoutNul) {
  EXPECT_EQ(error_of(packet("\0\1rfc1350.txt")),
            (ParseError{2, "filename: no terminating NUL before the end"}));
}

TEST(TftpMalformed, RejectsAModeWithoutNul) {
  EXPECT_EQ(error_of(packet("\0\1f\0octet")),
            (ParseError{4, "mode: no terminating NUL before the end"}));
}

TEST(TftpMalformed, RejectsAnUnknownMode) {
  EXPECT_EQ(error_of(packet("\0\1f\0binary\0")),
            (ParseError{4, "mode: unknown transfer mode \"binary\" (netascii, octet or mail)"}));
}

TEST(TftpMalformed, RejectsAnOptionWithoutValue) {
  EXPECT_EQ(error_of(packet("\0\1f\0octet\0blksize\0")),
            (ParseError{18, "option \"blksize\" value: no terminating NUL before the end"}));
}

TEST(TftpMalformed, RejectsAValueWithoutNul) {
  EXPECT_EQ(error_of(packet("\0\1f\0octet\0blksize\0001468")),
            (ParseError{18, "option \"blksize\" value: no terminating NUL before the end"}));
}

TEST(TftpMalformed, RejectsAnEmptyOptionName) {
  EXPECT_EQ(error_of(packet("\0\1f\0octet\0\0001\0")), (ParseError{10, "option 1: empty name"}));
}

TEST(TftpMalformed, RejectsARepeatedOptionWhateverItsCase) {
  EXPECT_EQ(error_of(packet("\0\1f\0octet\0blksize\000512\0BlkSize\0001024\0")),
            (ParseError{22, "option \"BlkSize\": repeats option \"blksize\" (RFC 2347 gives a "
                            "repeated option no meaning)"}));
}

TEST(TftpMalformed, RejectsDataWithoutBlockNumber) {
  EXPECT_EQ(error_of(packet("\0\3\0")),
            (ParseError{2, "data: block number: needs 2 bytes, 1 left"}));
}

TEST(TftpMalformed, RejectsDataLargerThanTheLargestBlock) {
  ByteVector bytes = packet("\0\3\0\1");
  bytes.resize(4 + tftp::kMaxBlockSize + 1);
  EXPECT_EQ(error_of(bytes),
            (ParseError{4, "data: 65465 bytes exceed the largest block size 65464"}));
}

TEST(TftpMalformed, RejectsAShortAck) {
  EXPECT_EQ(error_of(packet("\0\4\1")),
            (ParseError{2, "ack: block number: needs 2 bytes, 1 left"}));
}

TEST(TftpMalformed, RejectsBytesAfterTheAckBlock) {
  EXPECT_EQ(error_of(packet("\0\4\0\1\0\0")),
            (ParseError{4, "2 bytes after the ack's block number"}));
}

TEST(TftpMalformed, RejectsErrorCodeNine) {
  EXPECT_EQ(error_of(packet("\0\5\0\11oops\0")),
            (ParseError{2, "error: code 9 is not defined (0..8)"}));
}

TEST(TftpMalformed, RejectsAnErrorMessageWithoutNul) {
  EXPECT_EQ(error_of(packet("\0\5\0\1File not found")),
            (ParseError{4, "error: message: no terminating NUL before the end"}));
}

TEST(TftpMalformed, RejectsBytesAfterTheErrorMessage) {
  EXPECT_EQ(error_of(packet("\0\5\0\1x\0yz")),
            (ParseError{6, "2 bytes after the error message's NUL"}));
}

TEST(TftpMalformed, RejectsAnOackOptionWithoutValue) {
  EXPECT_EQ(error_of(packet("\0\6tsize\0")),
            (ParseError{8, "option \"tsize\" value: no terminating NUL before the end"}));
}

TEST(TftpMalformed, QuotesUnprintableBytesInErrors) {
  EXPECT_EQ(error_of(packet("\0\1f\0oc\x01t\"\0")),
            (ParseError{4, "mode: unknown transfer mode \"oc\\x01t\\x22\" (netascii, octet or "
                           "mail)"}));
}

// ---------------------------------------------------------------------------------------
// Builders and round trips

TEST(TftpBuild, WritesEachPacketType) {
  tftp::Request rrq{false, "SEP001B53489EE0.cnf.xml", tftp::Mode::octet, "", {}};
  rrq.options.add("blksize", "1468");
  rrq.options.add("tsize", "0");
  EXPECT_EQ(tftp::build(rrq),
            packet("\0\1SEP001B53489EE0.cnf.xml\0octet\0blksize\0001468\0tsize\0000\0"));
  EXPECT_EQ(tftp::build(tftp::Ack{0}), packet("\0\4\0\0"));
  EXPECT_EQ(tftp::build(tftp::make_data(2, as_bytes("xy"))), packet("\0\3\0\2xy"));
  EXPECT_EQ(tftp::build(tftp::make_error(tftp::ErrorCode::file_not_found, "File not found")),
            packet("\0\5\0\1File not found\0"));
  tftp::Oack oack;
  oack.options.add("blksize", "1468");
  EXPECT_EQ(tftp::build(oack), packet("\0\6blksize\0001468\0"));
}

TEST(TftpBuild, UsesTheRfcDescriptionWhenNoMessageIsGiven) {
  EXPECT_EQ(tftp::build(tftp::make_error(tftp::ErrorCode::option_negotiation)),
            packet("\0\5\0\10Terminate transfer due to option negotiation.\0"));
  EXPECT_STREQ(tftp::description(tftp::ErrorCode::file_not_found), "File not found.");
  EXPECT_STREQ(tftp::description(tftp::ErrorCode::no_such_user), "No such user.");
}

TEST(TftpBuild, IgnoresAModeSpellingOfAnotherMode) {
  tftp::Request request{true, "f", tftp::Mode::netascii, "OCTET", {}};
  EXPECT_EQ(tftp::build(request), packet("\0\2f\0netascii\0"));
}

TEST(TftpRoundTrip, ParseOfBuildGivesTheSamePacket) {
  tftp::Request wrq{true, "upload.bin", tftp::Mode::octet, "", {}};
  wrq.options.add("blksize", "1468");
  wrq.options.add("windowsize", "8");
  tftp::Oack oack;
  oack.options.add("tsize", "33553920");
  std::vector<tftp::Packet> packets = {
      tftp::Request{false, "", tftp::Mode::mail, "Mail", {}},
      wrq,
      tftp::make_data(65535, as_bytes(std::string(512, 'x'))),
      tftp::Data{0, {}},
      tftp::Ack{65535},
      tftp::make_error(tftp::ErrorCode::not_defined, ""),
      tftp::Error{tftp::ErrorCode::unknown_transfer_id, ""},
      oack,
      tftp::Oack{},
  };
  for (const tftp::Packet& packet_value : packets) {
    auto again = tftp::parse(tftp::build(packet_value));
    ASSERT_TRUE(again) << again.error().to_string();
    EXPECT_EQ(*again, packet_value);
  }
}

// ---------------------------------------------------------------------------------------
// The RFC 2347 request limit, checked by validate()

TEST(TftpValidate, AcceptsARequestOfExactly512Octets) {
  // opcode 2 + file name 495 + 1 + "octet\0" 6 + "x\0" 2 + "12345\0" 6 = 512
  tftp::Request request{false, std::string(495, 'f'), tftp::Mode::octet, "", {}};
  request.options.add("x", "12345");
  ASSERT_EQ(tftp::build(request).size(), 512u);
  EXPECT_TRUE(tftp::validate(request));
}

TEST(TftpValidate, ReportsARequestPast512OctetsThatParseAccepts) {
  tftp::Request request{false, std::string(496, 'f'), tftp::Mode::octet, "", {}};
  request.options.add("x", "12345");
  ByteVector bytes = tftp::build(request);
  ASSERT_EQ(bytes.size(), 513u);
  ASSERT_TRUE(tftp::parse(bytes));
  EXPECT_EQ(tftp::validate(request).error(),
            (ParseError{512, "request: 513 octets exceed the 512-octet limit of RFC 2347"}));
}

// ---------------------------------------------------------------------------------------
// Real captures, against tests/vectors/<file>.expected.txt (TShark 4.0.17)

// The rows of the TFTP field table of an .expected.txt, by column name.
class ExpectedTable {
public:
  explicit ExpectedTable(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot read " + path);
    std::string line;
    while (std::getline(in, line)) {
      if (line.rfind("frame.number\t", 0) == 0) {
        header_ = split(line);
        continue;
      }
      if (header_.empty() || line.empty() || line[0] == '#') continue;
      rows_.push_back(split(line));
    }
  }
  std::size_t size() const { return rows_.size(); }
  std::string at(std::size_t row, const std::string& column) const {
    for (std::size_t i = 0; i < header_.size(); ++i) {
      if (header_[i] == column) return i < rows_[row].size() ? rows_[row][i] : "";
    }
    throw std::runtime_error("no column " + column);
  }

private:
  static std::vector<std::string> split(const std::string& line) {
    std::vector<std::string> out;
    std::stringstream in(line);
    std::string cell;
    while (std::getline(in, cell, '\t'))
      out.push_back(cell);
    return out;
  }
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
};

std::string joined(const tftp::Options& options, bool names) {
  std::string out;
  for (std::size_t i = 0; i < options.items.size(); ++i) {
    if (i > 0) out += "|";
    out += names ? options.items[i].name : options.items[i].value;
  }
  return out;
}

std::string mode_text(const tftp::Request& request) {
  return request.mode_spelling.empty() ? tftp::to_string(request.mode) : request.mode_spelling;
}

class TftpMixedCapture : public ::testing::Test {
protected:
  void SetUp() override {
    capture_ = testing::read_pcap(testing::vector_path("tftp_mixed_oack_blksize_tsize.pcapng"));
  }
  // The UDP payload of frame `number` (1-based), after checking its ports against TShark.
  Bytes payload(std::size_t number) {
    const auto& record = capture_.records.at(number - 1);
    auto decoded = decode_packet(capture_.link_type, record.bytes, record.wire_length);
    if (!decoded) throw std::runtime_error(decoded.error().to_string());
    packets_.push_back(std::move(*decoded));
    if (!packets_.back().udp) throw std::runtime_error("frame without UDP");
    return packets_.back().udp->payload;
  }
  testing::PcapContents capture_;
  std::vector<Packet> packets_;
};

TEST_F(TftpMixedCapture, EveryFrameMatchesTsharkAndRoundTrips) {
  ExpectedTable expected(testing::vector_path("tftp_mixed_oack_blksize_tsize.pcapng.expected.txt"));
  ASSERT_EQ(capture_.records.size(), 109u);
  ASSERT_EQ(expected.size(), 109u);
  for (std::size_t row = 0; row < expected.size(); ++row) {
    std::size_t number = std::stoul(expected.at(row, "frame.number"));
    SCOPED_TRACE("frame " + std::to_string(number));
    Bytes bytes = payload(number);
    const UdpDatagram& udp = *packets_.back().udp;
    EXPECT_EQ(std::to_string(udp.src_port), expected.at(row, "udp.srcport"));
    EXPECT_EQ(std::to_string(udp.dst_port), expected.at(row, "udp.dstport"));
    auto result = tftp::parse(bytes);
    if (number == 1) continue; // asserted in RejectsFrameOneWhoseModeIsEmpty
    ASSERT_TRUE(result) << result.error().to_string();
    const tftp::Packet& value = *result;
    EXPECT_EQ(std::to_string(static_cast<int>(tftp::opcode_of(value))),
              expected.at(row, "tftp.opcode"));
    if (const auto* request = std::get_if<tftp::Request>(&value)) {
      EXPECT_EQ(request->filename,
                expected.at(row, request->write ? "tftp.destination_file" : "tftp.source_file"));
      EXPECT_EQ(mode_text(*request), expected.at(row, "tftp.type"));
      EXPECT_EQ(joined(request->options, true), expected.at(row, "tftp.option.name"));
      EXPECT_EQ(joined(request->options, false), expected.at(row, "tftp.option.value"));
    } else if (const auto* oack = std::get_if<tftp::Oack>(&value)) {
      EXPECT_EQ(joined(oack->options, true), expected.at(row, "tftp.option.name"));
      EXPECT_EQ(joined(oack->options, false), expected.at(row, "tftp.option.value"));
    } else if (const auto* data = std::get_if<tftp::Data>(&value)) {
      EXPECT_EQ(std::to_string(data->block), expected.at(row, "tftp.block"));
    } else if (const auto* ack = std::get_if<tftp::Ack>(&value)) {
      EXPECT_EQ(std::to_string(ack->block), expected.at(row, "tftp.block"));
    }
    EXPECT_EQ(expected.at(row, "_ws.malformed"), "");
    EXPECT_EQ(tftp::build(value), ByteVector(bytes.begin(), bytes.end()));
  }
}

// Frame 1: 00 01, eleven NULs, "octet\0". The file name is empty and so is the mode, which
// RFC 1350 section 5 limits to netascii/octet/mail; TShark instead shows no type and reads the
// NULs as four empty options and a fifth whose value is "octet".
TEST_F(TftpMixedCapture, RejectsFrameOneWhoseModeIsEmpty) {
  Bytes bytes = payload(1);
  ASSERT_EQ(bytes.size(), 19u);
  auto result = tftp::parse(bytes);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error(),
            (ParseError{3, "mode: unknown transfer mode \"\" (netascii, octet or mail)"}));
}

// Frame 2: a read request for "" in octet mode, which TShark also reads so.
TEST_F(TftpMixedCapture, ReadsFrameTwoAsARequestForAnEmptyFileName) {
  auto value = tftp::parse(payload(2));
  ASSERT_TRUE(value) << value.error().to_string();
  EXPECT_EQ(*value, tftp::Packet(tftp::Request{false, "", tftp::Mode::octet, "", {}}));
}

TEST_F(TftpMixedCapture, ReassemblesRfc1350TxtFromFortyNineDataBlocks) {
  EXPECT_EQ(std::get<tftp::Request>(*tftp::parse(payload(3))),
            (tftp::Request{false, "rfc1350.txt", tftp::Mode::octet, "", {}}));
  ByteVector file;
  for (std::size_t number = 4; number <= 100; number += 2) {
    auto data = std::get<tftp::Data>(*tftp::parse(payload(number)));
    EXPECT_EQ(data.block, (number - 2) / 2);
    // RFC 1350 section 6: every block but the last carries 512 bytes.
    EXPECT_EQ(data.payload.size(), number < 100 ? 512u : 23u) << "frame " << number;
    file.insert(file.end(), data.payload.begin(), data.payload.end());
    EXPECT_EQ(std::get<tftp::Ack>(*tftp::parse(payload(number + 1))).block, data.block);
  }
  std::string text(file.begin(), file.end());
  EXPECT_EQ(file.size(), 48u * 512u + 23u);
  EXPECT_EQ(text.substr(0, 27), "\n\n\n\n\n\nNetwork Working Group");
  EXPECT_EQ(text.substr(text.size() - 11), "[Page 11]\n\f");
}

TEST_F(TftpMixedCapture, ReadsTheNetasciiWriteRequest) {
  EXPECT_EQ(std::get<tftp::Request>(*tftp::parse(payload(103))),
            (tftp::Request{true, "zz.bin", tftp::Mode::netascii, "", {}}));
  EXPECT_EQ(std::get<tftp::Ack>(*tftp::parse(payload(104))).block, 0);
}

TEST_F(TftpMixedCapture, ReadsBlksizeAndTsizeOfTheWriteRequestAndItsOack) {
  auto wrq = std::get<tftp::Request>(*tftp::parse(payload(108)));
  EXPECT_TRUE(wrq.write);
  EXPECT_EQ(wrq.filename, "empty100KB");
  EXPECT_EQ(*wrq.options.blksize(), std::optional<std::uint16_t>(1468));
  EXPECT_EQ(*wrq.options.tsize(), std::optional<std::uint64_t>(100000));
  EXPECT_EQ(*wrq.options.timeout(), std::nullopt);
  auto oack = std::get<tftp::Oack>(*tftp::parse(payload(109)));
  EXPECT_EQ(oack.options, wrq.options);
  EXPECT_TRUE(tftp::validate(wrq));
}

// tcpdump's CVE-2016-7983/7984 input: a Linux cooked frame of 48 captured bytes (262144 on
// the wire) whose IPv4 total length and UDP length are both 0x3030 = 12336; TShark: "Bad length
// value 12336 > IP payload length". The UDP length field sits at 16 (SLL) + 20 (IPv4) + 4.
TEST(TftpHeapOverflowCapture, DecodePacketReportsTheUdpLengthPastTheIpPayload) {
  auto capture = testing::read_pcap(testing::vector_path("tftp_malformed_heapoverflow.pcap"));
  ASSERT_EQ(capture.link_type, LinkType::linux_sll);
  ASSERT_EQ(capture.records.size(), 1u);
  const auto& record = capture.records[0];
  ASSERT_EQ(record.bytes.size(), 48u);
  auto decoded = decode_packet(capture.link_type, record.bytes, record.wire_length);
  ASSERT_FALSE(decoded);
  EXPECT_EQ(decoded.error(),
            (ParseError{40, "UDP: length 12336 runs past the IP payload (12316 bytes)"}));
}

} // namespace
} // namespace phonerig::wire
