// TFTP packets built by our encoder in UDP frames, decoded by tshark: a phone's RRQ with
// blksize/tsize/timeout/windowsize to port 69, the server's OACK, ACK 0, DATA, ACK from its
// new port (RFC 1350 section 4 TIDs), and ERROR 1 for a missing CTL file; the same field
// values, and no malformed packet or expert warning.
#include "drivers/wire/ip.hpp"
#include "drivers/wire/tftp.hpp"
#include "tests/support/tshark.hpp"

#include <gtest/gtest.h>
#include <string>
#include <vector>

namespace phonerig::wire {
namespace {

const Mac kPhoneMac{{0x00, 0x11, 0x22, 0x33, 0x44, 0xab}};
const Mac kServerMac{{0x00, 0x00, 0x5e, 0x00, 0x53, 0x01}};
const Ipv4 kPhone = *Ipv4::parse("198.18.0.50");
const Ipv4 kServer = *Ipv4::parse("198.18.0.1");

// The phone's ports, and the server's transfer ports (its TIDs), none of them 69.
constexpr std::uint16_t kPhonePort1 = 50000;
constexpr std::uint16_t kPhonePort2 = 50001;
constexpr std::uint16_t kServerTid1 = 40000;
constexpr std::uint16_t kServerTid2 = 40001;

struct Sent {
  bool from_phone;
  std::uint16_t src_port;
  std::uint16_t dst_port;
  tftp::Packet packet;
};

ByteVector frame_of(const Sent& sent) {
  EthernetHeader eth{
      sent.from_phone ? kServerMac : kPhoneMac, sent.from_phone ? kPhoneMac : kServerMac, {}};
  Ipv4Build ip{sent.from_phone ? kPhone : kServer, sent.from_phone ? kServer : kPhone};
  return build_udp_frame(eth, ip, sent.src_port, sent.dst_port, tftp::build(sent.packet));
}

tftp::Options negotiated(const std::string& tsize) {
  tftp::Options options;
  options.add("blksize", "1468");
  options.add("tsize", tsize);
  options.add("timeout", "5");
  options.add("windowsize", "4");
  return options;
}

std::vector<Sent> exchange() {
  tftp::Request rrq{false, "SEPC80084AA8743.cnf.xml", tftp::Mode::octet, "", negotiated("0")};
  std::string config(1200, 'x');
  return {
      {true, kPhonePort1, tftp::kPort, rrq},
      {false, kServerTid1, kPhonePort1, tftp::Oack{negotiated("1200")}},
      {true, kPhonePort1, kServerTid1, tftp::Ack{0}},
      {false, kServerTid1, kPhonePort1, tftp::make_data(1, as_bytes(config))},
      {true, kPhonePort1, kServerTid1, tftp::Ack{1}},
      {true, kPhonePort2, tftp::kPort,
       tftp::Request{false, "CTLSEPC80084AA8743.tlv", tftp::Mode::octet, "", {}}},
      {false, kServerTid2, kPhonePort2,
       tftp::make_error(tftp::ErrorCode::file_not_found, "File not found")},
  };
}

const std::vector<std::string> kDecodeAs = {"-d", "udp.port==40000,tftp", "-d",
                                            "udp.port==40001,tftp"};

std::string joined(const tftp::Options& options, bool names) {
  std::string out;
  for (const auto& option : options.items) {
    out += (out.empty() ? "" : "|") + (names ? option.name : option.value);
  }
  return out;
}

TEST(TftpTshark, EveryPacketDecodesToTheSameFields) {
  if (!testing::tshark_available()) GTEST_SKIP() << "tshark not installed";
  std::vector<Sent> sent = exchange();
  std::vector<ByteVector> frames;
  for (const Sent& s : sent)
    frames.push_back(frame_of(s));
  auto rows =
      testing::tshark_fields(frames,
                             {"udp.srcport", "udp.dstport", "tftp.opcode", "tftp.source_file",
                              "tftp.type", "tftp.option.name", "tftp.option.value", "tftp.block",
                              "tftp.error.code", "tftp.error.message"},
                             kDecodeAs);
  ASSERT_EQ(rows.size(), sent.size()) << ::testing::PrintToString(rows);
  for (std::size_t i = 0; i < sent.size(); ++i) {
    SCOPED_TRACE("frame " + std::to_string(i + 1));
    const auto& row = rows[i];
    const tftp::Packet& packet = sent[i].packet;
    EXPECT_EQ(row[0], std::to_string(sent[i].src_port));
    EXPECT_EQ(row[1], std::to_string(sent[i].dst_port));
    EXPECT_EQ(row[2], std::to_string(static_cast<int>(tftp::opcode_of(packet))));
    if (const auto* request = std::get_if<tftp::Request>(&packet)) {
      EXPECT_EQ(row[3], request->filename);
      EXPECT_EQ(row[4], "octet");
      EXPECT_EQ(row[5], joined(request->options, true));
      EXPECT_EQ(row[6], joined(request->options, false));
    } else if (const auto* oack = std::get_if<tftp::Oack>(&packet)) {
      EXPECT_EQ(row[5], "blksize|tsize|timeout|windowsize");
      EXPECT_EQ(row[6], joined(oack->options, false));
      EXPECT_EQ(row[6], "1468|1200|5|4");
    } else if (const auto* data = std::get_if<tftp::Data>(&packet)) {
      EXPECT_EQ(row[7], std::to_string(data->block));
    } else if (const auto* ack = std::get_if<tftp::Ack>(&packet)) {
      EXPECT_EQ(row[7], std::to_string(ack->block));
    } else if (const auto* error = std::get_if<tftp::Error>(&packet)) {
      EXPECT_EQ(row[8], "1");
      EXPECT_EQ(row[9], error->message);
      EXPECT_EQ(row[9], "File not found");
    }
  }
  EXPECT_EQ(rows[0][5], "blksize|tsize|timeout|windowsize");
  EXPECT_EQ(rows[0][6], "1468|0|5|4");
}

// tshark raises a warning "TFTP ERROR packet" on every ERROR packet, in the response-code
// group that tshark_problems() leaves out (the protocol answering, not a defect of the frame).
TEST(TftpTshark, NoPacketIsMalformedOrWarnedAbout) {
  if (!testing::tshark_available()) GTEST_SKIP() << "tshark not installed";
  std::vector<ByteVector> frames;
  for (const Sent& s : exchange())
    frames.push_back(frame_of(s));
  EXPECT_EQ(testing::tshark_problems(frames, kDecodeAs), std::vector<std::string>{})
      << testing::tshark_verbose(frames, kDecodeAs);
}

// Without "decode as", tshark follows the transfer from the RRQ to port 69 on its own.
TEST(TftpTshark, FollowsTheTransferFromPort69WithoutDecodeAs) {
  if (!testing::tshark_available()) GTEST_SKIP() << "tshark not installed";
  std::vector<ByteVector> frames;
  for (const Sent& s : exchange())
    frames.push_back(frame_of(s));
  auto rows = testing::tshark_fields(frames, {"tftp.opcode"});
  ASSERT_EQ(rows.size(), frames.size());
  std::vector<std::string> opcodes;
  for (const auto& row : rows)
    opcodes.push_back(row[0]);
  EXPECT_EQ(opcodes, (std::vector<std::string>{"1", "6", "4", "3", "4", "1", "5"}));
}

} // namespace
} // namespace phonerig::wire
