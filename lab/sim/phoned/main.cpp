// phonerig-sim-phone: the emulated phone (--config phone.json), or only the TAP <-> port
// tagger for `lab attach` (--tagger). lab/sim/README.md is the contract; SIGTERM ends it at
// once (power removed).
#include <signal.h>

#include <CLI/CLI.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <filesystem>
#include <iostream>
#include <memory>

#include "drivers/api/event_sink.hpp"
#include "harness/report/event_json.hpp"
#include "lab/sim/phoned/phone_file.hpp"
#include "lab/sim/phoned/phone_shell.hpp"
#include "lab/sim/phoned/tagger.hpp"

namespace {

using namespace phonerig;

int run_phone(const std::string& config_path) {
  auto file = sim::phoned::load_phone_file(config_path);
  if (!file) {
    std::cerr << "phonerig-sim-phone: " << file.error().message << "\n";
    return 2;
  }
  std::unique_ptr<api::EventSink> sink = std::make_unique<api::NullSink>();
  if (!file->events.empty()) {
    std::error_code ignored;
    if (file->events.has_parent_path()) std::filesystem::create_directories(file->events.parent_path(), ignored);
    auto opened = report::JsonLinesSink::open(file->events);
    if (!opened) {
      std::cerr << "phonerig-sim-phone: " << file->id << ": " << opened.error().message << "\n";
      return 1;
    }
    sink = std::move(*opened);
  }
  boost::asio::io_context io;
  boost::asio::signal_set signals(io, SIGTERM, SIGINT);
  signals.async_wait([&io](const boost::system::error_code&, int) { io.stop(); });
  const std::string id = file->id;
  auto shell = sim::phoned::PhoneShell::start(io, std::move(*file), *sink, std::cerr);
  if (!shell) {
    sim::phoned::log_line(std::cerr, id, "cannot start: " + shell.error().message);
    return 1;
  }
  io.run();
  sim::phoned::log_line(std::cerr, id, "power off");
  (*shell)->stop();
  return 0;
}

int run_tagger(const std::string& port, const std::string& tap, int vlan, const std::string& mac_text) {
  auto mac = wire::Mac::parse(mac_text);
  if (!mac || mac->is_multicast()) {
    std::cerr << "phonerig-sim-phone: --mac '" << mac_text << "' is not a unicast MAC\n";
    return 2;
  }
  const std::string id = "tagger-" + tap;
  boost::asio::io_context io;
  boost::asio::signal_set signals(io, SIGTERM, SIGINT);
  signals.async_wait([&io](const boost::system::error_code&, int) { io.stop(); });
  auto tagger = sim::phoned::Tagger::open(io.get_executor(), port, tap, *mac, false);
  if (!tagger) {
    sim::phoned::log_line(std::cerr, id, "cannot start: " + tagger.error().message);
    return 1;
  }
  (*tagger)->set_vlan(static_cast<std::uint16_t>(vlan));
  (*tagger)->start();
  sim::phoned::log_line(std::cerr, id,
                        "tagging " + tap + " (" + mac->to_string() + ") onto " + port +
                            (vlan == 0 ? std::string(" untagged") : " vlan " + std::to_string(vlan)));
  io.run();
  sim::phoned::log_line(std::cerr, id,
                        "stopped: " + std::to_string((*tagger)->to_port()) + " frames to the port, " +
                            std::to_string((*tagger)->to_tap()) + " to the TAP");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  signal(SIGPIPE, SIG_IGN);
  CLI::App app{"phonerig-sim-phone: the emulated phone of the simulated lab"};
  std::string config;
  bool tagger = false;
  std::string port = "eth0";
  std::string tap;
  int vlan = 0;
  std::string mac;
  app.add_option("--config", config, "phone.json (lab/sim/README.md)")->check(CLI::ExistingFile);
  app.add_flag("--tagger", tagger, "only the TAP <-> port tagger (lab attach)");
  app.add_option("--port-interface", port, "tagger: the port interface")->capture_default_str();
  app.add_option("--tap", tap, "tagger: the TAP to create");
  app.add_option("--vlan", vlan, "tagger: VLAN to tag with, 0 for untagged")->check(CLI::Range(0, 4094));
  app.add_option("--mac", mac, "tagger: the TAP's MAC");
  CLI11_PARSE(app, argc, argv);
  if (tagger) {
    if (!config.empty() || tap.empty() || mac.empty()) {
      std::cerr << "phonerig-sim-phone: --tagger needs --tap and --mac, and no --config\n";
      return 2;
    }
    return run_tagger(port, tap, vlan, mac);
  }
  if (config.empty()) {
    std::cerr << "phonerig-sim-phone: --config phone.json or --tagger is required\n";
    return 2;
  }
  return run_phone(config);
}
