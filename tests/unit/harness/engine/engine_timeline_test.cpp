// The per-phone registration timeline (DESIGN.md, "The registration sequence").
#include <gtest/gtest.h>

#include <algorithm>

#include "harness/engine/timeline.hpp"
#include "tests/support/boot_capture.hpp"
#include "tests/unit/harness/engine/engine_test_util.hpp"

namespace phonerig::engine {
namespace {

using test::ip;
using test::mac;

const wire::Mac kPhone = mac("00:1e:4a:00:00:01");

struct Boot {
  std::vector<api::Event> events;
  TimelineOptions options;
};

Boot boot_events() {
  auto d = test::decode_all(testing::synthesize_phone_boot());
  Boot boot{d.events, {}};
  boot.options.first_frames = d.first_frames;
  return boot;
}

api::Event event(std::int64_t time_ns, std::string kind, std::map<std::string, api::AttrValue, std::less<>> attrs) {
  api::Event e;
  e.time_ns = time_ns;
  e.phone = kPhone;
  e.kind = std::move(kind);
  e.attrs = std::move(attrs);
  e.attrs["src_mac"] = kPhone;
  return e;
}

TEST(EngineTimeline, SynthesizedBootHasEveryStepInOrderWithItsEvidence) {
  auto boot = boot_events();
  auto timelines = build_timelines(boot.events, boot.options);
  ASSERT_EQ(timelines.size(), 1u);
  const PhoneTimeline& t = timelines.at(kPhone);
  EXPECT_TRUE(t.complete());
  EXPECT_TRUE(t.problems.empty()) << t.problems.front();
  EXPECT_EQ(t.step(Step::power).status, StepStatus::not_observed);
  EXPECT_EQ(t.step(Step::firmware).status, StepStatus::not_needed);
  for (Step s : {Step::boot, Step::voice_vlan, Step::dhcp, Step::ctl, Step::itl,
                 Step::device_config, Step::dial_rules, Step::call_manager, Step::registration,
                 Step::after_registration}) {
    EXPECT_EQ(t.step(s).status, StepStatus::passed) << step_name(s) << ": " << t.step(s).note;
    EXPECT_FALSE(t.step(s).events.empty()) << step_name(s);
    EXPECT_FALSE(t.step(s).out_of_order) << step_name(s);
  }
  // Asserted steps start in order.
  std::int64_t previous = 0;
  for (Step s : kAllSteps) {
    if (!order_asserted(s) || !t.step(s).first_ns) continue;
    EXPECT_GE(*t.step(s).first_ns, previous) << step_name(s);
    previous = *t.step(s).first_ns;
  }
  EXPECT_EQ(*t.first_frame_ns, 1'764'000'002'000'000'000);  // the phone's CDP, 0.8 + 1.2 s
  EXPECT_EQ(t.step(Step::boot).evidence, "first frame from 00:1e:4a:00:00:01 (cdp.rx)");
  EXPECT_EQ(t.step(Step::voice_vlan).evidence,
            "switch CDP voice VLAN 100; phone CDP SEP001E4A000001; phone LLDP-MED voice VLAN 100; "
            "phone traffic tagged VLAN 100");
  EXPECT_EQ(t.step(Step::dhcp).evidence,
            "DHCP ACK 198.18.1.20 option 150=[198.18.1.10] option 66=198.18.1.10 on VLAN 100");
  EXPECT_EQ(t.step(Step::dhcp).events.size(), 4u);
  EXPECT_EQ(t.step(Step::ctl).evidence,
            "CTLSEP001E4A000001.tlv: HTTP 503, then TFTP error 1 File not found");
  EXPECT_EQ(t.step(Step::itl).evidence, "ITLSEP001E4A000001.tlv: HTTP 200 (7879 B)");
  EXPECT_EQ(t.step(Step::device_config).evidence,
            "SEP001E4A000001.cnf.xml.sgn: HTTP 200 (12277 B)");
  EXPECT_EQ(t.step(Step::dial_rules).evidence, "dialplan.xml: TFTP done (20000 B)");
  EXPECT_EQ(t.step(Step::call_manager).evidence,
            "TCP 198.18.1.20:51778 -> 198.18.1.10:5060 established");
  EXPECT_EQ(t.step(Step::registration).evidence,
            "REGISTER -> 401 -> REGISTER (digest) -> 200 expires 120");
  EXPECT_EQ(t.step(Step::after_registration).evidence, "softkeys.xml: HTTP 200 (3000 B)");
  // The HTTP 503 and the TFTP fallback are one fetch of the CTL file.
  ASSERT_EQ(t.files.size(), 5u);  // CTL (HTTP + TFTP), ITL, config, dial plan, softkeys
  EXPECT_EQ(t.files[0].attempts.size(), 2u);
  EXPECT_EQ(t.files[0].role, FileRole::ctl);
}

TEST(EngineTimeline, AMissingStepIsNamed) {
  auto boot = boot_events();
  std::erase_if(boot.events, [](const api::Event& e) {
    auto path = e.string_attr("path");
    return path && path->find("ITLSEP") != std::string::npos;
  });
  PhoneTimeline t = build_timeline(kPhone, boot.events, boot.options);
  EXPECT_EQ(t.step(Step::itl).status, StepStatus::missing);
  EXPECT_FALSE(t.complete());
  ASSERT_EQ(t.problems.size(), 1u);
  EXPECT_EQ(t.problems[0], "step 6 ITL: missing (no request for ITLSEP<MAC>.tlv)");
}

TEST(EngineTimeline, AStepBeforeItsPredecessorIsOutOfOrder) {
  auto boot = boot_events();
  // The ITL request moved before the CTL request.
  std::int64_t ctl_time = 0;
  for (const auto& e : boot.events) {
    if (e.kind == "http.get" && e.string_attr("path")->find("CTLSEP") != std::string::npos) {
      ctl_time = e.time_ns;
    }
  }
  for (auto& e : boot.events) {
    auto path = e.string_attr("path");
    if (path && path->find("ITLSEP") != std::string::npos) e.time_ns = ctl_time - 1000;
  }
  PhoneTimeline t = build_timeline(kPhone, boot.events, boot.options);
  EXPECT_EQ(t.step(Step::itl).status, StepStatus::passed);
  EXPECT_TRUE(t.step(Step::itl).out_of_order);
  ASSERT_EQ(t.problems.size(), 1u);
  EXPECT_EQ(t.problems[0], "step 6 ITL: out of order (began before step 5 CTL)");
  // Dial rules and after-registration files may come anywhere.
  auto relaxed = boot_events();
  for (auto& e : relaxed.events) {
    if (e.string_attr("file") == "dialplan.xml" || e.string_attr("path") == "/softkeys.xml") {
      e.time_ns = relaxed.options.first_frames.at(kPhone) + 1;
    }
  }
  EXPECT_TRUE(build_timeline(kPhone, relaxed.events, relaxed.options).complete());
}

TEST(EngineTimeline, XmlDefaultIsTheDeviceConfigOfAnUnprovisionedPhone) {
  const std::int64_t t0 = 1'000'000'000;
  std::vector<api::Event> events = {
      event(t0, "http.get", {{"path", std::string("/SEP001E4A000001.cnf.xml.sgn")}}),
      event(t0 + 1'000'000, "http.status", {{"path", std::string("/SEP001E4A000001.cnf.xml.sgn")}, {"status", std::int64_t{404}}}),
      event(t0 + 2'000'000, "tftp.rrq", {{"file", std::string("SEP001E4A000001.cnf.xml")}}),
      event(t0 + 3'000'000, "tftp.error", {{"file", std::string("SEP001E4A000001.cnf.xml")}, {"code", std::int64_t{1}}}),
      event(t0 + 4'000'000, "tftp.rrq", {{"file", std::string("XMLDefault.cnf.xml")}}),
      event(t0 + 5'000'000, "tftp.done", {{"file", std::string("XMLDefault.cnf.xml")}, {"bytes", std::int64_t{900}}}),
  };
  PhoneTimeline t = build_timeline(kPhone, events);
  EXPECT_EQ(t.step(Step::device_config).status, StepStatus::passed);
  EXPECT_EQ(t.step(Step::device_config).evidence,
            "SEP001E4A000001.cnf.xml.sgn: HTTP 404, then TFTP error 1; XMLDefault.cnf.xml: TFTP "
            "done (900 B)");
  ASSERT_EQ(t.files.size(), 2u);
  EXPECT_EQ(t.files[1].role, FileRole::default_config);
  // Without XMLDefault, the config never came: the step failed.
  events.resize(4);
  PhoneTimeline failed = build_timeline(kPhone, events);
  EXPECT_EQ(failed.step(Step::device_config).status, StepStatus::failed);
  EXPECT_EQ(failed.step(Step::device_config).note, "requested, never delivered");
}

TEST(EngineTimeline, FallbackOutsideTheWindowIsASecondFetch) {
  const std::int64_t t0 = 1'000'000'000;
  std::vector<api::Event> events = {
      event(t0, "http.get", {{"path", std::string("/dialplan.xml")}}),
      event(t0 + 1'000'000, "http.status", {{"path", std::string("/dialplan.xml")}, {"status", std::int64_t{503}}}),
      event(t0 + 5'000'000'000, "tftp.rrq", {{"file", std::string("dialplan.xml")}}),
  };
  PhoneTimeline t = build_timeline(kPhone, events);
  ASSERT_EQ(t.files.size(), 2u);
  EXPECT_EQ(t.files[1].outcome(), "TFTP no answer");
  EXPECT_EQ(t.step(Step::dial_rules).status, StepStatus::failed);
}

TEST(EngineTimeline, FirmwareFetchedIsAStepOfItsOwn) {
  auto boot = boot_events();
  std::int64_t after_config = 0;
  for (const auto& e : boot.events) {
    if (e.kind == "http.status" && e.string_attr("path")->find(".cnf.xml") != std::string::npos) {
      after_config = e.time_ns + 1000;
    }
  }
  boot.events.push_back(event(after_config, "tftp.rrq", {{"file", std::string("sip88xx.14-2-1-0001-14.loads")}}));
  boot.events.push_back(event(after_config + 10, "tftp.done", {{"file", std::string("sip88xx.14-2-1-0001-14.loads")}, {"bytes", std::int64_t{600}}}));
  PhoneTimeline t = build_timeline(kPhone, boot.events, boot.options);
  EXPECT_EQ(t.step(Step::firmware).status, StepStatus::passed);
  EXPECT_EQ(t.step(Step::firmware).evidence, "sip88xx.14-2-1-0001-14.loads: TFTP done (600 B)");
  EXPECT_TRUE(t.complete());
}

TEST(EngineTimeline, RegisterRefusedIsAFailureWithTheStatus) {
  const std::int64_t t0 = 1'000'000'000;
  std::vector<api::Event> events = {
      event(t0, "sip.request", {{"method", std::string("REGISTER")}, {"authorized", std::int64_t{0}}}),
      event(t0 + 1, "sip.response", {{"method", std::string("REGISTER")}, {"status", std::int64_t{401}}}),
      event(t0 + 2, "sip.request", {{"method", std::string("REGISTER")}, {"authorized", std::int64_t{1}}}),
      event(t0 + 3, "sip.response", {{"method", std::string("REGISTER")}, {"status", std::int64_t{403}}, {"reason", std::string("Wrong password")}}),
  };
  PhoneTimeline t = build_timeline(kPhone, events);
  EXPECT_EQ(t.step(Step::registration).status, StepStatus::failed);
  EXPECT_EQ(t.step(Step::registration).note, "REGISTER answered 403 Wrong password");
  EXPECT_EQ(t.step(Step::registration).evidence, "REGISTER -> 401 -> REGISTER (digest) -> 403");
}

TEST(EngineTimeline, CallManagerFailoverShowsTheUnansweredPrimary) {
  const std::int64_t t0 = 1'000'000'000;
  auto tcp = [&](std::int64_t t, const char* kind, const char* dst) {
    return event(t, kind, {{"src", ip("198.18.1.20")}, {"dst", ip(dst)}, {"src_port", std::int64_t{50000}},
                           {"dst_port", std::int64_t{5060}}});
  };
  std::vector<api::Event> events = {tcp(t0, "tcp.syn", "198.18.1.10"), tcp(t0 + 1, "tcp.syn", "198.18.1.10"),
                                    tcp(t0 + 2, "tcp.syn", "198.18.1.11"),
                                    tcp(t0 + 3, "tcp.established", "198.18.1.11")};
  PhoneTimeline t = build_timeline(kPhone, events);
  EXPECT_EQ(t.step(Step::call_manager).status, StepStatus::passed);
  EXPECT_EQ(t.step(Step::call_manager).evidence,
            "TCP 198.18.1.20:50000 -> 198.18.1.11:5060 established (after SYN to "
            "198.18.1.10:5060 went unanswered)");
  events.pop_back();
  events.pop_back();
  PhoneTimeline down = build_timeline(kPhone, events);
  EXPECT_EQ(down.step(Step::call_manager).status, StepStatus::failed);
  EXPECT_EQ(down.step(Step::call_manager).note, "SYN to 198.18.1.10:5060, never established");
}

TEST(EngineTimeline, DhcpWithoutAckFailsAndNakSaysWhy) {
  const std::int64_t t0 = 1'000'000'000;
  std::vector<api::Event> events = {
      event(t0, "dhcp.discover", {}), event(t0 + 1, "dhcp.discover", {}),
  };
  EXPECT_EQ(build_timeline(kPhone, events).step(Step::dhcp).note, "2 DISCOVER, no ACK");
  events.push_back(event(t0 + 2, "dhcp.nak", {{"message", std::string("wrong network")}}));
  PhoneTimeline t = build_timeline(kPhone, events);
  EXPECT_EQ(t.step(Step::dhcp).status, StepStatus::failed);
  EXPECT_EQ(t.step(Step::dhcp).note, "DHCP NAK: wrong network");
}

TEST(EngineTimeline, PowerFromSwitchEventsIsTheFirstStep) {
  auto boot = boot_events();
  api::Event power;
  power.time_ns = boot.options.first_frames.at(kPhone) - 5'000'000'000;
  power.source = api::EventSource::switch_port;
  power.phone = kPhone;
  power.kind = "power.on";
  power.attrs["port"] = std::string("GigabitEthernet1/0/5");
  boot.events.push_back(power);
  PhoneTimeline t = build_timeline(kPhone, boot.events, boot.options);
  EXPECT_EQ(t.step(Step::power).status, StepStatus::passed);
  EXPECT_EQ(t.step(Step::power).evidence, "power on GigabitEthernet1/0/5");
  EXPECT_TRUE(t.complete());
}

TEST(FileRoles, CiscoFileNamesMapToTheirSteps) {
  EXPECT_EQ(classify_file("/CTLSEP001E4A000001.tlv", kPhone), FileRole::ctl);
  EXPECT_EQ(classify_file("ctlsep001e4a000001.tlv.sgn", kPhone), FileRole::ctl);
  EXPECT_EQ(classify_file("ITLFile.tlv", kPhone), FileRole::itl);
  EXPECT_EQ(classify_file("SEP001E4A000001.cnf.xml.sgn", kPhone), FileRole::device_config);
  EXPECT_EQ(classify_file("SEP001E4A000002.cnf.xml", kPhone), FileRole::other);  // another phone
  EXPECT_EQ(classify_file("XMLDefault.cnf.xml", kPhone), FileRole::default_config);
  EXPECT_EQ(classify_file("rootfs88xx.12-0-1MN-113.sbn", kPhone), FileRole::firmware);
  EXPECT_EQ(classify_file("SK1b2c3d4e-aaaa-bbbb-cccc-0123456789ab.xml.sgn", kPhone),
            FileRole::softkeys);
  EXPECT_EQ(classify_file("RingList-wb.xml", kPhone), FileRole::ringtones);
  EXPECT_EQ(classify_file("English_United_States/sl-be-sip.jar", kPhone), FileRole::localization);
  EXPECT_EQ(classify_file("United_States/g3-tones.xml", kPhone), FileRole::localization);
  EXPECT_EQ(classify_file("dialplan.xml", kPhone), FileRole::dial_rules);
}

}  // namespace
}  // namespace phonerig::engine
