#include "harness/report/report_html.hpp"

#include <string>

#include "harness/report/event_json.hpp"

namespace phonerig::report {
namespace {

constexpr const char* kStyle = R"css(
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:16px 24px;color:#1d2330;background:#fff}
h1{font-size:22px;margin:0 0 8px}h3{font-size:15px;margin:12px 0 0}h2{font-size:18px;margin:20px 0 6px;border-bottom:1px solid #d8dce4;padding-bottom:4px}
table{border-collapse:collapse;margin:8px 0}th,td{border:1px solid #d8dce4;padding:4px 8px;text-align:left;vertical-align:top;font-size:14px}
th{background:#f2f4f8}td.num{text-align:right}
.badge{display:inline-block;padding:2px 8px;border-radius:4px;color:#fff;font-weight:600;font-size:13px}
.r-passed{background:#2e8b57}.r-failed{background:#c62828}.r-rig_error{background:#8e24aa}
.r-missing{background:#757575}.r-not_reached{background:#b0b0b0}.r-skipped{background:#90a4ae}
.rig{border:2px solid #8e24aa;padding:8px;background:#f7eefa}
svg.waterfall{display:block;margin:8px 0;font-size:12px}
svg .grid{stroke:#e3e6ec;stroke-width:1}svg .tick{fill:#5f6775}svg .label{fill:#1d2330}
svg .stripe{fill:#f7f8fa}svg .deadline{stroke:#1d2330;stroke-width:2;stroke-dasharray:3 2}
.bar-passed{fill:#2e8b57}.bar-failed{fill:#e53935}.bar-missing{fill:#9e9e9e}
.bar-not_reached{fill:#d5d5d5}.bar-skipped{fill:#b0bec5}
details{margin:2px 0}summary{cursor:pointer}ol.evidence{margin:4px 0;padding-left:24px;font-family:ui-monospace,monospace;font-size:12px}
.legend span{margin-right:14px;font-size:13px}.legend svg{vertical-align:middle}
)css";

std::string badge(std::string_view result) {
  const std::string text(result);
  return "<span class=\"badge r-" + html_escape(text) + "\">" + html_escape(text) + "</span>";
}

std::string cell(const std::string& text, bool numeric = false) {
  return std::string(numeric ? "<td class=\"num\">" : "<td>") + html_escape(text) + "</td>";
}

// Anchors and ids from a phone id: letters, digits, '-' and '_' only.
std::string anchor(std::string_view id) {
  std::string out = "phone-";
  for (char c : id) {
    const bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                      (c >= '0' && c <= '9') || c == '-' || c == '_';
    out += keep ? c : '_';
  }
  return out;
}

std::string summary_section(const RunReport& report) {
  // One row of facts: the page's first screen is for the waterfalls.
  std::string head = "<table class=\"meta\"><tr>";
  std::string html = "<tr>";
  auto fact = [&](const char* name, const std::string& value_html) {
    head += "<th>" + std::string(name) + "</th>";
    html += "<td>" + value_html + "</td>";
  };
  fact("result", badge(to_string(report.result)) + " exit code " + std::to_string(report.exit_code));
  fact("scenario", html_escape(report.scenario_name) + "<br><small>" +
                       html_escape(report.scenario_file) + "</small>");
  fact("lab", html_escape(report.lab));
  fact("started", html_escape(iso8601_utc(report.started_unix_ms * 1'000'000).substr(0, 23) + "Z"));
  fact("duration", html_escape(format_ms(report.duration_ms)));
  if (report.repeat > 1) fact("repeat", std::to_string(report.repeat) + " cycles");
  fact("capture dropped", std::to_string(report.capture_dropped) + " frames");
  html = head + "</tr>" + html + "</tr>";
  html += "</table>\n";
  if (report.result == RunResult::rig_error) {
    html += "<p class=\"rig\"><strong>The rig failed:</strong> " +
            html_escape(report.rig_error.empty() ? "no detail given" : report.rig_error) +
            ". The phones' results below are not the phones' fault.</p>\n";
  }

  html += "<table class=\"phones\"><tr><th>phone</th><th>MAC</th><th>model</th><th>port</th>"
          "<th>result</th><th>passed</th><th>failed</th><th>missing</th><th>not reached</th>"
          "<th>skipped</th><th>first failure</th><th>pcap</th></tr>\n";
  for (const auto& phone : report.phones) {
    const ResultCounts counts = count_steps(phone);
    std::string first;
    if (const StepReport* step = first_failure(phone)) {
      first = step->name + (step->reason.empty() ? "" : ": " + step->reason);
    }
    html += "<tr><td><a href=\"#" + anchor(phone.id) + "\">" + html_escape(phone.id) + "</a></td>" +
            cell(phone.mac ? phone.mac->to_string() : "-") + cell(phone.model) + cell(phone.port) +
            "<td>" + badge(to_string(phone.result)) + "</td>" +
            cell(std::to_string(counts.passed), true) + cell(std::to_string(counts.failed), true) +
            cell(std::to_string(counts.missing), true) +
            cell(std::to_string(counts.not_reached), true) +
            cell(std::to_string(counts.skipped), true) + cell(first) +
            (phone.pcap.empty() ? std::string("<td>-</td>")
                                : "<td><a href=\"" + html_escape(phone.pcap) + "\">" +
                                      html_escape(phone.pcap) + "</a></td>") +
            "</tr>\n";
  }
  html += "</table>\n";
  return html;
}

std::string legend() {
  std::string html = "<p class=\"legend\">";
  for (auto r : {StepResult::passed, StepResult::failed, StepResult::missing,
                 StepResult::not_reached, StepResult::skipped}) {
    const std::string name(to_string(r));
    html += "<span><svg width=\"12\" height=\"12\"><rect class=\"bar-" + name +
            "\" width=\"12\" height=\"12\" rx=\"2\"/></svg> " + name + "</span>";
  }
  html += "<span>&#9482; deadline</span><span>times since power-on confirmed</span></p>\n";
  return html;
}

std::string steps_table(const PhoneReport& phone) {
  bool any_stats = false;
  for (const auto& step : phone.steps) any_stats = any_stats || step.stats.has_value();
  std::string html = "<table class=\"steps\"><tr><th>step</th><th>result</th><th>started</th>"
                     "<th>ended</th><th>duration</th><th>deadline</th>";
  if (any_stats) html += "<th>p50</th><th>p95</th><th>max</th><th>cycles</th>";
  html += "<th>reason and evidence</th></tr>\n";
  for (const auto& step : phone.steps) {
    html += "<tr>" + cell(step.name) + "<td>" + badge(to_string(step.result)) + "</td>" +
            cell(format_ms(step.started_ms), true) + cell(format_ms(step.ended_ms), true) +
            cell(format_ms(step.duration_ms()), true) + cell(format_ms(step.deadline_ms), true);
    if (any_stats) {
      if (step.stats) {
        html += cell(format_ms(step.stats->p50_ms), true) + cell(format_ms(step.stats->p95_ms), true) +
                cell(format_ms(step.stats->max_ms), true) +
                cell(std::to_string(step.stats->count), true);
      } else {
        html += "<td></td><td></td><td></td><td></td>";
      }
    }
    html += "<td>";
    if (!step.reason.empty()) html += "<div>" + html_escape(step.reason) + "</div>";
    html += "<details><summary>evidence (" + std::to_string(step.evidence.size()) +
            (step.evidence.size() == 1 ? " event" : " events") + ")</summary>";
    if (step.evidence.empty()) {
      html += "<p>none seen</p>";
    } else {
      html += "<ol class=\"evidence\">";
      for (const auto& event : step.evidence) html += "<li>" + html_escape(evidence_line(event)) + "</li>";
      html += "</ol>";
    }
    html += "</details></td></tr>\n";
  }
  html += "</table>\n";
  return html;
}

}  // namespace

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t') {
          out += "&#xfffd;";
        } else {
          out += c;
        }
    }
  }
  return out;
}

std::string report_html(const RunReport& report) {
  std::string html =
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
      // No request leaves the page: everything it shows is inline.
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
      "style-src 'unsafe-inline'; img-src data:\">"
      "<title>phonerig: " + html_escape(report.scenario_name) + " " +
      html_escape(std::string(to_string(report.result))) + "</title><style>" + kStyle +
      "</style></head><body>\n<h1>phonerig run: " + html_escape(report.scenario_name) + " " +
      badge(to_string(report.result)) + "</h1>\n";
  html += summary_section(report);
  // The waterfalls together first, so the whole run is seen at a glance; the step tables
  // with their evidence below.
  html += "<h2>Steps on a time axis</h2>\n" + legend();
  for (const auto& phone : report.phones) {
    html += "<h3><a href=\"#" + anchor(phone.id) + "\">" + html_escape(phone.id) + "</a> " +
            badge(to_string(phone.result)) + "</h3>\n" + waterfall_svg(phone) + "\n";
  }
  for (const auto& phone : report.phones) {
    html += "<h2 id=\"" + anchor(phone.id) + "\">" + html_escape(phone.id) + " " +
            badge(to_string(phone.result)) + " <small>" +
            html_escape((phone.mac ? phone.mac->to_string() : std::string("-")) + "  " +
                        phone.model + "  " + phone.port) +
            "</small></h2>\n";
    html += steps_table(phone);
  }
  html += "</body></html>\n";
  return html;
}

}  // namespace phonerig::report
