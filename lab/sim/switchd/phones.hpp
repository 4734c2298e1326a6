// The phones the switch powers (lab/sim/README.md): PoE on forks, enters the phone's network
// namespace (setns on /run/netns/<netns>), leads its own process group, appends stdout and
// stderr to the log and execs argv; PoE off sends SIGTERM to that process group and SIGKILL
// 1 s later if it still runs. Only PIDs started here are ever signalled or reaped.
#pragma once

#include <sys/types.h>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <map>
#include <memory>
#include <optional>

#include "drivers/api/result.hpp"
#include "lab/sim/switchd/config.hpp"

namespace phonerig::sim::switchd {

class Phones {
 public:
  explicit Phones(boost::asio::any_io_executor executor,
                  std::chrono::milliseconds grace = std::chrono::milliseconds(1000))
      : executor_(std::move(executor)), grace_(grace) {}
  ~Phones();  // ends every process still running (SIGKILL to its group), reaps it

  // Starts the phone of `port` (one per port: a running one is kept). Its PID.
  api::Result<pid_t> start(std::size_t port, const PhoneSpec& spec);
  // SIGTERM to the port's phone's process group; SIGKILL after the grace period.
  void stop(std::size_t port);
  // The running phone of a port.
  std::optional<pid_t> pid(std::size_t port) const;
  // Collects every ended child of ours (SIGCHLD).
  void reap();
  // Every phone: SIGTERM, wait up to the grace period, SIGKILL what is left; blocks.
  void stop_all_blocking();

 private:
  struct Ending {
    pid_t pid;
    std::unique_ptr<boost::asio::steady_timer> kill_timer;
  };

  boost::asio::any_io_executor executor_;
  std::chrono::milliseconds grace_;
  std::map<std::size_t, pid_t> running_;  // port -> PID (= its process group)
  std::map<pid_t, Ending> ending_;        // SIGTERM sent, not reaped yet
};

}  // namespace phonerig::sim::switchd
