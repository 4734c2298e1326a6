// bench_dhcp_server: our DHCP server in the foreground for tests/bench/peers/dhcp.sh
// (OURS_DHCP hook). Serves the hook's reservations (CSV "mac,ip" lines) with option 150,
// a lease file, until SIGINT/SIGTERM. Events are built as in production and dropped.
//
//   bench_dhcp_server --iface IF --server IP --hosts FILE --tftp IP --subnet A.B.C.D/N
//                     [--lease-file PATH] [--port 67] [--lease-time 3600]
#include "drivers/api/event_sink.hpp"
#include "drivers/services/dhcp/server.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

namespace dhcp = phonerig::services::dhcp;
using phonerig::wire::Ipv4;
using phonerig::wire::Mac;

namespace {

[[noreturn]] void usage(const std::string& why) {
  std::fprintf(stderr,
               "bench_dhcp_server: %s\nusage: bench_dhcp_server --iface IF --server IP --hosts "
               "FILE --tftp IP --subnet A.B.C.D/N [--lease-file PATH] [--port N] "
               "[--lease-time S]\n",
               why.c_str());
  std::exit(2);
}

Ipv4 address(const std::string& text) {
  auto a = Ipv4::parse(text);
  if (!a) usage("bad address " + text);
  return *a;
}

} // namespace

int main(int argc, char** argv) {
  dhcp::Config config;
  std::string hosts;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (i + 1 >= argc) usage("missing value for " + flag);
    const std::string value = argv[++i];
    if (flag == "--iface") {
      config.interface = value;
    } else if (flag == "--server") {
      config.server_address = address(value);
    } else if (flag == "--hosts") {
      hosts = value;
    } else if (flag == "--tftp") {
      config.tftp_servers.push_back(address(value));
    } else if (flag == "--subnet") {
      const auto slash = value.find('/');
      if (slash == std::string::npos) usage("subnet needs /N");
      const int bits = std::atoi(value.c_str() + slash + 1);
      if (bits < 1 || bits > 32) usage("bad prefix length");
      config.subnet_mask = Ipv4{bits == 32 ? 0xffffffffu : ~(0xffffffffu >> bits)};
    } else if (flag == "--lease-file") {
      config.lease_file = value;
    } else if (flag == "--port") {
      config.port = static_cast<std::uint16_t>(std::atoi(value.c_str()));
    } else if (flag == "--lease-time") {
      config.lease_time_s = static_cast<std::uint32_t>(std::atol(value.c_str()));
    } else {
      usage("unknown flag " + flag);
    }
  }
  if (hosts.empty()) usage("--hosts is required");
  std::ifstream in(hosts);
  if (!in) usage("cannot read " + hosts);
  std::string line;
  while (std::getline(in, line)) {
    const auto comma = line.find(',');
    if (comma == std::string::npos) continue;
    const auto mac = Mac::parse(line.substr(0, comma));
    if (!mac) usage("bad MAC in " + line);
    config.reservations.push_back({*mac, address(line.substr(comma + 1)), ""});
  }

  boost::asio::io_context io(1);
  phonerig::api::NullSink events;
  auto server = dhcp::Server::start(io.get_executor(), config, events);
  if (!server) {
    std::fprintf(stderr, "bench_dhcp_server: %s\n", server.error().message.c_str());
    return 1;
  }
  std::fprintf(stderr, "bench_dhcp_server: serving %zu reservations on %s\n",
               config.reservations.size(), (*server)->where().front().c_str());
  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code&, int) {
    (*server)->stop();
    io.stop();
  });
  io.run();
  return 0;
}
