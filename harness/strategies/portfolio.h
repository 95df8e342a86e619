#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "lockstep/strategy.h"

namespace lockstep::internal {

// The default mix: executions go round-robin to member strategies (random walk, PCT at
// several depths, bounded search), so one budget covers bugs that each finds best.
// A member whose begin_execution returns false (a bounded search that is done) leaves
// the rotation; the portfolio is exhausted when every member is. Each member sees every
// question of the executions it runs and only those, so its own state (PCT's step
// estimate, a bounded search's position) evolves as if it ran alone.
//
// Cost: one extra virtual call per question.
class Portfolio final : public Strategy {
 public:
  struct Member {
    std::string label;  // "random", "pct(depth=3)", ...
    std::unique_ptr<Strategy> strategy;
  };

  explicit Portfolio(std::vector<Member> members);
  // The default members for `options` (its seed; each member gets its own seed).
  static std::vector<Member> default_members(const Options& options);

  std::string_view name() const override { return "portfolio"; }
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

  // The label of the member running (or that ran) the current execution; valid after
  // begin_execution returned true.
  const std::string& active_label() const { return members_[active_index_].label; }

 private:
  std::vector<Member> members_;  // the rotation; exhausted members are removed
  std::size_t next_ = 0;         // index of the member for the next execution
  std::size_t active_index_ = 0;
  Strategy* active_ = nullptr;
};

}  // namespace lockstep::internal
