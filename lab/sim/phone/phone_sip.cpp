// The SIP half of the emulated phone: CallManager failover, REGISTER as a CP-7821 sends it
// (reference 8.1), digest answer (8.5), refresh before the granted expiry (reference 10).
#include <algorithm>

#include "drivers/wire/sip_digest.hpp"
#include "drivers/wire/sip_headers.hpp"
#include "drivers/wire/sip_message.hpp"
#include "lab/sim/phone/phone.hpp"

namespace phonerig::sim::phone {
namespace {

constexpr Millis kTimerF = 32000;          // 64 x T1 (reference 10)
constexpr Millis kRegisterRetryMs = 60000; // after a failed registration
constexpr const char* kSupported =
    "replaces,join,sdp-anat,norefersub,resource-priority,extended-refer,X-cisco-callinfo,"
    "X-cisco-serviceuri,X-cisco-escapecodes,X-cisco-service-control,X-cisco-srtp-fallback,"
    "X-cisco-monrec,X-cisco-config,X-cisco-sis-7.0.0,X-cisco-xsi-8.5.1";

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

}  // namespace

bool Phone::use_udp() const {
  return config_.udp_transport || (device_ && device_->transport == 2);
}

void Phone::connect_member(Millis now, std::vector<Action>& out) {
  if (!device_ || member_ >= device_->call_managers.size()) {
    out.push_back({Action::Kind::status});
    out.back().text = "no CallManager reachable";
    state_ = State::register_failed;
    deadline_ = now + scaled(kRegisterRetryMs);
    return;
  }
  const CallManager& cm = device_->call_managers[member_];
  Action a{Action::Kind::connect};
  a.server = cm.host;
  a.port = cm.sip_port;
  a.udp = use_udp();
  out.push_back(std::move(a));
  state_ = State::connecting;
  deadline_.reset();
}

std::vector<Action> Phone::on_connect(Millis now, ConnectOutcome outcome, std::uint16_t local_port) {
  std::vector<Action> out;
  if (state_ != State::connecting) return out;
  if (outcome == ConnectOutcome::connected) {
    local_port_ = local_port;
    stream_.clear();
    answered_challenge_ = false;
    send_register(now, nullptr, out);
  } else {
    fail_over(now, outcome == ConnectOutcome::refused ? "refused" : "timed out", out);
  }
  return out;
}

void Phone::fail_over(Millis now, const std::string& why, std::vector<Action>& out) {
  if (device_ && member_ < device_->call_managers.size()) {
    const CallManager& cm = device_->call_managers[member_];
    out.push_back({Action::Kind::status});
    out.back().text = "CallManager " + cm.host + ":" + std::to_string(cm.sip_port) + " " + why +
                      ", trying the next member";
  }
  ++member_;
  connect_member(now, out);
}

void Phone::send_register(Millis now, const std::string* authorization, std::vector<Action>& out) {
  const CallManager& cm = device_->call_managers[member_];
  const Line line = device_->lines.empty() ? Line{} : device_->lines.front();
  const std::string mac_lower = lower(config_.mac.to_cisco());
  const std::string ip = my_ip_.to_string();
  const std::string transport = use_udp() ? "UDP" : "TCP";
  if (call_id_.empty()) {
    call_id_ = mac_lower.substr(0, 8) + "-" + mac_lower.substr(8, 4) + "0003-" + hex_random(8) +
               "-" + hex_random(8) + "@" + ip;
    from_tag_ = mac_lower + hex_random(12) + "-" + hex_random(8);
    contact_user_ = line.contact;
    if (contact_user_.empty()) {
      contact_user_ = hex_random(8) + "-" + hex_random(4) + "-" + hex_random(4) + "-" +
                      hex_random(4) + "-" + hex_random(12);
    }
  }
  std::string host = cm.host;
  if (cm.sip_port != 5060) host += ":" + std::to_string(cm.sip_port);
  const std::string uri = "sip:" + host;
  // No line (XMLDefault.cnf.xml has none): the device name stands as the user, never an
  // empty one (`sip:@host` is not a SIP URI); a registrar without that user refuses it.
  const std::string user = line.name.empty() ? "SEP" + config_.mac.to_cisco() : line.name;
  const std::string aor = "<sip:" + user + "@" + host + ">";

  auto message = wire::sip::Message::request("REGISTER", uri);
  message.add("Via", "SIP/2.0/" + transport + " " + ip + ":" + std::to_string(local_port_) +
                         ";branch=z9hG4bK" + hex_random(8));
  message.add("From", aor + ";tag=" + from_tag_);
  message.add("To", aor);
  message.add("Call-ID", call_id_);
  message.add("Max-Forwards", "70");
  message.add("Session-ID", "cead41d700105000a000" + mac_lower +
                                ";remote=00000000000000000000000000000000");
  message.add("CSeq", std::to_string(++cseq_) + " REGISTER");
  message.add("User-Agent", info_.user_agent + "/" + config_.running_load);
  message.add("Contact", "<sip:" + contact_user_ + "@" + ip + ":" + std::to_string(local_port_) +
                             ";transport=" + lower(transport) + ">;+sip.instance=\"<urn:uuid:" +
                             "00000000-0000-0000-0000-" + mac_lower + ">\";" +
                             "+u.sip!devicename.ccm.cisco.com=\"SEP" + config_.mac.to_cisco() +
                             "\";+u.sip!model.ccm.cisco.com=\"" +
                             std::to_string(info_.model_enum) + "\";reg-id=1");
  if (authorization) message.add("Authorization", *authorization);
  message.add("Supported", kSupported);
  if (first_register_) {
    message.add("Reason", "SIP;cause=200;text=\"cisco-alarm:23 Name=SEP" + config_.mac.to_cisco() +
                              " ActiveLoad=" + config_.running_load + ".loads InactiveLoad=" +
                              config_.inactive_load + ".loads Last=" + last_reset_ + "\"");
  }
  message.add("Expires", std::to_string(device_->register_expires));
  message.add("Content-Length", "0");
  Action a{Action::Kind::send_sip};
  a.text = wire::sip::build_string(message);
  out.push_back(std::move(a));
  state_ = State::registering;
  deadline_ = now + scaled(kTimerF);
}

std::vector<Action> Phone::on_sip(Millis now, wire::Bytes bytes) {
  std::vector<Action> out;
  if (state_ != State::registering && state_ != State::registered) return out;
  stream_.append(wire::as_string_view(bytes));
  while (!stream_.empty()) {
    auto frame = wire::sip::parse_stream(wire::as_bytes(stream_));
    if (frame.status == wire::sip::StreamFrame::Status::need_more) break;
    if (frame.status == wire::sip::StreamFrame::Status::error) {
      out.push_back({Action::Kind::status});
      out.back().text = "malformed SIP from the CallManager: " + frame.error.to_string();
      stream_.clear();
      break;
    }
    stream_.erase(0, frame.consumed);
    if (frame.message.is_response()) handle_response(now, frame.message, out);
    if (frame.consumed == 0) break;
  }
  return out;
}

void Phone::handle_response(Millis now, const wire::sip::Message& response, std::vector<Action>& out) {
  namespace sip = wire::sip;
  if (state_ != State::registering) return;
  auto cseq = sip::cseq(response);
  auto call_id = sip::call_id(response);
  if (!cseq || cseq->method != "REGISTER" || cseq->number != cseq_ || !call_id || *call_id != call_id_) {
    return;
  }
  const int code = response.status_code;
  auto status = [&](std::string line) {
    out.push_back({Action::Kind::status});
    out.back().text = std::move(line);
  };
  if (code < 200) return;
  if (code == 401 || code == 407) {
    auto challenge = code == 401 ? sip::www_authenticate(response) : sip::proxy_authenticate(response);
    const bool stale = challenge && challenge->stale.value_or(false);
    if (!challenge || (answered_challenge_ && !stale)) {
      status("register failed: " + std::to_string(code) + " after credentials");
      state_ = State::register_failed;
      deadline_ = now + scaled(kRegisterRetryMs);
      return;
    }
    const Line line = device_->lines.empty() ? Line{} : device_->lines.front();
    const std::string password = config_.password_override.value_or(line.auth_password);
    const CallManager& cm = device_->call_managers[member_];
    std::string uri = "sip:" + cm.host;
    if (cm.sip_port != 5060) uri += ":" + std::to_string(cm.sip_port);
    sip::DigestCredentials creds;
    creds.username = line.auth_name;
    creds.realm = challenge->realm;
    creds.nonce = challenge->nonce;
    creds.uri = uri;
    creds.algorithm = challenge->algorithm;
    creds.opaque = challenge->opaque;
    sip::DigestInput input;
    input.algorithm = challenge->digest_algorithm().value_or(sip::DigestAlgorithm::md5);
    input.username = creds.username;
    input.realm = creds.realm;
    input.password = password;
    input.method = "REGISTER";
    input.uri = creds.uri;
    input.nonce = creds.nonce;
    std::string cnonce;
    if (std::find(challenge->qop.begin(), challenge->qop.end(), "auth") != challenge->qop.end()) {
      cnonce = hex_random(8);
      creds.qop = "auth";
      creds.nc = "00000001";
      creds.cnonce = cnonce;
      input.qop = "auth";
      input.nc = "00000001";
      input.cnonce = cnonce;
    }
    creds.response = sip::compute_response(input);
    const std::string header = sip::to_string(creds);
    answered_challenge_ = true;
    send_register(now, &header, out);
    if (code == 407) {  // same credentials, other header name
      auto& sent = out.back().text;
      const auto at = sent.find("Authorization: ");
      if (at != std::string::npos) sent.insert(at, "Proxy-");
    }
    return;
  }
  if (code >= 200 && code < 300) {
    std::uint32_t granted = device_->register_expires;
    if (auto header = sip::expires(response); header && *header) granted = **header;
    if (auto list = sip::contacts(response); list) {
      for (const auto& contact : list->contacts) {
        if (contact.uri.user == contact_user_ && contact.expires()) granted = *contact.expires();
      }
    }
    first_register_ = false;
    answered_challenge_ = false;
    state_ = State::registered;
    const std::uint32_t delta = device_->register_delta;
    const std::uint32_t refresh = granted > 2 * delta ? granted - delta : granted / 2;
    deadline_ = now + static_cast<Millis>(std::max<std::uint32_t>(refresh, 1)) * 1000;
    status("registered " + std::to_string(granted) + " s with " + device_->call_managers[member_].host);
    if (!after_register_done_) after_register_files(now, out);
    return;
  }
  if (code >= 500 || code == 408) {
    fail_over(now, "answered " + std::to_string(code), out);
    return;
  }
  status("register failed: " + std::to_string(code) + " " + response.reason);
  state_ = State::register_failed;
  deadline_ = now + scaled(kRegisterRetryMs);
}

}  // namespace phonerig::sim::phone
