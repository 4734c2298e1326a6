#include "harness/report/report_json.hpp"

#include <gtest/gtest.h>

#include "harness/report/event_json.hpp"
#include "tests/unit/harness/report/report_samples.hpp"

namespace phonerig::report {
namespace {

void expect_same_events(const std::vector<api::Event>& a, const std::vector<api::Event>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].time_ns, b[i].time_ns);
    EXPECT_EQ(a[i].source, b[i].source);
    EXPECT_EQ(a[i].phone, b[i].phone);
    EXPECT_EQ(a[i].kind, b[i].kind);
    EXPECT_EQ(a[i].attrs, b[i].attrs);
  }
}

TEST(ReportJson, RoundTripsEveryField) {
  RunReport report = testing::sample_report();
  report.capture_dropped = 7;
  report.repeat = 3;
  report.rig_error = "none";
  auto back = parse_report_json(report_json(report));
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->scenario_name, report.scenario_name);
  EXPECT_EQ(back->scenario_file, report.scenario_file);
  EXPECT_EQ(back->started_unix_ms, report.started_unix_ms);
  EXPECT_EQ(back->duration_ms, report.duration_ms);
  EXPECT_EQ(back->result, report.result);
  EXPECT_EQ(back->exit_code, report.exit_code);
  EXPECT_EQ(back->lab, report.lab);
  EXPECT_EQ(back->capture_dropped, 7u);
  EXPECT_EQ(back->repeat, 3u);
  EXPECT_EQ(back->rig_error, "none");
  ASSERT_EQ(back->phones.size(), report.phones.size());
  for (std::size_t p = 0; p < report.phones.size(); ++p) {
    const auto& want = report.phones[p];
    const auto& got = back->phones[p];
    EXPECT_EQ(got.id, want.id);
    EXPECT_EQ(got.mac, want.mac);
    EXPECT_EQ(got.model, want.model);
    EXPECT_EQ(got.port, want.port);
    EXPECT_EQ(got.result, want.result);
    EXPECT_EQ(got.pcap, want.pcap);
    ASSERT_EQ(got.steps.size(), want.steps.size());
    for (std::size_t s = 0; s < want.steps.size(); ++s) {
      SCOPED_TRACE(want.steps[s].name);
      EXPECT_EQ(got.steps[s].name, want.steps[s].name);
      EXPECT_EQ(got.steps[s].kind, want.steps[s].kind);
      EXPECT_EQ(got.steps[s].result, want.steps[s].result);
      EXPECT_EQ(got.steps[s].started_ms, want.steps[s].started_ms);
      EXPECT_EQ(got.steps[s].ended_ms, want.steps[s].ended_ms);
      EXPECT_EQ(got.steps[s].deadline_ms, want.steps[s].deadline_ms);
      EXPECT_EQ(got.steps[s].reason, want.steps[s].reason);
      EXPECT_EQ(got.steps[s].stats, want.steps[s].stats);
      expect_same_events(got.steps[s].evidence, want.steps[s].evidence);
    }
  }
  // And the second trip writes the same bytes.
  EXPECT_EQ(report_json(*back), report_json(report));
}

TEST(ReportJson, DocumentsItsSchemaAndSummarises) {
  const nlohmann::json json = to_json(testing::sample_report());
  EXPECT_EQ(json["schema"], "phonerig.report");
  EXPECT_EQ(json["schema_version"], 1);
  EXPECT_EQ(json["result"], "failed");
  EXPECT_EQ(json["capture"]["dropped"], 0);
  EXPECT_EQ(json["summary"]["phones"], 2);
  EXPECT_EQ(json["summary"]["steps"], 18);
  EXPECT_EQ(json["summary"]["failed"], 1);
  EXPECT_EQ(json["summary"]["missing"], 1);
  const auto& step = json["phones"][1]["steps"][6];
  EXPECT_EQ(step["name"], "register");
  EXPECT_EQ(step["result"], "failed");
  EXPECT_EQ(step["started_ms"], 6000);
  EXPECT_EQ(step["duration_ms"], 30000);
  EXPECT_EQ(step["evidence"][0]["kind"], "sip.response");
  EXPECT_EQ(step["evidence"][0]["attrs"]["status"], 401);
  EXPECT_TRUE(json["phones"][1]["steps"][7]["started_ms"].is_null());
  EXPECT_EQ(json["phones"][0]["steps"][6]["stats"]["p95_ms"], 7100);
}

