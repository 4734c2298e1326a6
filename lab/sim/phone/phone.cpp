// The boot sequence up to the SIP connection: announcements, voice VLAN, DHCP, files,
// firmware steps start here; files are in phone_files.cpp, SIP in phone_sip.cpp.
#include "lab/sim/phone/phone.hpp"

#include <algorithm>

#include "drivers/wire/cdp.hpp"
#include "drivers/wire/dhcp.hpp"
#include "drivers/wire/link.hpp"
#include "drivers/wire/lldp.hpp"
#include "lab/sim/phone/frames.hpp"

namespace phonerig::sim::phone {
namespace {

constexpr Millis kVlanWaitMs = 5000;       // per announcement, before giving up on a voice VLAN
constexpr int kVlanAnnouncements = 3;      // then DHCP on the native VLAN
constexpr Millis kAnnounceEveryMs = 60000; // CDP timer (reference 1.7)
constexpr Millis kDhcpFirstRetryMs = 4000; // 4, 8, 16, 32, 64 s (reference 10)
constexpr int kRequestTries = 4;

const char* transport_name(Transport t) { return t == Transport::http ? "http" : "tftp"; }

}  // namespace

std::string Action::describe() const {
  switch (kind) {
    case Kind::send_frame: return "send_frame " + text;
    case Kind::use_voice_vlan: return "use_voice_vlan " + std::to_string(vlan);
    case Kind::send_dhcp: return "send_dhcp " + text;
    case Kind::configure_ip: return "configure_ip " + address.to_string();
    case Kind::fetch:
      return "fetch " + file + " " + transport_name(transport) + " " + server + ":" +
             std::to_string(port);
    case Kind::write_flash: return "write_flash " + load;
    case Kind::reboot: return "reboot " + load;
    case Kind::crash: return "crash " + text;
    case Kind::connect:
      return std::string("connect ") + (udp ? "udp " : "tcp ") + server + ":" + std::to_string(port);
    case Kind::send_sip: return "send_sip " + text.substr(0, text.find(' '));
    case Kind::status: return "status " + text;
  }
  return "?";
}

Phone::Phone(Config config)
    : config_(std::move(config)), info_(model_info(config_.model)), rng_(config_.seed | 1) {}

std::optional<Millis> Phone::next_deadline() const {
  if (!deadline_) return announce_at_;
  if (!announce_at_) return deadline_;
  return std::min(*deadline_, *announce_at_);
}

std::uint32_t Phone::next_random() {  // xorshift32: deterministic per seed
  rng_ ^= rng_ << 13;
  rng_ ^= rng_ >> 17;
  rng_ ^= rng_ << 5;
  return rng_;
}

std::string Phone::hex_random(int digits) {
  static const char* hex = "0123456789abcdef";
  std::string out;
  while (static_cast<int>(out.size()) < digits) {
    std::uint32_t r = next_random();
    for (int i = 0; i < 8 && static_cast<int>(out.size()) < digits; ++i, r >>= 4) out += hex[r & 0xf];
  }
  return out;
}

std::vector<Action> Phone::power_on(Millis now) {
  std::vector<Action> out;
  last_reset_ = "power-on";
  boot(now, out);
  return out;
}

void Phone::power_off() {
  state_ = State::off;
  deadline_.reset();
  announce_at_.reset();
}

void Phone::boot(Millis now, std::vector<Action>& /*out*/) {
  state_ = State::booting;
  deadline_ = now + config_.boot_delay_ms;
  announce_at_.reset();
  voice_vlan_.reset();
  announcements_ = 0;
  my_ip_ = offered_ = server_id_ = wire::Ipv4{};
  tftp_server_.clear();
  queue_.clear();
  after_register_phase_ = after_register_done_ = config_retry_ = false;
  device_.reset();
  manifest_.reset();
  parts_.clear();
  member_ = 0;
  first_register_ = true;
  answered_challenge_ = false;
  stream_.clear();
  call_id_.clear();
}

void Phone::announce(std::vector<Action>& out) {
  if (config_.cdp) {
    Action a{Action::Kind::send_frame};
    a.text = "cdp";
    a.bytes = build_cdp_frame(config_, info_, my_ip_);
    out.push_back(std::move(a));
  }
  Action a{Action::Kind::send_frame};
  a.text = "lldp";
  a.bytes = build_lldp_frame(config_, info_, voice_vlan_);
  out.push_back(std::move(a));
}

std::vector<Action> Phone::on_timer(Millis now) {
  std::vector<Action> out;
  if (state_ == State::off) return out;
  if (announce_at_ && now >= *announce_at_) {
    announce(out);
    announce_at_ = now + scaled(kAnnounceEveryMs);
  }
  if (!deadline_ || now < *deadline_) return out;
  deadline_.reset();
  switch (state_) {
    case State::booting:
      announce(out);
      announce_at_ = now + scaled(kAnnounceEveryMs);
      announcements_ = 1;
      state_ = State::discovering_vlan;
      deadline_ = now + scaled(kVlanWaitMs);
      break;
    case State::discovering_vlan:
      if (announcements_ < kVlanAnnouncements) {
        announce(out);
        ++announcements_;
        deadline_ = now + scaled(kVlanWaitMs);
      } else {
        out.push_back({Action::Kind::status});
        out.back().text = "no voice VLAN heard, staying on the native VLAN";
        start_dhcp(now, out);
      }
      break;
    case State::dhcp_selecting: send_discover(now, out); break;
    case State::dhcp_requesting:
      if (dhcp_tries_ < kRequestTries) {
        send_request(now, out);
      } else {
        start_dhcp(now, out);
      }
      break;
    case State::fetching:
      if (config_retry_) {
        config_retry_ = false;
        start_fetch(now, FetchPurpose::device_config, "SEP" + config_.mac.to_cisco() + ".cnf.xml", out);
      }
      break;
    case State::registering:
      fail_over(now, "no final answer to REGISTER", out);
      break;
    case State::registered:
      send_register(now, nullptr, out);
      break;
    case State::register_failed:
      member_ = 0;
      connect_member(now, out);
      break;
    case State::off:
    case State::connecting:
      break;
  }
  return out;
}

std::vector<Action> Phone::on_frame(Millis now, wire::Bytes frame) {
  std::vector<Action> out;
  if (state_ != State::discovering_vlan) return out;
  auto link = wire::parse_link(wire::LinkType::ethernet, frame);
  if (!link) return out;
  std::optional<std::uint16_t> vlan;
  if (wire::cdp::is_cdp(*link)) {
    if (!config_.cdp) return out;  // no CDP support: CDP is noise
    auto decoded = wire::cdp::parse(link->payload, link->payload_offset);
    if (decoded) vlan = decoded->packet.voice_vlan();
  } else if (link->ethertype == wire::ethertype::kLldp) {
    auto packet = wire::lldp::parse(link->payload);
    if (packet) {
      auto policy = wire::lldp::find_policy(*packet, wire::lldp::app_type::kVoice);
      if (policy && !policy->unknown && policy->tagged && policy->vlan_id != 0) vlan = policy->vlan_id;
    }
  }
  if (!vlan || *vlan == 0 || *vlan >= 4095) return out;
  voice_vlan_ = *vlan;
  Action a{Action::Kind::use_voice_vlan};
  a.vlan = *vlan;
  out.push_back(std::move(a));
  start_dhcp(now, out);
  return out;
}

void Phone::start_dhcp(Millis now, std::vector<Action>& out) {
  xid_ = next_random();
  dhcp_tries_ = 0;
  send_discover(now, out);
}

void Phone::send_discover(Millis now, std::vector<Action>& out) {
  state_ = State::dhcp_selecting;
  Action a{Action::Kind::send_dhcp};
  a.text = "DISCOVER";
  a.bytes = build_dhcp(config_, info_, false, xid_, {}, {});
  out.push_back(std::move(a));
  deadline_ = now + scaled(kDhcpFirstRetryMs << std::min(dhcp_tries_, 4));
  ++dhcp_tries_;
}

void Phone::send_request(Millis now, std::vector<Action>& out) {
  state_ = State::dhcp_requesting;
  Action a{Action::Kind::send_dhcp};
  a.text = "REQUEST";
  a.bytes = build_dhcp(config_, info_, true, xid_, offered_, server_id_);
  out.push_back(std::move(a));
  deadline_ = now + scaled(kDhcpFirstRetryMs << std::min(dhcp_tries_, 4));
  ++dhcp_tries_;
}

std::vector<Action> Phone::on_dhcp(Millis now, wire::Bytes payload) {
  namespace dhcp = wire::dhcp;
  std::vector<Action> out;
  if (state_ != State::dhcp_selecting && state_ != State::dhcp_requesting) return out;
  auto message = dhcp::parse(payload);
  if (!message || message->op != dhcp::Op::reply || message->xid != xid_) return out;
  if (message->mac() != config_.mac) return out;
  auto type = message->options.message_type();
  if (!type) return out;
  if (state_ == State::dhcp_selecting && *type == dhcp::MessageType::offer) {
    offered_ = message->yiaddr;
    auto sid = message->options.server_id();
    server_id_ = (sid && *sid) ? **sid : message->siaddr;
    dhcp_tries_ = 0;
    send_request(now, out);
    return out;
  }
  if (state_ != State::dhcp_requesting) return out;
  if (*type == dhcp::MessageType::nak) {
    out.push_back({Action::Kind::status});
    out.back().text = "DHCP NAK, back to DISCOVER";
    start_dhcp(now, out);
    return out;
  }
  if (*type != dhcp::MessageType::ack) return out;
  deadline_.reset();
  my_ip_ = message->yiaddr;
  Action ip{Action::Kind::configure_ip};
  ip.address = my_ip_;
  if (auto mask = message->options.subnet_mask(); mask && *mask) ip.mask = **mask;
  if (auto routers = message->options.routers(); routers && !routers->empty()) ip.router = routers->front();
  out.push_back(std::move(ip));

  tftp_server_.clear();
  auto list = message->options.tftp_server_addresses();
  if (!config_.ignore_option_150 && list && !list->empty()) {
    tftp_server_ = list->front().to_string();
  } else if (auto name = message->options.tftp_server_name(); name && *name) {
    tftp_server_ = **name;
    while (!tftp_server_.empty() && tftp_server_.back() == '\0') tftp_server_.pop_back();
  } else if (!message->siaddr.is_zero()) {
    tftp_server_ = message->siaddr.to_string();
  }
  if (tftp_server_.empty()) {
    out.push_back({Action::Kind::status});
    out.back().text = "no TFTP server in the lease (150, 66, siaddr)";
    state_ = State::fetching;
    return out;
  }
  state_ = State::fetching;
  const std::string mac = config_.mac.to_cisco();
  if (!skipped(Step::ctl)) {
    if (!skipped(Step::itl)) queue_.push_back({FetchPurpose::itl, "ITLSEP" + mac + ".tlv"});
    start_fetch(now, FetchPurpose::ctl, "CTLSEP" + mac + ".tlv", out);
  } else if (!skipped(Step::itl)) {
    start_fetch(now, FetchPurpose::itl, "ITLSEP" + mac + ".tlv", out);
  } else {
    start_fetch(now, FetchPurpose::device_config, "SEP" + mac + ".cnf.xml", out);
  }
  return out;
}

}  // namespace phonerig::sim::phone
