// TCP reassembly (HTTP 6970, SIP over TCP) and TFTP transfer tracking, on hand-built frames.
#include <gtest/gtest.h>

#include <string>

#include "drivers/wire/http.hpp"
#include "drivers/wire/ip.hpp"
#include "drivers/wire/tftp.hpp"
#include "tests/unit/harness/engine/engine_test_util.hpp"

namespace phonerig::engine {
namespace {

using test::ip;
using test::mac;
using namespace wire;

const Mac kPhone = mac("00:1e:4a:00:00:02");
const Mac kServer = mac("02:00:c6:12:00:0a");
const Ipv4 kPhoneIp = ip("198.18.1.21");
const Ipv4 kServerIp = ip("198.18.1.10");

class Capture {
 public:
  Capture() {
    DecoderOptions options;
    options.phones = {kPhone};
    decoder_ = std::make_unique<Decoder>(options);
  }
  void tcp(bool from_phone, std::uint16_t phone_port, std::uint16_t server_port,
           std::uint32_t seq, std::uint32_t ack, std::uint16_t flags, std::string_view data = {}) {
    TcpBuild t;
    t.src_port = from_phone ? phone_port : server_port;
    t.dst_port = from_phone ? server_port : phone_port;
    t.seq = seq;
    t.ack = ack;
    t.flags = flags;
    add(build_tcp_frame(header(from_phone), from_phone ? Ipv4Build{kPhoneIp, kServerIp, ip_protocol::kTcp}
                                                       : Ipv4Build{kServerIp, kPhoneIp, ip_protocol::kTcp},
                        t, as_bytes(data)));
  }
  void udp(bool from_phone, std::uint16_t src_port, std::uint16_t dst_port, const ByteVector& data) {
    add(build_udp_frame(header(from_phone),
                        from_phone ? Ipv4Build{kPhoneIp, kServerIp} : Ipv4Build{kServerIp, kPhoneIp},
                        src_port, dst_port, data));
  }
  std::vector<api::Event> of(std::string_view kind) const {
    std::vector<api::Event> out;
    for (const auto& e : events_) {
      if (e.kind == kind) out.push_back(e);
    }
    return out;
  }
  const std::vector<api::Event>& events() const { return events_; }

