// A synthetic lab for the emulated phone's pure core: a switch that answers CDP/LLDP, a
// DHCP server, a file server (HTTP 6970 and TFTP), CallManagers with a digest registrar.
// Each action the phone emits is logged (Action::describe) and answered at once.
#pragma once

#include <deque>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "drivers/wire/cdp.hpp"
#include "drivers/wire/dhcp.hpp"
#include "drivers/wire/lldp.hpp"
#include "drivers/wire/sip_digest.hpp"
#include "drivers/wire/sip_headers.hpp"
#include "drivers/wire/sip_message.hpp"
#include "lab/sim/phone/load_manifest.hpp"
#include "lab/sim/phone/phone.hpp"

namespace phonerig::sim::phone::testing {

inline wire::ByteVector to_bytes(std::string_view text) {
  return wire::ByteVector(text.begin(), text.end());
}

struct CmSpec {
  int priority;
  std::string host;
};

inline std::string device_xml(const std::vector<CmSpec>& cms, const std::string& load,
                              const std::string& password = "s3cr3t") {
  std::string members;
  for (const auto& cm : cms) {
    members += "<member priority=\"" + std::to_string(cm.priority) +
               "\"><callManager><ports><sipPort>5060</sipPort></ports><processNodeName>" + cm.host +
               "</processNodeName></callManager></member>";
  }
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?><device><fullConfig>true</fullConfig>"
         "<devicePool><callManagerGroup><members>" + members +
         "</members></callManagerGroup></devicePool><sipProfile><sipStack>"
         "<timerRegisterExpires>3600</timerRegisterExpires><timerRegisterDelta>5</timerRegisterDelta>"
         "</sipStack><sipLines><line button=\"1\" lineIndex=\"1\"><featureID>9</featureID>"
         "<proxy>USECALLMANAGER</proxy><name>1003</name><displayName>Lab 1003</displayName>"
         "<authName>1003</authName><authPassword>" + password + "</authPassword><contact>1003</contact>"
         "</line></sipLines><dialTemplate>dialplan.xml</dialTemplate><softKeyFile>softkeys.xml</softKeyFile>"
         "</sipProfile><loadInformation>" + load + "</loadInformation>"
         "<userLocale><name>English_United_States</name></userLocale>"
         "<networkLocaleInfo><name>United_States</name></networkLocaleInfo>"
         "<transportLayerProtocol>1</transportLayerProtocol></device>";
}

class World {
 public:
  explicit World(Config config) : phone(std::move(config)) {
    const std::string mac = phone.config().mac.to_cisco();
    files["ITLSEP" + mac + ".tlv"] = to_bytes("itl");
    files["SEP" + mac + ".cnf.xml"] =
        to_bytes(device_xml({{0, "198.18.0.10"}, {1, "198.18.0.11"}}, phone.config().running_load));
    for (const char* name : {"dialplan.xml", "softkeys.xml", "English_United_States/sl-be-sip.jar",
                             "English_United_States/sp-sip.jar", "United_States/g3-tones.xml",
                             "Ringlist-wb.xml"}) {
      files[name] = to_bytes(std::string("content of ") + name);
    }
  }

  // Knobs of the world.
  bool switch_cdp = true, switch_lldp = false;
  std::uint16_t vlan = 100;
  std::vector<wire::Ipv4> option150{*wire::Ipv4::parse("198.18.0.10")};
  std::string option66;  // empty: not sent
  bool dhcp_nak_first = false;
  std::map<std::string, wire::ByteVector> files;  // served over both transports
  std::set<std::string> http_missing;             // not over HTTP (CUCM answers 503)
  std::map<std::string, int> lost;                // file -> fetches left that time out
  std::set<std::string> refuse, silent;           // CallManagers refusing / timing out
  std::string password = "s3cr3t";
  std::uint32_t granted = 120;

  Phone phone;
  Millis now = 0;
  std::vector<Action> actions;  // everything the phone did
  std::vector<std::string> log;
  std::vector<std::string> registers;  // REGISTER texts
  std::vector<std::pair<std::string, Millis>> register_times;
  bool respond = true;

  void boot() { feed(phone.power_on(now)); }

  void run_until(Millis until) {
    pump();
    while (auto d = phone.next_deadline()) {
      if (*d > until) break;
      now = std::max(now, *d);
      feed(phone.on_timer(now));
      pump();
    }
    now = until;
  }

  std::size_t index_of(const std::string& prefix, std::size_t from = 0) const {
    for (std::size_t i = from; i < log.size(); ++i) {
      if (log[i].rfind(prefix, 0) == 0) return i;
    }
    return std::string::npos;
  }
  std::size_t count(const std::string& prefix) const {
    std::size_t n = 0;
    for (const auto& line : log) n += line.rfind(prefix, 0) == 0;
    return n;
  }
  const Action* first(Action::Kind kind, const std::string& text = {}) const {
    for (const auto& a : actions) {
      if (a.kind == kind && (text.empty() || a.text == text)) return &a;
    }
    return nullptr;
  }

 private:
  std::deque<Action> pending_;
  bool sent_switch_frames_ = false;

  void feed(std::vector<Action> more) {
    for (auto& a : more) pending_.push_back(std::move(a));
  }

  void pump() {
    while (!pending_.empty()) {
      Action a = std::move(pending_.front());
      pending_.pop_front();
      log.push_back(a.describe());
      actions.push_back(a);
      if (respond) answer(a);
    }
  }

