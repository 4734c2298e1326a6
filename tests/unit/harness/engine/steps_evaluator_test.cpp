// The step engine (harness/engine/evaluator.hpp) on synthetic event streams: each verdict,
// deadlines from power-on and from the previous step, any-order groups, optional and
// absent steps, signed file names, {mac}, lab-wide actions, repeat statistics, and for
// every step of the registration sequence a stream that fails at exactly that step.
#include "harness/engine/evaluator.hpp"
#include "harness/engine/steps.hpp"

#include <algorithm>
#include <functional>
#include <gtest/gtest.h>

namespace phonerig::engine {
namespace {

constexpr std::int64_t kS = 1'000'000'000;
constexpr std::int64_t kT0 = 1'764'000'000 * kS; // the run starts here

const wire::Mac kMac = *wire::Mac::parse("00:1e:4a:00:00:01");
const wire::Mac kMac2 = *wire::Mac::parse("00:1e:4a:00:00:02");
const wire::Ipv4 kServer = *wire::Ipv4::parse("198.18.0.10");
const wire::Ipv4 kPhoneIp = *wire::Ipv4::parse("198.18.0.101");

PhoneFacts phone_facts(const wire::Mac& mac = kMac, std::string id = "cp8851-1") {
  PhoneFacts p;
  p.id = std::move(id);
  p.mac = mac;
  p.model = "CP-8851";
  p.port = "Gi1/0/1";
  p.load = "sip88xx.14-2-1-0001-14";
  p.tags = {"sim"};
  return p;
}

using Attrs = std::map<std::string, api::AttrValue, std::less<>>;

api::Event event(double at_s, std::string kind, Attrs attrs = {}, const wire::Mac& mac = kMac,
                 api::EventSource source = api::EventSource::capture) {
  api::Event e;
  e.time_ns = kT0 + static_cast<std::int64_t>(at_s * 1e9);
  e.source = source;
  e.phone = mac;
  e.kind = std::move(kind);
  e.attrs = std::move(attrs);
  if (source == api::EventSource::capture && !e.attrs.count("src_mac") &&
      (e.kind == "cdp.rx" || e.kind.rfind("dhcp.discover", 0) == 0 || e.kind == "tftp.rrq" ||
       e.kind == "http.get" || e.kind == "sip.request" || e.kind == "tcp.established")) {
    e.attrs["src_mac"] = mac;
  }
  return e;
}

api::Event switch_event(double at_s, std::string kind, std::string status = "",
                        const wire::Mac& mac = kMac) {
  Attrs attrs{{"port", std::string("Gi1/0/1")}};
  if (!status.empty()) attrs["status"] = status;
  return event(at_s, std::move(kind), attrs, mac, api::EventSource::switch_port);
}

// A boot of a phone powered at `p` seconds after kT0 (a cycle: off, then deliveringPower),
// every step of DESIGN.md's sequence on the wire, HTTP first with a TFTP fallback for CTL,
// the signed config, digest registration.
std::vector<api::Event> boot(double p, const wire::Mac& mac = kMac) {
  const std::string m = mac.to_cisco();
  const std::int64_t voice = 100;
  auto tagged = [&](double at, std::string kind, Attrs attrs) {
    attrs["vlan"] = voice;
    return event(p + at, std::move(kind), std::move(attrs), mac);
  };
  return {
      switch_event(p - 0.5, "port.detection", "disabled", mac),
      switch_event(p, "port.detection", "deliveringPower", mac),
      event(p + 3.0, "cdp.rx", {{"device_id", "SEP" + m}, {"vlan", std::int64_t{10}}}, mac),
      tagged(4.0, "dhcp.discover", {{"xid", std::int64_t{1}}, {"chaddr", mac}}),
      tagged(4.5, "dhcp.ack",
             {{"xid", std::int64_t{1}},
              {"chaddr", mac},
              {"yiaddr", kPhoneIp},
              {"tftp_servers", api::AttrList{"198.18.0.10"}},
              {"options", api::AttrList{"53", "54", "150"}},
              {"src", kServer}}),
      tagged(5.0, "http.get", {{"path", "/CTLSEP" + m + ".tlv"}}),
      tagged(5.01, "http.status",
             {{"path", "/CTLSEP" + m + ".tlv"}, {"status", std::int64_t{404}}}),
      tagged(5.02, "tftp.rrq", {{"file", "CTLSEP" + m + ".tlv"}}),
      tagged(5.03, "tftp.error", {{"file", "CTLSEP" + m + ".tlv"}, {"code", std::int64_t{1}}}),
      tagged(5.5, "http.get", {{"path", "/ITLSEP" + m + ".tlv"}}),
      tagged(5.6, "http.status", {{"path", "/ITLSEP" + m + ".tlv"}, {"status", std::int64_t{200}}}),
      tagged(6.0, "http.get", {{"path", "/SEP" + m + ".cnf.xml.sgn"}}),
      tagged(6.1, "http.status",
             {{"path", "/SEP" + m + ".cnf.xml.sgn"}, {"status", std::int64_t{200}}}),
      tagged(6.5, "tftp.rrq", {{"file", "dialplan.xml"}}),
      tagged(6.6, "tftp.done", {{"file", "dialplan.xml"}, {"bytes", std::int64_t{2000}}}),
      tagged(7.0, "http.get", {{"path", "/softkeys.xml"}}),
      tagged(7.1, "http.status", {{"path", "/softkeys.xml"}, {"status", std::int64_t{200}}}),
      tagged(8.0, "tcp.established", {{"dst", kServer}, {"dst_port", std::int64_t{5060}}}),
      tagged(8.1, "sip.request", {{"method", "REGISTER"}}),
      tagged(8.2, "sip.response", {{"method", "REGISTER"}, {"status", std::int64_t{401}}}),
      tagged(8.3, "sip.request", {{"method", "REGISTER"}, {"authorized", std::int64_t{1}}}),
      tagged(8.4, "sip.response",
             {{"method", "REGISTER"}, {"status", std::int64_t{200}}, {"reason", "OK"}}),
      tagged(9.0, "tftp.rrq", {{"file", "Ringlist-wb.xml"}}),
  };
}

// The rig as the engine sees it: records every action; a power request's confirmation
// events come from `on_power`, stamped after the request.
struct FakeRig : Actions {
  std::int64_t now = kT0;
  std::vector<std::string> calls;
  std::vector<api::Event> to_deliver;
  std::function<std::vector<api::Event>(const PhoneFacts&, PowerAction, std::int64_t now)> on_power;
  std::optional<std::string> service_error;