 private:
  static EthernetHeader header(bool from_phone) {
    return from_phone ? EthernetHeader{kServer, kPhone, {}} : EthernetHeader{kPhone, kServer, {}};
  }
  void add(const ByteVector& frame) {
    now_ += 1'000'000;
    decoder_->decode(LinkType::ethernet, now_, frame, static_cast<std::uint32_t>(frame.size()),
                     events_);
  }
  std::unique_ptr<Decoder> decoder_;
  std::vector<api::Event> events_;
  std::int64_t now_ = 1'700'000'000'000'000'000;
};

constexpr std::uint32_t kC = 1000;  // the phone's initial sequence number
constexpr std::uint32_t kS = 5000;  // the server's

void handshake(Capture& c, std::uint16_t port, std::uint16_t server_port) {
  c.tcp(true, port, server_port, kC, 0, tcp_flag::kSyn);
  c.tcp(false, port, server_port, kS, kC + 1, tcp_flag::kSyn | tcp_flag::kAck);
  c.tcp(true, port, server_port, kC + 1, kS + 1, tcp_flag::kAck);
}

const std::string kRegister =
    "REGISTER sip:198.18.1.10 SIP/2.0\r\n"
    "Via: SIP/2.0/TCP 198.18.1.21:50000;branch=z9hG4bK1\r\n"
    "From: <sip:1004@198.18.1.10>;tag=1\r\n"
    "To: <sip:1004@198.18.1.10>\r\n"
    "Call-ID: abc@198.18.1.21\r\n"
    "CSeq: 7 REGISTER\r\n"
    "Contact: <sip:1004@198.18.1.21:50000;transport=tcp>;+u.sip!devicename.ccm.cisco.com=\"SEP001E4A000002\"\r\n"
    "Expires: 3600\r\n"
    "Content-Length: 0\r\n\r\n";
const std::string kOk =
    "SIP/2.0 200 OK\r\n"
    "Via: SIP/2.0/TCP 198.18.1.21:50000;branch=z9hG4bK1\r\n"
    "From: <sip:1004@198.18.1.10>;tag=1\r\n"
    "To: <sip:1004@198.18.1.10>;tag=2\r\n"
    "Call-ID: abc@198.18.1.21\r\n"
    "CSeq: 7 REGISTER\r\n"
    "Expires: 120\r\n"
    "Content-Length: 0\r\n\r\n";

TEST(EngineTcp, HandshakeGivesSynAndEstablishedOnce) {
  Capture c;
  handshake(c, 50000, 5060);
  c.tcp(true, 50000, 5060, kC, 0, tcp_flag::kSyn);  // the same SYN again (same ISN): a retransmission
  ASSERT_EQ(c.of("tcp.syn").size(), 1u);
  ASSERT_EQ(c.of("tcp.established").size(), 1u);
  EXPECT_EQ(c.of("tcp.established")[0].integer_attr("dst_port"), 5060);
  EXPECT_EQ(c.of("tcp.syn")[0].phone, kPhone);
  test::expect_all_valid(c.events());
}

TEST(EngineTcp, SipMessageSplitMidHeaderAcrossSegmentsIsOneRequest) {
  Capture c;
  handshake(c, 50000, 5060);
  std::uint32_t seq = kC + 1;
  for (std::size_t at = 0; at < kRegister.size(); at += 100) {
    std::string piece = kRegister.substr(at, 100);
    c.tcp(true, 50000, 5060, seq, kS + 1, tcp_flag::kAck | tcp_flag::kPsh, piece);
    seq += static_cast<std::uint32_t>(piece.size());
    EXPECT_EQ(c.of("sip.request").size(), at + 100 >= kRegister.size() ? 1u : 0u);
  }
  auto request = c.of("sip.request").at(0);
  EXPECT_EQ(request.string_attr("device_name"), "SEP001E4A000002");
  EXPECT_EQ(request.integer_attr("cseq"), 7);
  EXPECT_EQ(request.string_attr("transport"), "tcp");
  test::expect_all_valid(c.events());
}

TEST(EngineTcp, OutOfOrderAndRetransmittedSegmentsAreDeliveredOnce) {
  Capture c;
  handshake(c, 50000, 5060);
  // Two messages back to back in one stream, cut at 150 and 400, sent 3, 1, 1 again, 2,
  // then a retransmission overlapping 1 and 2.
  const std::string stream = kRegister + kRegister;
  const std::uint32_t base = kC + 1;
  auto piece = [&](std::size_t from, std::size_t to) {
    c.tcp(true, 50000, 5060, base + static_cast<std::uint32_t>(from), kS + 1, tcp_flag::kAck,
          stream.substr(from, to - from));
  };
  piece(400, stream.size());
  EXPECT_TRUE(c.of("sip.request").empty());
  piece(0, 150);
  piece(0, 150);
  EXPECT_TRUE(c.of("sip.request").empty());
  piece(150, 400);
  EXPECT_EQ(c.of("sip.request").size(), 2u);
  piece(100, 300);
  EXPECT_EQ(c.of("sip.request").size(), 2u);
  // The answer on the other direction.
  c.tcp(false, 50000, 5060, kS + 1, base + static_cast<std::uint32_t>(stream.size()),
        tcp_flag::kAck, kOk);
  auto ok = c.of("sip.response");
  ASSERT_EQ(ok.size(), 1u);
  EXPECT_EQ(ok[0].integer_attr("expires"), 120);
  EXPECT_EQ(ok[0].phone, kPhone);
  test::expect_all_valid(c.events());
}

TEST(EngineTcp, HttpRequestAndChunkedResponseSplitAnywhere) {
  Capture c;
  handshake(c, 40000, 6970);
  const std::string get = "GET /SEP001E4A000002.cnf.xml.sgn HTTP/1.1\r\nHost: 198.18.1.10:6970\r\n"
                          "User-Agent: Cisco-CP8851\r\n\r\n";
  c.tcp(true, 40000, 6970, kC + 1, kS + 1, tcp_flag::kAck, get.substr(0, 7));
  EXPECT_TRUE(c.of("http.get").empty());
  c.tcp(true, 40000, 6970, kC + 1 + 7, kS + 1, tcp_flag::kAck, get.substr(7));
  auto request = c.of("http.get");
  ASSERT_EQ(request.size(), 1u);
  EXPECT_EQ(request[0].string_attr("path"), "/SEP001E4A000002.cnf.xml.sgn");
  EXPECT_EQ(request[0].string_attr("user_agent"), "Cisco-CP8851");

  const std::string response = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                               "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n";
  std::uint32_t seq = kS + 1;
  // Second half first (out of order), then the first half.
  const std::size_t cut = 50;
  c.tcp(false, 40000, 6970, seq + cut, kC + 1, tcp_flag::kAck, response.substr(cut));
  EXPECT_TRUE(c.of("http.status").empty());
  c.tcp(false, 40000, 6970, seq, kC + 1, tcp_flag::kAck, response.substr(0, cut));
  auto status = c.of("http.status");
  ASSERT_EQ(status.size(), 1u);
  EXPECT_EQ(status[0].integer_attr("status"), 200);
  EXPECT_EQ(status[0].integer_attr("bytes"), 11);
  EXPECT_EQ(status[0].string_attr("path"), "/SEP001E4A000002.cnf.xml.sgn");
  test::expect_all_valid(c.events());
}

TEST(EngineTcp, CloseDelimitedResponseCompletesAtFin) {
  Capture c;
  handshake(c, 40001, 6970);
  const std::string get = "GET /ringlist.xml HTTP/1.1\r\nHost: x\r\n\r\n";
  c.tcp(true, 40001, 6970, kC + 1, kS + 1, tcp_flag::kAck, get);
  const std::string response = "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n0123456789";
  c.tcp(false, 40001, 6970, kS + 1, kC + 1, tcp_flag::kAck, response);
  EXPECT_TRUE(c.of("http.status").empty());
  c.tcp(false, 40001, 6970, kS + 1 + static_cast<std::uint32_t>(response.size()), kC + 1,
        tcp_flag::kAck | tcp_flag::kFin);
  auto status = c.of("http.status");
  ASSERT_EQ(status.size(), 1u);
  EXPECT_EQ(status[0].integer_attr("bytes"), 10);
}

TEST(EngineTcp, GarbageOnTheStreamIsMalformedOnceAndTheConnectionIsLeftAlone) {
  Capture c;
  handshake(c, 40002, 6970);
  c.tcp(true, 40002, 6970, kC + 1, kS + 1, tcp_flag::kAck, "GET / HTTP/1.1\nHost: x\n\n");
  c.tcp(true, 40002, 6970, kC + 1 + 24, kS + 1, tcp_flag::kAck, "more garbage\r\n");
  auto malformed = c.of("frame.malformed");
  ASSERT_EQ(malformed.size(), 1u);
  EXPECT_EQ(malformed[0].string_attr("layer"), "http");
  test::expect_all_valid(c.events());
}

TEST(EngineTcp, JoiningMidConnectionStillParsesTheNextMessage) {
  Capture c;  // no handshake in the capture
  c.tcp(true, 50001, 5060, 777, 1, tcp_flag::kAck, kRegister);
  EXPECT_EQ(c.of("sip.request").size(), 1u);
  EXPECT_TRUE(c.of("tcp.established").empty());
}

// ---- TFTP ----

ByteVector tftp_bytes(const tftp::Packet& p) { return tftp::build(p); }

TEST(EngineTftp, TransferWithBlksizeOackIsDoneWhenTheShortBlockIsAcked) {
  Capture c;
  tftp::Request rrq;
  rrq.filename = "SEP001E4A000002.cnf.xml";
  rrq.options.add("blksize", "1024");
  rrq.options.add("tsize", "0");
  c.udp(true, 40000, 69, tftp_bytes(rrq));
  tftp::Oack oack;
  oack.options.add("blksize", "1024");
  oack.options.add("tsize", "2548");
  c.udp(false, 61000, 40000, tftp_bytes(oack));
  c.udp(true, 40000, 61000, tftp_bytes(tftp::Ack{0}));
  auto data = [&](std::uint16_t block, std::size_t size) {
    c.udp(false, 61000, 40000, tftp_bytes(tftp::make_data(block, ByteVector(size, 'x'))));
  };
  data(1, 1024);
  c.udp(true, 40000, 61000, tftp_bytes(tftp::Ack{1}));
  data(2, 1024);
  data(2, 1024);  // retransmitted
  c.udp(true, 40000, 61000, tftp_bytes(tftp::Ack{2}));
  data(3, 500);
  EXPECT_TRUE(c.of("tftp.done").empty());  // not before the phone ACKs the last block
  c.udp(true, 40000, 61000, tftp_bytes(tftp::Ack{3}));
  auto rrqs = c.of("tftp.rrq");
  ASSERT_EQ(rrqs.size(), 1u);
  EXPECT_EQ(rrqs[0].integer_attr("blksize"), 1024);
  EXPECT_EQ(rrqs[0].integer_attr("tsize"), 0);
  auto done = c.of("tftp.done");
  ASSERT_EQ(done.size(), 1u);
  EXPECT_EQ(done[0].string_attr("file"), "SEP001E4A000002.cnf.xml");
  EXPECT_EQ(done[0].integer_attr("bytes"), 2548);
  EXPECT_EQ(done[0].integer_attr("blocks"), 3);
  EXPECT_EQ(done[0].integer_attr("retransmits"), 1);
  EXPECT_EQ(done[0].integer_attr("duration_ms"), 9);
  EXPECT_EQ(done[0].integer_attr("ack_after_ms"), 1);
  EXPECT_EQ(done[0].time_ns, c.of("tftp.rrq")[0].time_ns + 8'000'000);  // the last DATA
  EXPECT_EQ(done[0].phone, kPhone);
  test::expect_all_valid(c.events());
}

// The phone's final ACK is lost; the server sends the last DATA again until an ACK
// comes. The phone had the file at the first last DATA and may already be talking SIP
// when the ACK is seen: tftp.done is timed at that first DATA, so it comes before the SIP.
TEST(EngineTftp, ALostFinalAckStillTimesTheTransferAtTheFirstLastBlock) {
  Capture c;
  tftp::Request rrq;
  rrq.filename = "SEP001E4A000002.cnf.xml";
  c.udp(true, 40040, 69, tftp_bytes(rrq));
  c.udp(false, 61004, 40040, tftp_bytes(tftp::make_data(1, ByteVector(100, 'x'))));
  // The phone's ACK is lost at its switch port, before the mirror: the capture never sees it.
  handshake(c, 50000, 5060);  // the phone goes on to SIP
  c.udp(false, 61004, 40040, tftp_bytes(tftp::make_data(1, ByteVector(100, 'x'))));
  EXPECT_TRUE(c.of("tftp.done").empty()) << "not before an ACK of the last block is seen";
  c.udp(true, 40040, 61004, tftp_bytes(tftp::Ack{1}));
  ASSERT_EQ(c.of("tftp.done").size(), 1u);
  ASSERT_FALSE(c.of("tcp.syn").empty());
  const api::Event done = c.of("tftp.done")[0];
  EXPECT_EQ(done.time_ns, c.of("tftp.rrq")[0].time_ns + 1'000'000);
  EXPECT_LT(done.time_ns, c.of("tcp.syn")[0].time_ns);
  EXPECT_EQ(done.integer_attr("retransmits"), 1);
  EXPECT_EQ(done.integer_attr("ack_after_ms"), 5);
  test::expect_all_valid(c.events());
}

TEST(EngineTftp, WithoutOackTheBlockSizeIs512AndAnEmptyLastBlockEnds) {
  Capture c;
  tftp::Request rrq;
  rrq.filename = "dialplan.xml";
  rrq.options.add("blksize", "1428");  // asked for, not granted: no OACK
  c.udp(true, 40010, 69, tftp_bytes(rrq));
  c.udp(false, 61001, 40010, tftp_bytes(tftp::make_data(1, ByteVector(512, 'a'))));
  c.udp(true, 40010, 61001, tftp_bytes(tftp::Ack{1}));
  c.udp(false, 61001, 40010, tftp_bytes(tftp::make_data(2, {})));
  c.udp(true, 40010, 61001, tftp_bytes(tftp::Ack{2}));
  auto done = c.of("tftp.done");
  ASSERT_EQ(done.size(), 1u);
  EXPECT_EQ(done[0].integer_attr("bytes"), 512);
  EXPECT_EQ(done[0].integer_attr("blocks"), 2);
}

TEST(EngineTftp, ErrorFromTheNewPortNamesTheFile) {
  Capture c;
  tftp::Request rrq;
  rrq.filename = "CTLSEP001E4A000002.tlv";
  c.udp(true, 40020, 69, tftp_bytes(rrq));
  c.udp(false, 61002, 40020, tftp_bytes(tftp::make_error(tftp::ErrorCode::file_not_found)));
  // The same port pair afterwards is no longer TFTP.
  c.udp(false, 61002, 40020, tftp_bytes(tftp::make_data(1, {})));
  auto errors = c.of("tftp.error");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].string_attr("file"), "CTLSEP001E4A000002.tlv");
  EXPECT_EQ(errors[0].integer_attr("code"), 1);
  EXPECT_EQ(c.events().size(), 2u);
  test::expect_all_valid(c.events());
}

TEST(EngineTftp, AnotherHostsPacketsToThePhonesPortAreNotTheTransfer) {
  Capture c;
  tftp::Request rrq;
  rrq.filename = "a.xml";
  c.udp(true, 40030, 69, tftp_bytes(rrq));
  c.udp(false, 61003, 40030, tftp_bytes(tftp::make_data(1, ByteVector(10, 'a'))));
  // From a different server port: another TID, ignored (RFC 1350 section 4).
  c.udp(false, 61999, 40030, tftp_bytes(tftp::make_data(1, ByteVector(3, 'b'))));
  c.udp(true, 40030, 61003, tftp_bytes(tftp::Ack{1}));
  auto done = c.of("tftp.done");
  ASSERT_EQ(done.size(), 1u);
  EXPECT_EQ(done[0].integer_attr("bytes"), 10);
}

}  // namespace
}  // namespace phonerig::engine
