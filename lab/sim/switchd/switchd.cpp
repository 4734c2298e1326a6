#include "lab/sim/switchd/switchd.hpp"

#include <fcntl.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <algorithm>
#include <cstring>
#include <deque>
#include <fstream>
#include <istream>
#include <queue>

#include "lab/sim/poe-agent/poe_agent.hpp"
#include "lab/sim/switch/switch_core.hpp"
#include "lab/sim/switchd/packet_port.hpp"
#include "lab/sim/switchd/phones.hpp"

namespace phonerig::sim::switchd {

namespace asio = boost::asio;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

constexpr std::size_t kFrameBuffer = 65536;
constexpr int kDrainBudget = 256;            // frames read per wakeup of one port
constexpr std::size_t kMaxRequestLine = 65536;
constexpr auto kHousekeeping = std::chrono::milliseconds(250);

bool same(const sw::Neighbour& a, const sw::Neighbour& b) {
  return a.protocol == b.protocol && a.src == b.src && a.device_id == b.device_id &&
         a.port_id == b.port_id && a.platform == b.platform &&
         a.software_version == b.software_version && a.system_name == b.system_name &&
         a.address == b.address && a.capabilities == b.capabilities &&
         a.power_requested_mw == b.power_requested_mw &&
         a.voice_vlan_query == b.voice_vlan_query;
}

json neighbour_json(const sw::Neighbour& n) {
  json j{{"protocol", n.protocol},
         {"src", n.src.to_string()},
         {"device_id", n.device_id},
         {"port_id", n.port_id},
         {"platform", n.platform},
         {"software_version", n.software_version},
         {"system_name", n.system_name},
         {"holdtime_s", n.holdtime.count()}};
  j["address"] = n.address ? json(n.address->to_string()) : json(nullptr);
  if (n.power_requested_mw) j["power_requested_mw"] = *n.power_requested_mw;
  if (n.voice_vlan_query) j["voice_vlan_query"] = true;
  return j;
}

// The carrier as the driver has it now (ETHTOOL_GLINK: netif_carrier_ok on a veth), not
// IFF_RUNNING, which follows it only when the kernel's link watch gets to it (up to 1 s).
bool carrier_up(const std::string& ifname) {
  const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  ethtool_value value{};
  value.cmd = ETHTOOL_GLINK;
  ifreq request{};
  std::memcpy(request.ifr_name, ifname.data(), std::min(ifname.size(), std::size_t{IFNAMSIZ - 1}));
  request.ifr_data = reinterpret_cast<char*>(&value);
  const bool up = ::ioctl(fd, SIOCETHTOOL, &request) == 0 && value.data != 0;
  ::close(fd);
  return up;
}

}  // namespace

struct Switch::Impl {
  struct PortRuntime {
    PacketPort socket;
    std::unique_ptr<asio::posix::stream_descriptor> descriptor;
    bool link_shown = false;  // what the veth's administrative state is
    bool carrier = false;     // carrier last seen (access ports)
    bool power = false;
    std::vector<sw::Neighbour> neighbours;  // last pushed to the agent and reported
  };
  struct Pending {
    sw::Time due;
    std::uint64_t sequence;
    sw::PortIndex port;
    wire::ByteVector bytes;
    bool operator>(const Pending& other) const {
      return due != other.due ? due > other.due : sequence > other.sequence;
    }
  };
  struct Session : std::enable_shared_from_this<Session> {
    explicit Session(asio::local::stream_protocol::socket s)
        : socket(std::move(s)), input(kMaxRequestLine) {}
    asio::local::stream_protocol::socket socket;
    asio::streambuf input;
    std::string reply;
  };

  Impl(asio::io_context& io_context, Config c, api::EventSink& sink)
      : io(io_context),
        config(std::move(c)),
        events(sink),
        core(config.core_config()),
        timer(io),
        housekeeping(io),
        children(io, SIGCHLD),
        phones(io.get_executor()),
        acceptor(io),
        buffer(kFrameBuffer) {}

