// report.json: the run for programs. Schema "phonerig.report", version kReportSchemaVersion
// (bumped when a field changes meaning or disappears; new fields may appear within a version):
//
//   { "schema": "phonerig.report", "schema_version": 1,
//     "scenario": {"name": "cold-boot", "file": "scenarios/cold-boot.yaml"},
//     "started": "2026-11-25T20:01:02.000000000Z", "started_unix_ms": 1795..., "duration_ms": 61234,
//     "result": "passed" | "failed" | "rig_error", "exit_code": 0, "lab": "sim",
//     "rig_error": "",                      // what failed on the rig, when result is rig_error
//     "capture": {"dropped": 0},            // frames the capture lost: non-zero is a rig error
//     "repeat": 1,
//     "summary": {"phones": 2, "steps": 24, "passed": 23, "failed": 1, "missing": 0,
//                 "not_reached": 0, "skipped": 0},
//     "phones": [ { "id": "phone1", "mac": "00:1e:4a:00:00:01" | null, "model": "CP-8845",
//                   "port": "Gi1/0/3", "result": "failed", "pcap": "pcap/phone1.pcap" | null,
//                   "steps": [ { "name": "DHCP", "kind": "registration.dhcp",
//                                "result": "passed" | "failed" | "missing" | "not_reached" | "skipped",
//                                "started_ms": 1200 | null,   // since power-on confirmed
//                                "ended_ms": 1450 | null,     // since power-on confirmed
//                                "duration_ms": 250 | null,
//                                "deadline_ms": 30000 | null, // since power-on confirmed
//                                "reason": "",
//                                "stats": {"p50_ms": .., "p95_ms": .., "max_ms": .., "count": ..} | null,
//                                "evidence": [ <event_json.hpp objects> ] } ] } ] }
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "drivers/api/result.hpp"
#include "harness/report/run_report.hpp"

namespace phonerig::report {

inline constexpr int kReportSchemaVersion = 1;
inline constexpr const char* kReportSchema = "phonerig.report";

nlohmann::json to_json(const RunReport& report);
// Pretty-printed, newline-terminated; invalid UTF-8 from the wire is replaced, never fatal.
std::string report_json(const RunReport& report);

// Reads report.json back (tools comparing runs; the round-trip test). Errors are
// Fault::config and name the field.
api::Result<RunReport> parse_report_json(std::string_view text);
// An event as event_json.hpp writes it. Attribute types come from the JSON (numbers,
// arrays) and, for strings, from the kind's declared attribute (addresses, MACs).
api::Result<api::Event> event_from_json(const nlohmann::json& json);

}  // namespace phonerig::report
