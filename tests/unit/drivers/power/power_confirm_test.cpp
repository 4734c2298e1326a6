// The set-then-confirm and cycle decisions.
#include <gtest/gtest.h>

#include "drivers/power/confirm.hpp"

namespace phonerig::power {
namespace {

using api::PoeDetection;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

api::PortStatus port(const std::string& name, bool admin, PoeDetection d) {
  api::PortStatus s;
  s.port = name;
  s.admin_on = admin;
  s.detection = d;
  return s;
}

TEST(PowerConfirm, OnWantsDeliveringPowerOffWantsDisabled) {
  EXPECT_EQ(wanted_after(true), PoeDetection::delivering_power);
  EXPECT_EQ(wanted_after(false), PoeDetection::disabled);
  EXPECT_TRUE(satisfies(port("a", true, PoeDetection::delivering_power),
                        PoeDetection::delivering_power, false));
  EXPECT_FALSE(satisfies(port("a", true, PoeDetection::searching),
                         PoeDetection::delivering_power, false));
  EXPECT_TRUE(satisfies(port("a", true, PoeDetection::searching),
                        PoeDetection::delivering_power, true));
  EXPECT_FALSE(satisfies(port("a", true, PoeDetection::fault), PoeDetection::delivering_power,
                         true));
  EXPECT_TRUE(satisfies(port("a", false, PoeDetection::disabled), PoeDetection::disabled, false));
  // Admin still on while detection says disabled: not off yet.
  EXPECT_FALSE(satisfies(port("a", true, PoeDetection::disabled), PoeDetection::disabled, false));
}

TEST(PowerConfirm, PollsUntilEveryPortReachedOrTheDeadline) {
  const auto t0 = Clock::now();
  std::vector<api::PortStatus> s = {port("1/1", true, PoeDetection::delivering_power),
                                    port("1/2", true, PoeDetection::searching)};
  EXPECT_EQ(confirm_step(s, PoeDetection::delivering_power, false, t0, t0 + milliseconds(100)),
            ConfirmStep::poll_again);
  EXPECT_EQ(confirm_step(s, PoeDetection::delivering_power, false, t0 + milliseconds(100),
                         t0 + milliseconds(100)),
            ConfirmStep::timed_out);
  EXPECT_EQ(unreached(s, PoeDetection::delivering_power, false),
            std::vector<std::string>{"1/2 (searching, admin on)"});
  s[1].detection = PoeDetection::delivering_power;
  EXPECT_EQ(confirm_step(s, PoeDetection::delivering_power, false, t0 + milliseconds(500),
                         t0 + milliseconds(100)),
            ConfirmStep::done);
}

TEST(PowerConfirm, HoldCountsFromTheOffAcknowledgement) {
  const auto acked = Clock::now();
  EXPECT_EQ(hold_remaining(acked, acked, milliseconds(5000)), milliseconds(5000));
  EXPECT_EQ(hold_remaining(acked, acked + milliseconds(1200), milliseconds(5000)),
            milliseconds(3800));
  EXPECT_EQ(hold_remaining(acked, acked + std::chrono::microseconds(1500), milliseconds(5)),
            milliseconds(4));  // 3.5 ms left rounds up
  EXPECT_EQ(hold_remaining(acked, acked + milliseconds(6000), milliseconds(5000)),
            milliseconds(0));
}

}  // namespace
}  // namespace phonerig::power