  asio::io_context& io;
  Config config;
  api::EventSink& events;
  sw::SwitchCore core;
  std::vector<PortRuntime> ports;
  std::priority_queue<Pending, std::vector<Pending>, std::greater<>> pending;
  std::uint64_t sequence = 0;
  asio::steady_timer timer;
  asio::steady_timer housekeeping;
  asio::signal_set children;
  Phones phones;
  std::unique_ptr<poe::Agent> agent;
  asio::local::stream_protocol::acceptor acceptor;
  std::vector<std::weak_ptr<Session>> sessions;
  wire::ByteVector buffer;
  std::uint64_t send_errors = 0;
  bool stopped = false;

  // ---- events ----
  void emit_port(std::string_view kind, sw::PortIndex p) {
    const auto& port = config.ports[p].port;
    auto event = api::make_event(api::EventSource::switch_port, kind);
    if (kind == "power.on" || kind == "power.off") {
      event.attrs["port"] = port.cisco_name();
      if (config.address) event.attrs["switch"] = config.address->to_string();
    } else {
      event.attrs["interface"] = port.cisco_name();
    }
    events.emit(std::move(event));
  }

  void emit_neighbour(const sw::Neighbour& n) {
    if (n.protocol == "cdp") {
      auto event = api::make_event(api::EventSource::switch_port, "cdp.rx");
      event.phone = n.src;
      event.attrs["src_mac"] = n.src;
      event.attrs["device_id"] = n.device_id;
      if (!n.port_id.empty()) event.attrs["port_id"] = n.port_id;
      if (!n.platform.empty()) event.attrs["platform"] = n.platform;
      if (!n.software_version.empty()) event.attrs["software_version"] = n.software_version;
      if (n.capabilities) event.attrs["capabilities"] = static_cast<std::int64_t>(*n.capabilities);
      if (n.power_requested_mw) {
        event.attrs["power_requested_mw"] = static_cast<std::int64_t>(*n.power_requested_mw);
      }
      if (n.voice_vlan_query) event.attrs["voice_vlan_query"] = std::int64_t{1};
      if (n.address) event.attrs["addresses"] = api::AttrList{n.address->to_string()};
      events.emit(std::move(event));
    } else {
      auto event = api::make_event(api::EventSource::switch_port, "lldp.rx");
      event.phone = n.src;
      event.attrs["src_mac"] = n.src;
      event.attrs["chassis_id"] = n.device_id;
      event.attrs["port_id"] = n.port_id;
      if (!n.system_name.empty()) event.attrs["system_name"] = n.system_name;
      if (!n.platform.empty()) event.attrs["model"] = n.platform;
      if (!n.software_version.empty()) event.attrs["software_revision"] = n.software_version;
      events.emit(std::move(event));
    }
  }

  // ---- frames ----
  void dispatch(std::vector<sw::Output> outputs) {
    const auto now = Clock::now();
    for (auto& out : outputs) {
      if (out.due <= now) {
        send(out.port, out.bytes);
      } else {
        pending.push(Pending{out.due, sequence++, out.port, std::move(out.bytes)});
      }
    }
  }

  void send(sw::PortIndex p, const wire::ByteVector& bytes) {
    if (p >= ports.size() || !ports[p].link_shown) return;
    if (!ports[p].socket.send(bytes)) ++send_errors;
  }

  void send_due(sw::Time now) {
    while (!pending.empty() && pending.top().due <= now) {
      send(pending.top().port, pending.top().bytes);
      pending.pop();
    }
  }

  void reschedule() {
    if (stopped) return;
    std::optional<sw::Time> next = core.next_wakeup();
    if (!pending.empty() && (!next || pending.top().due < *next)) next = pending.top().due;
    if (!next) {
      timer.cancel();
      return;
    }
    timer.expires_at(*next);
    timer.async_wait([this](const boost::system::error_code& ec) {
      if (ec || stopped) return;
      on_timer();
    });
  }

