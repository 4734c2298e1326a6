#include "harness/app/serve.hpp"

#include <fcntl.h>
#include <sched.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fmt/core.h>

#include "drivers/api/event_sink.hpp"
#include "drivers/services/config/phone_config.hpp"
#include "drivers/services/dhcp/server.hpp"
#include "drivers/services/discovery/server.hpp"
#include "drivers/services/files/file_store.hpp"
#include "drivers/services/http/server.hpp"
#include "drivers/services/sip/server.hpp"
#include "drivers/services/tftp/server.hpp"
#include "harness/app/commands.hpp"
#include "harness/app/exit_codes.hpp"
#include "harness/app/lab_services.hpp"
#include "harness/report/event_json.hpp"
#include "harness/scenario/lab_file.hpp"

namespace phonerig::app {

namespace {

int exit_code_of(const api::Error& error) {
  return error.fault == api::Fault::config ? kExitUsage : kExitRig;
}

int report(const api::Error& error) {
  fmt::print(stderr, "phonerig serve: {}\n", error.message);
  return exit_code_of(error);
}

// Enters the lab's namespace for the whole process: called before any thread starts, so
// every socket of every service is created inside it (DESIGN.md, "The simulated lab").
api::Result<bool> enter_netns(const std::string& name) {
  const std::string path = "/run/netns/" + name;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return api::fail(api::Fault::rig, "cannot open network namespace " + path + ": " +
                                          std::strerror(errno));
  }
  const int entered = ::setns(fd, CLONE_NEWNET);
  const int saved = errno;
  ::close(fd);
  if (entered != 0) {
    return api::fail(api::Fault::rig,
                     "cannot enter network namespace " + name + ": " + std::strerror(saved));
  }
  return true;
}

// Events on stdout, one line each (--verbose).
class PrintSink final : public api::EventSink {
 public:
  void emit(api::Event event) override {
    const std::string line = api::to_string(event);
    std::lock_guard lock(mutex_);
    fmt::print("{}\n", line);
    std::fflush(stdout);
  }

 private:
  std::mutex mutex_;
};

}  // namespace

