#include "strategies/shard_prefix.h"

#include <algorithm>

#include "runtime/check.h"

namespace lockstep::internal {

ShardPrefix::ShardPrefix(Shard shard) : shard_(shard) {
  LOCKSTEP_CHECK(shard.count >= 1 && shard.index < shard.count, "invalid shard");
  begin();
}

void ShardPrefix::begin() {
  depth_ = 0;
  rank_ = 0;
  width_ = 1;
  region_ = open() ? kNone : 0;
  randoms_above_ = 0;
  in_shard_ = true;
  foreign_ = false;
}

std::uint32_t ShardPrefix::choose(std::uint32_t step, std::uint32_t randoms, bool random,
                                  std::uint32_t count) {
  LOCKSTEP_CHECK(open(), "a prefix choice below the shard split");
  if (depth_ >= nodes_.size() || nodes_[depth_].step != step || nodes_[depth_].randoms != randoms ||
      nodes_[depth_].random != random || nodes_[depth_].count != count) {
    // A new node (or, if the scenario answered differently than last time, a fresh one
    // in its place, as ChoiceTree does).
    nodes_.resize(depth_);
    Node node{step, randoms, random, width_ * count >= shard_.count, count, 0, rank_};
    if (node.split) {
      while (node.ordinal < count && !owned(rank_, count, node.ordinal)) ++node.ordinal;
      if (node.ordinal == count) node.ordinal = 0;  // none is ours: run one, uncounted
    }
    nodes_.push_back(node);
  }
  const Node& node = nodes_[depth_++];
  if (random) ++randoms_above_;
  if (node.split) {
    in_shard_ = owned(rank_, count, node.ordinal);
    foreign_ = !in_shard_;
    region_ = step + 1;
  }
  rank_ = rank_ * count + node.ordinal;
  width_ = std::min<std::uint64_t>(shard_.count, width_ * count);
  return node.ordinal;
}

void ShardPrefix::end() {
  if (open() && rank_ % shard_.count != shard_.index) in_shard_ = false;
  nodes_.resize(depth_);  // nodes left over from a longer earlier path (nondeterminism)
}

const ShardPrefix::Node* ShardPrefix::next() {
  while (!nodes_.empty()) {
    Node& node = nodes_.back();
    for (std::uint32_t k = node.ordinal + 1; k < node.count; ++k) {
      if (!node.split || owned(node.rank, node.count, k)) {
        node.ordinal = k;
        return &node;
      }
    }
    nodes_.pop_back();
  }
  return nullptr;
}

}  // namespace lockstep::internal
