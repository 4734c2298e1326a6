// FaultInjector: what the harness asks of the lab's network to make a scenario's faults
// (DESIGN.md, "The simulated lab": loss, delay, duplicate, corrupt, reorder, link flap, per
// port or per VLAN, set while running). The simulated switch implements it in its core; a
// real rig would implement it with netem where the kernel has it.
//
// Calls are synchronous: the simulated switch answers on a local control socket, and a
// percentage or delay is applied to the frames that arrive after the call returns.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "drivers/api/result.hpp"

namespace phonerig::api {

// Impairments applied to each frame of a port or VLAN, as tc-netem(8) names them.
// Percentages are 0 to 100; every impairment draws its own random number per frame.
struct Faults {
  double loss_percent = 0.0;       // the frame is dropped
  std::chrono::milliseconds delay{0};  // every frame is delivered this much later
  double duplicate_percent = 0.0;  // the frame is delivered twice
  double corrupt_percent = 0.0;    // one bit after the Ethernet header is flipped
  double reorder_percent = 0.0;    // the frame is held back by reorder_gap, so later ones pass it
  std::chrono::milliseconds reorder_gap{10};

  bool any() const {
    return loss_percent > 0 || delay.count() > 0 || duplicate_percent > 0 ||
           corrupt_percent > 0 || reorder_percent > 0;
  }
  // Why these values cannot be applied (a percentage outside 0..100, a negative time), or
  // nothing when they can.
  std::optional<std::string> invalid() const {
    auto bad = [](double p) { return !(p >= 0.0 && p <= 100.0); };
    if (bad(loss_percent)) return "loss percent outside 0..100";
    if (bad(duplicate_percent)) return "duplicate percent outside 0..100";
    if (bad(corrupt_percent)) return "corrupt percent outside 0..100";
    if (bad(reorder_percent)) return "reorder percent outside 0..100";
    if (delay.count() < 0) return "negative delay";
    if (reorder_gap.count() < 0) return "negative reorder gap";
    return std::nullopt;
  }
  bool operator==(const Faults&) const = default;
};

// Where faults apply: every frame received on or sent out of one port (named as the lab
// names it: "Gi1/0/5", "GigabitEthernet1/0/5" or the port's own name), or every frame of
// one VLAN (applied once, where the frame enters the switch).
struct FaultScope {
  enum class Kind { port, vlan };
  Kind kind = Kind::port;
  std::string port;
  std::uint16_t vlan = 0;

  static FaultScope of_port(std::string name) { return {Kind::port, std::move(name), 0}; }
  static FaultScope of_vlan(std::uint16_t id) { return {Kind::vlan, {}, id}; }
  std::string to_string() const {
    return kind == Kind::port ? "port " + port : "vlan " + std::to_string(vlan);
  }
  bool operator==(const FaultScope&) const = default;
};

// A link flap: the port's link goes down for `down_for`, then comes back up; with a
// non-zero `period` this repeats `count` times, one flap starting every period.
struct LinkFlap {
  std::chrono::milliseconds down_for{1000};
  std::chrono::milliseconds period{0};
  int count = 1;
  bool operator==(const LinkFlap&) const = default;
};

class FaultInjector {
 public:
  virtual ~FaultInjector() = default;

  // Replaces the faults of a scope (Faults{} clears them). Fault::config for an unknown port
  // or VLAN or invalid values.
  virtual Result<bool> set_faults(const FaultScope& scope, const Faults& faults) = 0;
  // The faults a scope has now.
  virtual Result<Faults> faults(const FaultScope& scope) const = 0;
  // Starts a link flap on a port (replacing one in progress). Fault::config for an unknown
  // port or a flap with down_for <= 0, count < 1, or period shorter than down_for.
  virtual Result<bool> flap_link(const std::string& port, const LinkFlap& flap) = 0;
};

}  // namespace phonerig::api