  void on_timer() {
    const auto now = Clock::now();
    auto outputs = core.tick(now);
    sync_links();
    dispatch(std::move(outputs));
    send_due(now);
    reschedule();
  }

  void wait_read(sw::PortIndex p) {
    ports[p].descriptor->async_wait(asio::posix::stream_descriptor::wait_read,
                                    [this, p](const boost::system::error_code& ec) {
                                      if (ec || stopped) return;
                                      drain(p);
                                      wait_read(p);
                                    });
  }

  void drain(sw::PortIndex p) {
    bool discovery = false;
    for (int i = 0; i < kDrainBudget; ++i) {
      auto received = ports[p].socket.receive(buffer);
      if (!received) break;
      const wire::Bytes frame(buffer.data(), received->length);
      if (!received->aux && sw::discovery_kind(frame) != sw::Discovery::none) discovery = true;
      dispatch(core.ingress(p, frame, received->aux, Clock::now()));
    }
    if (discovery) refresh_neighbours(p);
    reschedule();
  }

  // ---- links ----
  // Makes each veth's administrative state follow the core's link (PoE, `link`, flaps): a
  // port that goes down takes its veth down, so the far side sees the carrier go.
  void sync_links() {
    for (sw::PortIndex p = 0; p < ports.size(); ++p) {
      const bool up = core.link_up(p);
      if (up == ports[p].link_shown) continue;
      (void)set_admin_up(ports[p].socket.name(), up);
      ports[p].link_shown = up;
      ports[p].carrier = false;
      emit_port(up ? "link.up" : "link.down", p);
      if (!up) refresh_neighbours(p);
    }
  }

  void set_link(sw::PortIndex p, bool up) {
    auto outputs = core.set_link(p, up, Clock::now());
    sync_links();
    dispatch(std::move(outputs));
    reschedule();
  }

  // ---- power ----
  api::Result<bool> set_power(sw::PortIndex p, bool on, bool from_snmp) {
    auto& port = ports[p];
    const auto& spec = config.ports[p];
    if (spec.port.kind != sw::PortKind::access) {
      return api::fail(api::Fault::config, "power: " + spec.port.short_name() +
                                               " is not an access port");
    }
    if (!from_snmp && agent && spec.poe_port) agent->set_power(*spec.poe_port, on);
    if (port.power == on) return true;
    port.power = on;
    emit_port(on ? "power.on" : "power.off", p);
    if (on) {
      std::optional<api::Error> failed;
      if (spec.phone) {
        auto started = phones.start(p, *spec.phone);
        if (!started) failed = started.error();
      }
      set_link(p, true);
      if (failed) return wire::unexpected(*failed);
    } else {
      phones.stop(p);
      set_link(p, false);
    }
    return true;
  }

  void on_agent_power(int poe_port, bool on) {
    if (stopped) return;
    for (sw::PortIndex p = 0; p < config.ports.size(); ++p) {
      if (config.ports[p].poe_port == poe_port) {
        (void)set_power(p, on, true);
        return;
      }
    }
  }

  // ---- neighbours ----
  void refresh_neighbours(sw::PortIndex p) {
    auto now_list = core.neighbours(p, Clock::now());
    auto& last = ports[p].neighbours;
    bool changed = now_list.size() != last.size();
    for (const auto& n : now_list) {
      const bool known = std::any_of(last.begin(), last.end(),
                                     [&](const sw::Neighbour& o) { return same(n, o); });
      if (!known) {
        changed = true;
        emit_neighbour(n);
      }
    }
    if (!changed) return;
    last = now_list;
    const auto& spec = config.ports[p];
    if (!agent || !spec.poe_port) return;
    std::optional<poe::CdpNeighbour> cdp;
    std::optional<poe::LldpNeighbour> lldp;
    for (const auto& n : now_list) {
      if (n.protocol == "cdp" && !cdp) {
        cdp = poe::CdpNeighbour{n.device_id, n.port_id, n.platform, n.software_version,
                                n.address ? n.address->value : 0};
      } else if (n.protocol == "lldp" && !lldp) {
        lldp = poe::LldpNeighbour{n.device_id, n.port_id, n.system_name, n.software_version};
      }
    }
    agent->set_cdp_neighbour(*spec.poe_port, cdp);
    agent->set_lldp_neighbour(*spec.poe_port, lldp);
  }

