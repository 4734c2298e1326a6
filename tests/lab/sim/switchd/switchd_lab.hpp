// The switch program's lab tests: a switch namespace running the real
// `phonerig-sim-switch`, cabled with veths to one namespace per host (a rig port, a phone
// port, the mirror port). Hosts send and receive raw frames through AF_PACKET sockets made
// inside their namespace (the kernel's stripped 802.1Q tag put back from PACKET_AUXDATA).
// Every namespace, process and file is removed when the lab is destroyed, also when a test
// fails midway. Needs root; tests skip without it.
#pragma once

#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "drivers/api/event.hpp"
#include "drivers/wire/address.hpp"
#include "drivers/wire/link.hpp"
#include "lab/sim/switchd/control_client.hpp"
#include "tests/support/netns.hpp"

namespace phonerig::testing::switchd {

using nlohmann::json;

inline std::filesystem::path switch_program() {
  return std::filesystem::path(PHONERIG_BIN_DIR) / "phonerig-sim-switch";
}

inline std::string tail_file(const std::filesystem::path& path, std::size_t lines = 20) {
  std::ifstream in(path);
  std::vector<std::string> all;
  std::string line;
  while (std::getline(in, line)) all.push_back(line);
  std::string out;
  for (std::size_t i = all.size() > lines ? all.size() - lines : 0; i < all.size(); ++i) {
    out += all[i] + "\n";
  }
  return out;
}

// A raw socket on one interface of a namespace: sends bytes as they are, receives frames
// with their 802.1Q tag put back into the bytes (as a capture shows them).
class RawSocket {
 public:
  RawSocket(const std::string& netns, const std::string& ifname) {
    NetnsGuard inside(netns);
    fd_ = ::socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_ALL));
    if (fd_ < 0) throw std::runtime_error("AF_PACKET socket: " + std::string(std::strerror(errno)));
    const unsigned index = ::if_nametoindex(ifname.c_str());
    if (index == 0) throw std::runtime_error("no interface " + ifname + " in " + netns);
    sockaddr_ll address{};
    address.sll_family = AF_PACKET;
    address.sll_protocol = htons(ETH_P_ALL);
    address.sll_ifindex = static_cast<int>(index);
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
      throw std::runtime_error("bind AF_PACKET on " + ifname + ": " + std::strerror(errno));
    }
    const int one = 1;
    ::setsockopt(fd_, SOL_PACKET, PACKET_AUXDATA, &one, sizeof one);
    ::setsockopt(fd_, SOL_PACKET, 23 /* PACKET_IGNORE_OUTGOING */, &one, sizeof one);
  }
  ~RawSocket() {
    if (fd_ >= 0) ::close(fd_);
  }
  RawSocket(const RawSocket&) = delete;
  RawSocket& operator=(const RawSocket&) = delete;

  void send(const wire::ByteVector& frame) {
    if (::send(fd_, frame.data(), frame.size(), 0) < 0) {
      throw std::runtime_error("send: " + std::string(std::strerror(errno)));
    }
  }

  // Every frame that arrives within `window`, tags restored.
  std::vector<wire::ByteVector> receive_for(std::chrono::milliseconds window) {
    std::vector<wire::ByteVector> frames;
    const auto until = std::chrono::steady_clock::now() + window;
    for (;;) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          until - std::chrono::steady_clock::now());
      if (left.count() <= 0) break;
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
      wire::ByteVector buffer(65536);
      iovec iov{buffer.data(), buffer.size()};
      alignas(cmsghdr) char control[CMSG_SPACE(sizeof(tpacket_auxdata))] = {};
      msghdr message{};
      message.msg_iov = &iov;
      message.msg_iovlen = 1;
      message.msg_control = control;
      message.msg_controllen = sizeof control;
      const ssize_t n = ::recvmsg(fd_, &message, MSG_DONTWAIT);
      if (n <= 0) continue;
      buffer.resize(static_cast<std::size_t>(n));
      for (cmsghdr* c = CMSG_FIRSTHDR(&message); c != nullptr; c = CMSG_NXTHDR(&message, c)) {
        if (c->cmsg_level != SOL_PACKET || c->cmsg_type != PACKET_AUXDATA) continue;
        tpacket_auxdata aux;
        std::memcpy(&aux, CMSG_DATA(c), sizeof aux);
        if ((aux.tp_status & TP_STATUS_VLAN_VALID) == 0 || buffer.size() < 12) continue;
        const std::uint16_t tpid = (aux.tp_status & TP_STATUS_VLAN_TPID_VALID) != 0
                                       ? aux.tp_vlan_tpid
                                       : std::uint16_t{0x8100};
        const std::uint8_t tag[4] = {static_cast<std::uint8_t>(tpid >> 8),
                                     static_cast<std::uint8_t>(tpid),
                                     static_cast<std::uint8_t>(aux.tp_vlan_tci >> 8),
                                     static_cast<std::uint8_t>(aux.tp_vlan_tci)};
        buffer.insert(buffer.begin() + 12, tag, tag + 4);
      }
      frames.push_back(std::move(buffer));
    }
    return frames;
  }

 private:
  int fd_ = -1;
};

