// The step engine fed by the decoder, as `phonerig run` and `analyze` feed it: the
// synthesized capture of a whole boot (tests/support/boot_capture.hpp) passes the
// `registration` sequence, and the same capture cut before the REGISTER's 200 fails there.
#include "harness/engine/evaluator.hpp"
#include "harness/engine/steps.hpp"
#include "tests/support/boot_capture.hpp"
#include "tests/unit/harness/engine/engine_test_util.hpp"

#include <gtest/gtest.h>

namespace phonerig::engine {
namespace {

struct NoActions : Actions {
  api::Result<bool> power(const PhoneFacts&, PowerAction) override { return true; }
  api::Result<bool> service(const ServiceAction&) override { return true; }
  api::Result<bool> set_faults(const api::FaultScope&, const api::Faults&) override { return true; }
  api::Result<bool> flap_link(const std::string&, const api::LinkFlap&) override { return true; }
};

std::vector<StepOutcome> run_registration(const std::vector<api::Event>& events,
                                         std::int64_t start) {
  PhoneFacts phone;
  phone.id = "cp7821-1";
  phone.mac = test::mac("00:1e:4a:00:00:01");
  phone.model = "CP-7821";
  LabFacts lab;
  lab.voice_vlan = 100;
  Registration r;
  r.power.reset(); // a capture shows no PoE
  StepSpec spec;
  spec.what = r;
  auto plans = plan({spec}, PhoneSelector{}, {phone}, lab);
  EXPECT_TRUE(plans.has_value());
  NoActions actions;
  Evaluator ev(*plans, 1, actions);
  ev.start(start);
  for (const auto& e : events)
    ev.on_event(e);
  for (int guard = 0; guard < 1000 && !ev.done(); ++guard)
    ev.advance(*ev.next_deadline());
  EXPECT_TRUE(ev.done());
  return ev.results()[0].cycles[0];
}

TEST(StepsDecodedBoot, TheSynthesizedBootPassesTheRegistrationSequence) {
  testing::BootParams params;
  auto decoded = test::decode_all(testing::synthesize_phone_boot(params));
  auto results = run_registration(decoded.events, params.start_ns);
  ASSERT_FALSE(results.empty());
  for (const auto& r : results) {
    // The synthesized boot fetches no ring list or locale file.
    if (r.name == "12-14 ring list and locale") {
      EXPECT_EQ(r.verdict, Verdict::missing);
      continue;
    }
    EXPECT_EQ(r.verdict, Verdict::passed) << r.name << ": " << r.reason;
  }
}

TEST(StepsDecodedBoot, ACaptureWithoutThe200FailsAtRegister) {
  testing::BootParams params;
  auto decoded = test::decode_all(testing::synthesize_phone_boot(params));
  std::vector<api::Event> cut;
  for (const auto& e : decoded.events) {
    if (e.kind == "sip.response" && e.integer_attr("status") == 200) break;
    cut.push_back(e);
  }
  auto results = run_registration(cut, params.start_ns);
  bool seen = false;
  for (const auto& r : results) {
    if (r.name == "11 register") {
      seen = true;
      EXPECT_EQ(r.verdict, Verdict::failed);
      EXPECT_NE(r.reason.find("cp7821-1: expected sip.response 200 to REGISTER within 60 s of the "
                              "previous step; saw sip.response 401"),
                std::string::npos)
          << r.reason;
    } else if (!seen) {
      EXPECT_EQ(r.verdict, Verdict::passed) << r.name << ": " << r.reason;
    } else {
      EXPECT_EQ(r.verdict, Verdict::not_reached) << r.name;
    }
  }
  EXPECT_TRUE(seen);
}

} // namespace
} // namespace phonerig::engine
