// Seeded random walk: at every scheduling point with a choice, each runnable thread is
// equally likely. Execution i draws from execution_seed(seed, i), so any execution of
// a search can be re-derived from (seed, i) alone.
#include "strategies/random_walk.h"

namespace lockstep::internal {

bool RandomWalk::begin_execution(std::uint64_t execution) {
  rng_.reseed(execution_seed(seed_, execution));
  return true;
}

std::uint32_t RandomWalk::pick(std::span<const std::uint32_t> runnable, std::uint32_t,
                               const PickContext&) {
  return runnable[rng_.below(static_cast<std::uint32_t>(runnable.size()))];
}

std::uint32_t RandomWalk::random(std::uint32_t bound, const PickContext&) {
  return rng_.below(bound);
}

}  // namespace lockstep::internal
