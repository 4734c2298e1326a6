#include "harness/report/junit.hpp"

#include <pugixml.hpp>

#include <cstdio>
#include <sstream>

#include "harness/report/event_json.hpp"

namespace phonerig::report {
namespace {

std::string seconds(std::int64_t ms) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3f", static_cast<double>(ms < 0 ? 0 : ms) / 1000.0);
  return text;
}

// XML 1.0 cannot carry most control characters even escaped; evidence from the wire can.
std::string xml_safe(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    out += (u < 0x20 && c != '\n' && c != '\t' && c != '\r') ? '?' : c;
  }
  return out;
}

void add_property(pugi::xml_node properties, const char* name, const std::string& value) {
  auto property = properties.append_child("property");
  property.append_attribute("name") = name;
  property.append_attribute("value") = xml_safe(value).c_str();
}

std::string failure_text(const StepReport& step) {
  std::string text = step.reason.empty() ? std::string(to_string(step.result)) : step.reason;
  text += "\n";
  if (step.deadline_ms) text += "deadline: " + format_ms(step.deadline_ms) + " after power-on\n";
  if (step.started_ms) text += "started: " + format_ms(step.started_ms) + " after power-on\n";
  if (step.ended_ms) text += "ended: " + format_ms(step.ended_ms) + " after power-on\n";
  text += step.evidence.empty() ? "evidence: none seen\n" : "evidence:\n";
  for (const auto& event : step.evidence) text += "  " + evidence_line(event) + "\n";
  return text;
}

void add_step(pugi::xml_node suite, const std::string& classname, const StepReport& step) {
  auto testcase = suite.append_child("testcase");
  testcase.append_attribute("name") = xml_safe(step.name).c_str();
  testcase.append_attribute("classname") = xml_safe(classname).c_str();
  testcase.append_attribute("time") = seconds(step.duration_ms().value_or(0)).c_str();
  const std::string message = xml_safe(step.reason.empty()
                                           ? std::string(to_string(step.result))
                                           : std::string(to_string(step.result)) + ": " +
                                                 step.reason);
  if (is_failure(step.result)) {
    auto failure = testcase.append_child("failure");
    failure.append_attribute("message") = message.c_str();
    failure.append_attribute("type") = std::string(to_string(step.result)).c_str();
    failure.append_child(pugi::node_pcdata).set_value(xml_safe(failure_text(step)).c_str());
  } else if (step.result == StepResult::not_reached || step.result == StepResult::skipped) {
    testcase.append_child("skipped").append_attribute("message") = message.c_str();
  } else if (step.stats) {
    auto out = testcase.append_child("system-out");
    std::ostringstream text;
    text << "cycles " << step.stats->count << ", p50 " << step.stats->p50_ms << " ms, p95 "
         << step.stats->p95_ms << " ms, max " << step.stats->max_ms << " ms\n";
    out.append_child(pugi::node_pcdata).set_value(text.str().c_str());
  }
}

}  // namespace

std::string junit_xml(const RunReport& report) {
  pugi::xml_document document;
  auto suites = document.append_child("testsuites");
  suites.append_attribute("name") = xml_safe(report.scenario_name).c_str();
  std::size_t total_tests = 0, total_failures = 0, total_errors = 0, total_skipped = 0;
  const std::string timestamp = iso8601_utc(report.started_unix_ms * 1'000'000).substr(0, 19);

  for (const auto& phone : report.phones) {
    const ResultCounts counts = count_steps(phone);
    std::int64_t time_ms = 0;
    for (const auto& step : phone.steps) time_ms += step.duration_ms().value_or(0);
    auto suite = suites.append_child("testsuite");
    suite.append_attribute("name") = xml_safe(report.scenario_name + "." + phone.id).c_str();
    suite.append_attribute("tests") = counts.total();
    suite.append_attribute("failures") = counts.failed + counts.missing;
    suite.append_attribute("errors") = 0;
    suite.append_attribute("skipped") = counts.skipped + counts.not_reached;
    suite.append_attribute("time") = seconds(time_ms).c_str();
    suite.append_attribute("timestamp") = timestamp.c_str();
    auto properties = suite.append_child("properties");
    add_property(properties, "scenario_file", report.scenario_file);
    add_property(properties, "lab", report.lab);
    add_property(properties, "phone", phone.id);
    add_property(properties, "mac", phone.mac ? phone.mac->to_string() : "");
    add_property(properties, "model", phone.model);
    add_property(properties, "port", phone.port);
    add_property(properties, "result", std::string(to_string(phone.result)));
    add_property(properties, "capture_dropped", std::to_string(report.capture_dropped));
    if (!phone.pcap.empty()) add_property(properties, "pcap", phone.pcap);
    const std::string classname = report.scenario_name + "." + phone.id;
    for (const auto& step : phone.steps) add_step(suite, classname, step);
    total_tests += counts.total();
    total_failures += counts.failed + counts.missing;
    total_skipped += counts.skipped + counts.not_reached;
  }

  if (report.result == RunResult::rig_error) {
    auto suite = suites.append_child("testsuite");
    suite.append_attribute("name") = xml_safe(report.scenario_name + ".rig").c_str();
    suite.append_attribute("tests") = 1;
    suite.append_attribute("failures") = 0;
    suite.append_attribute("errors") = 1;
    suite.append_attribute("skipped") = 0;
    suite.append_attribute("time") = seconds(report.duration_ms).c_str();
    suite.append_attribute("timestamp") = timestamp.c_str();
    auto testcase = suite.append_child("testcase");
    testcase.append_attribute("name") = "rig";
    testcase.append_attribute("classname") = xml_safe(report.scenario_name + ".rig").c_str();
    testcase.append_attribute("time") = seconds(report.duration_ms).c_str();
    auto error = testcase.append_child("error");
    const std::string message =
        report.rig_error.empty() ? std::string("the rig failed") : report.rig_error;
    error.append_attribute("message") = xml_safe(message).c_str();
    error.append_attribute("type") = "rig_error";
    error.append_child(pugi::node_pcdata)
        .set_value(xml_safe(message + "\ncapture dropped: " +
                            std::to_string(report.capture_dropped) + " frames\n")
                       .c_str());
    ++total_tests;
    ++total_errors;
  }

  suites.append_attribute("tests") = total_tests;
  suites.append_attribute("failures") = total_failures;
  suites.append_attribute("errors") = total_errors;
  suites.append_attribute("skipped") = total_skipped;
  suites.append_attribute("time") = seconds(report.duration_ms).c_str();

  std::ostringstream out;
  document.save(out, "  ", pugi::format_default | pugi::format_no_declaration);
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + out.str();
}

}  // namespace phonerig::report
