#include "deadlock/steer_into_cycle.h"

namespace lockstep::checkers {

bool SteerIntoCycle::begin_execution(std::uint64_t execution) {
  rng_.reseed(seed_ ^ (execution * 0x9e3779b97f4a7c15ULL));
  return true;
}

std::uint32_t SteerIntoCycle::pick(std::span<const std::uint32_t> runnable, std::uint32_t current,
                                   const PickContext& context) {
  (void)current;
  free_.clear();
  for (std::uint32_t t : runnable) {
    const PendingInfo& pending = context.pending[t];
    const bool held_back = pending.op == OpKind::kAcquire && order_.closes_edge_of(cycle_, t, pending.object);
    if (!held_back) free_.push_back(t);
  }
  if (free_.empty()) return runnable[rng_.below(static_cast<std::uint32_t>(runnable.size()))];
  return free_[rng_.below(static_cast<std::uint32_t>(free_.size()))];
}

std::uint32_t SteerIntoCycle::random(std::uint32_t bound, const PickContext& context) {
  (void)context;
  return rng_.below(bound);
}

}  // namespace lockstep::checkers
