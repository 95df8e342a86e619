#include "strategies/bounded_random.h"

#include <algorithm>

#include "strategies/horizon.h"

namespace lockstep::internal {

bool BoundedRandom::begin_execution(std::uint64_t execution) {
  rng_.reseed(execution_seed(seed_, execution));
  const std::uint64_t horizon = draw_horizon(rng_, max_steps_);
  preemptions_.clear();
  for (std::uint32_t j = 0; j < bound_; ++j) {
    preemptions_.push_back(1 + rng_.below(static_cast<std::uint32_t>(horizon)));
  }
  std::sort(preemptions_.begin(), preemptions_.end());
  next_ = 0;
  return true;
}

std::uint32_t BoundedRandom::pick(std::span<const std::uint32_t> runnable, std::uint32_t current,
                                  const PickContext& context) {
  const auto size = static_cast<std::uint32_t>(runnable.size());
  const auto at = std::find(runnable.begin(), runnable.end(), current);
  if (at == runnable.end() || context.yielded || context.fair_enforced) {
    return runnable[rng_.below(size)];  // a free switch
  }
  if (next_ == preemptions_.size() || preemptions_[next_] > context.step) return current;
  ++next_;
  // Any runnable thread but the current one: draw among size-1 and skip over it.
  const std::uint32_t other = rng_.below(size - 1);
  const auto mine = static_cast<std::uint32_t>(at - runnable.begin());
  return runnable[other < mine ? other : other + 1];
}

std::uint32_t BoundedRandom::random(std::uint32_t bound, const PickContext&) {
  return rng_.below(bound);
}

}  // namespace lockstep::internal
