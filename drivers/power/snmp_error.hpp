// What an SNMP agent said, in words: RFC 3416 error-status names, the varbind exceptions, the
// USM reports of RFC 3414 section 3.2, timeouts. Every error of the driver reads
// "switch <address>, port <port>, OID <oid>: <what the agent said>" and never carries a
// credential (community, passphrase, key).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "drivers/power/oids.hpp"

namespace phonerig::power {

struct SnmpFailure {
  enum class Kind {
    timeout,       // no answer after every retry (and, in v2c, a wrong community)
    send_failed,   // the request could not be sent (detail says why)
    error_status,  // the response's error-status was not noError
    exception,     // a varbind came back noSuchObject / noSuchInstance / endOfMibView
    report,        // a v3 Report PDU: unknownUserName, wrongDigest, ...
    closed,        // the driver was closed with the request in flight
  };
  Kind kind = Kind::timeout;
  long error_status = 0;  // Kind::error_status: RFC 3416 value
  long error_index = 0;   // Kind::error_status: 1-based varbind index, 0 none
  int exception = 0;      // Kind::exception: 0x80, 0x81, 0x82 (RFC 3416 section 3)
  Oid oid;                // the varbind it concerns, when one does
  std::string report;     // Kind::report: "wrongDigest"...
  std::string detail;     // Kind::send_failed
};

// "notWritable", "noCreation", "authorizationError"...; "error-status N" for others.
std::string error_status_name(long status);
// "noSuchObject", "noSuchInstance", "endOfMibView".
std::string exception_name(int exception);
// usmStats 1.3.6.1.6.3.15.1.1.<n>.0 -> "unsupportedSecLevel", "notInTimeWindow",
// "unknownUserName", "unknownEngineID", "wrongDigest", "decryptionError"; the dotted OID else.
std::string report_name(const Oid& oid);

struct TimeoutPolicy {
  std::chrono::milliseconds timeout{1000};
  int retries = 2;
  bool v2c = true;
};

// The "what the agent said" part of an error message.
std::string describe(const SnmpFailure& failure, const TimeoutPolicy& policy);

// "switch S, port P, OID O: what".
std::string error_message(std::string_view switch_name, std::string_view port, const Oid& oid,
                          std::string_view what);

}  // namespace phonerig::power
