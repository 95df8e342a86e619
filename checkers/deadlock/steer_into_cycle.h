// The strategy that tries to turn a potential deadlock (a lock-order cycle, see
// lock_order.h) into a real one: a random walk that holds back every thread about to
// make the second acquisition of one of the cycle's edges (it holds the edge's first
// lock and asks for its second) for as long as any other thread can run. The others
// thereby get to take their first locks; when only held-back threads remain, they go
// on and block on each other. Used by the search after a passing main search
// (harness/runtime/search.cc), never chosen by name.
//
// The idea is the one of Joshi, Park, Sen and Naik, "A Randomized Dynamic Program
// Analysis Technique for Detecting Real Deadlocks" (PLDI 2009, DeadlockFuzzer): pause
// threads at the acquisitions of a potential cycle so the real deadlock forms.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "deadlock/lock_order.h"
#include "lockstep/strategy.h"
#include "runtime/rng.h"

namespace lockstep::checkers {

class SteerIntoCycle final : public Strategy {
 public:
  // `order` must be the LockOrder checker observing the executions this strategy
  // schedules (it knows which locks each thread holds right now).
  SteerIntoCycle(LockOrder& order, LockOrder::Cycle cycle, std::uint64_t seed)
      : order_(order), cycle_(std::move(cycle)), seed_(seed) {}

  std::string_view name() const override { return "steer"; }
  bool begin_execution(std::uint64_t execution) override;
  std::uint32_t pick(std::span<const std::uint32_t> runnable, std::uint32_t current,
                     const PickContext& context) override;
  std::uint32_t random(std::uint32_t bound, const PickContext& context) override;

 private:
  LockOrder& order_;
  LockOrder::Cycle cycle_;
  std::uint64_t seed_;
  internal::Rng rng_;
  std::vector<std::uint32_t> free_;  // pick's scratch
};

}  // namespace lockstep::checkers
