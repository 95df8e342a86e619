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
// k is not known in advance: it is the largest step count of this strategy's earlier
// executions (end_execution); kInitialSteps before the first one ends. So execution i depends on
// the executions before it, not on (seed, i) alone; its choices still replay exactly.
//
// Cost per pick: one pass over the runnable ids; no allocation once the per-thread
// priority table has grown to the scenario's thread count.
class Pct final : public Strategy {
 public:
  static constexpr std::uint64_t kInitialSteps = 64;

  Pct(std::uint64_t seed, std::uint32_t depth) : seed_(seed), depth_(depth < 1 ? 1 : depth) {}
  std::string_view name() const override { return "pct"; }
  bool begin_execution(std::uint64_t execution) override;
  std::uint32_t pick(std::span<const std::uint32_t> runnable, std::uint32_t current,
                     const PickContext& context) override;
  std::uint32_t random(std::uint32_t bound, const PickContext& context) override;
  void end_execution(std::uint64_t steps) override;

  std::uint64_t estimated_steps() const { return steps_; }

 private:
  struct ChangePoint {
    std::uint64_t step;
    std::uint64_t priority;  // in [1, d-1]: below every initial priority
  };
  void add_new_threads(std::size_t count);

  std::uint64_t seed_;
  std::uint32_t depth_;
  std::uint64_t steps_ = kInitialSteps;  // k
  bool learned_ = false;                 // steps_ comes from an execution
  Rng rng_;
  std::vector<std::uint64_t> priority_;  // by thread id; initial ones are >= 2^63
  std::vector<ChangePoint> changes_;     // sorted by step
  std::size_t next_change_ = 0;
};

}  // namespace lockstep::internal
