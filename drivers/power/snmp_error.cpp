#include "drivers/power/snmp_error.hpp"

#include <array>

namespace phonerig::power {

std::string error_status_name(long status) {
  // RFC 3416 section 3, error-status.
  static constexpr std::array<std::string_view, 19> kNames = {
      "noError",       "tooBig",     "noSuchName",       "badValue",
      "readOnly",      "genErr",     "noAccess",         "wrongType",
      "wrongLength",   "wrongEncoding", "wrongValue",    "noCreation",
      "inconsistentValue", "resourceUnavailable", "commitFailed", "undoFailed",
      "authorizationError", "notWritable", "inconsistentName"};
  if (status >= 0 && status < static_cast<long>(kNames.size())) {
    return std::string(kNames[static_cast<std::size_t>(status)]);
  }
  return "error-status " + std::to_string(status);
}

std::string exception_name(int exception) {
  switch (exception) {
    case 0x80: return "noSuchObject";
    case 0x81: return "noSuchInstance";
    case 0x82: return "endOfMibView";
    default: return "exception " + std::to_string(exception);
  }
}

std::string report_name(const Oid& oid) {
  static const Oid kUsmStats = {1, 3, 6, 1, 6, 3, 15, 1, 1};
  static constexpr std::array<std::string_view, 6> kNames = {
      "unsupportedSecLevel", "notInTimeWindow", "unknownUserName",
      "unknownEngineID",     "wrongDigest",     "decryptionError"};
  if (starts_with(oid, kUsmStats) && oid.size() > kUsmStats.size()) {
    const auto n = oid[kUsmStats.size()];
    if (n >= 1 && n <= kNames.size()) return std::string(kNames[n - 1]);
  }
  return "report " + to_string(oid);
}

std::string describe(const SnmpFailure& failure, const TimeoutPolicy& policy) {
  switch (failure.kind) {
    case SnmpFailure::Kind::timeout: {
      std::string text = "timeout: no response after " + std::to_string(policy.retries + 1) +
                         (policy.retries == 0 ? " try of " : " tries of ") +
                         std::to_string(policy.timeout.count()) + " ms";
      if (policy.v2c) text += " (agent down, unreachable, or a wrong community)";
      return text;
    }
    case SnmpFailure::Kind::send_failed:
      return "request not sent: " + failure.detail;
    case SnmpFailure::Kind::error_status: {
      std::string text = error_status_name(failure.error_status);
      if (failure.error_status == 17) text += " (the object is read-only)";
      if (failure.error_status == 11) text += " (no such row: the switch has no such port)";
      if (failure.error_status == 16) text += " (the community or user may not write this)";
      return text;
    }
    case SnmpFailure::Kind::exception: {
      std::string text = exception_name(failure.exception);
      if (failure.exception == 0x81) text += " (the switch has no such port)";
      if (failure.exception == 0x80) text += " (the switch does not implement this MIB object)";
      return text;
    }
    case SnmpFailure::Kind::report: {
      std::string text = failure.report + " (SNMPv3 report";
      if (failure.report == "unknownUserName") text += ": the agent has no such user";
      if (failure.report == "wrongDigest") text += ": wrong auth passphrase or protocol";
      if (failure.report == "decryptionError") text += ": wrong priv passphrase or protocol";
      if (failure.report == "unsupportedSecLevel") text += ": the user has no auth/priv keys";
      return text + ")";
    }
    case SnmpFailure::Kind::closed:
      return "cancelled: the driver was closed";
  }
  return "unknown failure";
}

std::string error_message(std::string_view switch_name, std::string_view port, const Oid& oid,
                          std::string_view what) {
  std::string text = "switch " + std::string(switch_name) + ", port " + std::string(port);
  if (!oid.empty()) text += ", OID " + to_string(oid);
  return text + ": " + std::string(what);
}

}  // namespace phonerig::power
