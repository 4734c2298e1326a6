#include "drivers/services/tftp/request.hpp"
#include "drivers/services/tftp/transfer.hpp"

#include <gtest/gtest.h>

#include <numeric>

namespace phonerig::services::tftp {
namespace {

namespace wt = wire::tftp;
using namespace std::chrono_literals;

const TimePoint kT0{std::chrono::seconds(1000)};

files::File file_of(std::size_t size, std::string name = "SEP001E4A93748B.cnf.xml") {
  std::vector<std::uint8_t> bytes(size);
  for (std::size_t i = 0; i < size; ++i) bytes[i] = static_cast<std::uint8_t>(i * 7 + i / 251);
  return files::File::from_content(std::move(name), files::make_content(std::move(bytes)));
}

wt::Request rrq(std::vector<std::pair<std::string, std::string>> options = {}) {
  wt::Request request;
  request.filename = "SEP001E4A93748B.cnf.xml";
  for (auto& [name, value] : options) request.options.add(name, value);
  return request;
}

wt::Packet parse(const wire::ByteVector& bytes) {
  auto packet = wt::parse(bytes);
  EXPECT_TRUE(packet) << packet.error().what;
  return packet ? *packet : wt::Packet{};
}

wt::Data data_of(const wire::ByteVector& bytes) {
  wt::Packet packet = parse(bytes);
  EXPECT_TRUE(std::holds_alternative<wt::Data>(packet));
  return std::holds_alternative<wt::Data>(packet) ? std::get<wt::Data>(packet) : wt::Data{};
}

wire::ByteVector ack(std::uint16_t block) { return wt::build(wt::Ack{block}); }

TEST(TftpTransfer, PlainRequestStartsWithData1AndEndsWithAShortBlock) {
  Transfer transfer(file_of(1000), rrq(), {}, kT0);
  auto step = transfer.start(kT0);
  ASSERT_EQ(step.send.size(), 1u);
  wt::Data first = data_of(step.send[0]);
  EXPECT_EQ(first.block, 1);
  EXPECT_EQ(first.payload.size(), 512u);
  ASSERT_TRUE(step.deadline);
  EXPECT_EQ(*step.deadline, kT0 + 1s);
  step = transfer.on_packet(ack(1), kT0 + 1ms);
  ASSERT_EQ(step.send.size(), 1u);
  wt::Data second = data_of(step.send[0]);
  EXPECT_EQ(second.block, 2);
  EXPECT_EQ(second.payload.size(), 488u);
  step = transfer.on_packet(ack(2), kT0 + 5ms);
  EXPECT_TRUE(step.send.empty());
  EXPECT_FALSE(step.deadline);
  EXPECT_EQ(transfer.state(), Transfer::State::done);
  EXPECT_EQ(transfer.stats().bytes, 1000u);
  EXPECT_EQ(transfer.stats().blocks, 2u);
  EXPECT_EQ(transfer.stats().retransmits, 0u);
  EXPECT_EQ(transfer.stats().duration, 5ms);
}

TEST(TftpTransfer, TheBytesSentAreTheFile) {
  files::File file = file_of(3000);
  Transfer transfer(file, rrq(), {}, kT0);
  std::vector<std::uint8_t> received;
  auto step = transfer.start(kT0);
  while (!step.send.empty()) {
    wt::Data data = data_of(step.send[0]);
    received.insert(received.end(), data.payload.begin(), data.payload.end());
    step = transfer.on_packet(ack(data.block), kT0);
  }
  EXPECT_TRUE(std::equal(received.begin(), received.end(), file.bytes().begin(),
                         file.bytes().end()));
}

TEST(TftpTransfer, AnExactMultipleOfBlksizeEndsWithAnEmptyBlock) {
  Transfer transfer(file_of(1024), rrq(), {}, kT0);
  transfer.start(kT0);
  transfer.on_packet(ack(1), kT0);
  auto step = transfer.on_packet(ack(2), kT0);
  ASSERT_EQ(step.send.size(), 1u);
  wt::Data last = data_of(step.send[0]);
  EXPECT_EQ(last.block, 3);
  EXPECT_TRUE(last.payload.empty());
  transfer.on_packet(ack(3), kT0);
  EXPECT_EQ(transfer.state(), Transfer::State::done);
  EXPECT_EQ(transfer.stats().blocks, 3u);
}

TEST(TftpTransfer, AnEmptyFileIsOneEmptyBlock) {
  Transfer transfer(file_of(0), rrq(), {}, kT0);
  auto step = transfer.start(kT0);
  ASSERT_EQ(step.send.size(), 1u);
  EXPECT_TRUE(data_of(step.send[0]).payload.empty());
  transfer.on_packet(ack(1), kT0);
  EXPECT_EQ(transfer.state(), Transfer::State::done);
  EXPECT_EQ(transfer.stats().bytes, 0u);
}

TEST(TftpTransfer, OackCarriesOnlyTheAcceptedOptionsInTheClientsOrderAndSpelling) {
  Transfer transfer(file_of(5000),
                    rrq({{"BLKSIZE", "1428"}, {"rollover", "0"}, {"tsize", "0"},
                         {"timeout", "3"}, {"windowsize", "16"}}),
                    {}, kT0);
  auto step = transfer.start(kT0);
  ASSERT_EQ(step.send.size(), 1u);
  wt::Packet packet = parse(step.send[0]);
  ASSERT_TRUE(std::holds_alternative<wt::Oack>(packet));
  const wt::Options& options = std::get<wt::Oack>(packet).options;
  ASSERT_EQ(options.items.size(), 4u);
  EXPECT_EQ(options.items[0], (wt::Option{"BLKSIZE", "1428"}));
  EXPECT_EQ(options.items[1], (wt::Option{"tsize", "5000"}));
  EXPECT_EQ(options.items[2], (wt::Option{"timeout", "3"}));
  EXPECT_EQ(options.items[3], (wt::Option{"windowsize", "16"}));
  EXPECT_EQ(*step.deadline, kT0 + 3s);  // RFC 2349: the client's timeout
  EXPECT_EQ(transfer.state(), Transfer::State::awaiting_oack_ack);
  // ACK 0 answers the OACK (RFC 2347); then four blocks of 1428 (5000 bytes) in one window.
  step = transfer.on_packet(ack(0), kT0);
  ASSERT_EQ(step.send.size(), 4u);
  EXPECT_EQ(data_of(step.send[0]).payload.size(), 1428u);
  EXPECT_EQ(data_of(step.send[3]).block, 4);
  EXPECT_EQ(data_of(step.send[3]).payload.size(), 5000u - 3 * 1428u);
}

TEST(TftpTransfer, BlksizeAboveTheLimitIsAnsweredWithTheLimit) {
  TransferLimits limits;
  limits.max_blksize = 1468;
  Negotiation n = negotiate(rrq({{"blksize", "65464"}}).options, 10, limits);
  EXPECT_EQ(n.blksize, 1468u);
  EXPECT_EQ(n.oack.items.at(0).value, "1468");
}

TEST(TftpTransfer, OutOfRangeOrNonNumericOptionsAreLeftOutAndDefaultsApply) {
  Transfer transfer(file_of(600), rrq({{"blksize", "4"}, {"timeout", "0"}, {"windowsize", "x"}}),
                    {}, kT0);
  auto step = transfer.start(kT0);
  ASSERT_EQ(step.send.size(), 1u);
  wt::Data data = data_of(step.send[0]);  // no OACK: plain RFC 1350
  EXPECT_EQ(data.block, 1);
  EXPECT_EQ(data.payload.size(), 512u);
}

TEST(TftpTransfer, WindowsizeAboveTheLimitIsLowered) {
  TransferLimits limits;
  limits.max_windowsize = 8;
  Negotiation n = negotiate(rrq({{"windowsize", "1000"}}).options, 10, limits);
  EXPECT_EQ(n.windowsize, 8);
  EXPECT_EQ(n.oack.items.at(0).value, "8");
}

TEST(TftpTransfer, ATimeoutOptionIsIgnoredWhenTheServerIsToldTo) {
  TransferLimits limits;
  limits.honour_timeout_option = false;
  limits.retransmit_timeout = 250ms;
  Negotiation n = negotiate(rrq({{"timeout", "9"}}).options, 10, limits);
  EXPECT_TRUE(n.oack.items.empty());
  EXPECT_EQ(n.timeout, 250ms);
}

TEST(TftpTransfer, ADuplicateAckSendsNothing) {
  Transfer transfer(file_of(2000), rrq(), {}, kT0);
  transfer.start(kT0);
  auto step = transfer.on_packet(ack(1), kT0 + 10ms);
  ASSERT_EQ(step.send.size(), 1u);
  // The Sorcerer's Apprentice: ACK 1 again must not send DATA 2 again.
  step = transfer.on_packet(ack(1), kT0 + 20ms);
  EXPECT_TRUE(step.send.empty());
  ASSERT_TRUE(step.deadline);
  EXPECT_EQ(*step.deadline, kT0 + 10ms + 1s);  // the deadline stays that of DATA 2
  EXPECT_EQ(transfer.stats().retransmits, 0u);
}

TEST(TftpTransfer, AStaleAckFromBeforeTheWindowIsIgnored) {
  Transfer transfer(file_of(4000), rrq(), {}, kT0);
  transfer.start(kT0);
  transfer.on_packet(ack(1), kT0);
  transfer.on_packet(ack(2), kT0);
  EXPECT_TRUE(transfer.on_packet(ack(1), kT0).send.empty());
  EXPECT_TRUE(transfer.on_packet(ack(9), kT0).send.empty());  // not sent yet
  EXPECT_EQ(transfer.state(), Transfer::State::sending);
}

TEST(TftpTransfer, TimeoutResendsTheUnacknowledgedBlock) {
  Transfer transfer(file_of(2000), rrq(), {}, kT0);
  transfer.start(kT0);
  // Woken early (a timer armed for an older deadline): nothing to do yet.
  auto step = transfer.on_timeout(kT0 + 500ms);
  EXPECT_TRUE(step.send.empty());
  EXPECT_EQ(*step.deadline, kT0 + 1s);
  step = transfer.on_timeout(kT0 + 1s);
  ASSERT_EQ(step.send.size(), 1u);
  EXPECT_EQ(data_of(step.send[0]).block, 1);
  EXPECT_EQ(*step.deadline, kT0 + 2s);
  EXPECT_EQ(transfer.stats().retransmits, 1u);
  step = transfer.on_packet(ack(1), kT0 + 2100ms);
  EXPECT_EQ(data_of(step.send[0]).block, 2);
}

TEST(TftpTransfer, GivesUpWithError0AfterTheRetryCap) {
  TransferLimits limits;
  limits.max_retransmits = 2;
  Transfer transfer(file_of(2000), rrq(), limits, kT0);
  transfer.start(kT0);
  EXPECT_EQ(transfer.on_timeout(kT0 + 1s).send.size(), 1u);
  EXPECT_EQ(transfer.on_timeout(kT0 + 2s).send.size(), 1u);
  auto step = transfer.on_timeout(kT0 + 3s);
  ASSERT_EQ(step.send.size(), 1u);
  wt::Packet packet = parse(step.send[0]);
  ASSERT_TRUE(std::holds_alternative<wt::Error>(packet));
  EXPECT_EQ(std::get<wt::Error>(packet).code, wt::ErrorCode::not_defined);
  ASSERT_TRUE(step.error_sent);
  EXPECT_FALSE(step.deadline);
  EXPECT_EQ(transfer.state(), Transfer::State::failed);
  EXPECT_EQ(transfer.stats().retransmits, 2u);
}

TEST(TftpTransfer, AnAckResetsTheRetryCount) {
  TransferLimits limits;
  limits.max_retransmits = 1;
  Transfer transfer(file_of(2000), rrq(), limits, kT0);
  transfer.start(kT0);
  transfer.on_timeout(kT0 + 1s);
  transfer.on_packet(ack(1), kT0 + 1100ms);
  EXPECT_EQ(data_of(transfer.on_timeout(kT0 + 2100ms).send.at(0)).block, 2);
  EXPECT_EQ(transfer.state(), Transfer::State::sending);
}

TEST(TftpTransfer, TheOackIsSentAgainOnTimeoutAndAWrongAckIsIgnored) {
  Transfer transfer(file_of(100), rrq({{"tsize", "0"}}), {}, kT0);
  transfer.start(kT0);
  EXPECT_TRUE(transfer.on_packet(ack(1), kT0).send.empty());
  auto step = transfer.on_timeout(kT0 + 1s);
  ASSERT_EQ(step.send.size(), 1u);
  EXPECT_TRUE(std::holds_alternative<wt::Oack>(parse(step.send[0])));
  EXPECT_EQ(transfer.stats().retransmits, 1u);
  EXPECT_EQ(data_of(transfer.on_packet(ack(0), kT0 + 1s).send.at(0)).block, 1);
}

TEST(TftpTransfer, AnErrorFromTheClientEndsTheTransfer) {
  Transfer transfer(file_of(100), rrq({{"tsize", "0"}}), {}, kT0);
  transfer.start(kT0);
  auto step = transfer.on_packet(
      wt::build(wt::Error{wt::ErrorCode::option_negotiation, "no thanks"}), kT0);
  EXPECT_TRUE(step.send.empty());
  ASSERT_TRUE(step.error_received);
  EXPECT_EQ(step.error_received->code, wt::ErrorCode::option_negotiation);
  EXPECT_EQ(transfer.state(), Transfer::State::failed);
}

TEST(TftpTransfer, GarbageIsReportedAndIgnored) {
  Transfer transfer(file_of(2000), rrq(), {}, kT0);
  transfer.start(kT0);
  const wire::ByteVector garbage{0x00, 0x04, 0x00};  // an ACK cut short
  auto step = transfer.on_packet(garbage, kT0);
  ASSERT_TRUE(step.malformed);
  EXPECT_TRUE(step.send.empty());
  EXPECT_EQ(*step.deadline, kT0 + 1s);
  EXPECT_EQ(transfer.state(), Transfer::State::sending);
  EXPECT_EQ(data_of(transfer.on_packet(ack(1), kT0).send.at(0)).block, 2);
}

TEST(TftpTransfer, AnotherOpcodeIsAnIllegalOperation) {
  Transfer transfer(file_of(2000), rrq(), {}, kT0);
  transfer.start(kT0);
  auto step = transfer.on_packet(wt::build(wt::make_data(1, {})), kT0);
  ASSERT_TRUE(step.error_sent);
  EXPECT_EQ(step.error_sent->code, wt::ErrorCode::illegal_operation);
  EXPECT_EQ(transfer.state(), Transfer::State::failed);
}

// 65540 blocks of 8 bytes: the block number passes 65535 and goes on at 0 (protocols.md 5.2).
TEST(TftpTransfer, BlockNumbersRollOverToZeroLockStep) {
  const std::size_t size = 8 * 65540 + 3;
  Transfer transfer(file_of(size), rrq({{"blksize", "8"}}), {}, kT0);
  transfer.start(kT0);
  auto step = transfer.on_packet(ack(0), kT0);
  std::uint64_t index = 1;
  std::vector<std::uint16_t> around_wrap;
  while (!step.send.empty()) {
    const wt::Data data = data_of(step.send[0]);
    ASSERT_EQ(data.block, static_cast<std::uint16_t>(index & 0xffff));
    if (index >= 65534 && index <= 65538) around_wrap.push_back(data.block);
    step = transfer.on_packet(ack(data.block), kT0);
    ++index;
  }
  EXPECT_EQ(around_wrap, (std::vector<std::uint16_t>{65534, 65535, 0, 1, 2}));
  EXPECT_EQ(transfer.state(), Transfer::State::done);
  EXPECT_EQ(transfer.stats().blocks, 65541u);
  EXPECT_EQ(transfer.stats().bytes, size);
}

TEST(TftpTransfer, BlockNumbersRollOverInsideAWindow) {
  const std::size_t size = 8 * 65545;
  Transfer transfer(file_of(size), rrq({{"blksize", "8"}, {"windowsize", "16"}}), {}, kT0);
  transfer.start(kT0);
  auto step = transfer.on_packet(ack(0), kT0);
  std::uint64_t delivered = 0;
  bool wrapped_in_window = false;
  while (!step.send.empty()) {
    std::uint16_t last = 0;
    for (std::size_t i = 0; i < step.send.size(); ++i) {
      const wt::Data data = data_of(step.send[i]);
      if (i > 0 && data.block == 0) wrapped_in_window = true;
      delivered += data.payload.size();
      last = data.block;
    }
    step = transfer.on_packet(ack(last), kT0);
  }
  EXPECT_TRUE(wrapped_in_window);
  EXPECT_EQ(transfer.state(), Transfer::State::done);
  EXPECT_EQ(delivered, size);
  EXPECT_EQ(transfer.stats().blocks, 65546u);
}

TEST(TftpTransfer, WindowsizeSendsAWindowPerAck) {
  Transfer transfer(file_of(512 * 40), rrq({{"windowsize", "16"}}), {}, kT0);
  transfer.start(kT0);
  auto step = transfer.on_packet(ack(0), kT0);
  ASSERT_EQ(step.send.size(), 16u);
  EXPECT_EQ(data_of(step.send.front()).block, 1);
  EXPECT_EQ(data_of(step.send.back()).block, 16);
  step = transfer.on_packet(ack(16), kT0);
  ASSERT_EQ(step.send.size(), 16u);
  EXPECT_EQ(data_of(step.send.front()).block, 17);
  // A duplicate of the window's ACK sends nothing.
  EXPECT_TRUE(transfer.on_packet(ack(16), kT0).send.empty());
  EXPECT_EQ(transfer.stats().retransmits, 0u);
}

TEST(TftpTransfer, AnAckInsideTheWindowResumesAfterTheAcknowledgedBlock) {
  Transfer transfer(file_of(512 * 40), rrq({{"windowsize", "8"}}), {}, kT0);
  transfer.start(kT0);
  transfer.on_packet(ack(0), kT0);  // 1..8 sent
  // RFC 7440: the client got 1..5 in order and says so; the sender goes on from 6.
  auto step = transfer.on_packet(ack(5), kT0);
  ASSERT_EQ(step.send.size(), 8u);
  EXPECT_EQ(data_of(step.send.front()).block, 6);
  EXPECT_EQ(data_of(step.send.back()).block, 13);
  EXPECT_EQ(transfer.stats().retransmits, 3u);  // 6, 7, 8 again
}

TEST(TftpTransfer, ATimeoutResendsTheWholeWindow) {
  Transfer transfer(file_of(512 * 10), rrq({{"windowsize", "4"}}), {}, kT0);
  transfer.start(kT0);
  transfer.on_packet(ack(0), kT0);
  auto step = transfer.on_timeout(kT0 + 1s);
  ASSERT_EQ(step.send.size(), 4u);
  EXPECT_EQ(data_of(step.send.front()).block, 1);
  EXPECT_EQ(transfer.stats().retransmits, 4u);
}

TEST(TftpTransfer, TheWindowStopsAtTheLastBlock) {
  Transfer transfer(file_of(512 * 3 + 1), rrq({{"windowsize", "16"}}), {}, kT0);
  transfer.start(kT0);
  auto step = transfer.on_packet(ack(0), kT0);
  ASSERT_EQ(step.send.size(), 4u);
  transfer.on_packet(ack(4), kT0);
  EXPECT_EQ(transfer.state(), Transfer::State::done);
}

class TftpDecide : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = *files::FileStore::open({});
    store_->set("SEP001E4A93748B.cnf.xml", files::make_content("<device/>"));
  }
  std::shared_ptr<files::FileStore> store_;
};

