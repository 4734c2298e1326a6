// bench_sip_server: our SIP registrar as a foreground program for the OURS_SIP hook of
// tests/bench/peers/sip.sh:
//
//   OURS_SIP='build/bin/bench_sip_server --listen "$PB_SRV_IP:5060" --users "$PB_USERS"'
//
// Flags: --listen IP:PORT (UDP and TCP), --users FILE ("user;password" lines, no header),
// --auth 0|1 (default: $PB_AUTH, else 0), --realm NAME, --accept-any, --granted N,
// --interface NAME. One thread (the core runs on one strand anyway); events are dropped
// (NullSink) but built, as in the harness. Ends on SIGINT/SIGTERM.
#include "drivers/api/event_sink.hpp"
#include "drivers/services/sip/server.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>

namespace sip = phonerig::services::sip;

int main(int argc, char** argv) {
  sip::Config config;
  config.address = phonerig::wire::Ipv4::parse("198.18.0.1").value();
  const char* env_auth = std::getenv("PB_AUTH");
  config.registrar.auth = env_auth != nullptr && std::string(env_auth) == "1";
  std::string users_file;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::cerr << "bench_sip_server: " << arg << " needs a value\n";
        std::exit(2);
      }
      return argv[++i];
    };
    if (arg == "--listen") {
      std::string value = next();
      auto colon = value.rfind(':');
      auto address = phonerig::wire::Ipv4::parse(value.substr(0, colon));
      if (colon == std::string::npos || !address) {
        std::cerr << "bench_sip_server: --listen IP:PORT\n";
        return 2;
      }
      config.address = *address;
      config.port = static_cast<std::uint16_t>(std::stoi(value.substr(colon + 1)));
    } else if (arg == "--users") {
      users_file = next();
    } else if (arg == "--auth") {
      config.registrar.auth = next() == "1";
    } else if (arg == "--realm") {
      config.registrar.realm = next();
    } else if (arg == "--accept-any") {
      config.registrar.accept_any = true;
    } else if (arg == "--granted") {
      config.registrar.granted_expires = static_cast<std::uint32_t>(std::stoul(next()));
    } else if (arg == "--interface") {
      config.interface = next();
    } else {
      std::cerr << "bench_sip_server: unknown flag " << arg << "\n";
      return 2;
    }
  }
  if (!users_file.empty()) {
    std::ifstream in(users_file);
    if (!in) {
      std::cerr << "bench_sip_server: cannot read " << users_file << "\n";
      return 1;
    }
    std::string line;
    while (std::getline(in, line)) {
      auto semi = line.find(';');
      if (semi == std::string::npos) continue;
      config.registrar.users[line.substr(0, semi)] = line.substr(semi + 1);
    }
  }
  boost::asio::io_context io(1);
  phonerig::api::NullSink sink;
  auto server = sip::Server::start(io.get_executor(), config, sink);
  if (!server) {
    std::cerr << "bench_sip_server: " << server.error().message << "\n";
    return 1;
  }
  for (const auto& line : (*server)->where()) {
    std::cerr << "bench_sip_server: serving " << line << (config.registrar.auth ? " (digest)" : "")
              << ", " << config.registrar.users.size() << " users\n";
  }
  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code&, int) {
    (*server)->stop();
    io.stop();
  });
  io.run();
  return 0;
}
