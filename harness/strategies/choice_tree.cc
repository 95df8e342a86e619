#include "strategies/choice_tree.h"

#include <algorithm>

#include "runtime/check.h"

namespace lockstep::internal {

ChoiceTree::ChoiceTree(ScheduleCost cost, std::uint32_t max_bound, bool iterate, Shard shard)
    : cost_(cost), max_bound_(max_bound), iterate_(iterate && cost != ScheduleCost::kNone) {
  set_shard(shard);
  level_ = iterate_ ? 0 : max_bound_;
}

void ChoiceTree::set_shard(Shard shard) {
  LOCKSTEP_CHECK(!started_, "set_shard after the search started");
  LOCKSTEP_CHECK(shard.count >= 1 && shard.index < shard.count, "invalid shard");
  shard_ = shard;
}

bool ChoiceTree::begin_execution(std::uint64_t) {
  depth_ = 0;
  spent_ = 0;
  rank_ = 0;
  width_ = 1;
  in_shard_ = true;
  if (!started_) {
    started_ = true;
    return true;
  }
  // Backtrack: the deepest node with an untried alternative within the bound (and,
  // at the split node, in this shard) takes it; the nodes below it are forgotten.
  while (!path_.empty()) {
    Node& node = path_.back();
    for (std::uint32_t k = node.k + 1; k < node.limit; ++k) {
      if (!node.split || owned(k, node)) {
        node.k = k;
        return true;
      }
    }
    path_.pop_back();
  }
  if (iterate_ && level_ < max_bound_) {
    ++level_;  // iterative bounding: the next bound, from the root again
    return true;
  }
  return false;
}

std::uint32_t ChoiceTree::cost_of(const Node& node, std::uint32_t k) const {
  switch (cost_) {
    case ScheduleCost::kNone: return 0;
    case ScheduleCost::kPreemptions: return node.preemptive && k > 0 ? 1 : 0;
    case ScheduleCost::kDelays: return k;
  }
  return 0;
}

bool ChoiceTree::owned(std::uint32_t k, const Node& node) const {
  return (rank_ * node.limit + k) % shard_.count == shard_.index;
}

void ChoiceTree::take(const Node& node) {
  if (node.split && !owned(node.k, node)) in_shard_ = false;
  spent_ += cost_of(node, node.k);
  if (width_ < shard_.count) {
    rank_ = rank_ * node.limit + node.k;
    width_ = std::min<std::uint64_t>(shard_.count, width_ * node.limit);
  }
}

std::uint32_t ChoiceTree::next_choice(std::uint32_t count, bool preemptive) {
  if (depth_ < path_.size() && path_[depth_].count == count &&
      path_[depth_].preemptive == preemptive) {
    const Node& node = path_[depth_++];
    take(node);
    return node.k;
  }
  // A new node (or, if the scenario answered differently than last time, a fresh
  // one in place of the old: the search stays well defined, the determinism check
  // of a failing run reports the scenario).
  path_.resize(depth_);
  Node node;
  node.count = count;
  node.preemptive = preemptive;
  node.limit = count;
  if (cost_ != ScheduleCost::kNone) {
    const std::uint64_t budget = spent_ >= level_ ? 0 : level_ - spent_;
    if (cost_ == ScheduleCost::kPreemptions && preemptive && budget == 0) node.limit = 1;
    if (cost_ == ScheduleCost::kDelays) {
      node.limit = static_cast<std::uint32_t>(std::min<std::uint64_t>(count, budget + 1));
    }
  }
  node.split = shard_.count > 1 && width_ < shard_.count &&
               width_ * node.limit >= shard_.count;
  if (node.split) {
    node.k = node.limit;
    for (std::uint32_t k = 0; k < node.limit && node.k == node.limit; ++k) {
      if (owned(k, node)) node.k = k;
    }
    if (node.k == node.limit) node.k = 0;  // none is ours: run one, uncounted
  }
  // Below a split node that is not ours, one path is enough (it is not counted).
  if (!in_shard_) node.limit = 1;
  path_.push_back(node);
  ++depth_;
  take(node);
  return node.k;
}

std::uint32_t ChoiceTree::pick(std::span<const std::uint32_t> runnable, std::uint32_t current,
                               const PickContext&) {
  const auto count = static_cast<std::uint32_t>(runnable.size());
  // Round-robin order from the current thread (or the next id after it).
  const auto at = std::lower_bound(runnable.begin(), runnable.end(), current);
  const std::uint32_t first = at == runnable.end() ? 0 : static_cast<std::uint32_t>(at - runnable.begin());
  const bool preemptive = at != runnable.end() && *at == current;
  return runnable[(first + next_choice(count, preemptive)) % count];
}

std::uint32_t ChoiceTree::random(std::uint32_t bound, const PickContext&) {
  return next_choice(bound, false);
}

void ChoiceTree::end_execution(std::uint64_t) {
  // A path that ended above the split: its whole choice list is the prefix.
  if (width_ < shard_.count && rank_ % shard_.count != shard_.index) in_shard_ = false;
  // Nodes left over from a longer earlier path (a nondeterministic scenario).
  path_.resize(depth_);
}

std::string ChoiceTree::scope() const {
  switch (cost_) {
    case ScheduleCost::kNone: return {};
    case ScheduleCost::kPreemptions:
      return "with at most " + std::to_string(max_bound_) + " preemption" + (max_bound_ == 1 ? "" : "s");
    case ScheduleCost::kDelays:
      return "with at most " + std::to_string(max_bound_) + " delay" + (max_bound_ == 1 ? "" : "s");
  }
  return {};
}

}  // namespace lockstep::internal