TEST_F(TftpDecide, StartsATransferForAFileThatExists) {
  auto decision = decide(rrq(), *store_, {}, kT0);
  ASSERT_TRUE(std::holds_alternative<Transfer>(decision));
  EXPECT_EQ(std::get<Transfer>(decision).file().size(), 9u);
}

TEST_F(TftpDecide, AWriteRequestIsAnAccessViolation) {
  wt::Request request = rrq();
  request.write = true;
  auto decision = decide(request, *store_, {}, kT0);
  ASSERT_TRUE(std::holds_alternative<Refusal>(decision));
  EXPECT_EQ(std::get<Refusal>(decision).error.code, wt::ErrorCode::access_violation);
  EXPECT_FALSE(std::get<Refusal>(decision).missing);
}

TEST_F(TftpDecide, MailModeIsAnIllegalOperation) {
  wt::Request request = rrq();
  request.mode = wt::Mode::mail;
  auto decision = decide(request, *store_, {}, kT0);
  EXPECT_EQ(std::get<Refusal>(decision).error.code, wt::ErrorCode::illegal_operation);
}

TEST_F(TftpDecide, AMissingCtlFileIsFileNotFound) {
  wt::Request request = rrq();
  request.filename = "CTLSEP001E4A93748B.tlv";
  auto decision = decide(request, *store_, {}, kT0);
  const Refusal& refusal = std::get<Refusal>(decision);
  EXPECT_EQ(refusal.error.code, wt::ErrorCode::file_not_found);
  ASSERT_TRUE(refusal.missing);
  EXPECT_EQ(refusal.missing->refusal, files::Refusal::not_found);
}

TEST_F(TftpDecide, ASignedNameIsFileNotFound) {
  wt::Request request = rrq();
  request.filename = "SEP001E4A93748B.cnf.xml.sgn";
  const Refusal refusal = std::get<Refusal>(decide(request, *store_, {}, kT0));
  EXPECT_EQ(refusal.error.code, wt::ErrorCode::file_not_found);
  EXPECT_EQ(refusal.missing->refusal, files::Refusal::signed_not_provided);
}

TEST_F(TftpDecide, ATraversalIsAnAccessViolation) {
  wt::Request request = rrq();
  request.filename = "../etc/passwd";
  const Refusal refusal = std::get<Refusal>(decide(request, *store_, {}, kT0));
  EXPECT_EQ(refusal.error.code, wt::ErrorCode::access_violation);
  EXPECT_EQ(refusal.missing->refusal, files::Refusal::outside_root);
}

}  // namespace
}  // namespace phonerig::services::tftp
