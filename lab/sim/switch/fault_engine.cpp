#include "lab/sim/switch/fault_engine.hpp"

namespace phonerig::sim::sw {

bool FaultEngine::chance(double percent) {
  if (percent <= 0.0) return false;
  if (percent >= 100.0) return true;
  // A millionth of a percent resolution, from the generator's raw output (the standard
  // distributions' results differ between library implementations).
  const std::uint64_t draw = rng_() % 100'000'000ULL;
  return static_cast<double>(draw) < percent * 1'000'000.0;
}

std::vector<Delivery> FaultEngine::apply(const api::Faults& faults, Frame frame, Time due) {
  std::vector<Delivery> out;
  if (!faults.any()) {
    out.push_back(Delivery{std::move(frame), due});
    return out;
  }
  if (chance(faults.loss_percent)) {
    ++counters_.lost;
    return out;
  }
  if (chance(faults.corrupt_percent) && frame.bytes.size() > kEthernetHeader) {
    const std::size_t span = frame.bytes.size() - kEthernetHeader;
    const std::uint64_t bit = rng_() % (span * 8);
    frame.bytes[kEthernetHeader + bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
    ++counters_.corrupted;
  }
  const bool twice = chance(faults.duplicate_percent);
  Time when = due + faults.delay;
  if (faults.delay.count() > 0) ++counters_.delayed;
  if (chance(faults.reorder_percent)) {
    when += faults.reorder_gap;
    ++counters_.reordered;
  }
  if (twice) {
    ++counters_.duplicated;
    out.push_back(Delivery{frame, when});
  }
  out.push_back(Delivery{std::move(frame), when});
  return out;
}

}  // namespace phonerig::sim::sw
