#pragma once

#include "strategies/choice_tree.h"

namespace lockstep::internal {

// Delay bounding (Emmi, Qadeer & Rakamarić, "Delay-Bounded Scheduling", POPL 2011): a
// deterministic round-robin scheduler (run the current thread while it can, else the
// next thread id after it) may be told to skip the thread it would run; each skip is
// a delay, and a schedule may use at most `bound` of them. With d delays only
// O(points^d) schedules remain, whatever the thread count; at bound 0 exactly one.
// Iterative like preemption-bound: bounds 0, 1, ..., `bound`.
class DelayBound final : public ChoiceTree {
 public:
  explicit DelayBound(std::uint32_t bound, Shard shard = {})
      : ChoiceTree(ScheduleCost::kDelays, bound, true, shard) {}
  std::string_view name() const override { return "delay-bound"; }
};

}  // namespace lockstep::internal
