#include "harness/report/event_json.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sys/stat.h>

namespace phonerig::report {
namespace {

api::Event offer() {
  api::Event event;
  event.time_ns = 1'795'000'000'123'456'789;
  event.source = api::EventSource::service;
  event.phone = *wire::Mac::parse("00:1e:4a:00:00:01");
  event.kind = "dhcp.offer";
  event.attrs["xid"] = std::int64_t{0x1234};
  event.attrs["chaddr"] = *wire::Mac::parse("00:1e:4a:00:00:01");
  event.attrs["yiaddr"] = *wire::Ipv4::parse("198.18.0.101");
  event.attrs["tftp_servers"] = api::AttrList{"198.18.0.10", "198.18.0.11"};
  return event;
}

TEST(EventJson, KeepsTypesNumbersAsNumbersListsAsArrays) {
  const nlohmann::json json = to_json(offer());
  EXPECT_EQ(json["kind"], "dhcp.offer");
  EXPECT_EQ(json["source"], "service");
  EXPECT_EQ(json["phone"], "00:1e:4a:00:00:01");
  EXPECT_EQ(json["time_ns"], 1'795'000'000'123'456'789);
  EXPECT_EQ(json["time"], "2026-11-18T11:06:40.123456789Z");
  EXPECT_EQ(json["attrs"]["xid"], 0x1234);
  EXPECT_EQ(json["attrs"]["yiaddr"], "198.18.0.101");
  EXPECT_EQ(json["attrs"]["tftp_servers"], nlohmann::json::array({"198.18.0.10", "198.18.0.11"}));
}

TEST(EventJson, AnUnknownPhoneIsNull) {
  api::Event event = offer();
  event.phone.reset();
  EXPECT_TRUE(to_json(event)["phone"].is_null());
}

TEST(EventJson, InvalidUtf8FromTheWireIsReplacedNotFatal) {
  api::Event event;
  event.kind = "sip.request";
  event.attrs["user_agent"] = std::string("Cisco-CP8851\xff\xfe");
  const std::string line = to_json_line(event);
  EXPECT_NE(line.find("Cisco-CP8851"), std::string::npos);
  EXPECT_TRUE(nlohmann::json::accept(line)) << line;
}

TEST(JsonLinesSink, WritesOneParsableLinePerEventToAPrivateFile) {
  const auto path = std::filesystem::temp_directory_path() /
                    ("phonerig-events-" + std::to_string(::getpid()) + ".jsonl");
  std::filesystem::remove(path);
  {
    auto sink = JsonLinesSink::open(path);
    ASSERT_TRUE(sink) << sink.error().message;
    (*sink)->emit(offer());
    (*sink)->emit(offer());
    EXPECT_EQ((*sink)->written(), 2u);
  }
  struct stat info {};
  ASSERT_EQ(::stat(path.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  std::ifstream in(path);
  int lines = 0;
  for (std::string line; std::getline(in, line); ++lines) {
    EXPECT_EQ(nlohmann::json::parse(line)["kind"], "dhcp.offer");
  }
  EXPECT_EQ(lines, 2);
  std::filesystem::remove(path);
}

TEST(JsonLinesSink, NamesTheFileItCannotOpen) {
  auto sink = JsonLinesSink::open("/nonexistent-dir/events.jsonl");
  ASSERT_FALSE(sink);
  EXPECT_EQ(sink.error().message,
            "cannot open events file /nonexistent-dir/events.jsonl: No such file or directory");
  EXPECT_EQ(sink.error().fault, api::Fault::config);
}

}  // namespace
}  // namespace phonerig::report
