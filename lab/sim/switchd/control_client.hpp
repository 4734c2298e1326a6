// The client of the simulated switch's control socket (lab/sim/README.md, the control
// socket table): one JSON object per line each way, synchronous calls with a timeout. It
// implements api::FaultInjector, so the harness drives the simulated lab's faults through it.
// Not thread-safe: one call at a time (the harness's engine thread).
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "drivers/api/fault_injector.hpp"
#include "drivers/api/result.hpp"

namespace phonerig::sim::switchd {

class ControlClient final : public api::FaultInjector {
 public:
  // Connects to the switch's `control` socket. Fault::rig when nothing answers there.
  static api::Result<std::unique_ptr<ControlClient>> connect(
      const std::filesystem::path& path,
      std::chrono::milliseconds timeout = std::chrono::milliseconds(5000));
  ~ControlClient() override;
  ControlClient(const ControlClient&) = delete;
  ControlClient& operator=(const ControlClient&) = delete;

  // api::FaultInjector
  api::Result<bool> set_faults(const api::FaultScope& scope, const api::Faults& faults) override;
  api::Result<api::Faults> faults(const api::FaultScope& scope) const override;
  api::Result<bool> flap_link(const std::string& port, const api::LinkFlap& flap) override;

  // The port's link only (PoE unchanged): `lab attach`.
  api::Result<bool> link(const std::string& port, bool up);
  // As if set over SNMP: on starts the port's phone and brings the link up.
  api::Result<bool> power(const std::string& port, bool on);
  // CDP/LLDP-MED announcements out of the access ports on or off.
  api::Result<bool> announce(bool on);
  // The whole status answer ({"ok":true,"ports":[...],"counters":{...}}).
  api::Result<nlohmann::json> status();

  // One request, its answer; an answer with "ok": false becomes an error (Fault::config for
  // what the switch refused, Fault::rig when the socket fails or times out).
  api::Result<nlohmann::json> call(const nlohmann::json& request) const;

 private:
  ControlClient(int fd, std::filesystem::path path, std::chrono::milliseconds timeout)
      : fd_(fd), path_(std::move(path)), timeout_(timeout) {}
  int fd_;
  std::filesystem::path path_;
  std::chrono::milliseconds timeout_;
  mutable std::string buffered_;  // bytes after the last answer's newline
};

}  // namespace phonerig::sim::switchd
