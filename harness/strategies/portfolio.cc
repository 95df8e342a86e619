#include "strategies/portfolio.h"

#include "runtime/check.h"
#include "runtime/rng.h"
#include "strategies/pct.h"
#include "strategies/preemption_bound.h"
#include "strategies/random_walk.h"

namespace lockstep::internal {

Portfolio::Portfolio(std::vector<Member> members) : members_(std::move(members)) {
  LOCKSTEP_CHECK(!members_.empty(), "a portfolio needs at least one member");
}

std::vector<Portfolio::Member> Portfolio::default_members(const Options& options) {
  // Member m draws from its own seed, so two PCT members never mirror each other.
  auto seed_of = [&](std::uint64_t member) { return execution_seed(options.seed, ~member); };
  std::vector<Member> members;
  members.push_back({"random", std::make_unique<RandomWalk>(seed_of(0))});
  // Depth 1 (no change point: each execution one random priority order), the common
  // depth 2 (one preemption-like change), and the option's depth.
  members.push_back({"pct(depth=1)", std::make_unique<Pct>(seed_of(1), 1)});
  members.push_back({"pct(depth=2)", std::make_unique<Pct>(seed_of(2), 2)});
  const auto depth = static_cast<std::uint32_t>(options.pct_depth);
  if (depth > 2) {
    members.push_back({"pct(depth=" + std::to_string(depth) + ")",
                       std::make_unique<Pct>(seed_of(3), depth)});
  }
  // Iterative preemption bounding (up to option `bound`): the schedules with fewest
  // preemptions first, systematically, where the random members sample. It leaves the
  // rotation once it has covered every schedule within its bound.
  const auto bound = static_cast<std::uint32_t>(options.bound);
  members.push_back({"preemption-bound(bound=" + std::to_string(bound) + ")",
                     std::make_unique<PreemptionBound>(bound)});
  return members;
}

bool Portfolio::begin_execution(std::uint64_t execution) {
  while (!members_.empty()) {
    if (next_ >= members_.size()) next_ = 0;
    if (members_[next_].strategy->begin_execution(execution)) {
      active_index_ = next_;
      active_ = members_[next_].strategy.get();
      ++next_;
      return true;
    }
    members_.erase(members_.begin() + static_cast<std::ptrdiff_t>(next_));
  }
  return false;
}

}  // namespace lockstep::internal
