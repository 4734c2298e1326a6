#include "lab/sim/phoned/phone_shell.hpp"

#include <boost/asio/post.hpp>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <fstream>
#include <iomanip>
#include <ostream>
#include <sstream>

#include "drivers/wire/cdp.hpp"
#include "drivers/wire/dhcp.hpp"
#include "drivers/wire/ip.hpp"
#include "drivers/wire/link.hpp"
#include "drivers/wire/lldp.hpp"
#include "drivers/wire/packet.hpp"
#include "lab/sim/phoned/netdev.hpp"

namespace phonerig::sim::phoned {
namespace asio = boost::asio;
namespace fs = std::filesystem;
using phone::Action;
using std::chrono::milliseconds;

namespace {

const char* outcome_name(phone::FetchOutcome o) {
  switch (o) {
    case phone::FetchOutcome::ok: return "ok";
    case phone::FetchOutcome::not_found: return "not found";
    case phone::FetchOutcome::timeout: return "timed out";
    case phone::FetchOutcome::error: return "failed";
  }
  return "?";
}

const char* connect_name(phone::ConnectOutcome o) {
  switch (o) {
    case phone::ConnectOutcome::connected: return "connected";
    case phone::ConnectOutcome::refused: return "refused";
    case phone::ConnectOutcome::timeout: return "timed out";
  }
  return "?";
}

// cdp.tx / cdp.rx from a CDP frame.
std::optional<api::Event> cdp_event(const char* kind, const wire::LinkFrame& link) {
  auto decoded = wire::cdp::parse(link.payload, link.payload_offset);
  if (!decoded) return std::nullopt;
  const auto& p = decoded->packet;
  auto e = api::make_event(api::EventSource::service, kind);
  e.attrs["device_id"] = p.device_id().value_or("");
  if (auto v = p.port_id()) e.attrs["port_id"] = *v;
  if (auto v = p.platform()) e.attrs["platform"] = *v;
  if (auto v = p.software_version()) e.attrs["software_version"] = *v;
  if (auto v = p.capabilities()) e.attrs["capabilities"] = std::int64_t{*v};
  if (auto v = p.native_vlan()) e.attrs["native_vlan"] = std::int64_t{*v};
  if (auto v = p.voice_vlan()) e.attrs["voice_vlan"] = std::int64_t{*v};
  if (auto q = p.find<wire::cdp::VoipVlanQuery>()) e.attrs["voice_vlan_query"] = std::int64_t{q->vlan};
  api::AttrList addresses;
  for (const auto& a : p.addresses()) addresses.push_back(a.to_string());
  if (!addresses.empty()) e.attrs["addresses"] = addresses;
  e.attrs["checksum_ok"] = std::int64_t{decoded->checksum_good};
  if (link.src) e.attrs["src_mac"] = *link.src;
  if (link.dst) e.attrs["dst_mac"] = *link.dst;
  return e;
}

std::optional<api::Event> dhcp_event(wire::Bytes payload, std::optional<std::uint16_t> vlan) {
  namespace dhcp = wire::dhcp;
  auto m = dhcp::parse(payload);
  if (!m) return std::nullopt;
  auto type = m->options.message_type();
  auto mac = m->mac();
  if (!type || !mac) return std::nullopt;
  std::string kind = "dhcp.";
  for (char c : std::string(dhcp::to_string(*type))) kind += static_cast<char>(std::tolower(c));
  if (!api::find_kind(kind)) return std::nullopt;
  auto e = api::make_event(api::EventSource::service, kind);
  e.attrs["xid"] = std::int64_t{m->xid};
  e.attrs["chaddr"] = *mac;
  if (!m->yiaddr.is_zero()) e.attrs["yiaddr"] = m->yiaddr;
  if (auto v = m->options.server_id(); v && *v) e.attrs["server_id"] = **v;
  if (auto v = m->options.requested_ip(); v && *v) e.attrs["requested_ip"] = **v;
  if (auto v = m->options.lease_time(); v && *v) e.attrs["lease_s"] = std::int64_t{**v};
  if (auto v = m->options.tftp_server_addresses(); v && !v->empty()) {
    api::AttrList list;
    for (auto a : *v) list.push_back(a.to_string());
    e.attrs["tftp_servers"] = list;
  }
  if (auto v = m->options.tftp_server_name(); v && *v) {
    std::string name = **v;
    while (!name.empty() && name.back() == '\0') name.pop_back();
    e.attrs["tftp_server_name"] = name;
  }
  if (auto v = m->options.vendor_class(); v && *v) {
    std::string text = **v;
    while (!text.empty() && text.back() == '\0') text.pop_back();
    e.attrs["vendor_class"] = text;
  }
  if (vlan) e.attrs["vlan"] = std::int64_t{*vlan};
  return e;
}

}  // namespace

PhoneShell::PhoneShell(asio::io_context& io, PhoneFile file, api::EventSink& events, std::ostream& log)
    : io_(io),
      file_(std::move(file)),
      events_(events),
      log_(log),
      core_(file_.phone),
      timer_(io),
      link_timer_(io),
      epoch_(std::chrono::steady_clock::now()) {}

PhoneShell::~PhoneShell() {
  *alive_ = false;
  stop();
}

api::Result<std::unique_ptr<PhoneShell>> PhoneShell::start(asio::io_context& io, PhoneFile file,
                                                           api::EventSink& events, std::ostream& log) {
  if (auto load = flash_running_load(file.flash)) {
    if (*load != file.phone.running_load) {
      file.phone.inactive_load = file.phone.running_load;
      file.phone.running_load = *load;
    }
  }
  auto tagger = Tagger::open(io.get_executor(), file.port_interface, file.tap, file.phone.mac, true);
  if (!tagger) return wire::unexpected(tagger.error());
  std::unique_ptr<PhoneShell> shell(new PhoneShell(io, std::move(file), events, log));
  shell->tagger_ = std::move(*tagger);
  PhoneShell* self = shell.get();
  shell->tagger_->set_hook([self](const wire::ByteVector& frame) { return self->on_port_frame(frame); });
  shell->tagger_->start();
  shell->log("power on: " + shell->file_.phone.mac.to_string() + " running " +
             shell->file_.phone.running_load + ", port " + shell->file_.port_interface + ", tap " +
             shell->file_.tap);
  shell->run(shell->core_.power_on(shell->now()));
  shell->schedule();
  return shell;
}

void PhoneShell::stop() {
  if (stopped_) return;
  stopped_ = true;
  drop_connections();
  timer_.cancel();
  if (tagger_) tagger_->stop();
}

phone::Millis PhoneShell::now() const {
  return std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() - epoch_).count();
}

