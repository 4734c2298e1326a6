// The simulated switch's socket shell (lab/sim/README.md, "phonerig-sim-switch"): drives
// the pure sw::SwitchCore from one AF_PACKET socket per port on a Boost.Asio event loop,
// hosts the PoE AgentX subagent, starts and ends the phones PoE powers, and serves the
// control socket. One thread (the io_context's); the agent's own thread only posts power
// changes to it.
#pragma once

#include <boost/asio/io_context.hpp>
#include <memory>
#include <string>
#include <vector>

#include "drivers/api/event_sink.hpp"
#include "drivers/api/result.hpp"
#include "lab/sim/switchd/config.hpp"

namespace phonerig::sim::switchd {

class Switch {
 public:
  // Opens every port (offloads off, AF_PACKET, access ports' veths down), starts the PoE
  // agent when `snmp` is configured, applies the initial faults, and creates the control
  // socket last (the readiness signal). Fault::rig with the port and errno on failure.
  static api::Result<std::unique_ptr<Switch>> start(boost::asio::io_context& io, Config config,
                                                    api::EventSink& events);
  ~Switch();
  Switch(const Switch&) = delete;
  Switch& operator=(const Switch&) = delete;

  // Idempotent: closes the control socket (and removes its file), ends every phone
  // (SIGTERM, SIGKILL after 1 s), stops the agent, closes the ports, cancels the timers.
  void stop();

  // "3 ports (1 access), control /run/...": the start line.
  std::string summary() const;

  struct Impl;

 private:
  explicit Switch(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace phonerig::sim::switchd
