#include "harness/app/serve.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <cctype>
#include <fmt/core.h>
#include <mutex>

#include "drivers/api/event_sink.hpp"
#include "drivers/services/config/phone_config.hpp"
#include "harness/app/commands.hpp"
#include "harness/app/exit_codes.hpp"
#include "harness/app/lab_command.hpp"
#include "harness/app/lab_services.hpp"
#include "harness/app/service_set.hpp"
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
    // The instance's rig namespace (`phonerig lab up`), found through its ledger.
    auto netns = simulated_rig_netns(options.instance, "serve");
    if (!netns) return kExitRig;
    lab->rig.netns = *netns;
  }

  // Kept across runs: the DHCP lease journal lives here unless the lab names one, so
  // leases survive a restart of the server.
  std::string stem = std::filesystem::path(lab->file).stem().string();
  for (char& c : stem) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') c = '_';
  }
  const std::filesystem::path state_dir = std::filesystem::path("/var/tmp/phonerig") / stem;
  if (options.write_files) {
    auto plan = plan_services(*lab, state_dir);
    if (!plan) return report(plan.error());
    auto generated = services::config::generate(plan->files);
    if (!generated) return report(generated.error());
    auto written = services::config::write_files(*generated, *options.write_files);
    if (!written) return report(written.error());
    for (const auto& path : *written) fmt::print("{}\n", path.string());
    return kExitOk;
  }

  if (lab->rig.netns) {
    auto entered = enter_netns(*lab->rig.netns);
    if (!entered) return report(entered.error());
  }

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

  boost::asio::io_context io;
  auto services = ServiceSet::start(io.get_executor(), *lab, state_dir, events);
  if (!services) return report(services.error());
  const auto where = (*services)->where();

  fmt::print("phonerig serve: {} ({} phones){}\n", lab->file, lab->phones.size(),
             lab->rig.netns ? " in netns " + *lab->rig.netns : std::string());
  for (const auto& line : where) fmt::print("  {}\n", line);
  fmt::print("  {} generated files{}\n", (*services)->generated_files(),
             options.events_file ? ", events to " + options.events_file->string() : "");
  fmt::print("ready; SIGINT or SIGTERM stops\n");
  std::fflush(stdout);

  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& error, int number) {
    if (error) return;
    fmt::print("phonerig serve: {} received, stopping\n", number == SIGINT ? "SIGINT" : "SIGTERM");
    (*services)->stop_all();
    // Let the stops run (they post to the executor), then end.
    boost::asio::post(io, [&io] { io.stop(); });
  });
  io.run();
  fmt::print("phonerig serve: stopped\n");
  return kExitOk;
}

}  // namespace phonerig::app