milliseconds PhoneShell::scaled(milliseconds ms) const {
  return file_.phone.short_timers ? ms / 10 : ms;
}

void PhoneShell::log(const std::string& text) const { log_line(log_, file_.id, text); }

void PhoneShell::emit(api::Event event) const {
  event.source = api::EventSource::service;
  event.phone = file_.phone.mac;
  if (auto ok = api::validate(event); !ok) {
    log("internal: event " + event.kind + " not valid: " + ok.error().message);
    return;
  }
  events_.emit(std::move(event));
}

void PhoneShell::schedule() {
  if (crashed_ || stopped_) return;
  auto deadline = core_.next_deadline();
  if (!deadline) {
    timer_.cancel();
    return;
  }
  timer_.expires_at(epoch_ + milliseconds(*deadline));
  auto alive = alive_;
  const auto at = *deadline;
  timer_.async_wait([this, alive, at](const boost::system::error_code& ec) {
    if (ec || !*alive || crashed_ || stopped_) return;
    if (core_.next_deadline() != at) return;  // rescheduled meanwhile
    run(core_.on_timer(now()));
    schedule();
  });
}

void PhoneShell::drop_connections() {
  ++generation_;
  if (http_) http_->cancel();
  if (tftp_) tftp_->cancel();
  if (sip_) sip_->close();
  http_.reset();
  tftp_.reset();
  sip_.reset();
}

