// The shard split of strategy=dpor (shard=i/n): a static prefix split of the choice
// tree, by the rule strategies/choice_tree.h uses for dfs.
//
// Each path is cut at its shallowest choice (a pick among two or more runnable
// threads, or a random value) at which the product of the alternative counts on the
// path reaches n: the *split*. The choices down to and including the split form the
// path's prefix; its mixed-radix rank r assigns it to shard r mod n. A path that ends
// above any split is a prefix of its own (rank over all of its choices).
//
// Every shard enumerates every alternative of the choices above the split, and at the
// split only the alternatives whose prefix it owns; below an owned prefix DPOR runs as
// usual, from an empty sleep set and empty wakeup trees at the state after the split
// step, and a race whose reversal point lies above that state is dropped (its
// reordering is one of the enumerated prefixes). A split none of whose alternatives is
// owned is run once, along its first alternative, and neither counted nor learned
// from (foreign()). With n = 1 there is no choice above the split: region() is 0.
//
// Soundness: every execution E has a prefix P (its choices down to its split) and
// every shard walks every prefix; the owner of P runs DPOR from the state after P,
// which reaches every Mazurkiewicz trace from that state (the correctness of source-set
// and optimal DPOR, Abdulla et al., POPL 2014, with that state as the initial one), so
// an execution equivalent to E.
// Prefixes are owned by exactly one shard, but two prefixes can start equivalent
// executions (independent steps above the split in the other order), so the shards
// together run at least the unsharded executions and reach exactly its traces.
//
// Cost: the nodes above the split (about log2(n) choices deep) are re-walked by every
// shard, and when those choices order independent steps (a thread's start against its
// parent's next step, as in every benchmark of docs/strategies.md) each prefix reaches
// nearly every trace: each shard then runs about as many executions as one unsharded
// search. Sleep sets over the prefix enumeration would cut that; they are not built.
#pragma once

#include <cstdint>
#include <vector>

#include "strategies/choice_tree.h"

namespace lockstep::internal {

class ShardPrefix {
 public:
  static constexpr std::uint32_t kNone = ~std::uint32_t{0};
  struct Node {
    std::uint32_t step = 0;     // the step the choice is made in
    std::uint32_t randoms = 0;  // random choices of the execution before this one
    bool random = false;        // a random value, else a pick
    bool split = false;         // the split of its path
    std::uint32_t count = 0;    // alternatives
    std::uint32_t ordinal = 0;  // the alternative taken on the current path
    std::uint64_t rank = 0;     // of the path above the node
  };

  explicit ShardPrefix(Shard shard);

  // Per execution, before its first choice.
  void begin();
  // True while the current path is above its split: its next choice is a prefix node.
  bool open() const { return width_ < shard_.count; }
  // The ordinal to take at the next choice (open() only): the recorded one when the
  // path repeats the last one, else the first (at a split: the first owned one).
  std::uint32_t choose(std::uint32_t step, std::uint32_t randoms, bool random, std::uint32_t count);
  // After the execution: a path that ended above its split belongs to rank mod n.
  void end();
  // Backtracking: the deepest node with an untried alternative (at a split, an owned
  // one) takes it and the nodes below it are forgotten; nullptr when none is left.
  const Node* next();

  // The current path's prefix belongs to another shard: it is run, not counted.
  bool in_shard() const { return in_shard_; }
  // The path's split has no owned alternative: stop learning below it.
  bool foreign() const { return foreign_; }
  // The first state below the split (0 with n = 1; kNone while, or if, the path
  // stays above it).
  std::uint32_t region() const { return region_; }
  // Choices of the current path that are prefix nodes (its first ones).
  std::size_t choices() const { return depth_; }
  // Random choices above the split (those that are prefix nodes).
  std::uint32_t randoms_above() const { return randoms_above_; }

 private:
  bool owned(std::uint64_t rank, std::uint32_t count, std::uint32_t ordinal) const {
    return (rank * count + ordinal) % shard_.count == shard_.index;
  }

  Shard shard_;
  std::vector<Node> nodes_;  // the prefix nodes of the current path
  std::size_t depth_ = 0;    // nodes visited in this execution
  std::uint64_t rank_ = 0;
  std::uint64_t width_ = 1;  // prefixes at this depth (saturates at shard_.count)
  std::uint32_t region_ = 0;
  std::uint32_t randoms_above_ = 0;
  bool in_shard_ = true;
  bool foreign_ = false;
};

}  // namespace lockstep::internal
