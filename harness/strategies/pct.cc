// PCT (Burckhardt et al., ASPLOS 2010), with two adaptations to this runtime:
//  - threads appear one by one (spawn), so instead of a random permutation of n known
//    threads each new thread draws a random 63-bit priority above 2^63 (ties, which are
//    practically impossible, go to the lower id): the resulting order is a uniformly
//    random permutation of the threads seen so far, whenever a thread appears;
//  - the runtime asks only where two or more threads are runnable, so a change point
//    at step s takes effect at the first pick at step >= s.
#include "strategies/pct.h"

#include <algorithm>

#include "strategies/horizon.h"

namespace lockstep::internal {

namespace {
// Priority bands, highest first: initial priorities [2^63, 2^64); threads lowered at a
// change point 2^62 + [2, d]; spinning threads below 2^62, the latest lowest.
constexpr std::uint64_t kInitialPriorityBit = std::uint64_t{1} << 63;
constexpr std::uint64_t kChangePointBase = std::uint64_t{1} << 62;
}  // namespace

bool Pct::begin_execution(std::uint64_t execution) {
  rng_.reseed(execution_seed(seed_, execution));
  priority_.clear();
  changes_.clear();
  next_change_ = 0;
  yield_priority_ = kChangePointBase;
  spin_polls_ = 0;
  const std::uint64_t k =
      horizon_ == Horizon::kSampled && depth_ > 1 ? draw_horizon(rng_, max_steps_) : steps_;
  // d-1 change points, uniform over [1, k]; change point j lowers to 2^62 + d - j
  // (the paper's "priority d-j ... below all initial ones"; distinct values keep the
  // order among lowered threads well defined).
  for (std::uint32_t j = 0; j + 1 < depth_; ++j) {
    const std::uint64_t span = std::min<std::uint64_t>(k, 0xffffffffULL);
    const std::uint64_t step = 1 + rng_.below(static_cast<std::uint32_t>(span));
    changes_.push_back(ChangePoint{step, kChangePointBase + depth_ - j});
  }
  std::sort(changes_.begin(), changes_.end(), [](const ChangePoint& a, const ChangePoint& b) {
    return a.step < b.step || (a.step == b.step && a.priority > b.priority);
  });
  return true;
}

void Pct::add_new_threads(std::size_t count) {
  while (priority_.size() < count) priority_.push_back(kInitialPriorityBit | (rng_.next() >> 1));
}

std::uint32_t Pct::pick(std::span<const std::uint32_t> runnable, std::uint32_t current,
                        const PickContext& context) {
  if (context.fair_enforced) return runnable[rng_.below(static_cast<std::uint32_t>(runnable.size()))];
  if (priority_.size() < context.pending.size()) add_new_threads(context.pending.size());
  // The kSpinPolls-th poll in a row without a switch: a spin, which goes below every
  // other thread.
  if (context.polled) {
    if (current != spinner_) {
      spinner_ = current;
      spin_polls_ = 0;
    }
    if (++spin_polls_ == kSpinPolls) {
      priority_[current] = --yield_priority_;
      spin_polls_ = 0;
    }
  }
  auto highest = [&] {
    std::uint32_t best = runnable[0];
    for (std::uint32_t id : runnable) {
      if (priority_[id] > priority_[best]) best = id;
    }
    return best;
  };
  // Each change point due by now lowers the thread that would run next.
  while (next_change_ < changes_.size() && changes_[next_change_].step <= context.step) {
    priority_[highest()] = changes_[next_change_].priority;
    ++next_change_;
  }
  const std::uint32_t next = highest();
  if (next != current) spin_polls_ = 0;  // another thread runs: the run is over
  return next;
}

std::uint32_t Pct::random(std::uint32_t bound, const PickContext&) { return rng_.below(bound); }

void Pct::end_execution(std::uint64_t steps) {
  steps_ = std::max<std::uint64_t>(learned_ ? std::max(steps_, steps) : steps, 1);
  learned_ = true;
}

}  // namespace lockstep::internal
