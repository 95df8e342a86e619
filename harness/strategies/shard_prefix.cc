#include "strategies/shard_prefix.h"

#include <algorithm>
#include <bit>

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
  free_ = 0;
  in_shard_ = true;
  foreign_ = false;
}

std::uint32_t ShardPrefix::awake_from(const Node& node, std::uint32_t from) {
  while (from < node.count && !awake(node, from)) ++from;
  return from;
}

std::uint32_t ShardPrefix::digit(const Node& node) {
  if (node.ordinal >= 64) return node.ordinal;
  const std::uint64_t below = (std::uint64_t{1} << node.ordinal) - 1;
  return node.ordinal - static_cast<std::uint32_t>(std::popcount(node.asleep & below));
}

std::uint32_t ShardPrefix::choose(std::uint32_t step, std::uint32_t randoms, bool random,
                                  std::uint32_t count, std::uint64_t asleep, bool dependent) {
  LOCKSTEP_CHECK(open(), "a prefix choice below the shard split");
  LOCKSTEP_CHECK(!random || asleep == 0, "a random choice has no sleeping alternatives");
  if (count < 64) asleep &= (std::uint64_t{1} << count) - 1;
  const auto awake_count = count - static_cast<std::uint32_t>(std::popcount(asleep));
  if (awake_count == 0) return kNone;  // sleep-set blocked: the path ends above its split
  if (depth_ >= nodes_.size() || nodes_[depth_].step != step || nodes_[depth_].randoms != randoms ||
      nodes_[depth_].random != random || nodes_[depth_].count != count) {
    // A new node (or, if the scenario answered differently than last time, a fresh one
    // in its place, as ChoiceTree does).
    nodes_.resize(depth_);
    Node node;
    node.step = step;
    node.randoms = randoms;
    node.random = random;
    node.splits = random || dependent || free_ >= kFreeChoices;
    node.split = node.splits && width_ * awake_count >= shard_.count;
    node.count = count;
    node.asleep = asleep;
    node.ordinal = awake_from(node, 0);
    nodes_.push_back(node);
  }
  const Node& node = nodes_[depth_++];
  if (random) ++randoms_above_;
  if (node.split) {
    in_shard_ = owned(rank_, awake_count, digit(node));
    foreign_ = !in_shard_;
    region_ = step + 1;
  }
  if (node.splits) {  // the rank counts the awake alternatives of splitting choices
    rank_ = rank_ * awake_count + digit(node);
    width_ = std::min<std::uint64_t>(shard_.count, width_ * awake_count);
  } else {
    ++free_;
  }
  return node.ordinal;
}

void ShardPrefix::end() {
  if (open() && rank_ % shard_.count != shard_.index) in_shard_ = false;
  nodes_.resize(depth_);  // nodes left over from a longer earlier path (nondeterminism)
}

const ShardPrefix::Node* ShardPrefix::next() {
  while (!nodes_.empty()) {
    Node& node = nodes_.back();
    const std::uint32_t k = awake_from(node, node.ordinal + 1);
    if (k < node.count) {
      node.ordinal = k;
      return &node;
    }
    nodes_.pop_back();
  }
  return nullptr;
}

}  // namespace lockstep::internal
