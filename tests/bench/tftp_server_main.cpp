// bench_tftp_server: our TFTP server as a foreground program for tests/bench/peers/tftp.sh
// (the OURS_TFTP hook):
//   bench_tftp_server --root DIR --listen IP:PORT [--interface IF] [--max-windowsize N]
// Serves DIR read-only until SIGINT or SIGTERM. Events are counted, not printed; the counts
// go to stderr at exit.
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <string>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include "drivers/services/tftp/server.hpp"

namespace {

class CountingSink final : public phonerig::api::EventSink {
 public:
  void emit(phonerig::api::Event event) override {
    if (event.kind == "tftp.done") ++done;
    if (event.kind == "tftp.error") ++errors;
  }
  long done = 0;
  long errors = 0;
};

int usage() {
  std::cerr << "usage: bench_tftp_server --root DIR --listen IP:PORT [--interface IF] "
               "[--max-windowsize N]\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace phonerig;
  std::string root;
  std::string listen;
  services::tftp::Config config;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (i + 1 >= argc) return usage();
    const std::string value = argv[++i];
    if (arg == "--root") {
      root = value;
    } else if (arg == "--listen") {
      listen = value;
    } else if (arg == "--interface") {
      config.interface = value;
    } else if (arg == "--max-windowsize") {
      config.limits.max_windowsize = static_cast<std::uint16_t>(std::stoi(value));
    } else {
      return usage();
    }
  }
  const std::size_t colon = listen.rfind(':');
  if (root.empty() || colon == std::string::npos) return usage();
  const auto address = wire::Ipv4::parse(listen.substr(0, colon));
  if (!address) return usage();
  config.address = *address;
  config.port = static_cast<std::uint16_t>(std::stoi(listen.substr(colon + 1)));
  auto store = services::files::FileStore::open(root);
  if (!store) {
    std::cerr << store.error().message << "\n";
    return 1;
  }
  config.store = *store;
  boost::asio::io_context io(1);
  CountingSink sink;
  auto server = services::tftp::Server::start(io.get_executor(), config, sink);
  if (!server) {
    std::cerr << server.error().message << "\n";
    return 1;
  }
  // stop() waits for the server's strand, so it is called from a thread of its own.
  std::thread stopper;
  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code&, int) {
    stopper = std::thread([&] {
      (*server)->stop();
      io.stop();
    });
  });
  io.run();
  if (stopper.joinable()) stopper.join();
  std::cerr << "bench_tftp_server: " << sink.done << " transfers done, " << sink.errors
            << " errors\n";
  return 0;
}
