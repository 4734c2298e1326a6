// bench_capture: the highest rate a LiveCapture takes with zero drops, per snaplen and
// kernel buffer size. Prints figures; it is never a pass/fail test and is not run by ctest.
//
//   sudo build/tests/bench/bench_capture [--seconds S] [--frame-bytes B] [--rates R1,R2,...]
//                                        [--config SNAPLEN:BUFFER_MIB ...]
//
// Defaults: 2 s per step, 300-byte UDP frames, rates 50k..600k frames/s, and the configs
// 2048:4 (DESIGN.md's reference), 2048:8 (LiveCaptureOptions' default) and 262144:4
// (libpcap's default snaplen, to show why we do not use it). Each config ramps up and stops
// at the first step with a drop. It builds the same namespace and veth pair as the lab
// tests (tests/lab/capture/veth_lab.hpp: names "phrcap-<pid>-b", "pc<pid>b[sr]", addresses
// in 198.18.0.0/15) and removes them on exit. Needs root.
//
// A step counts as "0 drops" when the sender reached at least 95% of the rate, the veth
// refused nothing, the kernel ring dropped nothing (ps_drop), our queue dropped nothing,
// and every frame sent was captured. The io_context runs on its own thread and only counts
// frames; a real run's decoder works behind the queue.
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "drivers/capture/live_capture.hpp"
#include "tests/lab/capture/veth_lab.hpp"

namespace {

using namespace phonerig;
using namespace phonerig::capture;

// SIGINT/SIGTERM end the run after the step in progress, so the lab is still removed.
volatile std::sig_atomic_t interrupted = 0;
extern "C" void on_signal(int) { interrupted = 1; }

struct Config {
  int snaplen;
  int buffer_mib;
};

struct Step {
  double target = 0;
  double achieved = 0;
  std::size_t sent = 0;
  std::size_t refused = 0;
  api::CaptureStats stats;
  bool clean() const {
    return achieved >= 0.95 * target && refused == 0 && stats.kernel_dropped == 0 &&
           stats.queue_dropped == 0 && stats.captured == sent;
  }
};

Step run_step(lab::VethLab& veth, lab::RawSender& sender, const Config& config, double rate,
              double seconds, std::size_t frame_bytes) {
  boost::asio::io_context io;
  auto guard = boost::asio::make_work_guard(io);
  LiveCaptureOptions options;
  options.interface = veth.receiver();
  options.filter = "udp dst port 5060";
  options.snaplen = config.snaplen;
  options.buffer_bytes = config.buffer_mib * 1024 * 1024;
  api::Result<std::unique_ptr<LiveCapture>> opened = [&] {
    lab::NetnsGuard inside(veth.netns());
    return LiveCapture::open(io.get_executor(), options);
  }();
  if (!opened) throw std::runtime_error(opened.error().message);
  std::unique_ptr<LiveCapture> capture = std::move(opened).value();

  std::atomic<bool> ready{false};
  std::atomic<bool> ended{false};
  capture->start({[&] { ready = true; }, [](const api::FrameBatch&) {},
                  [&](const api::Result<bool>&) { ended = true; }});
  std::thread executor([&] { io.run(); });
  while (!ready) std::this_thread::sleep_for(std::chrono::milliseconds(1));

  const std::size_t payload = frame_bytes > 42 ? frame_bytes - 42 : 18;
  const wire::ByteVector frame = lab::test_frame(0, 5060, lab::kPhoneA, payload);
  Step step;
  step.target = rate;
  step.sent = static_cast<std::size_t>(rate * seconds);
  const std::int64_t begin = lab::monotonic_ns();
  step.refused = lab::send_paced(sender, step.sent, rate, [&](std::size_t) { return frame; });
  const std::int64_t took = lab::monotonic_ns() - begin;
  step.achieved = static_cast<double>(step.sent) * 1e9 / static_cast<double>(took);

  // Let the ring and the queue empty, then stop.
  const std::int64_t settle_until = lab::monotonic_ns() + 500'000'000;
  while (capture->stats().captured < step.sent - step.refused &&
         lab::monotonic_ns() < settle_until) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  boost::asio::post(io, [&] { capture->stop(); });
  while (!ended) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  guard.reset();
  executor.join();
  step.stats = capture->stats();
  return step;
}

std::vector<double> parse_rates(const std::string& text) {
  std::vector<double> out;
  std::size_t at = 0;
  while (at < text.size()) {
    const std::size_t comma = text.find(',', at);
    out.push_back(std::stod(text.substr(at, comma - at)));
    if (comma == std::string::npos) break;
    at = comma + 1;
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  double seconds = 2;
  std::size_t frame_bytes = 300;
  std::vector<double> rates = {50e3, 100e3, 150e3, 200e3, 250e3, 300e3, 400e3, 500e3, 600e3};
  std::vector<Config> configs;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const std::string value = argv[i + 1];
    if (flag == "--seconds") {
      seconds = std::stod(value);
    } else if (flag == "--frame-bytes") {
      frame_bytes = std::stoul(value);
    } else if (flag == "--rates") {
      rates = parse_rates(value);
    } else if (flag == "--config") {
      const auto colon = value.find(':');
      configs.push_back({std::stoi(value.substr(0, colon)), std::stoi(value.substr(colon + 1))});
    } else {
      std::fprintf(stderr, "unknown option %s\n", flag.c_str());
      return 2;
    }
  }
  if (configs.empty()) configs = {{2048, 4}, {2048, 8}, {262144, 4}};
  if (geteuid() != 0) {
    std::fprintf(stderr, "bench_capture needs root (network namespaces)\n");
    return 2;
  }

  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  lab::VethLab veth("b");
  lab::RawSender sender(veth.netns(), veth.sender());
  // The figures depend on what else runs: print the host's load beside them.
  double load[1] = {0};
  getloadavg(load, 1);
  std::printf("capture across a veth pair, %zu-byte frames, %.1f s per step, %u CPUs, "
              "load average %.2f\n",
              frame_bytes, seconds, std::thread::hardware_concurrency(), load[0]);
  std::printf("%8s %6s %10s %10s %9s %8s %9s %8s %7s  %s\n", "snaplen", "buffer", "target/s",
              "sent/s", "frames", "refused", "captured", "k.drop", "q.drop", "verdict");
  for (const Config& config : configs) {
    double best = 0;
    for (double rate : rates) {
      Step step = run_step(veth, sender, config, rate, seconds, frame_bytes);
      const bool clean = step.clean();
      std::printf("%8d %4dMiB %10.0f %10.0f %9zu %8zu %9llu %8llu %7llu  %s\n", config.snaplen,
                  config.buffer_mib, step.target, step.achieved, step.sent, step.refused,
                  static_cast<unsigned long long>(step.stats.captured),
                  static_cast<unsigned long long>(step.stats.kernel_dropped),
                  static_cast<unsigned long long>(step.stats.queue_dropped),
                  clean                              ? "0 drops"
                  : step.achieved < 0.95 * step.target ? "sender too slow"
                  : step.refused != 0                  ? "veth refused frames"
                                                       : "DROPS");
      std::fflush(stdout);
      if (!clean || interrupted) break;
      best = rate;
    }
    if (interrupted) break;
    std::printf("=> snaplen %d, buffer %d MiB: highest rate with 0 drops %.0f frames/s\n",
                config.snaplen, config.buffer_mib, best);
  }
  return 0;
}
