#include "harness/engine/timeline_steps.hpp"

#include <algorithm>
#include <set>

namespace phonerig::engine::detail {

namespace {

bool is_kind(const api::Event& e, std::string_view kind) { return e.kind == kind; }

std::optional<wire::Mac> mac_attr(const api::Event& e, std::string_view name) {
  if (const auto* v = e.attr(name)) {
    if (const auto* mac = std::get_if<wire::Mac>(v)) return *mac;
  }
  return std::nullopt;
}
std::optional<wire::Ipv4> ip_attr(const api::Event& e, std::string_view name) {
  if (const auto* v = e.attr(name)) {
    if (const auto* ip = std::get_if<wire::Ipv4>(v)) return *ip;
  }
  return std::nullopt;
}
std::string list_attr(const api::Event& e, std::string_view name) {
  std::string out;
  if (const auto* v = e.attr(name)) {
    if (const auto* list = std::get_if<api::AttrList>(v)) {
      for (const auto& item : *list) out += (out.empty() ? "" : ", ") + item;
    }
  }
  return out;
}

bool from_phone(const api::Event& e, const wire::Mac& phone) {
  return mac_attr(e, "src_mac") == phone;
}

void add(StepResult& step, const api::Event& e) {
  step.events.push_back(e);
  if (!step.first_ns || e.time_ns < *step.first_ns) step.first_ns = e.time_ns;
  if (!step.last_ns || e.time_ns > *step.last_ns) step.last_ns = e.time_ns;
}

}  // namespace

void power_step(StepResult& s, const Events& mine) {
  for (const auto& e : mine) {
    if (is_kind(e, "power.on") ||
        (is_kind(e, "port.detection") && e.string_attr("status") == "deliveringPower")) {
      add(s, e);
      s.status = StepStatus::passed;
      s.evidence = e.kind == "power.on" ? "power on " + e.string_attr("port").value_or("")
                                        : "deliveringPower on " + e.string_attr("port").value_or("");
      return;
    }
  }
  s.status = StepStatus::not_observed;
  s.note = "no switch events (a capture does not show PoE)";
}

void boot_step(StepResult& s, const Events& mine, const wire::Mac& phone,
               const TimelineOptions& options) {
  const api::Event* first = nullptr;
  for (const auto& e : mine) {
    if (e.source == api::EventSource::capture && from_phone(e, phone)) {
      first = &e;
      break;
    }
  }
  auto known = options.first_frames.find(phone);
  if (known != options.first_frames.end() && (first == nullptr || known->second < first->time_ns)) {
    s.status = StepStatus::passed;
    s.first_ns = s.last_ns = known->second;
    s.evidence = "first frame from " + phone.to_string();
    if (first != nullptr) s.events.push_back(*first);
    return;
  }
  if (first != nullptr) {
    add(s, *first);
    s.status = StepStatus::passed;
    s.evidence = "first frame from " + phone.to_string() + " (" + first->kind + ")";
    return;
  }
  // A relayed or CUCM-side capture never shows the phone's MAC: its first attributed event.
  for (const auto& e : mine) {
    if (e.source == api::EventSource::capture) {
      add(s, e);
      s.status = StepStatus::passed;
      s.evidence = "first frame attributed by address (" + e.kind + ")";
      return;
    }
  }
  s.note = "no frame from the phone";
}

void voice_vlan_step(StepResult& s, const Events& mine, std::span<const api::Event> shared,
                     const wire::Mac& phone, std::optional<std::int64_t> first_frame,
                     const TimelineOptions& options) {
  std::optional<std::int64_t> offered;
  std::string parts;
  auto say = [&](const std::string& text) { parts += (parts.empty() ? "" : "; ") + text; };
  // The switch side: CDP VoIP VLAN Reply (TLV 0x000e) or LLDP-MED network policy, to the
  // phone or to the port (multicast, no phone).
  auto switch_offer = [&](const api::Event& e) {
    if ((!is_kind(e, "cdp.rx") && !is_kind(e, "lldp.rx")) || from_phone(e, phone)) return false;
    auto vlan = e.integer_attr("voice_vlan");
    if (!vlan) return false;
    if (!offered) {
      offered = *vlan;
      s.events.push_back(e);
      say(std::string(is_kind(e, "cdp.rx") ? "switch CDP" : "switch LLDP-MED") + " voice VLAN " +
          std::to_string(*vlan));
    }
    return true;
  };
  for (const auto& e : mine) switch_offer(e);
  if (!offered) {
    for (const auto& e : shared) {
      if (first_frame && e.time_ns < *first_frame - options.switch_lookback_ns) continue;
      if (switch_offer(e)) break;
    }
  }
  bool phone_side = false;
  for (const auto& e : mine) {
    if (!from_phone(e, phone)) continue;
    if (is_kind(e, "cdp.rx") && !phone_side) {
      add(s, e);
      phone_side = true;
      say("phone CDP " + e.string_attr("device_id").value_or("?"));
    }
  }
  for (const auto& e : mine) {
    if (from_phone(e, phone) && is_kind(e, "lldp.rx")) {
      add(s, e);
      say("phone LLDP-MED" + (e.integer_attr("voice_vlan")
                                  ? " voice VLAN " + std::to_string(*e.integer_attr("voice_vlan"))
                                  : std::string()));
      break;
    }
  }
  std::optional<std::int64_t> tagged;
  for (const auto& e : mine) {
    if (e.source != api::EventSource::capture || !from_phone(e, phone)) continue;
    if (is_kind(e, "cdp.rx") || is_kind(e, "lldp.rx")) continue;
    if (auto vlan = e.integer_attr("vlan"); vlan && *vlan != 0) {
      add(s, e);
      tagged = *vlan;
      say("phone traffic tagged VLAN " + std::to_string(*vlan));
      break;
    }
  }
  s.evidence = parts;
  if (tagged) {
    s.status = StepStatus::passed;
    if (offered && *offered != *tagged) {
      s.status = StepStatus::failed;
      s.note = "the phone tags VLAN " + std::to_string(*tagged) + ", the switch offered " +
               std::to_string(*offered);
    }
  } else if (offered && phone_side) {
    s.status = StepStatus::passed;  // seen from the access side, where the tag is stripped
  } else if (phone_side || offered) {
    s.status = StepStatus::failed;
    s.note = offered ? "voice VLAN offered, no CDP or tagged traffic from the phone"
                     : "phone CDP seen, no voice VLAN offered and no tagged traffic";
  } else {
    s.note = "no CDP/LLDP from the phone and no tagged traffic";
  }
}

void dhcp_step(StepResult& s, const Events& mine) {
  const api::Event* ack = nullptr;
  std::set<std::string> seen;
  std::string nak;
  int discovers = 0;
  for (const auto& e : mine) {
    if (e.kind.rfind("dhcp.", 0) != 0 || e.source != api::EventSource::capture) continue;
    if (is_kind(e, "dhcp.discover")) ++discovers;
    if (is_kind(e, "dhcp.nak")) nak = e.string_attr("message").value_or("no reason given");
    if (seen.insert(e.kind).second) add(s, e);
    if (is_kind(e, "dhcp.ack")) {
      ack = &e;
      break;
    }
  }
  if (ack != nullptr) {
    s.status = StepStatus::passed;
    s.evidence = "DHCP ACK " + (ip_attr(*ack, "yiaddr") ? ip_attr(*ack, "yiaddr")->to_string()
                                                          : std::string("(no yiaddr)"));
    if (auto v = list_attr(*ack, "tftp_servers"); !v.empty()) s.evidence += " option 150=[" + v + "]";
    if (auto v = ack->string_attr("tftp_server_name")) s.evidence += " option 66=" + *v;
    if (ack->attr("tftp_servers") == nullptr && ack->attr("tftp_server_name") == nullptr) {
      s.note = "the ACK names no TFTP server (option 150 or 66)";
    }
    if (auto vlan = ack->integer_attr("vlan")) s.evidence += " on VLAN " + std::to_string(*vlan);
    return;
  }
  if (s.events.empty()) {
    s.note = "no DHCP from the phone";
    return;
  }
  s.status = StepStatus::failed;
  s.note = !nak.empty() ? "DHCP NAK: " + nak
                        : std::to_string(discovers) + " DISCOVER, no ACK";
  s.evidence = "DHCP " + s.events.back().kind.substr(5) + " last";
}

void file_step(StepResult& s, const std::vector<FileFetch>& files,
               std::initializer_list<FileRole> roles, bool needs_delivery,
               const char* missing_note) {
  bool any_ok = false;
  for (const auto& f : files) {
    if (std::find(roles.begin(), roles.end(), f.role) == roles.end()) continue;
    for (const auto& e : f.events()) add(s, e);
    any_ok = any_ok || f.ok;
    s.evidence += (s.evidence.empty() ? "" : "; ") + f.name + ": " + f.outcome();
  }
  if (s.events.empty()) {
    s.note = missing_note;
    return;
  }
  s.status = (any_ok || !needs_delivery) ? StepStatus::passed : StepStatus::failed;
  if (s.status == StepStatus::failed) s.note = "requested, never delivered";
}

namespace {
bool is_sip_port(std::optional<std::int64_t> port) { return port == 5060 || port == 5061; }

}  // namespace

void call_manager_step(StepResult& s, const Events& mine) {
  std::vector<std::string> attempts;  // SYN destinations, in order
  auto others = [&](const std::string& except) {
    std::string out;
    for (const auto& a : attempts) {
      if (a != except) out += (out.empty() ? "" : ", ") + a;
    }
    return out;
  };
  for (const auto& e : mine) {
    if ((is_kind(e, "tcp.syn") || is_kind(e, "tcp.established")) &&
        is_sip_port(e.integer_attr("dst_port"))) {
      add(s, e);
      auto dst = ip_attr(e, "dst");
      std::string where = (dst ? dst->to_string() : "?") + ":" +
                          std::to_string(*e.integer_attr("dst_port"));
      if (is_kind(e, "tcp.established")) {
        s.status = StepStatus::passed;
        s.evidence = "TCP " + (ip_attr(e, "src") ? ip_attr(e, "src")->to_string() : "?") + ":" +
                     std::to_string(e.integer_attr("src_port").value_or(0)) + " -> " + where +
                     " established";
        if (auto failed = others(where); !failed.empty()) {
          s.evidence += " (after SYN to " + failed + " went unanswered)";
        }
        return;
      }
      if (std::find(attempts.begin(), attempts.end(), where) == attempts.end()) {
        attempts.push_back(where);
      }
    }
  }
  // SIP over UDP has no connection: the first request to the CallManager stands for it.
  for (const auto& e : mine) {
    if (is_kind(e, "sip.request") && e.string_attr("transport") == "udp") {
      add(s, e);
      s.status = StepStatus::passed;
      auto dst = ip_attr(e, "dst");
      s.evidence = "SIP over UDP to " + (dst ? dst->to_string() : "?") + ":" +
                   std::to_string(e.integer_attr("dst_port").value_or(0));
      return;
    }
  }
  if (!attempts.empty()) {
    s.status = StepStatus::failed;
    s.note = "SYN to " + others("") + ", never established";
  } else {
    s.note = "no connection to a CallManager (TCP 5060/5061) and no SIP over UDP";
  }
}

void register_step(StepResult& s, const Events& mine) {
  std::string flow;
  const api::Event* final_answer = nullptr;
  for (const auto& e : mine) {
    if (is_kind(e, "sip.request") && e.string_attr("method") == "REGISTER") {
      add(s, e);
      flow += std::string(flow.empty() ? "" : " -> ") + "REGISTER" +
              (e.integer_attr("authorized") == 1 ? " (digest)" : "");
    } else if (is_kind(e, "sip.response") && e.string_attr("method") == "REGISTER" &&
               !s.events.empty()) {
      add(s, e);
      auto status = e.integer_attr("status").value_or(0);
      flow += " -> " + std::to_string(status);
      if (status >= 200) final_answer = &e;
      if (status >= 200 && status < 300) {
        s.status = StepStatus::passed;
        if (auto expires = e.integer_attr("expires")) {
          flow += " expires " + std::to_string(*expires);
        }
        s.evidence = flow;
        return;
      }
    }
  }
  s.evidence = flow;
  if (s.events.empty()) {
    s.note = "no REGISTER from the phone";
    return;
  }
  s.status = StepStatus::failed;
  if (final_answer != nullptr && final_answer->integer_attr("status") != 401) {
    s.note = "REGISTER answered " + std::to_string(*final_answer->integer_attr("status")) + " " +
             final_answer->string_attr("reason").value_or("");
  } else {
    s.note = final_answer != nullptr ? "challenged, never accepted" : "REGISTER never answered";
  }
}

void check_order(PhoneTimeline& t) {
  const StepResult* previous = nullptr;
  for (Step step : kAllSteps) {
    StepResult& s = t.step(step);
    if (!order_asserted(step) || !s.first_ns) continue;
    if (previous != nullptr && *s.first_ns < *previous->first_ns) {
      s.out_of_order = true;
      std::string note = "began before step " + std::string(step_number(previous->step)) + " " +
                         std::string(step_name(previous->step));
      s.note += (s.note.empty() ? "" : "; ") + note;
      continue;  // keep the earlier step as the reference
    }
    previous = &s;
  }
}

}  // namespace phonerig::engine::detail