  void on_housekeeping() {
    phones.reap();
    const auto now = Clock::now();
    for (sw::PortIndex p = 0; p < ports.size(); ++p) {
      refresh_neighbours(p);
      // A real switch announces when the carrier comes up, i.e. when the phone's side comes
      // up after the port was enabled; when the phone's side drops (a rebooting phone's
      // PHY), the port goes down with it and forgets its neighbours, so the phone that
      // comes back is answered as a new one.
      if (config.ports[p].port.kind != sw::PortKind::access || !ports[p].link_shown) continue;
      const bool carrier = carrier_up(ports[p].socket.name());
      if (carrier && !ports[p].carrier) {
        dispatch(core.link_up(p) ? core.announce(p, now) : core.set_link(p, true, now));
      } else if (!carrier && ports[p].carrier) {
        dispatch(core.set_link(p, false, now));
      }
      ports[p].carrier = carrier;
    }
    reschedule();
    housekeeping.expires_after(kHousekeeping);
    housekeeping.async_wait([this](const boost::system::error_code& ec) {
      if (ec || stopped) return;
      on_housekeeping();
    });
  }

  void wait_children() {
    children.async_wait([this](const boost::system::error_code& ec, int) {
      if (ec || stopped) return;
      phones.reap();
      wait_children();
    });
  }

  // ---- control socket ----
  std::optional<sw::PortIndex> port_of(const json& request, std::string& error) {
    const auto it = request.find("port");
    if (it == request.end() || !it->is_string()) {
      error = "'port' missing or not a string";
      return std::nullopt;
    }
    const auto p = core.find_port(it->get<std::string>());
    if (!p) error = "no port '" + it->get<std::string>() + "'";
    return p;
  }

  static std::optional<std::string> unknown_key(const json& request,
                                                std::initializer_list<std::string_view> keys) {
    for (const auto& [key, value] : request.items()) {
      bool ok = key == "op";
      for (auto k : keys) ok = ok || key == k;
      if (!ok) return "unknown key '" + key + "'";
    }
    return std::nullopt;
  }

  json status() {
    json list = json::array();
    const auto now = Clock::now();
    for (sw::PortIndex p = 0; p < config.ports.size(); ++p) {
      const auto& spec = config.ports[p];
      json port{{"name", spec.port.name},
                {"short", spec.port.short_name()},
                {"number", spec.port.number},
                {"kind", std::string(to_string(spec.port.kind))},
                {"link_up", core.link_up(p)},
                {"power", ports[p].power},
                {"ifindex", ports[p].socket.ifindex()}};
      if (spec.port.kind == sw::PortKind::access || spec.port.kind == sw::PortKind::rig) {
        port["vlan"] = spec.port.vlan;
      }
      if (spec.port.voice_vlan) port["voice_vlan"] = *spec.port.voice_vlan;
      port["poe_port"] = spec.poe_port ? json(*spec.poe_port) : json(nullptr);
      const auto pid = phones.pid(p);
      port["phone_pid"] = pid ? json(*pid) : json(nullptr);
      json neighbours = json::array();
      for (const auto& n : core.neighbours(p, now)) neighbours.push_back(neighbour_json(n));
      port["neighbours"] = std::move(neighbours);
      list.push_back(std::move(port));
    }
    const auto& c = core.counters();
    const auto& f = core.fault_counters();
    json counters{{"received", c.received},
                  {"sent", c.sent},
                  {"mirrored", c.mirrored},
                  {"flooded", c.flooded},
                  {"dropped_link", c.dropped_link},
                  {"dropped_vlan", c.dropped_vlan},
                  {"filtered", c.filtered},
                  {"malformed", c.malformed},
                  {"discovery_consumed", c.discovery_consumed},
                  {"announced", c.announced},
                  {"lost", f.lost},
                  {"duplicated", f.duplicated},
                  {"corrupted", f.corrupted},
                  {"delayed", f.delayed},
                  {"reordered", f.reordered},
                  {"send_errors", send_errors},
                  {"pending", pending.size()},
                  {"macs", core.mac_table().size()}};
    return json{{"ok", true},
                {"announce", core.announcing()},
                {"ports", std::move(list)},
                {"counters", std::move(counters)}};
  }

