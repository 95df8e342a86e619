// The exhaustive enumerator behind dfs, preemption-bound and delay-bound: a stateless
// depth-first search over the tree of an execution's choices.
//
// A schedule is the list of answers the strategy gave: picks (which runnable thread
// runs) and random values (which waiter notify_one wakes, spurious wakeups). Both are
// nodes of one tree, and every node's alternatives are enumerated. The tree is never
// stored whole: only the current path, one Node per choice (VeriSoft-style stateless
// search: an execution replays the path's prefix, then takes the next alternative).
//
// Alternatives at a pick are ordered from the thread a non-preemptive round-robin
// scheduler would run (the current thread if runnable, else the next id after it), so
// the k-th alternative costs k delays (Emmi et al.) and, when the current thread was
// runnable, k > 0 costs one preemption (Musuvathi & Qadeer). A bounded search cuts the
// alternatives whose cost would exceed the bound.
//
// Sharding (shard=i/n): the tree is split statically at the shallowest node of each
// path below which at least n prefixes exist (the product of the alternative counts
// on the path reaches n); prefix r goes to shard r mod n. Every shard walks the few
// nodes above the split; an execution whose path belongs to another shard is not
// counted (execution_in_shard() is false). The shards' executions are disjoint and
// their union is exactly the unsharded search's.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "lockstep/strategy.h"

namespace lockstep::internal {

enum class ScheduleCost : std::uint8_t { kNone, kPreemptions, kDelays };

struct Shard {
  std::uint32_t index = 0;  // 0-based, < count
  std::uint32_t count = 1;
};

class ChoiceTree : public Strategy {
 public:
  // `iterate`: run the bounds 0, 1, ..., max_bound one after the other (iterative
  // context bounding); otherwise one search with max_bound. kNone ignores the bound.
  ChoiceTree(ScheduleCost cost, std::uint32_t max_bound, bool iterate, Shard shard = {});

  // Restricts the search to shard `shard.index` of `shard.count`; before the first
  // execution only.
  void set_shard(Shard shard);

  bool begin_execution(std::uint64_t execution) override;
  std::uint32_t pick(std::span<const std::uint32_t> runnable, std::uint32_t current,
                     const PickContext& context) override;
  std::uint32_t random(std::uint32_t bound, const PickContext& context) override;
  void end_execution(std::uint64_t steps) override;
  bool execution_in_shard() const override { return in_shard_; }
  std::string scope() const override;

 private:
  struct Node {
    std::uint32_t count = 0;    // alternatives
    std::uint32_t limit = 0;    // alternatives [0, limit) are within the bound
    std::uint32_t k = 0;        // the alternative taken on the current path
    bool preemptive = false;    // a pick where the current thread was runnable
    bool split = false;         // the shard split node of this path
  };
  // The ordinal of the alternative taken at the next node of the path.
  std::uint32_t next_choice(std::uint32_t count, bool preemptive);
  std::uint32_t cost_of(const Node& node, std::uint32_t k) const;
  bool owned(std::uint32_t k, const Node& node) const;
  // After a node's alternative is fixed: accumulates cost and the shard prefix rank.
  void take(const Node& node);

  ScheduleCost cost_;
  std::uint32_t max_bound_;
  bool iterate_;
  Shard shard_;
  std::uint32_t level_ = 0;  // the bound of the current iteration
  bool started_ = false;
  std::vector<Node> path_;
  std::size_t depth_ = 0;     // nodes of the path visited in this execution
  std::uint64_t spent_ = 0;   // cost of the path so far
  std::uint64_t rank_ = 0;    // mixed-radix rank of the path's prefix above the split
  std::uint64_t width_ = 1;   // prefixes at this depth (saturates at shard_.count)
  bool in_shard_ = true;
};

}  // namespace lockstep::internal
