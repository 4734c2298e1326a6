#include "drivers/netlink/ledger.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

#include "drivers/netlink/cleanup.hpp"

namespace phonerig::netlink {
namespace {

LedgerEntry veth() {
  LedgerEntry entry;
  entry.kind = ObjectKind::link;
  entry.netns = "nl4f2a-sw";
  entry.name = "nl4f2a-p1";
  entry.link_kind = "veth";
  entry.peer = "nl4f2a-ph1";
  entry.peer_netns = "nl4f2a-phone";
  return entry;
}

LedgerEntry route() {
  LedgerEntry entry;
  entry.kind = ObjectKind::route;
  entry.netns = "nl4f2a-rig";
  entry.name = "nl4f2a-voice";
  entry.prefix = api::Ipv4Prefix{*wire::Ipv4::parse("198.18.2.0"), 24};
  entry.gateway = wire::Ipv4::parse("198.18.0.1");
  return entry;
}

class NetlinkLedgerFile : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = std::filesystem::temp_directory_path() /
            ("phonerig-ledger-test-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".jsonl");
    std::filesystem::remove(path_);
  }
  void TearDown() override { std::filesystem::remove(path_); }

  std::filesystem::path path_;
};

TEST(NetlinkLedgerLine, RoundTripsEveryKindOfEntry) {
  LedgerEntry qdisc;
  qdisc.kind = ObjectKind::qdisc;
  qdisc.name = "eth1";
  qdisc.handle = 0x70720000;
  LedgerEntry address;
  address.kind = ObjectKind::address;
  address.netns = "n";
  address.name = "l";
  address.prefix = api::Ipv4Prefix{*wire::Ipv4::parse("198.18.0.10"), 24};
  LedgerEntry netns;
  netns.kind = ObjectKind::netns;
  netns.name = "nl4f2a-sw";
  for (const LedgerEntry& entry : {veth(), route(), qdisc, address, netns}) {
    auto line = parse_json_line(to_json_line(LedgerOp::add, entry));
    ASSERT_TRUE(line) << line.error().message;
    EXPECT_EQ(line->first, LedgerOp::add);
    EXPECT_EQ(line->second, entry) << entry.describe();
  }
}

TEST(NetlinkLedgerLine, IsOneJsonObjectOnOneLine) {
  std::string line = to_json_line(LedgerOp::remove, route());
  EXPECT_EQ(line.back(), '\n');
  EXPECT_EQ(line.find('\n'), line.size() - 1);
  EXPECT_EQ(line.rfind(R"({"gateway":"198.18.0.1","kind":"route","name":"nl4f2a-voice",)", 0), 0u)
      << line;
}

TEST(NetlinkLedgerLine, DescribesEachObjectForErrors) {
  EXPECT_EQ(veth().describe(), "veth link 'nl4f2a-p1' in netns 'nl4f2a-sw'");
  EXPECT_EQ(route().describe(),
            "route 198.18.2.0/24 via 198.18.0.1 dev 'nl4f2a-voice' in netns 'nl4f2a-rig'");
}

TEST(NetlinkLedgerLine, RejectsAnUnknownKindAndARouteWithoutPrefix) {
  EXPECT_EQ(parse_json_line(R"({"op":"add","kind":"bridge","name":"x"})").error().message,
            "unknown \"kind\" 'bridge'");
  EXPECT_EQ(parse_json_line(R"({"op":"add","kind":"route","name":"x"})").error().message,
            "an address or route has no \"prefix\"");
  EXPECT_EQ(parse_json_line(R"({"op":"add","kind":"route","name":"x","prefix":"1.2.3.4/33"})")
                .error()
                .message,
            "\"prefix\" is not an IPv4 prefix");
}

TEST_F(NetlinkLedgerFile, LiveEntriesAreTheAddedNotRemovedInOrder) {
  auto ledger = Ledger::open(path_);
  ASSERT_TRUE(ledger) << ledger.error().message;
  LedgerEntry first = veth();
  LedgerEntry second = route();
  ASSERT_TRUE((*ledger)->added(first));
  ASSERT_TRUE((*ledger)->added(second));
  ASSERT_TRUE((*ledger)->removed(first));
  ASSERT_TRUE((*ledger)->added(first));  // the same object again, after its removal
  auto contents = read_ledger(path_);
  ASSERT_TRUE(contents) << contents.error().message;
  ASSERT_EQ(contents->live.size(), 2u);
  EXPECT_EQ(contents->live[0], second);
  EXPECT_EQ(contents->live[1], first);
}

TEST_F(NetlinkLedgerFile, SkipsATruncatedLineAndSaysWhichOne) {
  {
    std::ofstream file(path_);
    file << to_json_line(LedgerOp::add, veth()) << R"({"op":"add","kind":"li)";
  }
  auto contents = read_ledger(path_);
  ASSERT_TRUE(contents);
  EXPECT_EQ(contents->live.size(), 1u);
  ASSERT_EQ(contents->unreadable.size(), 1u);
  EXPECT_EQ(contents->unreadable[0], "line 2: not a JSON object");
}

TEST_F(NetlinkLedgerFile, MissingFileReadsAsEmpty) {
  auto contents = read_ledger(path_);
  ASSERT_TRUE(contents);
  EXPECT_TRUE(contents->live.empty());
}

TEST_F(NetlinkLedgerFile, CleanupOfALedgerWithNothingLiveDeletesTheFile) {
  auto ledger = Ledger::open(path_);
  ASSERT_TRUE((*ledger)->added(veth()));
  ASSERT_TRUE((*ledger)->removed(veth()));
  auto report = cleanup_ledger(path_);
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_EQ(report->removed, 0u);
  EXPECT_FALSE(std::filesystem::exists(path_));
}

}  // namespace
}  // namespace phonerig::netlink