  api::Result<bool> power(const PhoneFacts& phone, PowerAction action) override {
    calls.push_back("power " + std::string(to_string(action)) + " " + phone.id);
    if (on_power) {
      for (auto& e : on_power(phone, action, now))
        to_deliver.push_back(std::move(e));
    }
    return true;
  }
  api::Result<bool> service(const ServiceAction& action) override {
    std::string call = "service " + std::string(to_string(action.op));
    for (const auto& s : action.services)
      call += " " + s;
    calls.push_back(call);
    if (service_error) return wire::unexpected(api::Error{api::Fault::rig, *service_error});
    return true;
  }
  api::Result<bool> set_faults(const api::FaultScope& scope, const api::Faults& faults) override {
    calls.push_back("faults " + scope.to_string() + " loss " +
                    std::to_string(static_cast<int>(faults.loss_percent)));
    return true;
  }
  api::Result<bool> flap_link(const std::string& port, const api::LinkFlap&) override {
    calls.push_back("flap " + port);
    return true;
  }
};

// Starts the run at kT0 with `events` already captured (in the order given), then follows
// next_deadline() until done, delivering the confirmations of power requests.
void run(Evaluator& ev, FakeRig& rig, const std::vector<api::Event>& events) {
  rig.now = kT0;
  ev.start(kT0);
  for (const auto& e : events)
    ev.on_event(e);
  for (int guard = 0; guard < 10'000 && !ev.done(); ++guard) {
    for (const auto& e : rig.to_deliver)
      ev.on_event(e);
    rig.to_deliver.clear();
    auto next = ev.next_deadline();
    ASSERT_TRUE(next.has_value());
    rig.now = std::max(rig.now, *next);
    ev.advance(rig.now);
  }
  ASSERT_TRUE(ev.done());
}

std::vector<PhonePlan> plan_of(std::vector<StepSpec> steps,
                               std::vector<PhoneFacts> phones = {phone_facts()}) {
  LabFacts lab;
  lab.voice_vlan = 100;
  lab.data_vlan = 10;
  auto plans = plan(steps, PhoneSelector{}, phones, lab);
  EXPECT_TRUE(plans.has_value()) << (plans ? "" : plans.error().message);
  return plans ? *plans : std::vector<PhonePlan>{};
}

StepSpec step(decltype(StepSpec::what) what, std::string name = "") {
  StepSpec s;
  s.name = std::move(name);
  s.what = std::move(what);
  return s;
}

Expect expect(std::string kind, double within_s, After after = After::previous) {
  Expect e;
  e.match.kind = std::move(kind);
  e.within = Millis(static_cast<std::int64_t>(within_s * 1000));
  e.after = after;
  return e;
}

StepOutcome result(const Evaluator& ev, const std::string& name, std::size_t phone = 0,
                  std::size_t cycle = 0) {
  const auto all = ev.results();
  for (const auto& r : all.at(phone).cycles.at(cycle)) {
    if (r.name == name) return r;
  }
  ADD_FAILURE() << "no step named " << name;
  return StepOutcome{};
}

// ---- the registration sequence ----

TEST(StepsEvaluator, AWholeBootPassesEveryRegistrationStepWithEvidence) {
  FakeRig rig;
  auto plans = plan_of({step(Registration{})});
  Evaluator ev(plans, 1, rig);
  run(ev, rig, boot(2.0));
  EXPECT_TRUE(ev.passed());
  EXPECT_FALSE(ev.rig_failed());
  EXPECT_EQ(rig.calls, std::vector<std::string>{"power cycle cp8851-1"});
  const auto all = ev.results();
  for (const auto& r : all[0].cycles[0]) {
    EXPECT_EQ(r.verdict, Verdict::passed) << r.name << ": " << r.reason;
    if (r.name != "8 firmware: no load requested") {
      EXPECT_FALSE(r.evidence.empty()) << r.name;
    }
  }
  const auto power = result(ev, "1 power");
  EXPECT_EQ(power.evidence.size(), 2u); // off, then deliveringPower
  EXPECT_EQ(*power.since_power_on_ns(), 0);
  const auto config = result(ev, "7 device config");
  EXPECT_EQ(config.evidence.front().string_attr("path"), "/SEP001E4A000001.cnf.xml.sgn");
  EXPECT_EQ(*config.since_power_on_ns(), 6'100'000'000);
  EXPECT_EQ(*config.duration_ns(), 600'000'000); // from the ITL request at 5.5 s
  const auto reg = result(ev, "11 register");
  EXPECT_EQ(reg.evidence.front().integer_attr("status"), 200);
  EXPECT_EQ(*reg.since_power_on_ns(), 8'400'000'000);
  EXPECT_EQ(result(ev, "5 CTL").evidence.front().kind, "http.get"); // HTTP first, then TFTP
  EXPECT_EQ(result(ev, "3 voice VLAN").evidence.front().kind, "dhcp.discover");
}

struct Breakage {
  std::string step; // the step that must fail, first
  Verdict verdict;
  std::function<void(std::vector<api::Event>&)> breaks;
};

void drop_if(std::vector<api::Event>& events, const std::function<bool(const api::Event&)>& drop) {
  events.erase(std::remove_if(events.begin(), events.end(), drop), events.end());
}

bool names_file(const api::Event& e, std::string_view part) {
  auto f = e.string_attr(e.attrs.count("path") ? "path" : "file");
  return f && f->find(part) != std::string::npos;
}

// Assertions can fail: for each step of the sequence, a stream that lacks (or spoils) that
// step's evidence fails at exactly that step; the steps before it pass and the steps after
// it are not reached.
TEST(StepsEvaluator, EachRegistrationStepFailsExactlyWhereItsEvidenceIsMissing) {
  const std::vector<Breakage> breakages = {
      {"1 power", Verdict::missing,
       [](auto& ev) {
         drop_if(ev, [](const api::Event& e) { return e.kind == "port.detection"; });
       }},
      {"2 boot", Verdict::missing,
       [](auto& ev) {
         drop_if(ev, [](const api::Event& e) { return e.source == api::EventSource::capture; });
       }},
      {"3 voice VLAN", Verdict::missing,
       [](auto& ev) {
         for (auto& e : ev)
           e.attrs.erase("vlan");
       }},
      {"4 DHCP", Verdict::missing,
       [](auto& ev) { drop_if(ev, [](const api::Event& e) { return e.kind == "dhcp.ack"; }); }},
      {"5 CTL", Verdict::missing,
       [](auto& ev) { drop_if(ev, [](const api::Event& e) { return names_file(e, "CTLSEP"); }); }},
      {"6 ITL", Verdict::missing,
       [](auto& ev) { drop_if(ev, [](const api::Event& e) { return names_file(e, "ITLSEP"); }); }},
      {"7 device config", Verdict::failed,
       [](auto& ev) {
         for (auto& e : ev) {
           if (e.kind == "http.status" && names_file(e, ".cnf.xml"))
             e.attrs["status"] = std::int64_t{404};
         }
       }},
      {"10 call manager", Verdict::missing,
       [](auto& ev) {
         drop_if(ev, [](const api::Event& e) { return e.kind == "tcp.established"; });
       }},
      {"11 register", Verdict::failed,
       [](auto& ev) {
         for (auto& e : ev) {
           if (e.kind == "sip.response" && e.integer_attr("status") == 200) {
             e.attrs["status"] = std::int64_t{403};
             e.attrs["reason"] = std::string("Forbidden");
           }
         }
       }},
      {"8 firmware: no load requested", Verdict::failed,
       [](auto& ev) {
         ev.push_back(
             event(2.0 + 6.2, "tftp.rrq", {{"file", std::string("sip88xx.14-3-1-0001-5.loads")}}));
         std::stable_sort(ev.begin(), ev.end(),
                          [](auto& a, auto& b) { return a.time_ns < b.time_ns; });
       }},
      {"9 dial rules", Verdict::missing,
       [](auto& ev) {
         drop_if(ev, [](const api::Event& e) { return names_file(e, "dialplan"); });
       }},
      {"12-14 soft keys", Verdict::missing,
       [](auto& ev) {
         drop_if(ev, [](const api::Event& e) { return names_file(e, "softkeys"); });
       }},
      {"12-14 ring list and locale", Verdict::missing,
       [](auto& ev) {
         drop_if(ev, [](const api::Event& e) { return names_file(e, "Ringlist"); });
       }},
  };
  auto plans = plan_of({step(Registration{})});
  std::vector<std::string> names;
  for (const auto& s : plans[0].steps)
    names.push_back(s.name);
  for (const auto& b : breakages) {
    SCOPED_TRACE(b.step);
    ASSERT_NE(std::find(names.begin(), names.end(), b.step), names.end());
    auto events = boot(2.0);
    b.breaks(events);
    FakeRig rig;
    Evaluator ev(plans, 1, rig);
    run(ev, rig, events);
    EXPECT_FALSE(ev.passed());
    const auto all = ev.results();
    const auto& steps = all[0].cycles[0];
    bool seen = false;
    for (const auto& r : steps) {
      if (r.name == b.step) {
        seen = true;
        EXPECT_EQ(r.verdict, b.verdict) << r.reason;
        EXPECT_EQ(r.reason.rfind("cp8851-1: ", 0), 0u) << r.reason;
        EXPECT_EQ(r.rig, b.step == "1 power");
      } else if (!seen) {
        EXPECT_EQ(r.verdict, Verdict::passed) << r.name << ": " << r.reason;
      } else {
        EXPECT_EQ(r.verdict, Verdict::not_reached) << r.name;
      }
    }
  }
}

TEST(StepsEvaluator, AFailureNamesThePhoneTheExpectationAndWhatWasSeen) {
  auto events = boot(2.0);
  for (auto& e : events) {
    if (e.kind == "sip.response" && e.integer_attr("status") == 200) {
      e.attrs["status"] = std::int64_t{403};
      e.attrs["reason"] = std::string("Forbidden");
    }
  }
  FakeRig rig;
  Evaluator ev(plan_of({step(Registration{})}), 1, rig);
  run(ev, rig, events);
  const auto reg = result(ev, "11 register");
  EXPECT_EQ(reg.reason,
            "cp8851-1: expected sip.response 200 to REGISTER within 60 s of the previous step; "
            "saw sip.response 403 Forbidden VLAN 100 at 8.4 s");
  ASSERT_EQ(reg.evidence.size(), 2u); // the 401 and the 403: the attempts that came out otherwise
  EXPECT_EQ(reg.evidence.back().integer_attr("status"), 403);
  EXPECT_EQ(*reg.at_ns, kT0 + 8'000'000'000 + 2 * kS + 60 * kS); // the deadline that closed it
}

TEST(StepsEvaluator, AFirmwareUpgradeIsAssertedThroughTheSecondPass) {
  auto events = boot(2.0);
  const std::string m = kMac.to_cisco();
  // The load manifest after the config, the reboot, the new load in CDP and User-Agent.
  std::vector<api::Event> upgrade = {
      event(8.25, "http.get", {{"path", std::string("/sip88xx.14-2-1-0001-14.loads")}}),
      event(
          8.3, "http.status",
          {{"path", std::string("/sip88xx.14-2-1-0001-14.loads")}, {"status", std::int64_t{200}}}),
      event(
          40.0, "cdp.rx",
          {{"device_id", "SEP" + m}, {"software_version", std::string("sip88xx.14-2-1-0001-14")}}),
      event(41.0, "dhcp.ack", {{"xid", std::int64_t{2}}, {"chaddr", kMac}}),
      event(42.0, "tftp.done", {{"file", "SEP" + m + ".cnf.xml"}, {"bytes", std::int64_t{9000}}}),
      event(43.0, "tcp.established", {{"dst", kServer}, {"dst_port", std::int64_t{5060}}}),
      event(43.1, "sip.request",
            {{"method", std::string("REGISTER")},
             {"user_agent", std::string("Cisco-CP8851/sip88xx.14-2-1-0001-14")}}),
      event(43.2, "sip.response",
            {{"method", std::string("REGISTER")}, {"status", std::int64_t{200}}}),
      // The files after the config, fetched again in the new boot.
      event(42.5, "tftp.done",
            {{"file", std::string("dialplan.xml")}, {"bytes", std::int64_t{2000}}}),
      event(42.6, "http.status",
            {{"path", std::string("/softkeys.xml")}, {"status", std::int64_t{200}}}),
      event(44.0, "tftp.rrq", {{"file", std::string("Ringlist-wb.xml")}}),
  };
  // The first pass stops before the call manager (the phone reboots into the new load).
  drop_if(events, [](const api::Event& e) {
    return e.time_ns >= kT0 + 10 * kS - 2 * kS && e.kind != "tftp.rrq" && e.kind != "tftp.done" &&
           e.kind != "http.get" && e.kind != "http.status";
  });
  events.insert(events.end(), upgrade.begin(), upgrade.end());
  std::stable_sort(events.begin(), events.end(),
                   [](auto& a, auto& b) { return a.time_ns < b.time_ns; });
  Registration r;
  r.expect_firmware_upgrade = true;
  FakeRig rig;
  Evaluator ev(plan_of({step(r)}), 1, rig);
  run(ev, rig, events);
  const auto all = ev.results();
  for (const auto& s : all[0].cycles[0]) {
    EXPECT_EQ(s.verdict, Verdict::passed) << s.name << ": " << s.reason;
  }
  EXPECT_EQ(*result(ev, "8 firmware: rebooted with the new load").since_power_on_ns(), 38 * kS);

  // Without the new load in CDP, the second pass fails there.
  for (auto& e : events) {
    if (e.kind == "cdp.rx") e.attrs["software_version"] = std::string("sip88xx.12-8-1-0001-1");
  }
  FakeRig rig2;
  Evaluator ev2(plan_of({step(r)}), 1, rig2);
  run(ev2, rig2, events);
  EXPECT_EQ(result(ev2, "8 firmware: rebooted with the new load").verdict, Verdict::failed);
}

// ---- verdict kinds and deadlines ----

TEST(StepsEvaluator, DeadlinesCountFromPowerOnOrFromThePreviousStep) {
  // Power confirmed at 1 s; A at 6 s, B at 9 s: B is 3 s after A, 8 s after power-on.
  std::vector<api::Event> events = {
      switch_event(0.5, "power.off"), switch_event(1.0, "port.detection", "deliveringPower"),
      event(6.0, "dhcp.ack", {{"xid", std::int64_t{1}}, {"chaddr", kMac}}),
      event(9.0, "tftp.done", {{"file", std::string("a.xml")}, {"bytes", std::int64_t{1}}})};
  auto run_with = [&](After after, double within_s) {
    FakeRig rig;
    Power power;
    power.action = PowerAction::cycle;
    Evaluator ev(plan_of({step(power, "power"), step(expect("dhcp.ack", 10), "A"),
                          step(expect("tftp.done", within_s, after), "B")}),
                 1, rig);
    run(ev, rig, events);
    return result(ev, "B");
  };
  EXPECT_EQ(run_with(After::previous, 2).verdict, Verdict::missing); // 3 s after A
  EXPECT_EQ(run_with(After::previous, 4).verdict, Verdict::passed);
  EXPECT_EQ(run_with(After::power_on, 7).verdict, Verdict::missing); // 8 s after power-on
  auto passed = run_with(After::power_on, 9);
  EXPECT_EQ(passed.verdict, Verdict::passed);
  EXPECT_EQ(*passed.since_power_on_ns(), 8 * kS);
  EXPECT_EQ(*passed.duration_ns(), 8 * kS); // its reference was power-on
  EXPECT_EQ(run_with(After::previous, 2).reason,
            "cp8851-1: expected tftp.done within 2 s of the previous step; nothing seen");
}

TEST(StepsEvaluator, AnEventBeforeTheReferenceDoesNotCount) {
  // The order is asserted: B happened before A, so B after A is missing.
  std::vector<api::Event> events = {
      event(2.0, "tftp.done", {{"file", std::string("a.xml")}, {"bytes", std::int64_t{1}}}),
      event(3.0, "dhcp.ack", {{"xid", std::int64_t{1}}, {"chaddr", kMac}})};
  FakeRig rig;
  Evaluator ev(plan_of({step(expect("dhcp.ack", 10), "A"), step(expect("tftp.done", 10), "B")}), 1,
               rig);
  run(ev, rig, events);
  EXPECT_EQ(result(ev, "A").verdict, Verdict::passed);
  EXPECT_EQ(result(ev, "B").verdict, Verdict::missing);
}

TEST(StepsEvaluator, AnyOrderGroupPassesInEitherOrderAndTheNextCountsFromTheLast) {
  AnyOrder group;
  group.members = {step(expect("tftp.done", 10), "X"), step(expect("http.status", 10), "Y")};
  std::vector<api::Event> events = {
      event(1.0, "dhcp.ack", {{"xid", std::int64_t{1}}, {"chaddr", kMac}}),
      event(2.0, "http.status", {{"status", std::int64_t{200}}}), // Y first
      event(4.0, "tftp.done", {{"file", std::string("a")}, {"bytes", std::int64_t{1}}}),
      event(5.0, "sip.response", {{"status", std::int64_t{200}}})};
  auto run_with = [&](double within_s) {
    FakeRig rig;
    Evaluator ev(plan_of({step(expect("dhcp.ack", 10), "A"), step(group),
                          step(expect("sip.response", within_s), "Z")}),
                 1, rig);
    run(ev, rig, events);
    return std::make_pair(result(ev, "X"), result(ev, "Z"));
  };
  auto [x, z] = run_with(1.5); // Z 1 s after the last member (X at 4 s)
  EXPECT_EQ(x.verdict, Verdict::passed);
  EXPECT_EQ(z.verdict, Verdict::passed);
  EXPECT_EQ(*z.reference_ns, kT0 + 4 * kS);
  EXPECT_EQ(run_with(0.5).second.verdict, Verdict::missing);
}

TEST(StepsEvaluator, AGroupMemberMissingFailsTheGroupAndEndsTheCycle) {
  AnyOrder group;
  group.members = {step(expect("tftp.done", 3), "X"), step(expect("http.status", 3), "Y")};
  std::vector<api::Event> events = {event(2.0, "http.status", {{"status", std::int64_t{200}}})};
  FakeRig rig;
  Evaluator ev(plan_of({step(group), step(expect("sip.response", 10), "Z")}), 1, rig);
  run(ev, rig, events);
  EXPECT_EQ(result(ev, "X").verdict, Verdict::missing);
  EXPECT_EQ(result(ev, "Y").verdict, Verdict::passed);
  EXPECT_EQ(result(ev, "Z").verdict, Verdict::not_reached);
  EXPECT_FALSE(ev.passed());
}

TEST(StepsEvaluator, AnOptionalStepNotSeenIsSkippedAndThePhoneGoesOn) {
  Expect optional = expect("tftp.done", 2);
  optional.optional = true;
  std::vector<api::Event> events = {
      event(1.0, "dhcp.ack", {{"xid", std::int64_t{1}}, {"chaddr", kMac}}),
      event(4.0, "sip.response", {{"status", std::int64_t{200}}})};
  FakeRig rig;
  Evaluator ev(plan_of({step(expect("dhcp.ack", 5), "A"), step(optional, "O"),
                        step(expect("sip.response", 5), "B")}),
               1, rig);
  run(ev, rig, events);
  EXPECT_EQ(result(ev, "O").verdict, Verdict::skipped);
  EXPECT_EQ(*result(ev, "B").reference_ns, kT0 + 1 * kS); // from A: a skip does not move it
  EXPECT_EQ(result(ev, "B").verdict, Verdict::passed);
  EXPECT_TRUE(ev.passed());
}

TEST(StepsEvaluator, AbsentFailsOnAMatchInItsWindowAndPassesWhenItCloses) {
  Absent absent;
  absent.match.kind = std::string(kKindRequested);
  absent.match.files = {"*.loads"};
  absent.within = Millis(5000);
  auto run_with = [&](double at_s) {
    std::vector<api::Event> events = {
        event(1.0, "dhcp.ack", {{"xid", std::int64_t{1}}, {"chaddr", kMac}}),
        event(at_s, "tftp.rrq", {{"file", std::string("SIP88XX.14-3-1.LOADS")}})};
    FakeRig rig;
    Evaluator ev(plan_of({step(expect("dhcp.ack", 5), "A"), step(absent, "no load")}), 1, rig);
    run(ev, rig, events);
    return result(ev, "no load");
  };
  auto failed = run_with(3.0);
  EXPECT_EQ(failed.verdict, Verdict::failed);
  EXPECT_NE(failed.reason.find("expected no *.loads requested within 5 s of the previous step; saw "
                               "tftp.rrq SIP88XX.14-3-1.LOADS"),
            std::string::npos)
      << failed.reason;
  EXPECT_EQ(failed.evidence.size(), 1u);
  auto passed = run_with(7.0); // after the window
  EXPECT_EQ(passed.verdict, Verdict::passed);
  EXPECT_EQ(*passed.at_ns, kT0 + 6 * kS);
}

// A phone that crashed in a load download nobody asked for misses its next step; the
// end-of-sequence "no load requested" check (counted from power-on) is then failed with
// the request as evidence, not left unreached, and one not broken stays unreached.
TEST(StepsEvaluator, AnAbsentFromPowerOnAlreadyBrokenWhenTheCycleEndsIsFailed) {
  Absent no_load;
  no_load.match.kind = std::string(kKindRequested);
  no_load.match.files = {"*.loads"};
  no_load.after = After::power_on;
  Absent no_nak;
  no_nak.match.kind = std::string("dhcp.nak");
  no_nak.after = After::power_on;
  std::vector<api::Event> events = {
      event(1.0, "dhcp.ack", {{"xid", std::int64_t{1}}, {"chaddr", kMac}}),
      event(2.0, "tftp.rrq", {{"file", std::string("sip88xx.14-2-1-0001-14.loads")}})};
  FakeRig rig;
  Evaluator ev(plan_of({step(expect("dhcp.ack", 5), "A"), step(expect("sip.response", 5), "B"),
                        step(expect("tftp.done", 5), "C"), step(no_load, "no load"),
                        step(no_nak, "no nak")}),
               1, rig);
  run(ev, rig, events);
  EXPECT_EQ(result(ev, "B").verdict, Verdict::missing);
  EXPECT_EQ(result(ev, "C").verdict, Verdict::not_reached);
  const auto failed = result(ev, "no load");
  EXPECT_EQ(failed.verdict, Verdict::failed);
  ASSERT_EQ(failed.evidence.size(), 1u);
  EXPECT_EQ(failed.evidence[0].kind, "tftp.rrq");
  EXPECT_NE(failed.reason.find("since power-on; saw tftp.rrq"), std::string::npos) << failed.reason;
  EXPECT_EQ(result(ev, "no nak").verdict, Verdict::not_reached);
  EXPECT_FALSE(ev.passed());
}

TEST(StepsEvaluator, SignedNamesAndMacPlaceholdersMatch) {
  const wire::Mac phone = kMac;
  EventMatch m;
  m.kind = std::string(kKindFetched);
  m.files = {"SEP001E4A000001.cnf.xml"};
  auto status = [](std::string path, std::int64_t code) {
    return event(1.0, "http.status", {{"path", std::move(path)}, {"status", code}});
  };
  EXPECT_TRUE(matches(m, status("/SEP001E4A000001.cnf.xml.sgn", 200), phone));
  EXPECT_TRUE(matches(m, status("/sep001e4a000001.cnf.xml", 200), phone));
  EXPECT_FALSE(matches(m, status("/SEP001E4A000002.cnf.xml", 200), phone));
  EXPECT_FALSE(matches(m, status("/SEP001E4A000001.cnf.xml", 404), phone));
  EXPECT_TRUE(near_miss(m, status("/SEP001E4A000001.cnf.xml", 404), phone));
  EXPECT_TRUE(glob_match("*.loads", "sip88xx.14-2-1.loads"));
  EXPECT_TRUE(glob_match("SK*.xml", "SKdefault.xml"));
  EXPECT_FALSE(glob_match("SK*.xml", "SKdefault.xml.bak"));
  EXPECT_TRUE(glob_match("*a*b*", "xxaxxbxx"));

  // plan() substitutes {mac}, {device} and {load}, per phone.
  Expect e = expect(std::string(kKindFetched), 5);
  e.match.files = {"SEP{mac}.cnf.xml", "{device}.xml", "{load}.loads"};
  auto plans = plan_of({step(e)}, {phone_facts(kMac), phone_facts(kMac2, "cp8851-2")});
  ASSERT_EQ(plans.size(), 2u);
  const auto& first = std::get<Expect>(plans[0].steps[0].what).match.files;
  EXPECT_EQ(first, (std::vector<std::string>{"SEP001E4A000001.cnf.xml", "SEP001E4A000001.xml",
                                             "sip88xx.14-2-1-0001-14.loads"}));
  EXPECT_EQ(std::get<Expect>(plans[1].steps[0].what).match.files[0], "SEP001E4A000002.cnf.xml");
}

TEST(StepsEvaluator, DhcpOptionVlanAndAddressMatchers) {
  auto ack = event(1.0, "dhcp.ack",
                   {{"xid", std::int64_t{1}},
                    {"chaddr", kMac},
                    {"vlan", std::int64_t{100}},
                    {"src", kServer},
                    {"tftp_server_name", std::string("198.18.0.10")},
                    {"options", api::AttrList{"53", "54", "66"}}});
  EventMatch m;
  m.kind = "dhcp.ack";
  m.option_present = {66};
  m.option_absent = {150};
  m.option_equal = {{66, "198.18.0.10"}};
  m.vlan = 100;
  m.src = kServer;
  EXPECT_TRUE(matches(m, ack, kMac));
  m.vlan = EventMatch::kAnyTag;
  EXPECT_TRUE(matches(m, ack, kMac));
  m.vlan = 0;
  EXPECT_FALSE(matches(m, ack, kMac));
  m.vlan.reset();
  m.option_absent = {66};
  EXPECT_FALSE(matches(m, ack, kMac));
  m.option_absent.clear();
  m.option_equal = {{66, "198.18.0.11"}};
  EXPECT_FALSE(matches(m, ack, kMac));
  m.option_equal.clear();
  m.dst = kServer;
  EXPECT_FALSE(matches(m, ack, kMac));
  EXPECT_EQ(describe(m), "dhcp.ack with option 66 from 198.18.0.10 to 198.18.0.10");
}

TEST(StepsEvaluator, PowerNotConfirmedIsTheRigsFailure) {
  FakeRig rig; // no confirmation ever comes
  Power power;
  power.action = PowerAction::on;
  power.confirm_within = Millis(10'000);
  Evaluator ev(plan_of({step(power, "power"), step(expect("dhcp.ack", 5), "A")}), 1, rig);
  run(ev, rig, {});
  const auto r = result(ev, "power");
  EXPECT_EQ(r.verdict, Verdict::missing);
  EXPECT_TRUE(r.rig);
  EXPECT_TRUE(ev.rig_failed());
  EXPECT_EQ(r.reason, "cp8851-1: power on on port Gi1/0/1 not confirmed within 10 s (no "
                      "port.detection deliveringPower event)");
  EXPECT_EQ(result(ev, "A").verdict, Verdict::not_reached);
}

TEST(StepsEvaluator, APduConfirmsPowerWithTheSetAcknowledged) {
  FakeRig rig;
  rig.on_power = [](const PhoneFacts&, PowerAction, std::int64_t now) {
    auto e = switch_event(0, "power.on");
    e.time_ns = now + kS / 10;
    return std::vector<api::Event>{e};
  };
  Power power;
  power.action = PowerAction::on;
  EvaluatorOptions options;
  options.confirm_by_detection = false;
  Evaluator ev(plan_of({step(power, "power")}), 1, rig, options);
  run(ev, rig, {});
  EXPECT_EQ(result(ev, "power").verdict, Verdict::passed);
}

TEST(StepsEvaluator, WhatThePhoneDidBeforeTheConfirmationWasReadCountsFromPowerOn) {
  // The switch acknowledges the on set at 0.1 s; its detection status is polled and reads
  // deliveringPower only at 1.5 s; the phone's first frame is at 1.0 s. That frame is after
  // power-on: it counts, and the deadline still runs from the confirmation.
  FakeRig rig;
  rig.on_power = [](const PhoneFacts&, PowerAction, std::int64_t now) {
    auto on = switch_event(0, "power.on");
    on.time_ns = now + kS / 10;
    auto confirmed = switch_event(0, "port.detection", "deliveringPower");
    confirmed.time_ns = now + kS * 3 / 2;
    return std::vector<api::Event>{on, confirmed};
  };
  Power power;
  power.action = PowerAction::on;
  Expect first = expect("dhcp.discover", 5, After::power_on);
  Evaluator ev(plan_of({step(power, "power"), step(first, "A")}), 1, rig);
  run(ev, rig, {event(1.0, "dhcp.discover", {{"xid", std::int64_t{1}}, {"chaddr", kMac}})});
  EXPECT_EQ(result(ev, "power").verdict, Verdict::passed);
  const auto a = result(ev, "A");
  EXPECT_EQ(a.verdict, Verdict::passed) << a.reason;
  // Before the power was applied, nothing counts.
  FakeRig late;
  late.on_power = rig.on_power;
  Evaluator before(plan_of({step(power, "power"), step(first, "A")}), 1, late);
  run(before, late, {event(0.05, "dhcp.discover", {{"xid", std::int64_t{1}}, {"chaddr", kMac}})});
  EXPECT_EQ(result(before, "A").verdict, Verdict::missing);
}

TEST(StepsEvaluator, LabWideActionsHappenOnceWhenEveryPhoneReachedThem) {
  FakeRig rig;
  ServiceAction stop;
  stop.op = ServiceOp::stop;
  stop.services = {"tftp", "http"};
  ServiceAction start;
  start.op = ServiceOp::start;
  start.services = {"tftp", "http"};
  FaultAction loss;
  loss.vlan_role = "voice";
  loss.faults.loss_percent = 5;
  std::vector<api::Event> events = {
      event(1.0, "dhcp.ack", {{"xid", std::int64_t{1}}, {"chaddr", kMac}}),
      event(3.0, "dhcp.ack", {{"xid", std::int64_t{2}}, {"chaddr", kMac2}}, kMac2)};
  Evaluator ev(plan_of({step(stop), step(loss), step(expect("dhcp.ack", 10), "A"), step(start)},
                       {phone_facts(kMac), phone_facts(kMac2, "cp8851-2")}),
               1, rig);
  run(ev, rig, events);
  EXPECT_TRUE(ev.passed());
  EXPECT_EQ(rig.calls, (std::vector<std::string>{"service stop tftp http", "faults vlan 100 loss 5",
                                                 "service start tftp http"}));
  // The start waited for the slower phone's ACK at 3 s (+ the reorder window).
  auto results = ev.results();
  EXPECT_EQ(*results[0].cycles[0][3].at_ns, *results[1].cycles[0][3].at_ns);
  EXPECT_GE(*results[0].cycles[0][3].at_ns, kT0 + 3 * kS);
}

TEST(StepsEvaluator, AFailedServiceActionIsTheRigsAndStopsThePhones) {
  FakeRig rig;
  rig.service_error = "tftp: cannot bind 198.18.0.10:69: Address in use";
  ServiceAction start;
  start.op = ServiceOp::start;
  start.services = {"tftp"};
  Evaluator ev(plan_of({step(start, "start tftp"), step(expect("dhcp.ack", 10), "A")}), 1, rig);
  run(ev, rig, {});
  EXPECT_EQ(result(ev, "start tftp").verdict, Verdict::failed);
  EXPECT_TRUE(ev.rig_failed());
  EXPECT_EQ(result(ev, "start tftp").reason,
            "cp8851-1: start tftp failed: tftp: cannot bind 198.18.0.10:69: Address in use");
  EXPECT_EQ(result(ev, "A").verdict, Verdict::not_reached);
}

TEST(StepsEvaluator, RepeatGivesPerStepStatisticsAcrossCycles) {
  // Each power cycle is confirmed 1 s after the request; the ACK follows 1, 2, then 3 s later.
  int cycle = 0;
  FakeRig rig;
  rig.on_power = [&](const PhoneFacts&, PowerAction, std::int64_t now) {
    ++cycle;
    auto off = switch_event(0, "power.off");
    off.time_ns = now + kS / 2;
    auto on = switch_event(0, "port.detection", "deliveringPower");
    on.time_ns = now + kS;
    auto ack = event(0, "dhcp.ack", {{"xid", std::int64_t{cycle}}, {"chaddr", kMac}});
    ack.time_ns = now + kS + cycle * kS;
    return std::vector<api::Event>{off, on, ack};
  };
  Power power;
  Evaluator ev(plan_of({step(power, "power"), step(expect("dhcp.ack", 10), "ack")}), 3, rig);
  run(ev, rig, {});
  EXPECT_TRUE(ev.passed());
  auto results = ev.results();
  ASSERT_EQ(results[0].cycles.size(), 3u);
  EXPECT_EQ(rig.calls.size(), 3u);
  auto stats = ev.statistics()[0];
  ASSERT_EQ(stats.size(), 2u);
  EXPECT_EQ(stats[1].name, "ack");
  EXPECT_EQ(stats[1].passed, 3);
  EXPECT_EQ(stats[1].duration_p50_ns, 2 * kS);
  EXPECT_EQ(stats[1].duration_p95_ns, 3 * kS);
  EXPECT_EQ(stats[1].duration_max_ns, 3 * kS);
  EXPECT_EQ(*stats[1].since_power_on_p50_ns, 2 * kS);
}

TEST(StepsEvaluator, AFailedCycleLeavesTheRestNotReachedAndTheNextCycleRuns) {
  int cycle = 0;
  FakeRig rig;
  rig.on_power = [&](const PhoneFacts&, PowerAction, std::int64_t now) {
    ++cycle;
    auto on = switch_event(0, "port.detection", "deliveringPower");
    on.time_ns = now + kS;
    std::vector<api::Event> out{switch_event(0, "power.off"), on};
    out[0].time_ns = now + kS / 2;
    if (cycle != 2) { // the second boot never gets an ACK
      auto ack = event(0, "dhcp.ack", {{"xid", std::int64_t{cycle}}, {"chaddr", kMac}});
      ack.time_ns = now + 2 * kS;
      out.push_back(ack);
    }
    return out;
  };
  Evaluator ev(plan_of({step(Power{}, "power"), step(expect("dhcp.ack", 5), "ack"),
                        step(Wait{Millis(1000)}, "wait")}),
               3, rig);
  run(ev, rig, {});
  auto r = ev.results()[0];
  EXPECT_EQ(r.cycles[1][1].verdict, Verdict::missing);
  EXPECT_EQ(r.cycles[1][2].verdict, Verdict::not_reached);
  EXPECT_EQ(r.cycles[2][1].verdict, Verdict::passed);
  EXPECT_FALSE(ev.passed());
  EXPECT_EQ(ev.statistics()[0][1].passed, 2);
}

TEST(StepsEvaluator, EventsLateWithinTheReorderWindowStillDecide) {
  FakeRig rig;
  Evaluator ev(plan_of({step(expect("dhcp.ack", 10), "A"), step(expect("tftp.done", 10), "B")}), 1,
               rig);
  ev.start(kT0);
  ev.on_event(event(2.0, "tftp.done", {{"file", std::string("x")}, {"bytes", std::int64_t{1}}}));
  ev.advance(kT0 + 2 * kS + 100'000'000);
  // The ACK stamped 1.9 s arrives after the 2.0 s event: still within the window.
  ev.on_event(event(1.9, "dhcp.ack", {{"xid", std::int64_t{1}}, {"chaddr", kMac}}));
  ev.advance(kT0 + 3 * kS);
  EXPECT_TRUE(ev.done());
  EXPECT_TRUE(ev.passed());
}

// A capture's tftp.done is timed at the last DATA but seen at its ACK, which a lost ACK
// delays past what the phone did next (decoder: TftpTracker). Arriving seconds late, it
// still passes the fetch at its own time, and the SIP connect after it counts from there.
TEST(StepsEvaluator, AFetchSeenLateAfterWhatFollowedItStillOrdersTheSteps) {
  FakeRig rig;
  Expect config = expect(std::string(kKindFetched), 10);
  config.match.files = {"SEP{mac}.cnf.xml"};
  Evaluator ev(plan_of({step(config, "config"), step(expect(std::string(kKindSipConnect), 10),
                                                     "connect")}),
               1, rig);
  ev.start(kT0);
  ev.on_event(event(2.0, "tcp.established", {{"dst", kServer}, {"dst_port", std::int64_t{5060}}}));
  ev.advance(kT0 + 3 * kS);
  ev.advance(kT0 + 4 * kS);
  EXPECT_FALSE(ev.done());
  ev.on_event(event(1.0, "tftp.done",
                    {{"file", "SEP" + kMac.to_cisco() + ".cnf.xml"},
                     {"bytes", std::int64_t{100}},
                     {"ack_after_ms", std::int64_t{3000}}}));
  ev.advance(kT0 + 4 * kS + 1);
  ev.advance(kT0 + 5 * kS);
  EXPECT_TRUE(ev.done());
  EXPECT_TRUE(ev.passed());
  EXPECT_EQ(result(ev, "config").at_ns, kT0 + 1 * kS);
  EXPECT_EQ(result(ev, "connect").at_ns, kT0 + 2 * kS);
}

TEST(StepsEvaluator, StopEndsPendingStepsAsMissing) {
  FakeRig rig;
  Evaluator ev(plan_of({step(expect("dhcp.ack", 100), "A"), step(expect("tftp.done", 10), "B")}), 1,
               rig);
  ev.start(kT0);
  ev.advance(kT0 + 5 * kS);
  EXPECT_FALSE(ev.done());
  EXPECT_EQ(*ev.next_deadline(), kT0 + 100 * kS + 250'000'000);
  ev.stop(kT0 + 6 * kS, "interrupted");
  EXPECT_TRUE(ev.done());
  EXPECT_EQ(result(ev, "A").verdict, Verdict::missing);
  EXPECT_EQ(result(ev, "A").reason, "cp8851-1: A: interrupted");
  EXPECT_EQ(result(ev, "B").verdict, Verdict::not_reached);
}

TEST(StepsPlan, SelectorsNarrowPhonesAndANameThatSelectsNothingIsAnError) {
  std::vector<PhoneFacts> phones = {phone_facts(kMac), phone_facts(kMac2, "cp7821-1")};
  phones[1].model = "CP-7821";
  phones[1].tags = {"lobby"};
  StepSpec only_lobby = step(expect("dhcp.ack", 5), "lobby only");
  only_lobby.phones = PhoneSelector{false, {"lobby"}, 3, 0};
  LabFacts lab;
  auto plans = plan({step(expect("dhcp.ack", 5), "all"), only_lobby}, PhoneSelector{}, phones, lab);
  ASSERT_TRUE(plans.has_value());
  EXPECT_EQ(plans->at(0).steps.size(), 1u);
  EXPECT_EQ(plans->at(1).steps.size(), 2u);
  auto by_model =
      plan({step(expect("dhcp.ack", 5))}, PhoneSelector{false, {"cp-7821"}, 1, 0}, phones, lab);
  ASSERT_TRUE(by_model.has_value());
  ASSERT_EQ(by_model->size(), 1u);
  EXPECT_EQ(by_model->at(0).phone.id, "cp7821-1");
  auto typo =
      plan({step(expect("dhcp.ack", 5))}, PhoneSelector{false, {"cp9951"}, 4, 0}, phones, lab);
  ASSERT_FALSE(typo.has_value());
  EXPECT_EQ(typo.error().message,
            "line 4: phones: 'cp9951' is no phone id, model or tag of the lab");
  // A VLAN role the lab does not define, {load} for a phone without one.
  Expect voice = expect("dhcp.ack", 5);
  voice.match.vlan_role = "voice";
  EXPECT_FALSE(plan({step(voice)}, PhoneSelector{}, phones, lab).has_value());
  phones[0].load.reset();
  Expect load = expect(std::string(kKindFetched), 5);
  load.match.files = {"{load}.loads"};
  auto no_load = plan({step(load)}, PhoneSelector{false, {"cp8851-1"}, 1, 0}, phones, lab);
  ASSERT_FALSE(no_load.has_value());
  EXPECT_NE(no_load.error().message.find("phone 'cp8851-1' has no expected load"),
            std::string::npos);
}

TEST(StepsPlan, RegistrationOptionsShapeTheSequence) {
  Registration r;
  r.power.reset();
  r.skip = {"ctl", "itl", "after_registration"};
  r.expect_default_config = true;
  auto plans = plan_of({step(r)});
  std::vector<std::string> names;
  for (const auto& s : plans[0].steps)
    names.push_back(s.name);
  EXPECT_EQ(names, (std::vector<std::string>{"2 boot", "3 voice VLAN", "4 DHCP", "7 device config",
                                             "10 call manager", "11 register",
                                             "8 firmware: no load requested", "9 dial rules"}));
  const auto& config = std::get<Expect>(plans[0].steps[3].what);
  EXPECT_EQ(config.match.files, std::vector<std::string>{"XMLDefault.cnf.xml"});
  // Without a power step the boot counts from the previous step, not from a power-on.
  EXPECT_EQ(std::get<Expect>(plans[0].steps[0].what).after, After::previous);
  EXPECT_EQ(plans[0].steps[7].reference_step, std::optional<std::size_t>(3));
}

} // namespace
} // namespace phonerig::engine
