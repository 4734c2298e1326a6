// What the agent said, in the words an error message uses.
#include <gtest/gtest.h>

#include "drivers/power/snmp_error.hpp"

namespace phonerig::power {
namespace {

TEST(PowerError, NamesRfc3416ErrorStatuses) {
  EXPECT_EQ(error_status_name(2), "noSuchName");
  EXPECT_EQ(error_status_name(10), "wrongValue");
  EXPECT_EQ(error_status_name(11), "noCreation");
  EXPECT_EQ(error_status_name(16), "authorizationError");
  EXPECT_EQ(error_status_name(17), "notWritable");
  EXPECT_EQ(error_status_name(42), "error-status 42");
}

TEST(PowerError, NamesUsmReports) {
  EXPECT_EQ(report_name({1, 3, 6, 1, 6, 3, 15, 1, 1, 3, 0}), "unknownUserName");
  EXPECT_EQ(report_name({1, 3, 6, 1, 6, 3, 15, 1, 1, 5, 0}), "wrongDigest");
  EXPECT_EQ(report_name({1, 3, 6, 1, 6, 3, 15, 1, 1, 2, 0}), "notInTimeWindow");
  EXPECT_EQ(report_name({1, 3, 6, 1, 9}), "report 1.3.6.1.9");
}

TEST(PowerError, TimeoutSaysTriesAndWrongCommunityInV2c) {
  SnmpFailure f;
  f.kind = SnmpFailure::Kind::timeout;
  EXPECT_EQ(describe(f, {std::chrono::milliseconds(500), 2, true}),
            "timeout: no response after 3 tries of 500 ms (agent down, unreachable, or a wrong "
            "community)");
  EXPECT_EQ(describe(f, {std::chrono::milliseconds(1000), 0, false}),
            "timeout: no response after 1 try of 1000 ms");
}

TEST(PowerError, ExplainsStatusesExceptionsAndReports) {
  SnmpFailure f;
  f.kind = SnmpFailure::Kind::error_status;
  f.error_status = 17;
  EXPECT_EQ(describe(f, {}), "notWritable (the object is read-only)");
  f.error_status = 16;
  EXPECT_EQ(describe(f, {}),
            "authorizationError (the community or user may not write this)");
  f.error_status = 10;
  EXPECT_EQ(describe(f, {}), "wrongValue");
  f.kind = SnmpFailure::Kind::exception;
  f.exception = 0x81;
  EXPECT_EQ(describe(f, {}), "noSuchInstance (the switch has no such port)");
  f.exception = 0x80;
  EXPECT_EQ(describe(f, {}), "noSuchObject (the switch does not implement this MIB object)");
  f.kind = SnmpFailure::Kind::report;
  f.report = "wrongDigest";
  EXPECT_EQ(describe(f, {}), "wrongDigest (SNMPv3 report: wrong auth passphrase or protocol)");
}

TEST(PowerError, MessageNamesSwitchPortAndOid) {
  EXPECT_EQ(error_message("sw1:161", "Gi1/0/5", {1, 3, 6, 1, 2, 1, 105, 1, 1, 1, 3, 1, 5},
                          "notWritable"),
            "switch sw1:161, port Gi1/0/5, OID 1.3.6.1.2.1.105.1.1.1.3.1.5: notWritable");
  EXPECT_EQ(error_message("sw1:161", "1/5", {}, "closed"), "switch sw1:161, port 1/5: closed");
}

}  // namespace
}  // namespace phonerig::power
