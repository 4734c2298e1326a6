// A sample run for the report tests: two phones, the second failing at registration (a 401
// never answered), with evidence, a missing step, steps not reached, repeat statistics and
// names that need escaping.
#pragma once

#include "drivers/api/event.hpp"
#include "harness/report/run_report.hpp"

namespace phonerig::report::testing {

inline constexpr std::int64_t kPowerOnNs = 1'795'000'000'000'000'000;

inline api::Event sample_event(std::string kind, const char* mac, std::int64_t ms) {
  api::Event event;
  event.time_ns = kPowerOnNs + ms * 1'000'000;
  event.source = api::EventSource::capture;
  event.phone = *wire::Mac::parse(mac);
  event.kind = std::move(kind);
  return event;
}

inline StepReport sample_step(std::string name, std::string kind, StepResult result,
                              std::optional<std::int64_t> started, std::optional<std::int64_t> ended,
                              std::optional<std::int64_t> deadline, std::string reason = {}) {
  StepReport step;
  step.name = std::move(name);
  step.kind = std::move(kind);
  step.result = result;
  step.started_ms = started;
  step.ended_ms = ended;
  step.deadline_ms = deadline;
  step.reason = std::move(reason);
  return step;
}

inline PhoneReport sample_phone(const std::string& id, const char* mac, bool fails) {
  PhoneReport phone;
  phone.id = id;
  phone.mac = *wire::Mac::parse(mac);
  phone.model = "CP-8845";
  phone.port = id == "phone1" ? "Gi1/0/1" : "Gi1/0/2";
  phone.pcap = "pcap/" + id + ".pcap";
  phone.result = fails ? RunResult::failed : RunResult::passed;

  StepReport power = sample_step("power", "registration.power", StepResult::passed, 0, 0, 5000);
  StepReport boot = sample_step("boot", "registration.boot", StepResult::passed, 0, 2100, 30000);
  StepReport vlan = sample_step("voice VLAN", "registration.voice_vlan", StepResult::passed, 2100, 3200, 40000);
  StepReport dhcp = sample_step("DHCP", "registration.dhcp", StepResult::passed, 3300, 3560, 45000);
  api::Event ack = sample_event("dhcp.ack", mac, 3560);
  ack.source = api::EventSource::service;
  ack.attrs["xid"] = std::int64_t{0x1234};
  ack.attrs["chaddr"] = *wire::Mac::parse(mac);
  ack.attrs["yiaddr"] = *wire::Ipv4::parse("198.18.0.101");
  ack.attrs["tftp_servers"] = api::AttrList{"198.18.0.10"};
  dhcp.evidence.push_back(ack);
  StepReport config = sample_step("device config", "registration.device_config",
                                  StepResult::passed, 4000, 4400, 60000);
  api::Event get = sample_event("http.get", mac, 4000);
  get.attrs["path"] = std::string("/SEP001E4A000001.cnf.xml");
  get.attrs["src"] = *wire::Ipv4::parse("198.18.0.101");
  get.attrs["dst_port"] = std::int64_t{6970};
  config.evidence.push_back(get);
  StepReport firmware = sample_step("firmware", "registration.firmware", StepResult::skipped,
                                    std::nullopt, std::nullopt, std::nullopt,
                                    "the load in the config is the running one");
  phone.steps = {power, boot, vlan, dhcp, config, firmware};
  if (fails) {
    StepReport registration = sample_step("register", "registration.register", StepResult::failed,
                                          6000, 36000, 36000,
                                          "REGISTER answered 401, no authorised REGISTER before "
                                          "the deadline <wrong password?> & \"quotes\"");
    api::Event challenge = sample_event("sip.response", mac, 6010);
    challenge.attrs["status"] = std::int64_t{401};
    challenge.attrs["dst"] = *wire::Ipv4::parse("198.18.0.102");
    registration.evidence.push_back(challenge);
    StepReport dial = sample_step("dial rules", "registration.dial_rules", StepResult::missing,
                                  std::nullopt, std::nullopt, 60000, "no request for the dial rules");
    StepReport after = sample_step("after registration", "registration.after",
                                   StepResult::not_reached, std::nullopt, std::nullopt, std::nullopt,
                                   "registration failed");
    phone.steps.push_back(registration);
    phone.steps.push_back(dial);
    phone.steps.push_back(after);
  } else {
    StepReport registration = sample_step("register", "registration.register", StepResult::passed,
                                          6000, 6400, 36000);
    registration.stats = StepStats{6400, 7100, 7300, 3};
    StepReport dial = sample_step("dial rules", "registration.dial_rules", StepResult::passed,
                                  5000, 5100, 60000);
    StepReport after = sample_step("after registration", "registration.after", StepResult::passed,
                                   6500, 7200, 90000);
    phone.steps.push_back(registration);
    phone.steps.push_back(dial);
    phone.steps.push_back(after);
  }
  return phone;
}

inline RunReport sample_report() {
  RunReport report;
  report.scenario_name = "cold-boot <all>";
  report.scenario_file = "scenarios/cold-boot.yaml";
  report.started_unix_ms = kPowerOnNs / 1'000'000 - 1500;
  report.duration_ms = 61'234;
  report.result = RunResult::failed;
  report.exit_code = 1;
  report.lab = "sim";
  report.capture_dropped = 0;
  report.repeat = 1;
  report.phones = {sample_phone("phone1", "00:1e:4a:00:00:01", false),
                   sample_phone("phone2", "00:1e:4a:00:00:02", true)};
  return report;
}

}  // namespace phonerig::report::testing