  json handle(const std::string& line) {
    auto failure = [](const std::string& why) { return json{{"ok", false}, {"error", why}}; };
    json request;
    try {
      request = json::parse(line);
    } catch (const json::parse_error& e) {
      return failure(std::string("not JSON: ") + e.what());
    }
    if (!request.is_object()) return failure("expected a JSON object");
    const auto op_it = request.find("op");
    if (op_it == request.end() || !op_it->is_string()) return failure("'op' missing");
    const std::string op = op_it->get<std::string>();
    std::string error;

    if (op == "status") {
      if (auto bad = unknown_key(request, {})) return failure(*bad);
      return status();
    }
    if (op == "set_faults" || op == "get_faults") {
      const bool set = op == "set_faults";
      if (auto bad = set ? unknown_key(request, {"scope", "faults"})
                         : unknown_key(request, {"scope"})) {
        return failure(*bad);
      }
      const auto scope_it = request.find("scope");
      if (scope_it == request.end()) return failure("'scope' missing");
      auto scope = scope_from_json(*scope_it, "scope");
      if (!scope) return failure(scope.error().message);
      if (!set) {
        auto faults = core.faults(*scope);
        if (!faults) return failure(faults.error().message);
        return json{{"ok", true}, {"faults", faults_to_json(*faults)}};
      }
      const auto faults_it = request.find("faults");
      if (faults_it == request.end()) return failure("'faults' missing");
      auto faults = faults_from_json(*faults_it, "faults");
      if (!faults) return failure(faults.error().message);
      auto done = core.set_faults(*scope, *faults);
      if (!done) return failure(done.error().message);
      return json{{"ok", true}};
    }
    if (op == "flap") {
      if (auto bad = unknown_key(request, {"port", "down_ms", "period_ms", "count"})) {
        return failure(*bad);
      }
      const auto p = port_of(request, error);
      if (!p) return failure(error);
      api::LinkFlap flap;
      auto number = [&](const char* key, std::int64_t& out) -> bool {
        const auto it = request.find(key);
        if (it == request.end()) return true;
        if (!it->is_number_integer()) {
          error = std::string("'") + key + "' is not an integer";
          return false;
        }
        out = it->get<std::int64_t>();
        return true;
      };
      std::int64_t down = flap.down_for.count();
      std::int64_t period = flap.period.count();
      std::int64_t count = flap.count;
      if (!number("down_ms", down) || !number("period_ms", period) || !number("count", count)) {
        return failure(error);
      }
      if (count < 1 || count > 1'000'000) return failure("'count' outside 1..1000000");
      flap.down_for = std::chrono::milliseconds(down);
      flap.period = std::chrono::milliseconds(period);
      flap.count = static_cast<int>(count);
      auto done = core.flap_link(config.ports[*p].port.name, flap);
      if (!done) return failure(done.error().message);
      reschedule();
      return json{{"ok", true}};
    }
    if (op == "link" || op == "power") {
      const char* flag = op == "link" ? "up" : "on";
      if (auto bad = unknown_key(request, {"port", flag})) return failure(*bad);
      const auto p = port_of(request, error);
      if (!p) return failure(error);
      const auto it = request.find(flag);
      if (it == request.end() || !it->is_boolean()) {
        return failure(std::string("'") + flag + "' missing or not true/false");
      }
      if (op == "link") {
        set_link(*p, it->get<bool>());
        return json{{"ok", true}};
      }
      auto done = set_power(*p, it->get<bool>(), false);
      if (!done) return failure(done.error().message);
      return json{{"ok", true}};
    }
    if (op == "announce") {
      if (auto bad = unknown_key(request, {"on"})) return failure(*bad);
      const auto it = request.find("on");
      if (it == request.end() || !it->is_boolean()) return failure("'on' missing or not true/false");
      core.set_announce(it->get<bool>());
      reschedule();
      return json{{"ok", true}};
    }
    return failure("unknown op '" + op + "'");
  }