bool PhoneShell::on_port_frame(const wire::ByteVector& frame) {
  if (crashed_ || stopped_) return true;
  auto packet = wire::decode_packet(wire::LinkType::ethernet, frame);
  if (!packet) return false;
  const auto& link = packet->link;
  const std::uint16_t vid = link.vlans.empty() ? 0 : link.vlans.front().vid;
  if (vid == 0 && (wire::cdp::is_cdp(link) || link.ethertype == wire::ethertype::kLldp)) {
    if (link.src && *link.src == file_.phone.mac) return true;  // our own, reflected
    if (wire::cdp::is_cdp(link)) {
      if (auto e = cdp_event("cdp.rx", link)) emit(std::move(*e));
    }
    run(core_.on_frame(now(), frame));
    schedule();
    return true;
  }
  if (vid == tagger_->vlan() && packet->udp && packet->udp->dst_port == 68 &&
      packet->udp->src_port == 67) {
    std::optional<std::uint16_t> vlan;
    if (!link.vlans.empty()) vlan = vid;
    if (auto e = dhcp_event(packet->udp->payload, vlan)) {
      if (packet->ipv4) e->attrs["src"] = packet->ipv4->header.src;
      if (std::get<wire::Mac>(e->attrs["chaddr"]) == file_.phone.mac) emit(std::move(*e));
    }
    run(core_.on_dhcp(now(), packet->udp->payload));
    schedule();
    return true;
  }
  return false;
}

void PhoneShell::run(std::vector<Action> actions) {
  for (auto& action : actions) {
    if (crashed_ || stopped_) return;
    act(action);
  }
}

