// The PoE agent's model: what it serves, how sets are checked, how detection moves.
#include <gtest/gtest.h>

#include "lab/sim/poe-agent/mib_model.hpp"

namespace phonerig::sim::poe {
namespace {

using std::chrono::milliseconds;

ModelConfig config(Profile profile) {
  ModelConfig c;
  c.ports = 4;
  c.profile = profile;
  c.detection_delay = milliseconds(500);
  return c;
}

const Oid kAdmin5 = {1, 3, 6, 1, 2, 1, 105, 1, 1, 1, 3, 1, 2};
const Oid kDetection2 = {1, 3, 6, 1, 2, 1, 105, 1, 1, 1, 6, 1, 2};

TEST(PoeModel, DetectionGoesSearchingThenDeliveringPowerAfterTheDelay) {
  const auto t0 = Model::Clock::now();
  Model m(config(Profile::rfc3621), t0);
  EXPECT_EQ(m.detection(2, t0), Detection::disabled);
  ASSERT_EQ(m.check_set(kAdmin5, Value::integer(1)), SetError::none);
  const auto changes = m.apply_set(kAdmin5, Value::integer(1), t0);
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].port, 2);
  EXPECT_TRUE(changes[0].on);
  EXPECT_EQ(m.detection(2, t0 + milliseconds(100)), Detection::searching);
  EXPECT_EQ(m.detection(2, t0 + milliseconds(500)), Detection::delivering_power);
  EXPECT_EQ(m.snapshot(t0 + milliseconds(600)).at(kDetection2).number, 3);
  m.set_pd_present(2, false);
  EXPECT_EQ(m.detection(2, t0 + milliseconds(900)), Detection::searching);
}

TEST(PoeModel, SetsAreCheckedLikeAnAgent) {
  Model m(config(Profile::rfc3621));
  EXPECT_EQ(m.check_set(kDetection2, Value::integer(3)), SetError::not_writable);
  EXPECT_EQ(m.check_set({1, 3, 6, 1, 2, 1, 105, 1, 1, 1, 3, 1, 9}, Value::integer(1)),
            SetError::no_creation);
  EXPECT_EQ(m.check_set(kAdmin5, Value::integer(3)), SetError::wrong_value);
  EXPECT_EQ(m.check_set(kAdmin5, Value::string("on")), SetError::wrong_type);
  EXPECT_EQ(m.check_set({1, 3, 6, 1, 4, 1, 9, 9, 402, 1, 2, 1, 1, 1, 2}, Value::integer(1)),
            SetError::not_writable);  // no Cisco MIB on this profile
}

TEST(PoeModel, CiscoEnableAndRfc3621AdminAreOneState) {
  const auto t0 = Model::Clock::now();
  Model m(config(Profile::cisco), t0);
  const Oid enable = {1, 3, 6, 1, 4, 1, 9, 9, 402, 1, 2, 1, 1, 1, 2};
  ASSERT_EQ(m.check_set(enable, Value::integer(1)), SetError::none);
  m.apply_set(enable, Value::integer(1), t0);
  auto snap = m.snapshot(t0 + milliseconds(600));
  EXPECT_EQ(snap.at(kAdmin5).number, 1);
  EXPECT_EQ(snap.at({1, 3, 6, 1, 4, 1, 9, 9, 402, 1, 2, 1, 9, 1, 2}).number, 6300);
  EXPECT_EQ(snap.at({1, 3, 6, 1, 4, 1, 9, 9, 402, 1, 2, 1, 11, 1, 2}).number, 1002);
  EXPECT_EQ(snap.at({1, 3, 6, 1, 2, 1, 47, 1, 1, 1, 1, 7, 1002}).octets, "GigabitEthernet1/0/2");
  m.apply_set(enable, Value::integer(4), t0);
  EXPECT_EQ(m.snapshot(t0).at(kAdmin5).number, 2);
}

TEST(PoeModel, ApcOutletsTakeOnOffAndReboot) {
  const auto t0 = Model::Clock::now();
  Model m(config(Profile::apc_pdu), t0);
  const Oid command = {1, 3, 6, 1, 4, 1, 318, 1, 1, 12, 3, 3, 1, 1, 4, 3};
  const Oid state = {1, 3, 6, 1, 4, 1, 318, 1, 1, 12, 3, 5, 1, 1, 4, 3};
  ASSERT_EQ(m.check_set(command, Value::integer(1)), SetError::none);
  m.apply_set(command, Value::integer(1), t0);
  EXPECT_EQ(m.snapshot(t0).at(state).number, 1);
  const auto reboot = m.apply_set(command, Value::integer(3), t0);
  ASSERT_EQ(reboot.size(), 2u);
  EXPECT_FALSE(reboot[0].on);
  EXPECT_TRUE(reboot[1].on);
  EXPECT_EQ(m.check_set(state, Value::integer(1)), SetError::not_writable);
  EXPECT_EQ(m.check_set({1, 3, 6, 1, 4, 1, 318, 1, 1, 12, 3, 3, 1, 1, 4, 9}, Value::integer(1)),
            SetError::no_creation);
}

TEST(PoeModel, NeighboursAppearInCdpAndLldpTables) {
  Model m(config(Profile::rfc3621));
  m.set_if_index(3, 7);
  m.set_cdp_neighbour(3, CdpNeighbour{"SEP001122334455", "Port 1", "Cisco IP Phone 8845",
                                      "sip88xx.14-1-1", 0xC6120005});
  m.set_lldp_neighbour(3, LldpNeighbour{"00:11:22:33:44:55", "Port 1", "SEP001122334455", "CP"});
  const auto snap = m.snapshot(Model::Clock::now());
  EXPECT_EQ(snap.at({1, 3, 6, 1, 4, 1, 9, 9, 23, 1, 2, 1, 1, 6, 7, 1}).octets, "SEP001122334455");
  EXPECT_EQ(snap.at({1, 3, 6, 1, 4, 1, 9, 9, 23, 1, 2, 1, 1, 4, 7, 1}).octets,
            std::string("\xc6\x12\x00\x05", 4));
  EXPECT_EQ(snap.at({1, 0, 8802, 1, 1, 2, 1, 4, 1, 1, 9, 0, 3, 1}).octets, "SEP001122334455");
  EXPECT_EQ(snap.at({1, 3, 6, 1, 2, 1, 47, 1, 3, 2, 1, 2, 1003, 0}).object_id,
            (Oid{1, 3, 6, 1, 2, 1, 2, 2, 1, 1, 7}));
  EXPECT_TRUE(m.is_known_column({1, 3, 6, 1, 2, 1, 105, 1, 1, 1, 6, 1, 99}));
  EXPECT_FALSE(m.is_known_column({1, 3, 6, 1, 2, 1, 105, 1, 1, 1, 99, 1, 1}));
}

}  // namespace
}  // namespace phonerig::sim::poe