TEST(ReportJson, NamesEachPhonesFirstFailureOrNull) {
  const nlohmann::json json = to_json(testing::sample_report());
  EXPECT_TRUE(json["phones"][0]["first_failure"].is_null());
  EXPECT_EQ(json["phones"][1]["first_failure"], "register");
}

// The end-of-run "no load requested" check is listed after register, but a phone that
// crashed during the load download broke it long before call manager's deadline ran out.
TEST(RunReport, FirstFailureIsTheEarliestInTimeNotTheFirstListed) {
  PhoneReport phone;
  auto step = [&](std::string name, StepResult result, std::optional<std::int64_t> ended,
                  std::optional<std::int64_t> deadline) {
    StepReport s;
    s.name = std::move(name);
    s.result = result;
    s.ended_ms = ended;
    s.deadline_ms = deadline;
    phone.steps.push_back(s);
  };
  step("7 device config", StepResult::passed, 9000, 95000);
  step("10 call manager", StepResult::missing, std::nullopt, 99000);
  step("11 register", StepResult::not_reached, std::nullopt, std::nullopt);
  step("8 firmware: no load requested", StepResult::failed, 9500, std::nullopt);
  ASSERT_NE(first_failure(phone), nullptr);
  EXPECT_EQ(first_failure(phone)->name, "8 firmware: no load requested");

  phone.steps[3].ended_ms = 120000;  // after call manager's deadline: that one was first
  EXPECT_EQ(first_failure(phone)->name, "10 call manager");

  phone.steps[1].deadline_ms.reset();  // no time at all ranks last
  EXPECT_EQ(first_failure(phone)->name, "8 firmware: no load requested");

  phone.steps[1].result = StepResult::passed;
  phone.steps[3].result = StepResult::passed;
  EXPECT_EQ(first_failure(phone), nullptr);
}

TEST(ReportJson, EvidenceEventsAreTheEventJsonObjects) {
  const RunReport report = testing::sample_report();
  const nlohmann::json json = to_json(report);
  EXPECT_EQ(json["phones"][0]["steps"][3]["evidence"][0], to_json(report.phones[0].steps[3].evidence[0]));
}

TEST(ReportJson, EventsReadBackWithTheirDeclaredTypes) {
  const api::Event ack = testing::sample_report().phones[0].steps[3].evidence[0];
  auto back = event_from_json(to_json(ack));
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_TRUE(std::holds_alternative<wire::Ipv4>(back->attrs.at("yiaddr")));
  EXPECT_TRUE(std::holds_alternative<wire::Mac>(back->attrs.at("chaddr")));
  EXPECT_TRUE(std::holds_alternative<std::int64_t>(back->attrs.at("xid")));
  EXPECT_TRUE(std::holds_alternative<api::AttrList>(back->attrs.at("tftp_servers")));
  EXPECT_TRUE(api::validate(*back));
}

TEST(ReportJson, RefusesAnotherSchemaAndNamesTheBadField) {
  EXPECT_FALSE(parse_report_json("[]"));
  EXPECT_FALSE(parse_report_json("not json"));
  nlohmann::json json = to_json(testing::sample_report());
  json["schema_version"] = 99;
  EXPECT_FALSE(parse_report_json(json.dump()));
  json = to_json(testing::sample_report());
  json["phones"][0]["steps"][1]["result"] = "exploded";
  auto bad = parse_report_json(json.dump());
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("phones[0].steps[1].result"), std::string::npos)
      << bad.error().message;
}

TEST(ReportJson, InvalidUtf8FromTheWireIsReplacedNotFatal) {
  RunReport report = testing::sample_report();
  report.phones[0].steps[0].reason = "bad \xff\xfe bytes";
  const std::string text = report_json(report);
  EXPECT_TRUE(parse_report_json(text));
}

}  // namespace
}  // namespace phonerig::report
