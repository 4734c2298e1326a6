// The discovery service's Boost.Asio shell: one PacketSocket on Config::interface, a
// steady_timer for the periodic announcement, and the Core deciding everything else.
#pragma once

#include <boost/asio/any_io_executor.hpp>

#include <memory>
#include <string>
#include <vector>

#include "drivers/api/event_sink.hpp"
#include "drivers/api/result.hpp"
#include "drivers/services/discovery/discovery_core.hpp"

namespace phonerig::services::discovery {

class Server {
 public:
  // Opens the raw socket on config.interface (Fault::rig with the interface and errno text
  // when it cannot), emits service.listening (one per protocol switched on), sends the first
  // announcement at once and then every config.interval. Frames and timers run on `ex`;
  // events go to `events`, which must outlive the server. Destroy the server before the
  // io_context behind `ex` (its destructor posts the close there).
  static api::Result<std::unique_ptr<Server>> start(boost::asio::any_io_executor ex,
                                                    Config config, api::EventSink& events);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Announce at once on behalf of a phone just powered on (the lead calls it on power.on).
  // Thread-safe: posted to the executor.
  void phone_appeared(const wire::Mac& phone);
  // Idempotent; closes the socket and cancels the timer (posted to the executor).
  void stop();
  // "raw cdp+lldp on eth0 (02:00:00:00:00:01), voice vlan 100" for `serve`.
  std::vector<std::string> where() const;

  struct Impl;

 private:
  explicit Server(std::shared_ptr<Impl> impl);
  std::shared_ptr<Impl> impl_;
};

}  // namespace phonerig::services::discovery
