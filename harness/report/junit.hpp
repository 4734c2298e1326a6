// junit.xml: the run as JUnit XML, the dialect Jenkins (junit plugin) and GitLab
// (artifacts:reports:junit) read: <testsuites> of one <testsuite> per phone, one <testcase>
// per phone and step, <failure> for failed and missing steps (message: the reason; text:
// the evidence, one event a line), <skipped> for steps not reached or skipped, times in
// seconds. A rig failure is one more suite, "rig", whose single test case has an <error>:
// CI then shows the rig's fault apart from the phones'.
#pragma once

#include <string>

#include "harness/report/run_report.hpp"

namespace phonerig::report {

std::string junit_xml(const RunReport& report);

}  // namespace phonerig::report