  void answer(const Action& a) {
    switch (a.kind) {
      case Action::Kind::send_frame:
        if (!sent_switch_frames_) {
          sent_switch_frames_ = true;
          if (switch_cdp) feed(phone.on_frame(now, switch_cdp_frame()));
          if (switch_lldp) feed(phone.on_frame(now, switch_lldp_frame()));
        }
        break;
      case Action::Kind::send_dhcp: feed(phone.on_dhcp(now, dhcp_reply(a.bytes))); break;
      case Action::Kind::fetch: {
        FetchResult r{a.file, a.transport, FetchOutcome::not_found, {}};
        if (auto l = lost.find(a.file); l != lost.end() && l->second > 0) {
          --l->second;
          r.outcome = FetchOutcome::timeout;
          feed(phone.on_fetch(now, r));
          break;
        }
        auto it = files.find(a.file);
        const bool http_ok = a.transport != Transport::http || !http_missing.count(a.file);
        if (it != files.end() && http_ok) {
          r.outcome = FetchOutcome::ok;
          r.bytes = it->second;
        }
        feed(phone.on_fetch(now, r));
        break;
      }
      case Action::Kind::connect:
        if (refuse.count(a.server)) {
          feed(phone.on_connect(now, ConnectOutcome::refused, 0));
        } else if (silent.count(a.server)) {
          feed(phone.on_connect(now, ConnectOutcome::timeout, 0));
        } else {
          current_cm_ = a.server;
          feed(phone.on_connect(now, ConnectOutcome::connected, 51778));
        }
        break;
      case Action::Kind::send_sip: registrar(a.text); break;
      case Action::Kind::reboot: sent_switch_frames_ = false; break;
      default: break;
    }
  }

  std::string current_cm_;

  wire::ByteVector switch_cdp_frame() const {
    wire::cdp::Packet p;
    p.add(wire::cdp::DeviceId{"lab-sw1"});
    p.add(wire::cdp::PortId{"GigabitEthernet1/0/5"});
    p.add(wire::cdp::Capabilities{wire::cdp::capability::kAccessSwitch});
    p.add(wire::cdp::VoipVlanReply{1, vlan});
    return wire::cdp::build_frame(*wire::Mac::parse("00:00:5e:00:53:01"), p);
  }
  wire::ByteVector switch_lldp_frame() const {
    wire::lldp::Packet p;
    p.chassis_id = wire::lldp::ChassisId::mac(*wire::Mac::parse("00:00:5e:00:53:01"));
    p.port_id = wire::lldp::PortId::interface_name("Gi1/0/5");
    wire::lldp::NetworkPolicy policy;
    policy.tagged = true;
    policy.vlan_id = vlan;
    policy.priority = 5;
    policy.dscp = 46;
    p.tlvs.push_back(policy);
    return wire::lldp::build_frame(*wire::Mac::parse("00:00:5e:00:53:01"), p);
  }

  wire::ByteVector dhcp_reply(const wire::ByteVector& request_bytes) {
    namespace dhcp = wire::dhcp;
    auto request = dhcp::parse(request_bytes);
    dhcp::Message reply;
    reply.op = dhcp::Op::reply;
    reply.xid = request->xid;
    reply.chaddr = request->chaddr;
    reply.yiaddr = *wire::Ipv4::parse("198.18.0.100");
    const bool is_request = *request->options.message_type() == dhcp::MessageType::request;
    if (is_request && dhcp_nak_first) {
      dhcp_nak_first = false;
      reply.yiaddr = {};
      reply.options.set_message_type(dhcp::MessageType::nak);
      reply.options.set_server_id(*wire::Ipv4::parse("198.18.0.1"));
      return dhcp::build(reply);
    }
    reply.options.set_message_type(is_request ? dhcp::MessageType::ack : dhcp::MessageType::offer);
    reply.options.set_server_id(*wire::Ipv4::parse("198.18.0.1"));
    reply.options.set_lease_time(3600);
    reply.options.set_subnet_mask(*wire::Ipv4::parse("255.255.255.0"));
    std::vector<wire::Ipv4> routers{*wire::Ipv4::parse("198.18.0.1")};
    reply.options.set_routers(routers);
    if (!option150.empty()) reply.options.set_tftp_server_addresses(option150);
    if (!option66.empty()) reply.options.set_tftp_server_name(option66);
    return dhcp::build(reply);
  }

  void registrar(const std::string& text) {
    namespace sip = wire::sip;
    registers.push_back(text);
    register_times.emplace_back(current_cm_, now);
    auto request = sip::parse(text);
    auto response = sip::Message::response(200, "OK");
    bool ok = false;
    if (auto creds = sip::authorization(*request)) {
      auto expected = sip::expected_response(*creds, password, "REGISTER");
      ok = expected && *expected == creds->response;
    }
    if (!ok) response = sip::Message::response(401, "Unauthorized");
    for (const char* name : {"Via", "From", "To", "Call-ID", "CSeq"}) {
      response.add(name, std::string(*request->get(name)));
    }
    if (ok) {
      response.add("Contact", std::string(*request->get("Contact")) + ";x-cisco-newreg");
      response.add("Expires", std::to_string(granted));
    } else {
      response.add("WWW-Authenticate",
                   "Digest realm=\"ccmsipline\", nonce=\"ABCDEF0123456789\", algorithm=MD5");
    }
    response.add("Content-Length", "0");
    feed(phone.on_sip(now, wire::as_bytes(sip::build_string(response))));
  }
};

}  // namespace phonerig::sim::phone::testing
