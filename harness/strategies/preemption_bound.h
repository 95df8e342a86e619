#pragma once

#include "strategies/choice_tree.h"

namespace lockstep::internal {

// Iterative preemption bounding (Musuvathi & Qadeer, "Iterative Context Bounding for
// Systematic Testing of Multithreaded Programs", PLDI 2007): every schedule with 0
// preemptions, then with at most 1, ... up to `bound`. A preemption is a switch away
// from a thread that could have continued; switches at blocking points and thread
// ends are free. Most bugs need few preemptions, and the count of schedules with at
// most c preemptions grows polynomially in the program's length, not exponentially.
// Each iteration re-runs the schedules of the smaller bounds (CHESS does the same).
class PreemptionBound final : public ChoiceTree {
 public:
  explicit PreemptionBound(std::uint32_t bound, Shard shard = {})
      : ChoiceTree(ScheduleCost::kPreemptions, bound, true, shard) {}
  std::string_view name() const override { return "preemption-bound"; }
};

}  // namespace lockstep::internal
