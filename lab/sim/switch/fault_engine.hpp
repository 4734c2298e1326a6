// Applies api::Faults to one frame with a seeded generator, so a test with a fixed seed sees
// the same losses, copies, flipped bits and delays on every run (tc-netem(8) semantics:
// each impairment draws its own number per frame; a reordered frame is held back by the gap
// while the ones after it go ahead).
#pragma once

#include <cstdint>
#include <random>
#include <vector>

#include "drivers/api/fault_injector.hpp"
#include "lab/sim/switch/tagging.hpp"

namespace phonerig::sim::sw {

struct FaultCounters {
  std::uint64_t lost = 0;
  std::uint64_t duplicated = 0;
  std::uint64_t corrupted = 0;
  std::uint64_t delayed = 0;
  std::uint64_t reordered = 0;
};

struct Delivery {
  Frame frame;
  Time due{};
};

class FaultEngine {
 public:
  explicit FaultEngine(std::uint64_t seed) : rng_(seed) {}

  // The copies of `frame` that survive `faults` (none, one or two), each with its due time
  // (`due` plus delay, plus the reorder gap when held back). Corruption flips one bit after
  // the Ethernet header, so the frame still reaches where it was going.
  std::vector<Delivery> apply(const api::Faults& faults, Frame frame, Time due);

  const FaultCounters& counters() const { return counters_; }

 private:
  bool chance(double percent);

  std::mt19937_64 rng_;  // the standard fixes its sequence: the same on every platform
  FaultCounters counters_;
};

}  // namespace phonerig::sim::sw