  void accept() {
    acceptor.async_accept([this](const boost::system::error_code& ec,
                                 asio::local::stream_protocol::socket socket) {
      if (stopped || ec == asio::error::operation_aborted) return;
      if (!ec) {
        auto session = std::make_shared<Session>(std::move(socket));
        std::erase_if(sessions, [](const std::weak_ptr<Session>& s) { return s.expired(); });
        sessions.push_back(session);
        read(session);
      }
      accept();
    });
  }

  void read(const std::shared_ptr<Session>& session) {
    asio::async_read_until(
        session->socket, session->input, '\n',
        [this, session](const boost::system::error_code& ec, std::size_t) {
          if (stopped) return;
          if (ec) {
            if (ec == asio::error::not_found) {  // a line longer than allowed
              session->reply = json{{"ok", false}, {"error", "request line too long"}}.dump() + "\n";
              asio::async_write(session->socket, asio::buffer(session->reply),
                                [session](const boost::system::error_code&, std::size_t) {});
            }
            return;
          }
          std::istream in(&session->input);
          std::string line;
          std::getline(in, line);
          if (!line.empty() && line.back() == '\r') line.pop_back();
          if (line.empty()) {
            read(session);
            return;
          }
          session->reply = handle(line).dump() + "\n";
          asio::async_write(session->socket, asio::buffer(session->reply),
                            [this, session](const boost::system::error_code& wec, std::size_t) {
                              if (wec || stopped) return;
                              read(session);
                            });
        });
  }

  api::Result<bool> listen() {
    namespace fs = std::filesystem;
    const fs::path final_path = config.control;
    std::error_code ec;
    if (fs::exists(fs::symlink_status(final_path, ec))) {
      // A live switch answers on it; a dead one's socket is removed.
      const int probe = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
      sockaddr_un address{};
      address.sun_family = AF_UNIX;
      std::strncpy(address.sun_path, final_path.c_str(), sizeof address.sun_path - 1);
      const bool live = probe >= 0 && ::connect(probe, reinterpret_cast<sockaddr*>(&address),
                                                sizeof address) == 0;
      if (probe >= 0) ::close(probe);
      if (live) {
        return api::fail(api::Fault::rig, "control socket " + final_path.string() +
                                              ": another switch answers on it");
      }
      fs::remove(final_path, ec);
    }
    // Bound and listening under a temporary name, then renamed: the file appears only when
    // a connect succeeds.
    const fs::path temporary = final_path.string() + ".tmp" + std::to_string(::getpid());
    if (temporary.string().size() >= sizeof(sockaddr_un::sun_path)) {
      return api::fail(api::Fault::config, "control socket path too long: " + final_path.string());
    }
    fs::remove(temporary, ec);
    boost::system::error_code bec;
    acceptor.open(asio::local::stream_protocol(), bec);
    if (!bec) acceptor.bind(asio::local::stream_protocol::endpoint(temporary.string()), bec);
    if (!bec) acceptor.listen(asio::socket_base::max_listen_connections, bec);
    if (bec) {
      return api::fail(api::Fault::rig, "control socket " + temporary.string() + ": " +
                                            bec.message());
    }
    ::fcntl(acceptor.native_handle(), F_SETFD, FD_CLOEXEC);
    ::chmod(temporary.c_str(), 0660);
    if (::rename(temporary.c_str(), final_path.c_str()) != 0) {
      const int err = errno;
      fs::remove(temporary, ec);
      return api::fail(api::Fault::rig, "control socket: rename to " + final_path.string() +
                                            ": " + std::strerror(err));
    }
    accept();
    return true;
  }

