// phonerig-sim-switch --config switch.json: the simulated lab's switch (lab/sim/README.md).
// Runs in the switch namespace until SIGTERM or SIGINT, which end every phone it started and
// remove the control socket. Prints one line when ready; events go to switch.json's `events`.
//
// Exit codes: 0 stopped by a signal, 1 could not start (a port, the control socket...),
// 2 a bad command line or switch.json.
#include <signal.h>

#include <CLI/CLI.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <iostream>

#include "harness/report/event_json.hpp"
#include "lab/sim/switchd/config.hpp"
#include "lab/sim/switchd/switchd.hpp"

int main(int argc, char** argv) {
  using namespace phonerig;
  CLI::App app{"phonerig-sim-switch: the simulated lab's switch"};
  std::string config_path;
  app.add_option("--config", config_path, "switch.json (lab/sim/README.md)")->required();
  CLI11_PARSE(app, argc, argv);

  auto config = sim::switchd::load_config(config_path);
  if (!config) {
    std::cerr << "phonerig-sim-switch: " << config.error().message << "\n";
    return 2;
  }

  ::signal(SIGPIPE, SIG_IGN);
  std::unique_ptr<api::EventSink> sink;
  if (!config->events.empty()) {
    auto opened = report::JsonLinesSink::open(config->events);
    if (!opened) {
      std::cerr << "phonerig-sim-switch: events " << config->events << ": "
                << opened.error().message << "\n";
      return 1;
    }
    sink = std::move(*opened);
  } else {
    sink = std::make_unique<api::NullSink>();
  }

  boost::asio::io_context io;
  // Signals are routed to Asio before anything runs: a SIGTERM during start is not lost.
  boost::asio::signal_set stop(io, SIGINT, SIGTERM);
  auto started = sim::switchd::Switch::start(io, std::move(*config), *sink);
  if (!started) {
    std::cerr << "phonerig-sim-switch: " << started.error().message << "\n";
    return started.error().fault == api::Fault::config ? 2 : 1;
  }
  auto& sw = *started;
  stop.async_wait([&](const boost::system::error_code& ec, int) {
    if (ec) return;
    sw->stop();
    io.stop();
  });
  std::cout << "phonerig-sim-switch: ready, " << sw->summary() << std::endl;
  io.run();
  sw->stop();
  return 0;
}
