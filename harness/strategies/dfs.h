#pragma once

#include "strategies/choice_tree.h"

namespace lockstep::internal {

// Every schedule, depth first: the classic stateless search of VeriSoft (Godefroid,
// "Model Checking for Programming Languages using VeriSoft", POPL 1997) without its
// reductions. Exhausts the tree of picks and random values; see choice_tree.h.
class Dfs final : public ChoiceTree {
 public:
  explicit Dfs(Shard shard = {}) : ChoiceTree(ScheduleCost::kNone, 0, false, shard) {}
  std::string_view name() const override { return "dfs"; }
};

}  // namespace lockstep::internal
