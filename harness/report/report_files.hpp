// Writing the reports of a run into its folder (`--out`, default runs/<timestamp>/):
// junit.xml, report.json, report.html, and pcap/<phone>.pcap (phone_pcap.hpp).
//
// Every file is created readable by its owner only (0600), also when it existed before:
// the evidence names users and addresses, and the pcaps hold the wire as it was, line
// passwords included unless redacted. CI runners read them as the user that wrote them.
#pragma once

#include <filesystem>
#include <string_view>

#include "drivers/api/result.hpp"
#include "harness/report/run_report.hpp"

namespace phonerig::report {

// Writes `contents` to `path` through a temporary file in the same folder, renamed over
// `path` once complete (a reader never sees half a report). Mode 0600. Errors are
// Fault::rig (the rig host's disk) and name the file and the errno text.
api::Result<bool> write_private_file(const std::filesystem::path& path, std::string_view contents);

// Creates `folder` (and its parents; new folders 0700) when missing.
api::Result<bool> make_report_folder(const std::filesystem::path& folder);

struct ReportPaths {
  std::filesystem::path junit;
  std::filesystem::path json;
  std::filesystem::path html;
};

// junit.xml, report.json and report.html into `folder` (created when missing).
api::Result<ReportPaths> write_reports(const std::filesystem::path& folder, const RunReport& report);

}  // namespace phonerig::report