// A frame's 802.1Q VID, or nothing when untagged.
inline std::optional<std::uint16_t> vid_of(const wire::ByteVector& frame) {
  if (frame.size() < 16 || frame[12] != 0x81 || frame[13] != 0x00) return std::nullopt;
  return static_cast<std::uint16_t>(((frame[14] << 8) | frame[15]) & 0x0fff);
}

inline bool contains(const wire::ByteVector& frame, const std::string& marker) {
  const std::string_view text(reinterpret_cast<const char*>(frame.data()), frame.size());
  return text.find(marker) != std::string_view::npos;
}

inline wire::Mac source_of(const wire::ByteVector& frame) {
  return wire::Mac::from_bytes(wire::Bytes(frame.data() + 6, 6));
}

// A broadcast frame of the local experimental EtherType 0x88b5 carrying `marker`, tagged
// with `vid` when given.
inline wire::ByteVector marker_frame(const wire::Mac& src, const std::string& marker,
                                     std::optional<std::uint16_t> vid = std::nullopt) {
  wire::EthernetHeader header{wire::Mac::broadcast(), src, {}};
  if (vid) header.vlans.push_back(wire::VlanTag{0x8100, 0, false, *vid});
  return wire::build_ethernet(header, 0x88b5, wire::as_bytes(marker));
}

struct Host {
  std::string role;
  std::string ns;
  std::string ifname;      // in the host namespace
  std::string switch_if;   // the switch's side
  wire::Mac mac;
};