void PhoneShell::act(Action& action) {
  using K = Action::Kind;
  if (action.kind != K::status) log(action.describe());
  auto alive = alive_;
  const auto generation = generation_;
  Emitter emitter{&events_, file_.phone.mac};
  switch (action.kind) {
    case K::send_frame: {
      if (!tagger_->send(action.bytes)) log("send_frame failed: " + std::string(std::strerror(errno)));
      auto link = wire::parse_link(wire::LinkType::ethernet, action.bytes);
      if (link && wire::cdp::is_cdp(*link)) {
        if (auto e = cdp_event("cdp.tx", *link)) emit(std::move(*e));
      } else if (link && link->ethertype == wire::ethertype::kLldp) {
        auto e = api::make_event(api::EventSource::service, "lldp.tx");
        e.attrs["chassis_id"] = file_.phone.mac.to_string();
        e.attrs["port_id"] = file_.phone.mac.to_string();
        e.attrs["system_name"] = "SEP" + file_.phone.mac.to_cisco();
        e.attrs["med_class"] = std::int64_t{3};
        e.attrs["software_revision"] = core_.running_load();
        e.attrs["src_mac"] = file_.phone.mac;
        emit(std::move(e));
      }
      return;
    }
    case K::use_voice_vlan:
      tagger_->set_vlan(action.vlan);
      return;
    case K::send_dhcp: {
      wire::EthernetHeader eth;
      eth.dst = wire::Mac::broadcast();
      eth.src = file_.phone.mac;
      if (tagger_->vlan() != 0) eth.vlans.push_back(wire::VlanTag{wire::ethertype::kVlan, 0, false, tagger_->vlan()});
      wire::Ipv4Build ip;
      ip.src = wire::Ipv4::any();
      ip.dst = wire::Ipv4::broadcast();
      ip.protocol = wire::ip_protocol::kUdp;
      ip.ttl = 64;
      const auto frame = wire::build_udp_frame(eth, ip, 68, 67, action.bytes);
      if (!tagger_->send(frame)) log("send_dhcp failed: " + std::string(std::strerror(errno)));
      std::optional<std::uint16_t> vlan;
      if (tagger_->vlan() != 0) vlan = tagger_->vlan();
      if (auto e = dhcp_event(action.bytes, vlan)) {
        e->attrs["src_mac"] = file_.phone.mac;
        emit(std::move(*e));
      }
      return;
    }
    case K::configure_ip: {
      auto ok = set_address(file_.tap, action.address, action.mask, action.router);
      if (!ok) log("configure_ip failed: " + ok.error().message);
      return;
    }
    case K::fetch: {
      const std::string file = action.file;
      const auto transport = action.transport;
      const std::string tname = transport == phone::Transport::http ? "http" : "tftp";
      FetchDone done = [this, alive, generation, file, transport, tname](FetchReport r) {
        if (!*alive || generation != generation_ || crashed_ || stopped_) return;
        log("fetch " + file + " " + tname + ": " + outcome_name(r.outcome) +
            (r.detail.empty() ? "" : " (" + r.detail + ")"));
        phone::FetchResult result;
        result.file = file;
        result.transport = transport;
        result.outcome = r.outcome;
        result.bytes = std::move(r.bytes);
        run(core_.on_fetch(now(), result));
        schedule();
      };
      auto server = wire::Ipv4::parse(action.server);
      if (!server) {
        asio::post(io_, [done] { done({phone::FetchOutcome::error, {}, "server is not an IPv4 address"}); });
        return;
      }
      if (transport == phone::Transport::http) {
        if (http_) http_->cancel();
        http_ = std::make_shared<HttpFetch>(io_.get_executor(), *server, action.port, file,
                                            scaled(milliseconds(20000)) + milliseconds(1000),
                                            emitter, std::move(done));
        http_->start();
      } else {
        if (tftp_) tftp_->cancel();
        tftp_ = std::make_shared<TftpFetch>(io_.get_executor(), *server, action.port, file,
                                            scaled(milliseconds(2000)) + milliseconds(100), 5,
                                            emitter, std::move(done));
        tftp_->start();
      }
      return;
    }
    case K::write_flash: {
      if (file_.flash.empty()) {
        log("write_flash: no flash folder configured, load " + action.load + " not kept");
        return;
      }
      auto ok = write_flash(file_.flash, action.load, action.files);
      log(ok ? "flash now holds " + action.load + " (" + std::to_string(action.files.size()) + " files)"
             : "write_flash failed: " + ok.error().message);
      return;
    }
    case K::reboot: {
      drop_connections();
      tagger_->set_vlan(0);
      auto ok = clear_address(file_.tap);
      if (!ok) log("reboot: " + ok.error().message);
      // A rebooting phone's PHY drops the link for a moment: the switch forgets it and
      // announces again when the carrier comes back, as to any phone that boots.
      if (auto down = set_link(file_.port_interface, false); !down) {
        log("reboot: " + down.error().message);
        return;
      }
      link_timer_.expires_after(std::chrono::milliseconds(500));
      link_timer_.async_wait([this, alive](const boost::system::error_code& ec) {
        if (ec || !*alive || stopped_) return;
        if (auto up = set_link(file_.port_interface, true); !up) log("reboot: " + up.error().message);
      });
      return;
    }
    case K::crash:
      crashed_ = true;
      drop_connections();
      timer_.cancel();
      tagger_->stop();
      log("crashed: silent until power is removed");
      return;
    case K::connect: {
      if (sip_) sip_->close();
      auto on_bytes = [this, alive](wire::ByteVector bytes) {
        if (!*alive || crashed_ || stopped_) return;
        run(core_.on_sip(now(), bytes));
        schedule();
      };
      sip_ = std::make_shared<SipLink>(io_.get_executor(), emitter, std::move(on_bytes));
      const std::string where = action.server + ":" + std::to_string(action.port);
      auto done = [this, alive, generation, where](phone::ConnectOutcome outcome, std::uint16_t local) {
        if (!*alive || generation != generation_ || crashed_ || stopped_) return;
        log("connect " + where + ": " + connect_name(outcome) +
            (local != 0 ? " (local port " + std::to_string(local) + ")" : ""));
        run(core_.on_connect(now(), outcome, local));
        schedule();
      };
      auto server = wire::Ipv4::parse(action.server);
      if (!server) {
        asio::post(io_, [done] { done(phone::ConnectOutcome::refused, 0); });
        return;
      }
      sip_->connect(*server, action.port, action.udp, scaled(milliseconds(10000)) + milliseconds(500), done);
      return;
    }
    case K::send_sip:
      if (sip_) sip_->send(action.text);
      return;
    case K::status:
      log("status " + action.text);
      return;
  }
}

}  // namespace phonerig::sim::phoned
