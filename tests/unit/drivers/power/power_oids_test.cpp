// OIDs per MIB profile (reference/protocols.md section 9).
#include <gtest/gtest.h>

#include "drivers/power/oids.hpp"

namespace phonerig::power {
namespace {

TEST(PowerOids, Rfc3621SetsAdminEnableTrueOrFalse) {
  const auto on = power_set(Profile::rfc3621, PethIndex{1, 5}, true);
  EXPECT_EQ(to_string(on.oid), "1.3.6.1.2.1.105.1.1.1.3.1.5");
  EXPECT_EQ(on.value, 1);
  EXPECT_EQ(power_set(Profile::rfc3621, PethIndex{2, 48}, false).value, 2);
  EXPECT_EQ(to_string(power_set(Profile::rfc3621, PethIndex{2, 48}, false).oid),
            "1.3.6.1.2.1.105.1.1.1.3.2.48");
}

TEST(PowerOids, CiscoSetsCpeExtPsePortEnableAutoOrDisable) {
  const auto on = power_set(Profile::cisco, PethIndex{1, 5}, true);
  EXPECT_EQ(to_string(on.oid), "1.3.6.1.4.1.9.9.402.1.2.1.1.1.5");
  EXPECT_EQ(on.value, 1);
  EXPECT_EQ(power_set(Profile::cisco, PethIndex{1, 5}, false).value, 4);
}

TEST(PowerOids, ApcPduSetsOutletCommandImmediateOnOrOff) {
  const auto off = power_set(Profile::apc_pdu, PethIndex{0, 7}, false);
  EXPECT_EQ(to_string(off.oid), "1.3.6.1.4.1.318.1.1.12.3.3.1.1.4.7");
  EXPECT_EQ(off.value, 2);
  EXPECT_EQ(power_set(Profile::apc_pdu, PethIndex{0, 7}, true).value, 1);
}

TEST(PowerOids, StatusReadsDetectionClassAndCiscoPowerDrawn) {
  const auto rfc = status_oids(Profile::rfc3621, PethIndex{1, 5});
  EXPECT_EQ(to_string(rfc.admin), "1.3.6.1.2.1.105.1.1.1.3.1.5");
  EXPECT_EQ(to_string(*rfc.detection), "1.3.6.1.2.1.105.1.1.1.6.1.5");
  EXPECT_EQ(to_string(*rfc.power_class), "1.3.6.1.2.1.105.1.1.1.10.1.5");
  EXPECT_FALSE(rfc.power_mw);
  const auto cisco = status_oids(Profile::cisco, PethIndex{1, 5});
  EXPECT_EQ(to_string(cisco.admin), "1.3.6.1.4.1.9.9.402.1.2.1.1.1.5");
  EXPECT_EQ(to_string(*cisco.detection), "1.3.6.1.2.1.105.1.1.1.6.1.5");
  EXPECT_EQ(to_string(*cisco.power_mw), "1.3.6.1.4.1.9.9.402.1.2.1.9.1.5");
  const auto apc = status_oids(Profile::apc_pdu, PethIndex{0, 3});
  EXPECT_EQ(to_string(apc.admin), "1.3.6.1.4.1.318.1.1.12.3.5.1.1.4.3");
  EXPECT_FALSE(apc.detection);
}

TEST(PowerOids, ParsesDottedOidsAndRejectsJunk) {
  EXPECT_EQ(parse_oid(".1.3.6.1"), (Oid{1, 3, 6, 1}));
  EXPECT_EQ(parse_oid("1.3.6.1"), (Oid{1, 3, 6, 1}));
  EXPECT_FALSE(parse_oid("1..3"));
  EXPECT_FALSE(parse_oid("1.3."));
  EXPECT_FALSE(parse_oid("1.x"));
  EXPECT_FALSE(parse_oid(""));
}

TEST(PowerOids, ProfilesHaveTheLabFileNames) {
  EXPECT_EQ(parse_profile("rfc3621"), Profile::rfc3621);
  EXPECT_EQ(parse_profile("cisco"), Profile::cisco);
  EXPECT_EQ(parse_profile("apc-pdu"), Profile::apc_pdu);
  EXPECT_FALSE(parse_profile("hp"));
  EXPECT_EQ(to_string(Profile::apc_pdu), "apc-pdu");
}

}  // namespace
}  // namespace phonerig::power
