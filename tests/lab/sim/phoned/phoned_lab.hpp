// The emulated phone's lab tests: a phone namespace whose port is a veth to a server
// namespace, the real phonerig-sim-phone started by PID, our services (or third-party ones)
// in the server namespace, and an AF_PACKET capture there. Header-only, shared by the
// phoned_*_test.cpp files. Needs root; the tests skip otherwise.
#pragma once

#include <gtest/gtest.h>
#include <poll.h>
#include <unistd.h>

#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "drivers/api/event_sink.hpp"
#include "drivers/services/config/phone_config.hpp"
#include "drivers/services/dhcp/server.hpp"
#include "drivers/services/discovery/server.hpp"
#include "drivers/services/files/file_store.hpp"
#include "drivers/services/http/server.hpp"
#include "drivers/services/sip/server.hpp"
#include "drivers/services/tftp/server.hpp"
#include "drivers/wire/packet.hpp"
#include "lab/sim/phoned/netdev.hpp"
#include "tests/support/netns.hpp"
#include "tests/support/pcap_file.hpp"

namespace phonerig::testing::phoned {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using nlohmann::json;

inline const std::string kServer = "198.18.61.1";
inline const std::string kServer2 = "198.18.61.2";  // a second address (option 66 tests)
inline const std::string kPhoneMac = "00:1e:4a:00:00:51";
inline const std::string kRunningLoad = "sip88xx.14-2-1-0001-14";
inline const std::string kLine = "1001";
inline const std::string kPassword = "line-secret-1001";

inline std::string phone_binary() { return std::string(PHONERIG_BIN_DIR) + "/phonerig-sim-phone"; }

inline std::string read_text(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

inline wire::Ipv4 ip(const std::string& text) { return *wire::Ipv4::parse(text); }

// Every frame on one interface of a namespace (AF_PACKET, tags put back), on a thread.
class Capture {
 public:
  Capture(const std::string& netns, const std::string& interface) {
    NetnsGuard in(netns);
    auto fd = sim::phoned::open_port(interface);
    if (!fd) throw std::runtime_error(fd.error().message);
    fd_ = std::move(*fd);
    thread_ = std::thread([this] { loop(); });
  }
  ~Capture() { stop(); }
  void stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  std::vector<PcapRecord> records() const {
    std::lock_guard lock(mutex_);
    return records_;
  }
  // The frames as a pcap file (for tshark), returns its path.
  std::string write(const std::string& path) const {
    PcapContents contents;
    contents.records = records();
    write_pcap(path, contents);
    return path;
  }
  // Decoded frames whose source MAC is `mac` (any when empty).
  std::vector<std::pair<PcapRecord, wire::Packet>> from(const std::string& mac) const {
    std::vector<std::pair<PcapRecord, wire::Packet>> out;
    auto want = wire::Mac::parse(mac);
    for (auto& r : records()) {
      auto p = wire::decode_packet(wire::LinkType::ethernet, r.bytes);
      if (!p || !p->link.src) continue;
      if (want && *p->link.src != *want) continue;
      out.emplace_back(r, std::move(*p));
    }
    // the Packet's spans point into the record's bytes: re-decode from the stored copy
    for (auto& [rec, pkt] : out) pkt = *wire::decode_packet(wire::LinkType::ethernet, rec.bytes);
    return out;
  }

 private:
  void loop() {
    while (!stop_) {
      pollfd p{fd_.get(), POLLIN, 0};
      if (poll(&p, 1, 50) <= 0) continue;
      while (auto f = sim::phoned::receive_port(fd_.get())) {
        PcapRecord r;
        r.time_ns = api::realtime_ns();
        r.wire_length = f->frame.size();
        r.bytes = std::move(f->frame);
        std::lock_guard lock(mutex_);
        records_.push_back(std::move(r));
      }
    }
  }
  sim::phoned::Fd fd_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  mutable std::mutex mutex_;
  std::vector<PcapRecord> records_;
};

struct ServiceOptions {
  bool dhcp = true;
  bool files = true;
  bool sip = true;
  bool discovery = false;  // CDP/LLDP-MED announcer with voice VLAN 100
  std::vector<std::string> option150 = {kServer};
  std::string option66;
  std::string files_address = kServer;  // where HTTP 6970 and TFTP listen
  bool sip_auth = true;
  std::string config_load = kRunningLoad;  // loadInformation of the generated config
  std::map<std::string, wire::ByteVector> extra_files;  // firmware manifest and parts
};

// Our services in the server namespace on their own io_context thread.
class OurServices {
 public:
  OurServices(const std::string& netns, const std::string& interface, const ServiceOptions& o) {
    NetnsGuard in(netns);
    if (o.files) {
      services::config::Config c;
      c.call_managers.push_back({"phonerig-cm1", kServer, 5060, 5061, 0});
      c.loads.push_back({"Cisco 8851", 684, o.config_load});
      services::config::Phone p;
      p.mac = *wire::Mac::parse(kPhoneMac);
      p.model = "Cisco 8851";
      p.description = "phoned test phone";
      services::config::Line line;
      line.directory_number = kLine;
      line.auth_name = kLine;
      line.display_name = "Line " + kLine;
      line.password = kPassword;
      p.lines.push_back(line);
      c.phones.push_back(p);
      auto generated = services::config::generate(c);
      if (!generated) throw std::runtime_error(generated.error().message);
      auto store = services::files::FileStore::open({});
      if (!store) throw std::runtime_error(store.error().message);
      store_ = *store;
      for (auto& [name, bytes] : *generated) store_->set(name, services::files::make_content(bytes));
      for (auto& [name, bytes] : o.extra_files) store_->set(name, services::files::make_content(bytes));
      services::tftp::Config t;
      t.address = ip(o.files_address);
      t.interface = interface;
      t.store = store_;
      auto tftp = services::tftp::Server::start(io_.get_executor(), t, events);
      if (!tftp) throw std::runtime_error(tftp.error().message);
      tftp_ = std::move(*tftp);
      services::http::Config h;
      h.address = ip(o.files_address);
      h.interface = interface;
      h.store = store_;
      auto http = services::http::Server::start(io_.get_executor(), h, events);
      if (!http) throw std::runtime_error(http.error().message);
      http_ = std::move(*http);
    }
    if (o.dhcp) {
      services::dhcp::Config d;
      d.interface = interface;
      d.server_address = ip(kServer);
      d.subnet_mask = ip("255.255.255.0");
      d.pool = services::dhcp::Pool{ip("198.18.61.100"), ip("198.18.61.120")};
      d.allowed = {*wire::Mac::parse(kPhoneMac), *wire::Mac::parse("02:00:00:61:00:99")};
      for (const auto& s : o.option150) d.tftp_servers.push_back(ip(s));
      d.tftp_server_name = o.option66;
      auto dhcp = services::dhcp::Server::start(io_.get_executor(), d, events);
      if (!dhcp) throw std::runtime_error(dhcp.error().message);
      dhcp_ = std::move(*dhcp);
    }
    if (o.sip) {
      services::sip::Config s;
      s.address = ip(kServer);
      s.interface = interface;
      s.registrar.auth = o.sip_auth;
      s.registrar.users[kLine] = kPassword;
      s.registrar.granted_expires = 120;
      auto sip = services::sip::Server::start(io_.get_executor(), s, events);
      if (!sip) throw std::runtime_error(sip.error().message);
      sip_ = std::move(*sip);
    }
    if (o.discovery) {
      services::discovery::Config c;
      c.interface = interface;
      c.voice_vlan = 100;
      c.native_vlan = 10;
      c.interval = std::chrono::milliseconds(300);
      auto disc = services::discovery::Server::start(io_.get_executor(), c, events);
      if (!disc) throw std::runtime_error(disc.error().message);
      discovery_ = std::move(*disc);
    }
    thread_ = std::thread([this] { io_.run(); });
  }
  ~OurServices() {
    // DHCP stops on its executor; TFTP and HTTP wait for their strand, so they are stopped
    // from this thread while the io_context still runs; SIP and discovery post their stop.
    boost::asio::post(io_, [this] {
      if (dhcp_) dhcp_->stop();
    });
    if (tftp_) tftp_->stop();
    if (http_) http_->stop();
    if (sip_) sip_->stop();
    if (discovery_) discovery_->stop();
    std::this_thread::sleep_for(50ms);
    work_.reset();
    io_.stop();
    thread_.join();
    discovery_.reset();
    sip_.reset();
    http_.reset();
    tftp_.reset();
    dhcp_.reset();
  }

  std::vector<api::Event> of(const std::string& kind) const {
    std::vector<api::Event> out;
    for (auto& e : events.events()) {
      if (e.kind == kind) out.push_back(e);
    }
    return out;
  }
  // A sip.binding "created"/"refreshed" for the line's AOR.
  bool registered() const {
    for (auto& e : of("sip.binding")) {
      auto aor = e.string_attr("aor");
      if (aor && aor->find(kLine + "@") != std::string::npos) return true;
    }
    return false;
  }
  // File names the phone asked the file services for, in order (HTTP path or TFTP file).
  std::vector<std::string> requested() const {
    std::vector<std::string> out;
    for (auto& e : events.events()) {
      std::optional<std::string> name;
      if (e.kind == "http.get") name = e.string_attr("path");
      if (e.kind == "tftp.rrq") name = e.string_attr("file");
      if (!name) continue;
      std::string n = *name;
      if (!n.empty() && n.front() == '/') n.erase(0, 1);
      out.push_back(n);
    }
    return out;
  }
  void expect_all_valid() const {
    for (const auto& e : events.events()) {
      auto valid = api::validate(e);
      EXPECT_TRUE(valid.has_value()) << api::to_string(e) << ": " << (valid ? "" : valid.error().message);
    }
  }

  api::CollectingSink events;

 private:
  boost::asio::io_context io_;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_{
      io_.get_executor()};
  std::shared_ptr<services::files::FileStore> store_;
  std::unique_ptr<services::dhcp::Server> dhcp_;
  std::unique_ptr<services::tftp::Server> tftp_;
  std::unique_ptr<services::http::Server> http_;
  std::unique_ptr<services::sip::Server> sip_;
  std::unique_ptr<services::discovery::Server> discovery_;
  std::thread thread_;
};

// One phone namespace ("ph", port = the veth's b end) cabled to a server namespace ("srv",
// kServer/24 and kServer2/24 on the a end).
class PhonedTest : public ::testing::Test {
 protected:
  virtual std::string tag() const = 0;

  void SetUp() override {
    if (geteuid() != 0) GTEST_SKIP() << "needs root (network namespaces, TAP, AF_PACKET)";
    ASSERT_TRUE(fs::exists(phone_binary())) << phone_binary() << " missing: build phonerig-sim-phone";
    lab_ = std::make_unique<NetnsLab>(tag());
    lab_->add("srv");
    lab_->add("ph");
    cable_ = lab_->connect("srv", "ph", kServer + "/24");
    lab_->must_exec("srv", {"ip", "addr", "add", kServer2 + "/24", "dev", cable_.a_if});
    dir_ = std::make_unique<TempDir>();
    capture_ = std::make_unique<Capture>(lab_->ns("srv"), cable_.a_if);
    mark("set up");
  }
  void mark(const char* what) const {
    if (std::getenv("PHONED_TEST_VERBOSE") != nullptr) {
      std::cerr << "[" << api::realtime_ns() / 1000000 % 100000 << " ms] " << what << "\n";
    }
  }

  void TearDown() override {
    // PHONED_TEST_VERBOSE=1 prints the phone's log of a passing test too.
    if ((HasFailure() || std::getenv("PHONED_TEST_VERBOSE") != nullptr) && dir_ && runs_ > 0) {
      std::cerr << "---- phone log ----\n" << read_text(log_path()) << "-------------------\n";
    }
    mark("tear down");
    phone_.reset();
    mark("phone stopped");
    extra_.clear();
    services_.reset();
    mark("services stopped");
    if (capture_) capture_->stop();
    capture_.reset();
    lab_.reset();
    dir_.reset();
    mark("torn down");
  }

  void start_services(const ServiceOptions& options = {}) {
    services_ = std::make_unique<OurServices>(lab_->ns("srv"), cable_.a_if, options);
    mark("services started");
  }

  // phone.json with the test defaults (short timers, 200 ms boot delay) and `knobs` merged.
  void start_phone(const json& knobs = json::object()) {
    json j = {{"id", "cp8851-t"},
              {"mac", kPhoneMac},
              {"model", "CP-8851"},
              {"running_load", kRunningLoad},
              {"boot_delay_ms", 200},
              {"short_timers", true},
              {"port_interface", cable_.b_if},
              {"tap", "voice0"},
              {"flash", flash_dir().string()},
              {"events", events_path().string()}};
    for (auto& [k, v] : knobs.items()) j[k] = v;
    std::ofstream(dir_->file("phone.json")) << j.dump(2);
    ++runs_;  // each start logs to its own file: phone-1.log, phone-2.log...
    started_at_ = std::chrono::steady_clock::now();
    started_ns_ = api::realtime_ns();
    phone_ = std::make_unique<Process>(lab_->ns("ph"),
                                       std::vector<std::string>{phone_binary(), "--config",
                                                                dir_->file("phone.json")},
                                       log_path());
    mark("phone started");
  }

  fs::path log_path() const { return dir_->file("phone-" + std::to_string(runs_) + ".log"); }
  fs::path events_path() const { return dir_->file("phone-events.jsonl"); }
  fs::path flash_dir() const { return dir_->file("flash"); }
  std::string phone_log() const { return read_text(log_path()); }

  // The phone's own events (JSON lines).
  std::vector<json> phone_events() const {
    std::vector<json> out;
    std::ifstream in(events_path());
    std::string line;
    while (std::getline(in, line)) {
      if (!line.empty()) out.push_back(json::parse(line));
    }
    return out;
  }
  std::vector<json> phone_events(const std::string& kind) const {
    std::vector<json> out;
    for (auto& e : phone_events()) {
      if (e.value("kind", "") == kind) out.push_back(e);
    }
    return out;
  }
  // Each line names a declared kind, every attribute is declared for it.
  void expect_phone_events_declared() const {
    for (auto& e : phone_events()) {
      const auto* spec = api::find_kind(e.value("kind", ""));
      ASSERT_NE(spec, nullptr) << e.dump();
      EXPECT_EQ(e.value("phone", ""), kPhoneMac) << e.dump();
      for (auto& [name, value] : e["attrs"].items()) {
        bool declared = false;
        for (const auto& a : spec->attrs) declared = declared || a.name == name;
        if (spec->packet) {
          for (const auto& a : api::packet_attrs()) declared = declared || a.name == name;
        }
        EXPECT_TRUE(declared) << e.dump() << ": attribute " << name;
      }
    }
  }

  bool wait_registered(std::chrono::milliseconds deadline = 20s) {
    return wait_until([&] { return services_->registered(); }, deadline);
  }

  std::unique_ptr<NetnsLab> lab_;
  NetnsLab::Cable cable_;
  std::unique_ptr<TempDir> dir_;
  std::unique_ptr<Capture> capture_;
  std::unique_ptr<OurServices> services_;
  std::vector<std::unique_ptr<Process>> extra_;  // third-party programs, stopped before services
  std::unique_ptr<Process> phone_;
  std::chrono::steady_clock::time_point started_at_;
  std::int64_t started_ns_ = 0;
  int runs_ = 0;
};

}  // namespace phonerig::testing::phoned
