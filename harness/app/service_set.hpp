// Every service a lab file declares, started together on one executor, each one stoppable
// and restartable on its own: `phonerig serve` runs them until a signal; `phonerig run`
// also stops and starts them when a scenario says so ("TFTP and HTTP 6970 down at boot,
// then restored", "primary CallManager down").
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "drivers/api/event_sink.hpp"
#include "drivers/api/result.hpp"
#include "harness/scenario/lab.hpp"

namespace phonerig::app {

class ServiceSet {
 public:
  // Generates the per-phone files (one file.generated event each) and starts every served
  // service of the lab on `executor`, bound to its rig interface. Must be called inside the
  // rig's network namespace. Fault::config for an unresolvable credential, Fault::rig when
  // a service cannot bind.
  static api::Result<std::unique_ptr<ServiceSet>> start(boost::asio::any_io_executor executor,
                                                        const scenario::Lab& lab,
                                                        const std::filesystem::path& state_dir,
                                                        api::EventSink& events);
  ~ServiceSet();
  ServiceSet(const ServiceSet&) = delete;
  ServiceSet& operator=(const ServiceSet&) = delete;

  // "udp 198.18.0.10:67 on rig-voice" lines of every running service.
  std::vector<std::string> where() const;
  std::size_t generated_files() const;

  // The service names a scenario may stop and start: dhcp, tftp, http, sip, cdp.
  static const std::vector<std::string>& names();
  // Stops one service (its sockets close; a phone asking gets no answer, as from a dead
  // server). Fault::config for a name the lab does not serve.
  api::Result<bool> stop(const std::string& name);
  // Starts it again with the same configuration.
  api::Result<bool> start(const std::string& name);
  bool running(const std::string& name) const;
  // Stops every service; idempotent.
  void stop_all();

  struct Impl;

 private:
  explicit ServiceSet(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Enters a named network namespace (/run/netns/NAME) for the whole process. Call it before
// any thread starts, so every socket is created inside it.
api::Result<bool> enter_netns(const std::string& name);

}  // namespace phonerig::app
