#include "harness/report/report_html.hpp"

#include <gtest/gtest.h>

#include <regex>

#include "tests/unit/harness/report/report_samples.hpp"

namespace phonerig::report {
namespace {

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST(ReportHtml, ReferencesNothingOutsideThePage) {
  const std::string html = report_html(testing::sample_report());
  EXPECT_EQ(html.find("http://"), std::string::npos);
  EXPECT_EQ(html.find("https://"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("<link"), std::string::npos);
  EXPECT_EQ(html.find("<img"), std::string::npos);
  EXPECT_EQ(html.find("url("), std::string::npos);
  // Every src/href is a fragment or the relative pcap path.
  const std::regex reference("(src|href)=\"([^\"]*)\"");
  for (auto it = std::sregex_iterator(html.begin(), html.end(), reference);
       it != std::sregex_iterator(); ++it) {
    const std::string target = (*it)[2];
    EXPECT_TRUE(target.rfind("#", 0) == 0 || target.rfind("pcap/", 0) == 0) << target;
  }
}

TEST(ReportHtml, ShowsEveryPhoneAndStep) {
  const RunReport report = testing::sample_report();
  const std::string html = report_html(report);
  for (const auto& phone : report.phones) {
    EXPECT_NE(html.find(">" + phone.id + "<"), std::string::npos) << phone.id;
    EXPECT_NE(html.find(phone.mac->to_string()), std::string::npos);
    for (const auto& step : phone.steps) {
      EXPECT_NE(html.find(">" + html_escape(step.name) + "</text>"), std::string::npos) << step.name;
      EXPECT_NE(html.find("<td>" + html_escape(step.name) + "</td>"), std::string::npos) << step.name;
    }
  }
  EXPECT_EQ(count(html, "<svg class=\"waterfall\""), 2u);
  EXPECT_EQ(count(html, "<details>"), 18u);
}

TEST(ReportHtml, MarksFailuresMissingStepsAndDeadlines) {
  const std::string svg = waterfall_svg(testing::sample_report().phones[1]);
  EXPECT_EQ(count(svg, "bar-failed"), 1u);
  EXPECT_EQ(count(svg, "bar-missing"), 1u);
  EXPECT_EQ(count(svg, "class=\"deadline\""), 7u);  // every step with a deadline
  // The tooltip of the failed step gives its reason, escaped.
  EXPECT_NE(svg.find("<title>register: failed"), std::string::npos);
  EXPECT_NE(svg.find("&lt;wrong password?&gt; &amp; &quot;quotes&quot;"), std::string::npos);
}

TEST(ReportHtml, EscapesEverythingFromTheScenarioAndTheWire) {
  RunReport report = testing::sample_report();
  report.scenario_name = "<script>alert(1)</script>";
  report.phones[0].id = "a\"b<c>";
  report.phones[0].model = "<img src=x>";
  api::Event event = testing::sample_event("sip.request", "00:1e:4a:00:00:01", 10);
  event.attrs["method"] = std::string("REGISTER<b>");
  event.attrs["user_agent"] = std::string("</details><script>");
  report.phones[0].steps[0].evidence.push_back(event);
  const std::string html = report_html(report);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("<img"), std::string::npos);
  EXPECT_EQ(html.find("REGISTER<b>"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(html.find("a&quot;b&lt;c&gt;"), std::string::npos);
  EXPECT_EQ(count(html, "<details>"), count(html, "</details>"));
}

TEST(ReportHtml, EscapeHandlesEveryMarkupCharacterAndControls) {
  EXPECT_EQ(html_escape("a&b<c>d\"e'f"), "a&amp;b&lt;c&gt;d&quot;e&#39;f");
  EXPECT_EQ(html_escape(std::string("x\x01y", 3)), "x&#xfffd;y");
  EXPECT_EQ(html_escape("line\nnext"), "line\nnext");
}

TEST(ReportHtml, SaysWhenTheRigFailed) {
  RunReport report = testing::sample_report();
  report.result = RunResult::rig_error;
  report.rig_error = "switch 198.18.0.2 did not answer SNMP";
  const std::string html = report_html(report);
  EXPECT_NE(html.find("The rig failed:"), std::string::npos);
  EXPECT_NE(html.find("switch 198.18.0.2 did not answer SNMP"), std::string::npos);
}

TEST(ReportHtml, AnEmptyRunStillMakesAPage) {
  RunReport report;
  report.scenario_name = "empty";
  const std::string html = report_html(report);
  EXPECT_NE(html.find("</html>"), std::string::npos);
  PhoneReport phone;
  phone.id = "lonely";
  EXPECT_NE(waterfall_svg(phone).find("</svg>"), std::string::npos);
}

}  // namespace
}  // namespace phonerig::report
