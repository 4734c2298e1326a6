// plan(): scenario steps -> what each phone runs. The `registration` step expands here into
// the sequence of DESIGN.md ("The registration sequence"): the order of steps 1-8, 10 and 11
// is asserted (each counts from the one before), 9 and 12-14 count from the device config
// and may come before or after 11.
#include "harness/engine/steps.hpp"

#include <algorithm>

namespace phonerig::engine {

namespace {

using namespace std::chrono_literals;

// Deadlines of the expanded sequence, each from the step before unless said otherwise.
// Generous against the simulated phone's and real phones' retry timers: DHCP retransmits
// at 4, 8, 16 s; a failed config fetch is retried after 30 s; SIP Timer F is 32 s.
constexpr Millis kPowerConfirm = 60s; // a cycle holds power off 5 s, then detection
constexpr Millis kBoot = 60s;         // from power-on confirmed to the first frame
constexpr Millis kVoiceVlan = 60s;    // three CDP periods of 5 s, then DHCP
constexpr Millis kDhcp = 60s;
constexpr Millis kTrustList = 30s;    // CTL, ITL
constexpr Millis kDeviceConfig = 90s; // one 30 s retry and some
constexpr Millis kLoadManifest = 30s;
constexpr Millis kReboot = 300s;     // the load parts, the flash write, the reboot
constexpr Millis kCallManager = 90s; // Timer F to a dead primary, then the next
constexpr Millis kRegister = 60s;
constexpr Millis kAfterConfig = 180s; // dial rules, soft keys, ring list, locale

api::Error config_error(std::string message) {
  return api::Error{api::Fault::config, std::move(message)};
}

bool skipped(const Registration& r, std::string_view id) {
  return std::find(r.skip.begin(), r.skip.end(), id) != r.skip.end();
}

Expect expect(std::string kind, Millis within, After after = After::previous) {
  Expect e;
  e.match.kind = std::move(kind);
  e.within = within;
  e.after = after;
  return e;
}

struct Builder {
  const PhoneFacts& phone;
  const LabFacts& lab;
  std::vector<PlannedStep>& out;
  int line = 0;
  std::optional<api::Error> error;

  std::size_t add(std::string name, decltype(PlannedStep::what) what,
                  std::optional<std::size_t> reference = std::nullopt) {
    PlannedStep step;
    step.name = std::move(name);
    step.line = line;
    step.index = out.size();
    step.what = std::move(what);
    step.reference_step = reference;
    out.push_back(std::move(step));
    return out.back().index;
  }

  std::string substitute(const std::string& text) {
    std::string result;
    for (std::size_t i = 0; i < text.size();) {
      auto take = [&](std::string_view key, const std::string& value) {
        if (text.compare(i, key.size(), key) != 0) return false;
        result += value;
        i += key.size();
        return true;
      };
      if (take("{mac}", phone.mac.to_cisco()) || take("{device}", phone.device_name())) continue;
      if (text.compare(i, 6, "{load}") == 0) {
        if (!phone.load) {
          error = config_error("line " + std::to_string(line) + ": {load} is used, but phone '" +
                               phone.id +
                               "' has no expected load (phones[].load or "
                               "services.loads for model " +
                               phone.model + ")");
        }
        result += phone.load.value_or("");
        i += 6;
        continue;
      }
      result += text[i++];
    }
    return result;
  }

  std::optional<int> vlan_of(const std::string& role) {
    auto vlan = role == "voice" ? lab.voice_vlan : lab.data_vlan;
    if (!vlan) {
      error = config_error("line " + std::to_string(line) + ": the lab defines no " + role +
                           " VLAN (switch.vlans." + role + ")");
    }
    return vlan;
  }

  void resolve(EventMatch& m) {
    for (auto& f : m.files)
      f = substitute(f);
    for (auto& [name, value] : m.attrs)
      value = substitute(value);
    for (auto& [code, value] : m.option_equal)
      value = substitute(value);
    if (m.vlan_role) {
      m.vlan = vlan_of(*m.vlan_role);
      m.vlan_role.reset();
    }
  }