int serve(const ServeOptions& options) {
  auto lab = load_lab_or_report(options.lab_file);
  if (!lab) return kExitUsage;
  if (lab->simulated() && !options.write_files && !lab->rig.netns) {
    fmt::print(stderr,
               "phonerig serve: {} is a simulated lab; its rig namespace exists only while "
               "the lab is up, and `phonerig lab up` is not built yet. Serve a lab file that "
               "names rig.netns or real interfaces, or use --write-files DIR.\n",
               lab->file);
    return kExitRig;
  }

  // Kept across runs: the DHCP lease journal lives here unless the lab names one, so
  // leases survive a restart of the server.
  std::string stem = std::filesystem::path(lab->file).stem().string();
  for (char& c : stem) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') c = '_';
  }
  const std::filesystem::path state_dir = std::filesystem::path("/var/tmp/phonerig") / stem;
  auto plan = plan_services(*lab, state_dir);
  if (!plan) return report(plan.error());
  auto generated = services::config::generate(plan->files);
  if (!generated) return report(generated.error());

  if (options.write_files) {
    auto written = services::config::write_files(*generated, *options.write_files);
    if (!written) return report(written.error());
    for (const auto& path : *written) fmt::print("{}\n", path.string());
    return kExitOk;
  }

  if (lab->rig.netns) {
    auto entered = enter_netns(*lab->rig.netns);
    if (!entered) return report(entered.error());
  }
  std::error_code ignored;
  if (plan->dhcp_at) std::filesystem::create_directories(plan->dhcp.lease_file.parent_path(), ignored);

  report::FanOutSink events;
  std::unique_ptr<report::JsonLinesSink> file_sink;
  if (options.events_file) {
    auto opened = report::JsonLinesSink::open(*options.events_file);
    if (!opened) return report(opened.error());
    file_sink = std::move(*opened);
    events.add(*file_sink);
  }
  PrintSink printer;
  if (options.verbose) events.add(printer);
  // Every generated file, for the record (and for the engine's evidence).
  for (const auto& [name, bytes] : *generated) {
    api::Event event = api::make_event(api::EventSource::service, "file.generated");
    event.attrs["file"] = name;
    event.attrs["bytes"] = static_cast<std::int64_t>(bytes.size());
    if (auto mac = services::files::phone_of(name)) event.phone = *mac;
    events.emit(std::move(event));
  }

  boost::asio::io_context io;
  auto executor = io.get_executor();
  std::vector<std::string> where;
  std::vector<std::function<void()>> stops;

  std::shared_ptr<services::files::FileStore> store;
  if (plan->tftp_at || plan->http_at) {
    auto opened = services::files::FileStore::open(plan->tftp_root.value_or(""));
    if (!opened) return report(opened.error());
    store = *opened;
    for (auto& [name, bytes] : *generated) {
      store->set(name, services::files::make_content(std::move(bytes)));
    }
  }

  std::unique_ptr<services::dhcp::Server> dhcp;
  std::unique_ptr<services::tftp::Server> tftp;
  std::unique_ptr<services::http::Server> http;
  std::unique_ptr<services::sip::Server> sip;
  std::unique_ptr<services::discovery::Server> cdp;
  auto started = [&](auto& server, auto result) -> std::optional<int> {
    if (!result) return report(result.error());
    server = std::move(*result);
    for (auto& line : server->where()) where.push_back(std::move(line));
    stops.push_back([&server] { server->stop(); });
    return std::nullopt;
  };
  if (plan->dhcp_at) {
    if (auto failed = started(dhcp, services::dhcp::Server::start(executor, plan->dhcp, events))) {
      return *failed;
    }
  }
  if (plan->tftp_at) {
    services::tftp::Config config;
    config.address = plan->tftp_at->address;
    config.port = lab->services.tftp.port;
    config.interface = plan->tftp_at->device;
    config.store = store;
    if (auto failed = started(tftp, services::tftp::Server::start(executor, config, events))) {
      return *failed;
    }
  }
  if (plan->http_at) {
    services::http::Config config;
    config.address = plan->http_at->address;
    config.port = lab->services.http.port;
    config.interface = plan->http_at->device;
    config.store = store;
    config.missing_status = plan->http_missing_status;
    if (auto failed = started(http, services::http::Server::start(executor, config, events))) {
      return *failed;
    }
  }
  if (plan->sip_at) {
    if (auto failed = started(sip, services::sip::Server::start(executor, plan->sip, events))) {
      return *failed;
    }
  }
  if (plan->cdp_at) {
    if (auto failed = started(cdp, services::discovery::Server::start(executor, plan->cdp,
                                                                      events))) {
      return *failed;
    }
  }

  fmt::print("phonerig serve: {} ({} phones){}\n", lab->file, lab->phones.size(),
             lab->rig.netns ? " in netns " + *lab->rig.netns : std::string());
  for (const auto& line : where) fmt::print("  {}\n", line);
  fmt::print("  {} generated files{}\n", generated->size(),
             options.events_file ? ", events to " + options.events_file->string() : "");
  fmt::print("ready; SIGINT or SIGTERM stops\n");
  std::fflush(stdout);

  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& error, int number) {
    if (error) return;
    fmt::print("phonerig serve: {} received, stopping\n", number == SIGINT ? "SIGINT" : "SIGTERM");
    for (auto it = stops.rbegin(); it != stops.rend(); ++it) (*it)();
    // Let the stops run (they post to the executor), then end.
    boost::asio::post(io, [&io] { io.stop(); });
  });
  io.run();
  fmt::print("phonerig serve: stopped\n");
  return kExitOk;
}

}  // namespace phonerig::app
