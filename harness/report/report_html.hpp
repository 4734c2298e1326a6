// report.html: one self-contained page for people. No external asset (no script, font,
// stylesheet or image fetched from anywhere): inline CSS and inline SVG only, so the page
// opens from a CI artifact, a mail attachment or a file share alike. Every text from the
// scenario, the lab file or the wire is escaped.
//
// Contents: the run's summary (scenario, result, lab, start, duration, capture drops), a
// table of phones with their step counts, then the waterfalls of all phones together (per
// phone its steps on a time axis since power-on confirmed: a bar from start to end, a
// deadline mark, failures red, missing grey; each bar's tooltip gives the result, times
// and reason), then per phone its step table with each step's evidence in a collapsible
// <details>.
#pragma once

#include <string>
#include <string_view>

#include "harness/report/run_report.hpp"

namespace phonerig::report {

std::string report_html(const RunReport& report);

// The per-phone waterfall alone, an <svg> element (report_html uses it).
std::string waterfall_svg(const PhoneReport& phone);

// & < > " ' as entities; bytes that cannot appear in HTML text (controls) as U+FFFD.
std::string html_escape(std::string_view text);

}  // namespace phonerig::report
