// Schedule shrinking: a failing schedule is minimised while it still fails the same
// way, so the report shows the simplest interleaving that exhibits the bug.
//
// Order of what is minimised (lexicographic): preemptions (switches away from a thread
// that was still runnable), then scheduling points (steps), then threads involved
// (distinct threads picked at choice points). "The same way": every finding is the
// same failure (Finding::same_failure) as the original's, in the same order.
//
// Candidates are derived from the best schedule so far and run by a guided strategy
// that, where its hint says nothing (or no longer fits), runs without preempting: the
// current thread if it is runnable, else the lowest runnable id; value 0. Whatever a
// candidate execution actually chose is its schedule (Execution::choices), so every
// kept candidate replays exactly. A hint is either the choice list itself (positional)
// or the schedule's *deviations* (the picks that differ from running on), each
// anchored to (thread at the point, how many choices it had been at before), which
// survives removing other deviations. Passes, in order of preference:
//   0. keep only 0, 1, 2 or 3 of the deviations (smallest subsets first);
//   1. move one deviation 1-2 choices earlier or later, dropping at most one other;
//   2. cut the choice list at a preemption and run on without preempting;
//   3. remove one preemption (the current thread continues there), keep the rest;
//   4. cut the choice list at any choice (fewer steps).
// The first candidate that is strictly smaller is kept and the passes start over,
// until none is or the re-run budget (option shrink-runs) is spent; the result is a
// function of the original schedule alone, so it is deterministic.
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <vector>

#include "lockstep/finding.h"
#include "lockstep/strategy.h"
#include "runtime/execution.h"

namespace lockstep::internal {

// Forwards to `inner` and counts the preemptions of the execution it runs.
class PreemptionCounter final : public Strategy {
 public:
  explicit PreemptionCounter(Strategy& inner) : inner_(inner) {}
  std::string_view name() const override { return inner_.name(); }
  bool begin_execution(std::uint64_t execution) override {
    preemptions_ = 0;
    return inner_.begin_execution(execution);
  }
  std::uint32_t pick(std::span<const std::uint32_t> runnable, std::uint32_t current,
                     const PickContext& context) override {
    const std::uint32_t picked = inner_.pick(runnable, current, context);
    if (picked != current && std::binary_search(runnable.begin(), runnable.end(), current)) {
      ++preemptions_;
    }
    return picked;
  }
  std::uint32_t random(std::uint32_t bound, const PickContext& context) override {
    return inner_.random(bound, context);
  }
  void end_execution(std::uint64_t steps) override { inner_.end_execution(steps); }

  std::uint64_t preemptions() const { return preemptions_; }

 private:
  Strategy& inner_;
  std::uint64_t preemptions_ = 0;
};

struct ShrinkResult {
  bool reproduced = false;             // the baseline run failed the same way
  std::vector<std::uint32_t> choices;  // the smallest failing schedule found
  std::uint64_t preemptions = 0;       // of `choices`
  std::uint64_t steps = 0;
  std::uint64_t original_preemptions = 0;
  std::uint64_t original_steps = 0;
  std::uint64_t runs = 0;              // executions spent, the baseline run included
};

// Shrinks `choices`, a schedule whose execution reported `findings` (without call
// stacks: `config` must not record a trace). Runs candidates in `ex` with `config`,
// its strategy replaced; at most `max_runs` executions. When the baseline run does not
// fail the same way (a nondeterministic scenario), returns `choices` unchanged.
ShrinkResult shrink_schedule(Execution& ex, const std::function<void()>& body,
                             const ExecutionConfig& config, const std::vector<Finding>& findings,
                             std::vector<std::uint32_t> choices, std::uint64_t max_runs);

}  // namespace lockstep::internal