class SwitchdLab {
 public:
  explicit SwitchdLab(const std::string& tag) : lab_(tag) {
    char pattern[] = "/tmp/phrt-swd-XXXXXX";
    const char* made = ::mkdtemp(pattern);
    if (made == nullptr) throw std::runtime_error("mkdtemp failed");
    dir_ = made;
    sw_ = lab_.add("sw");
  }
  ~SwitchdLab() {
    client_.reset();
    program_.reset();
    snmpd_.reset();
    lab_.teardown();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  NetnsLab& lab() { return lab_; }
  const std::string& switch_ns() const { return sw_; }
  const std::filesystem::path& dir() const { return dir_; }
  std::filesystem::path control() const { return dir_ / "switch.sock"; }
  std::filesystem::path events() const { return dir_ / "switch-events.jsonl"; }
  std::filesystem::path log() const { return dir_ / "switch.log"; }
  std::filesystem::path agentx() const { return dir_ / "agentx.sock"; }

  // A host namespace cabled to the switch; `address` like "198.18.10.1/24" or empty.
  Host add_host(const std::string& role, const std::string& address = {}) {
    lab_.add(role);
    const auto cable = lab_.connect(role, "sw", address, {});
    Host host{role, lab_.ns(role), cable.a_if, cable.b_if, {}};
    host.mac = *wire::Mac::parse(lab_.mac(role, cable.a_if));
    // No IPv6 chatter (router solicitations, MLD) in the frames the tests count.
    lab_.exec(role, {"sysctl", "-q", "-w", "net.ipv6.conf.all.disable_ipv6=1"});
    lab_.exec(role, {"sysctl", "-q", "-w", "net.ipv6.conf." + cable.a_if + ".disable_ipv6=1"});
    return host;
  }

  // The base switch.json: identity, control, events; the test adds ports (and snmp).
  json base_config() const {
    return json{{"identity",
                 {{"device_id", "phrt-sw"},
                  {"platform", "cisco WS-C3850-48P"},
                  {"software", "Cisco IOS Software, phonerig simulated switch"},
                  {"mac", "02:00:5e:00:53:01"},
                  {"address", "198.18.255.1"}}},
                {"announce", true},
                {"cdp_interval_s", 60},
                {"lldp_interval_s", 30},
                {"seed", 1},
                {"ports", json::array()},
                {"control", control().string()},
                {"events", events().string()}};
  }

  // Starts the program in the switch namespace and waits for its control socket.
  void start(const json& config) {
    const auto path = dir_ / "switch.json";
    std::ofstream(path) << config.dump(2);
    program_ = std::make_unique<Process>(
        sw_, std::vector<std::string>{switch_program().string(), "--config", path.string()},
        log());
    const bool ready = wait_until(
        [&] { return std::filesystem::exists(control()) || !program_->running(); },
        std::chrono::seconds(15));
    if (!ready || !std::filesystem::exists(control())) {
      throw std::runtime_error("the switch did not come up; its log:\n" + tail_file(log()));
    }
    auto connected = sim::switchd::ControlClient::connect(control());
    if (!connected) throw std::runtime_error(connected.error().message);
    client_ = std::move(*connected);
  }

  sim::switchd::ControlClient& client() { return *client_; }

  // busybox's ping (iputils is not installed everywhere): true when any reply came back.
  bool ping(const std::string& role, const std::string& to, int count = 3) {
    return lab_.exec(role, {"timeout", std::to_string(count + 1), "busybox", "ping", "-c", std::to_string(count), "-i", "0.2", "-w",
                            std::to_string(count), to})
               .status == 0;
  }
  Process& program() { return *program_; }
  void stop_program() {
    client_.reset();
    program_.reset();
  }

  json port_status(const std::string& name) {
    auto status = client_->status();
    if (!status) throw std::runtime_error(status.error().message);
    for (const auto& port : (*status)["ports"]) {
      if (port["name"] == name || port["short"] == name) return port;
    }
    throw std::runtime_error("no port " + name + " in status");
  }

  // Events of the file, as JSON objects.
  std::vector<json> read_events() const {
    std::vector<json> out;
    std::ifstream in(events());
    std::string line;
    while (std::getline(in, line)) {
      if (!line.empty()) out.push_back(json::parse(line));
    }
    return out;
  }

  // snmpd (master agent, AgentX on agentx()) in the switch namespace, as the power lab
  // tests run it (tests/lab/power/poe_lab.hpp).
  void start_snmpd() {
    std::filesystem::create_directories(dir_ / "snmpd-state");
    std::filesystem::create_directories(dir_ / "tools-state");
    std::ofstream conf(dir_ / "snmpd.conf");
    conf << "agentaddress udp:127.0.0.1:161\n"
         << "master agentx\n"
         << "agentXSocket " << agentx().string() << "\n"
         << "agentXTimeout 5\n"
         << "rocommunity public 127.0.0.1\n"
         << "rwcommunity private 127.0.0.1\n";
    conf.close();
    snmpd_ = std::make_unique<Process>(
        sw_,
        std::vector<std::string>{"env", "MIBS=",
                                 "SNMP_PERSISTENT_DIR=" + (dir_ / "snmpd-state").string(),
                                 "snmpd", "-f", "-Lo", "-C", "-c",
                                 (dir_ / "snmpd.conf").string(), "-p",
                                 (dir_ / "snmpd.pid").string()},
        dir_ / "snmpd.log");
    if (!wait_until([&] { return std::filesystem::exists(agentx()); }, std::chrono::seconds(10))) {
      throw std::runtime_error("snmpd did not create its AgentX socket; its log:\n" +
                               tail_file(dir_ / "snmpd.log"));
    }
  }

  CommandResult snmp_tool(const std::string& name, std::vector<std::string> args) const {
    std::vector<std::string> argv = {"ip", "netns", "exec", sw_, "env", "MIBS=",
                                     "SNMP_PERSISTENT_DIR=" + (dir_ / "tools-state").string(),
                                     name, "-On", "-r", "1", "-t", "1"};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_command(argv);
  }

 private:
  NetnsLab lab_;
  std::filesystem::path dir_;
  std::string sw_;
  std::unique_ptr<Process> snmpd_;
  std::unique_ptr<Process> program_;
  std::unique_ptr<sim::switchd::ControlClient> client_;
};

// Why an event line of the file does not pass api::validate() once read back (its JSON
// types mapped to the kind's declared attribute types), or empty when it passes.
inline std::string invalid_event(const json& line) {
  api::Event event;
  event.kind = line.value("kind", "");
  const std::string source = line.value("source", "");
  if (source != "switch") return "source '" + source + "', not 'switch'";
  event.source = api::EventSource::switch_port;
  if (line.contains("phone") && line["phone"].is_string()) {
    event.phone = wire::Mac::parse(line["phone"].get<std::string>());
  }
  const api::KindSpec* kind = api::find_kind(event.kind);
  if (kind == nullptr) return "unknown kind " + event.kind;
  if (!line.contains("attrs") || !line.at("attrs").is_object()) return "no attrs object";
  const json& attrs = line.at("attrs");
  for (auto it = attrs.cbegin(); it != attrs.cend(); ++it) {
    const std::string& name = it.key();
    const json& value = it.value();
    std::optional<api::AttrType> type;
    for (const auto& spec : kind->attrs) {
      if (spec.name == name) type = spec.type;
    }
    if (kind->packet) {
      for (const auto& spec : api::packet_attrs()) {
        if (spec.name == name) type = spec.type;
      }
    }
    if (!type) return event.kind + ": undeclared attribute " + name;
    switch (*type) {
      case api::AttrType::string: event.attrs[name] = value.get<std::string>(); break;
      case api::AttrType::integer: event.attrs[name] = value.get<std::int64_t>(); break;
      case api::AttrType::address:
        event.attrs[name] = *wire::Ipv4::parse(value.get<std::string>());
        break;
      case api::AttrType::mac: event.attrs[name] = *wire::Mac::parse(value.get<std::string>()); break;
      case api::AttrType::list: event.attrs[name] = value.get<api::AttrList>(); break;
    }
  }
  auto valid = api::validate(event);
  return valid ? std::string() : valid.error().message;
}

inline bool running_as_root() { return ::geteuid() == 0; }

}  // namespace phonerig::testing::switchd
