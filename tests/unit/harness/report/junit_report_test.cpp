#include "harness/report/junit.hpp"

#include <gtest/gtest.h>

#include <pugixml.hpp>
#include <string>

#include "tests/unit/harness/report/report_samples.hpp"

namespace phonerig::report {
namespace {

pugi::xml_document parse(const std::string& xml) {
  pugi::xml_document document;
  const pugi::xml_parse_result parsed = document.load_string(xml.c_str());
  EXPECT_TRUE(parsed) << parsed.description() << " at " << parsed.offset << "\n" << xml;
  return document;
}

TEST(JunitReport, HasOneSuitePerPhoneAndOneCasePerStepWithTheRightCounts) {
  const RunReport report = testing::sample_report();
  const auto document = parse(junit_xml(report));
  const pugi::xml_node suites = document.child("testsuites");
  ASSERT_TRUE(suites);
  EXPECT_EQ(suites.attribute("tests").as_int(), 18);
  EXPECT_EQ(suites.attribute("failures").as_int(), 2);  // register failed, dial rules missing
  EXPECT_EQ(suites.attribute("errors").as_int(), 0);
  EXPECT_EQ(suites.attribute("skipped").as_int(), 3);   // 2 firmware skipped, 1 not reached
  EXPECT_STREQ(suites.attribute("time").value(), "61.234");

  std::size_t suite_count = 0;
  for (const auto& suite : suites.children("testsuite")) {
    ++suite_count;
    std::size_t cases = 0, failures = 0, skipped = 0;
    for (const auto& testcase : suite.children("testcase")) {
      ++cases;
      if (testcase.child("failure")) ++failures;
      if (testcase.child("skipped")) ++skipped;
    }
    EXPECT_EQ(suite.attribute("tests").as_uint(), cases);
    EXPECT_EQ(suite.attribute("failures").as_uint(), failures);
    EXPECT_EQ(suite.attribute("skipped").as_uint(), skipped);
  }
  EXPECT_EQ(suite_count, 2u);
}

TEST(JunitReport, AFailureCarriesTheReasonAndTheEvidence) {
  const auto document = parse(junit_xml(testing::sample_report()));
  const auto failed = document.select_node(
      "/testsuites/testsuite[@name='cold-boot <all>.phone2']/testcase[@name='register']");
  ASSERT_TRUE(failed);
  const pugi::xml_node failure = failed.node().child("failure");
  ASSERT_TRUE(failure);
  EXPECT_EQ(std::string(failure.attribute("type").value()), "failed");
  EXPECT_NE(std::string(failure.attribute("message").value()).find("<wrong password?> & \"quotes\""),
            std::string::npos);
  const std::string text = failure.text().get();
  EXPECT_NE(text.find("sip.response"), std::string::npos) << text;
  EXPECT_NE(text.find("status=401"), std::string::npos) << text;
  EXPECT_STREQ(failed.node().attribute("time").value(), "30.000");
  EXPECT_STREQ(failed.node().attribute("classname").value(), "cold-boot <all>.phone2");
}

TEST(JunitReport, AMissingStepIsAFailureAndANotReachedOneIsSkipped) {
  const auto document = parse(junit_xml(testing::sample_report()));
  const auto suite = document.select_node("/testsuites/testsuite[2]").node();
  const auto missing = suite.find_child_by_attribute("testcase", "name", "dial rules");
  ASSERT_TRUE(missing.child("failure"));
  EXPECT_STREQ(missing.child("failure").attribute("type").value(), "missing");
  const auto after = suite.find_child_by_attribute("testcase", "name", "after registration");
  ASSERT_TRUE(after.child("skipped"));
  EXPECT_NE(std::string(after.child("skipped").attribute("message").value()).find("not_reached"),
            std::string::npos);
}

TEST(JunitReport, PropertiesNameThePhoneAndTheLab) {
  const auto document = parse(junit_xml(testing::sample_report()));
  const auto suite = document.select_node("/testsuites/testsuite[1]").node();
  const auto properties = suite.child("properties");
  EXPECT_STREQ(properties.find_child_by_attribute("property", "name", "mac").attribute("value").value(),
               "00:1e:4a:00:00:01");
  EXPECT_STREQ(properties.find_child_by_attribute("property", "name", "lab").attribute("value").value(),
               "sim");
}

TEST(JunitReport, ARigFailureIsAnErrorInItsOwnSuite) {
  RunReport report = testing::sample_report();
  report.result = RunResult::rig_error;
  report.exit_code = 3;
  report.rig_error = "capture on lab0 dropped 12 frames";
  report.capture_dropped = 12;
  const auto document = parse(junit_xml(report));
  const auto suites = document.child("testsuites");
  EXPECT_EQ(suites.attribute("errors").as_int(), 1);
  EXPECT_EQ(suites.attribute("tests").as_int(), 19);
  const auto error = document.select_node("//testcase[@name='rig']/error");
  ASSERT_TRUE(error);
  EXPECT_STREQ(error.node().attribute("message").value(), "capture on lab0 dropped 12 frames");
}

TEST(JunitReport, ControlCharactersFromTheWireStillMakeValidXml) {
  RunReport report = testing::sample_report();
  report.phones[1].steps[6].reason = std::string("user agent \x01\x1b[31m") + "\xff";
  const auto document = parse(junit_xml(report));
  EXPECT_TRUE(document.child("testsuites"));
}

}  // namespace
}  // namespace phonerig::report