  void registration(const Registration& r) {
    auto has = [&](std::string_view id) { return !skipped(r, id); };
    bool powered_here = false;
    if (r.power && has("power")) {
      add("1 power", ConfirmPower{*r.power, kPowerConfirm});
      powered_here = *r.power != PowerAction::off;
    }
    if (has("boot")) {
      Expect e =
          expect(std::string(kKindAny), kBoot, powered_here ? After::power_on : After::previous);
      e.match.from_phone = true;
      e.match.origin = api::EventSource::capture;
      add("2 boot", e);
    }
    auto voice_vlan = [&](const std::string& name, Millis within, bool new_load) {
      Expect e = expect(new_load ? "cdp.rx" : std::string(kKindAny), within);
      e.match.from_phone = true;
      e.match.origin = api::EventSource::capture;
      if (new_load) {
        // The phone announces its running load in CDP (TLV 0x0005) after the reboot.
        e.match.attrs.emplace_back("software_version", substitute("*{load}*"));
      } else {
        e.match.vlan = lab.voice_vlan.value_or(EventMatch::kAnyTag);
      }
      add(name, e);
    };
    auto dhcp = [&](const std::string& name) { add(name, expect("dhcp.ack", kDhcp)); };
    auto file = [&](const std::string& name, std::string_view kind, std::vector<std::string> files,
                    Millis within, std::optional<std::size_t> reference = std::nullopt) {
      Expect e = expect(std::string(kind), within);
      e.match.files = std::move(files);
      for (auto& f : e.match.files)
        f = substitute(f);
      return add(name, e, reference);
    };
    const std::string config_name =
        r.expect_default_config ? "XMLDefault.cnf.xml" : "SEP{mac}.cnf.xml";
    if (has("voice_vlan")) voice_vlan("3 voice VLAN", kVoiceVlan, false);
    if (has("dhcp")) dhcp("4 DHCP");
    if (has("ctl")) file("5 CTL", kKindRequested, {"CTLSEP{mac}.tlv"}, kTrustList);
    if (has("itl")) file("6 ITL", kKindRequested, {"ITLSEP{mac}.tlv"}, kTrustList);
    std::optional<std::size_t> config;
    if (has("device_config")) {
      config = file("7 device config", kKindFetched, {config_name}, kDeviceConfig);
    }
    const bool upgrade = r.expect_firmware_upgrade && has("firmware");
    if (upgrade) {
      file("8 firmware: load manifest", kKindFetched, {"{load}.loads"}, kLoadManifest);
      // The second pass of steps 2-7 with the new load (DESIGN.md).
      voice_vlan("8 firmware: rebooted with the new load", kReboot, true);
      if (has("dhcp")) dhcp("8 firmware: DHCP again");
      if (has("device_config")) {
        config =
            file("8 firmware: device config again", kKindFetched, {config_name}, kDeviceConfig);
      }
    }
    if (has("call_manager"))
      add("10 call manager", expect(std::string(kKindSipConnect), kCallManager));
    if (has("register")) {
      if (upgrade) {
        Expect ua = expect("sip.request", kRegister);
        ua.match.method = "REGISTER";
        ua.match.attrs.emplace_back("user_agent", substitute("*{load}*"));
        add("11 register: new load in User-Agent", ua);
      }
      Expect e = expect("sip.response", kRegister);
      e.match.method = "REGISTER";
      e.match.status = 200;
      add("11 register", e);
    }
    if (!r.expect_firmware_upgrade && has("firmware")) {
      // The load in the config is the running one: no load download since power-on.
      Absent a;
      a.match.kind = std::string(kKindRequested);
      a.match.files = {"*.loads"};
      a.after = After::power_on;
      add("8 firmware: no load requested", a);
    }
    if (has("dial_rules")) {
      file("9 dial rules", kKindFetched, {"*dial*"}, kAfterConfig, config);
    }
    if (has("after_registration")) {
      file("12-14 soft keys", kKindFetched, {"*softkey*", "SK*.xml"}, kAfterConfig, config);
      file("12-14 ring list and locale", kKindRequested,
           {"*ringlist*", "*.jar", "*tones.xml", "*locale*"}, kAfterConfig, config);
    }
  }
};

std::string default_name(const StepSpec& spec) {
  return std::visit(
      [](const auto& what) -> std::string {
        using T = std::decay_t<decltype(what)>;
        if constexpr (std::is_same_v<T, Expect>) {
          return "expect " + describe(what.match);
        } else if constexpr (std::is_same_v<T, Absent>) {
          return "absent " + describe(what.match);
        } else if constexpr (std::is_same_v<T, Power>) {
          return "power " + std::string(to_string(what.action));
        } else if constexpr (std::is_same_v<T, Wait>) {
          return "wait " + std::to_string(what.duration.count()) + " ms";
        } else if constexpr (std::is_same_v<T, ServiceAction>) {
          std::string out = "service " + std::string(to_string(what.op));
          for (const auto& s : what.services)
            out += " " + s;
          if (what.address) out += " " + what.address->to_string();
          return out;
        } else if constexpr (std::is_same_v<T, FaultAction>) {
          std::string out = "fault";
          if (what.port) out += " port " + *what.port;
          if (what.vlan) out += " vlan " + std::to_string(*what.vlan);
          if (what.vlan_role) out += " vlan " + *what.vlan_role;
          if (what.clear) out += " clear";
          if (what.flap) out += " flap";
          return out;
        } else {
          return "group";
        }
      },
      spec.what);
}

} // namespace

api::Result<std::vector<PhonePlan>> plan(const std::vector<StepSpec>& steps,
                                         const PhoneSelector& phones,
                                         const std::vector<PhoneFacts>& lab_phones,
                                         const LabFacts& lab) {
  // Every name of every selector must name something: a typo selects nothing silently.
  auto check_selector = [&](const PhoneSelector& s) -> std::optional<api::Error> {
    for (const auto& name : s.names) {
      PhoneSelector one{false, {name}, s.line, s.column};
      bool any = std::any_of(lab_phones.begin(), lab_phones.end(),
                             [&](const PhoneFacts& p) { return selects(one, p); });
      if (!any) {
        return config_error("line " + std::to_string(s.line) + ": phones: '" + name +
                            "' is no phone id, model or tag of the lab");
      }
    }
    return std::nullopt;
  };
  if (auto e = check_selector(phones)) return wire::unexpected(*e);
  for (const auto& spec : steps) {
    if (spec.phones) {
      if (auto e = check_selector(*spec.phones)) return wire::unexpected(*e);
    }
  }

  std::vector<PhonePlan> plans;
  for (const auto& phone : lab_phones) {
    if (!selects(phones, phone)) continue;
    PhonePlan p;
    p.phone = phone;
    Builder b{phone, lab, p.steps, 0, std::nullopt};
    int barrier = 0;
    int group = 0;
    for (const auto& spec : steps) {
      b.line = spec.line;
      const bool lab_wide = std::holds_alternative<ServiceAction>(spec.what) ||
                            std::holds_alternative<FaultAction>(spec.what);
      if (lab_wide) ++barrier;
      if (!lab_wide && spec.phones && !selects(*spec.phones, phone)) continue;
      std::string name = spec.name.empty() ? default_name(spec) : spec.name;
      if (const auto* r = std::get_if<Registration>(&spec.what)) {
        b.registration(*r);
      } else if (const auto* e = std::get_if<Expect>(&spec.what)) {
        Expect copy = *e;
        b.resolve(copy.match);
        b.add(name, copy);
      } else if (const auto* a = std::get_if<Absent>(&spec.what)) {
        Absent copy = *a;
        b.resolve(copy.match);
        b.add(name, copy);
      } else if (const auto* power = std::get_if<Power>(&spec.what)) {
        b.add(name, ConfirmPower{power->action, power->confirm_within});
      } else if (const auto* wait = std::get_if<Wait>(&spec.what)) {
        b.add(name, *wait);
      } else if (const auto* service = std::get_if<ServiceAction>(&spec.what)) {
        p.steps[b.add(name, *service)].barrier = barrier - 1;
      } else if (const auto* fault = std::get_if<FaultAction>(&spec.what)) {
        ResolvedFault resolved;
        if (fault->flap) resolved.flap.emplace(fault->port.value_or(""), *fault->flap);
        if (!fault->flap || fault->clear || fault->faults.any()) {
          std::optional<int> vlan = fault->vlan;
          if (fault->vlan_role) vlan = b.vlan_of(*fault->vlan_role);
          if (fault->port) {
            resolved.scope = api::FaultScope::of_port(*fault->port);
          } else if (vlan) {
            resolved.scope = api::FaultScope::of_vlan(static_cast<std::uint16_t>(*vlan));
          }
          resolved.faults = fault->clear ? api::Faults{} : fault->faults;
        }
        p.steps[b.add(name, resolved)].barrier = barrier - 1;
      } else if (const auto* any = std::get_if<AnyOrder>(&spec.what)) {
        for (const auto& member : any->members) {
          if (member.phones && !selects(*member.phones, phone)) continue;
          b.line = member.line;
          std::string member_name = member.name.empty() ? default_name(member) : member.name;
          std::size_t index = 0;
          if (const auto* e = std::get_if<Expect>(&member.what)) {
            Expect copy = *e;
            b.resolve(copy.match);
            index = b.add(member_name, copy);
          } else if (const auto* a = std::get_if<Absent>(&member.what)) {
            Absent copy = *a;
            b.resolve(copy.match);
            index = b.add(member_name, copy);
          } else {
            return wire::unexpected(config_error("line " + std::to_string(member.line) +
                                                 ": any_order holds expect and absent steps only"));
          }
          p.steps[index].group = group;
        }
        ++group;
      }
      if (b.error) return wire::unexpected(*b.error);
    }
    plans.push_back(std::move(p));
  }
  return plans;
}

} // namespace phonerig::engine
