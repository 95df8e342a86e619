#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "lockstep/strategy.h"

namespace lockstep::internal {

// The default strategy: executions are dealt round-robin to member strategies, so one
// budget covers bugs that each finds best. The default members are
//   random            uniform picks (strategies/random_walk.h);
//   pct(depth=1)      one random priority order per execution, no change point;
//   pct(depth=2)      one change point: the common depth of ordering bugs;
//   pct(depth=d)      the option pct-depth, when it is above 2;
//   bounded-random    random schedules with at most option `bound` preemptions
//                     (strategies/bounded_random.h);
// The random member uses the option seed as strategy random does, so the portfolio's
// first execution is random's first execution; the others have their own seeds derived
// from it, so no two members mirror each other.
//
// The split is a function of the execution index alone: execution i belongs to member
// i mod m and is that member's execution i / m. So with m members the budget is split
// evenly (the first executions go to members 0, 1, ..., m-1), and the portfolio is
// indexed (Strategy::indexed) when every member is: what execution i does depends on
// (options, seed, i) only, and workers and shards split the portfolio the way they
// split random (runtime/parallel_search.h). The default members are all indexed: the
// PCT members sample their horizon per execution instead of learning it
// (strategies/horizon.h), and the bounded member samples schedules within the bound
// instead of enumerating them in order. Enumeration would cover every schedule within
// the bound and could end the search with a verification result, but a tree walked in
// order cannot be split between lanes, workers or shards (its execution i depends on
// every execution before it); strategy=preemption-bound remains for that.
//
// Each member sees every question of the executions it runs and only those.
// Cost: one extra virtual call per question.
class Portfolio final : public Strategy {
 public:
  struct Member {
    std::string label;  // "random", "pct(depth=3)", ...
    std::unique_ptr<Strategy> strategy;
  };

  explicit Portfolio(std::vector<Member> members);
  // The default members for `options` (its seed, pct-depth, bound and max-steps).
  static std::vector<Member> default_members(const Options& options);

  std::string_view name() const override { return "portfolio"; }
  // Asks member execution % m for its execution execution / m; false when that member
  // refuses it (none of the default members ever does).
  bool begin_execution(std::uint64_t execution) override;
  std::uint32_t pick(std::span<const std::uint32_t> runnable, std::uint32_t current,
                     const PickContext& context) override {
    return active_->pick(runnable, current, context);
  }
  std::uint32_t random(std::uint32_t bound, const PickContext& context) override {
    return active_->random(bound, context);
  }
  void end_execution(std::uint64_t steps) override { active_->end_execution(steps); }
  bool execution_in_shard() const override { return active_->execution_in_shard(); }
  bool indexed() const override { return indexed_; }

  // The label of the member running (or that ran) the current execution; valid after
  // begin_execution returned true.
  const std::string& active_label() const { return members_[active_index_].label; }

 private:
  std::vector<Member> members_;
  bool indexed_ = true;  // every member is
  std::size_t active_index_ = 0;
  Strategy* active_ = nullptr;
};

}  // namespace lockstep::internal
