#pragma once

#include <cstdint>
#include <vector>

#include "lockstep/strategy.h"
#include "runtime/rng.h"

namespace lockstep::internal {

// PCT, probabilistic concurrency testing with bug depth d (Burckhardt, Kothari,
// Musuvathi & Nagarakatte, "A Randomized Scheduler with Probabilistic Guarantees of
// Finding Bugs", ASPLOS 2010). Every thread gets a random priority when it appears;
// the highest-priority runnable thread always runs; at d-1 random steps ("change
// points") the thread about to run drops below every initial priority. A bug of depth
// d is found with probability at least 1/(n·k^(d-1)) per execution (n threads, k steps).
//
// k is not known in advance. Two ways to choose it (Horizon):
//  - kLearned (strategy=pct): the largest step count of this strategy's earlier
//    executions (end_execution); kInitialSteps before the first one ends. So execution
//    i depends on the executions before it, not on (seed, i) alone; its choices still
//    replay exactly.
//  - kSampled (the portfolio's members): drawn per execution by draw_horizon
//    (strategies/horizon.h), so execution i depends on (seed, i) alone and the strategy
//    is indexed; the price is a factor of up to L (L = 12 for the default max-steps)
//    on the probability of a change point near the end of an execution.
//
// Fairness (PCT alone starves a low-priority thread that a high-priority one spins on,
// and a correct busy-wait then ends in the step bound or, its invisible progress aside,
// in a livelock report; the paper assumes programs that terminate under every
// schedule). Two adaptations, with fair=true (PickContext's fields are false otherwise):
//  - a thread that polls without effect kSpinPolls times in a row is spinning
//    (PickContext::polled: a failed try-lock, a timeout, a spurious wakeup, a re-read
//    of an unchanged value; in a row: no other thread picked in between) and drops
//    below every other thread, lowered or not, the latest spinner lowest: it lets the
//    thread it waits for run. This is not one of the d-1 change points. Fewer polls
//    are run through as plain PCT would, and so is this_thread::yield(), which waits
//    for nobody: a stretch of yields is a bug window (single_step_inversion's t2 yields
//    60 times before it takes its locks; PCT finds that deadlock when t1, lowered at a
//    change point, waits through them). Only a bug that needs a thread to poll
//    kSpinPolls times in vain while another runnable thread waits, without a change
//    point, is out of reach; random finds such schedules;
//  - from the step fair scheduling is enforced on (PickContext::fair_enforced, option
//    livelock-after) picks are uniform, as in the prioritization-then-random scheduler
//    Deligiannis et al. use to check liveness ("Uncovering Bugs in Distributed Storage
//    Systems during Testing (not in Production!)", FAST 2016): a spin that yields
//    nothing fairness can see (two flags read in turn) still ends, and a livelock is
//    still a lasso the livelock checker sees. Depth semantics hold for the first
//    livelock-after steps, which is the whole of any execution shorter than that.
//
// Cost per pick: one pass over the runnable ids; no allocation once the per-thread
// priority table has grown to the scenario's thread count.
class Pct final : public Strategy {
 public:
  static constexpr std::uint64_t kInitialSteps = 64;
  // Polls in a row after which a thread counts as spinning (see above).
  static constexpr std::uint32_t kSpinPolls = 8;
  enum class Horizon : std::uint8_t { kLearned, kSampled };

  // `max_steps` bounds the sampled horizon (option max-steps); unused when learned.
  Pct(std::uint64_t seed, std::uint32_t depth, Horizon horizon = Horizon::kLearned,
      std::uint64_t max_steps = 0)
      : seed_(seed), depth_(depth < 1 ? 1 : depth), horizon_(horizon), max_steps_(max_steps) {}
  std::string_view name() const override { return "pct"; }
  bool begin_execution(std::uint64_t execution) override;
  std::uint32_t pick(std::span<const std::uint32_t> runnable, std::uint32_t current,
                     const PickContext& context) override;
  std::uint32_t random(std::uint32_t bound, const PickContext& context) override;
  void end_execution(std::uint64_t steps) override;
  bool indexed() const override { return horizon_ == Horizon::kSampled; }

  // k as learned so far (Horizon::kLearned).
  std::uint64_t estimated_steps() const { return steps_; }

 private:
  struct ChangePoint {
    std::uint64_t step;
    std::uint64_t priority;  // below every initial priority, above every spinner's
  };
  void add_new_threads(std::size_t count);

  std::uint64_t seed_;
  std::uint32_t depth_;
  Horizon horizon_;
  std::uint64_t max_steps_;
  std::uint64_t steps_ = kInitialSteps;  // k
  bool learned_ = false;                 // steps_ comes from an execution
  Rng rng_;
  std::vector<std::uint64_t> priority_;  // by thread id; initial ones are >= 2^63
  std::vector<ChangePoint> changes_;     // sorted by step
  std::size_t next_change_ = 0;
  std::uint64_t yield_priority_ = 0;  // the last priority a spinner got; counts down
  std::uint32_t spinner_ = 0;         // the thread whose polls in a row are counted
  std::uint32_t spin_polls_ = 0;      // and how many
};

}  // namespace lockstep::internal