  api::Result<bool> open() {
    for (const auto& spec : config.ports) {
      const auto& name = spec.port.name;
      PHONERIG_CHECK(offloads_off(name));
      // A switch port is no host interface: no IPv6 link-local address, no MLD or router
      // solicitations of this namespace's kernel on the wire (best effort: IPv6 may be off).
      std::ofstream(std::filesystem::path("/proc/sys/net/ipv6/conf") / name / "disable_ipv6")
          << "1\n";
      PHONERIG_TRY(PacketPort socket, PacketPort::open(name));
      PortRuntime runtime;
      runtime.socket = std::move(socket);
      runtime.descriptor = std::make_unique<asio::posix::stream_descriptor>(
          io, ::fcntl(runtime.socket.fd(), F_DUPFD_CLOEXEC, 0));
      // Access ports start with the link down and PoE off; the others up.
      const bool up = spec.port.link_up;
      PHONERIG_CHECK(set_admin_up(name, up));
      runtime.link_shown = up;
      ports.push_back(std::move(runtime));
    }
    for (const auto& initial : config.faults) {
      PHONERIG_CHECK(core.set_faults(initial.scope, initial.faults));
    }
    if (config.snmp) {
      poe::AgentConfig agent_config;
      agent_config.agentx_socket = config.snmp->agentx;
      agent_config.persistent_dir = config.snmp->persistent_dir;
      agent_config.app_name = "phonerig-sim-switch";
      agent_config.model.ports = config.snmp->ports;
      agent_config.model.profile = config.snmp->profile;
      agent_config.model.initially_on = false;
      PHONERIG_TRY(agent, poe::Agent::start(io.get_executor(), agent_config,
                                            [this](int port, bool on) { on_agent_power(port, on); }));
      for (sw::PortIndex p = 0; p < config.ports.size(); ++p) {
        if (config.ports[p].poe_port) {
          agent->set_if_index(*config.ports[p].poe_port, ports[p].socket.ifindex());
        }
      }
    }
    for (sw::PortIndex p = 0; p < ports.size(); ++p) wait_read(p);
    wait_children();
    on_housekeeping();
    reschedule();
    PHONERIG_CHECK(listen());
    return true;
  }

  void stop() {
    if (stopped) return;
    stopped = true;
    boost::system::error_code ignored;
    if (acceptor.is_open()) {
      acceptor.close(ignored);
      std::error_code ec;
      std::filesystem::remove(config.control, ec);
    }
    for (auto& weak : sessions) {
      if (auto s = weak.lock()) s->socket.close(ignored);
    }
    sessions.clear();
    phones.stop_all_blocking();
    if (agent) agent->stop();
    for (auto& port : ports) {
      if (port.descriptor) port.descriptor->close(ignored);
    }
    timer.cancel();
    housekeeping.cancel();
    children.cancel(ignored);
  }
};

api::Result<std::unique_ptr<Switch>> Switch::start(asio::io_context& io, Config config,
                                                   api::EventSink& events) {
  std::unique_ptr<Impl> impl;
  try {
    impl = std::make_unique<Impl>(io, std::move(config), events);
  } catch (const std::invalid_argument& e) {
    return api::fail(api::Fault::config, std::string("switch.json: ") + e.what());
  }
  auto opened = impl->open();
  if (!opened) {
    impl->stop();
    return wire::unexpected(opened.error());
  }
  return std::unique_ptr<Switch>(new Switch(std::move(impl)));
}

Switch::Switch(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Switch::~Switch() { stop(); }
void Switch::stop() { impl_->stop(); }

std::string Switch::summary() const {
  int access = 0;
  for (const auto& p : impl_->config.ports) access += p.port.kind == sw::PortKind::access;
  std::string text = std::to_string(impl_->config.ports.size()) + " ports (" +
                     std::to_string(access) + " access), control " +
                     impl_->config.control.string();
  if (impl_->config.snmp) text += ", AgentX " + impl_->config.snmp->agentx.string();
  return text;
}

}  // namespace phonerig::sim::switchd
