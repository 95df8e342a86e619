#include "strategies/portfolio.h"

#include "runtime/check.h"
#include "runtime/rng.h"
#include "strategies/bounded_random.h"
#include "strategies/pct.h"
#include "strategies/random_walk.h"

namespace lockstep::internal {

Portfolio::Portfolio(std::vector<Member> members) : members_(std::move(members)) {
  LOCKSTEP_CHECK(!members_.empty(), "a portfolio needs at least one member");
  for (const Member& member : members_) indexed_ = indexed_ && member.strategy->indexed();
}

std::vector<Portfolio::Member> Portfolio::default_members(const Options& options) {
  // The random member is strategy random with the same seed, so execution 0 of the
  // portfolio is execution 0 of random; every other member m draws from its own seed,
  // so no two members mirror each other.
  auto seed_of = [&](std::uint64_t member) { return execution_seed(options.seed, ~member); };
  const std::uint64_t max_steps = options.max_steps;
  auto pct = [&](std::uint64_t member, std::uint32_t depth) {
    return Member{"pct(depth=" + std::to_string(depth) + ")",
                  std::make_unique<Pct>(seed_of(member), depth, Pct::Horizon::kSampled, max_steps)};
  };
  std::vector<Member> members;
  members.push_back({"random", std::make_unique<RandomWalk>(options.seed)});
  members.push_back(pct(1, 1));
  members.push_back(pct(2, 2));
  const auto depth = static_cast<std::uint32_t>(options.pct_depth);
  if (depth > 2) members.push_back(pct(3, depth));
  const auto bound = static_cast<std::uint32_t>(options.bound);
  members.push_back({"bounded-random(bound=" + std::to_string(bound) + ")",
                     std::make_unique<BoundedRandom>(seed_of(4), bound, max_steps)});
  return members;
}

bool Portfolio::begin_execution(std::uint64_t execution) {
  active_index_ = static_cast<std::size_t>(execution % members_.size());
  active_ = members_[active_index_].strategy.get();
  return active_->begin_execution(execution / members_.size());
}

}  // namespace lockstep::internal
