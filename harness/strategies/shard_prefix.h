// The shard split of strategy=dpor (shard=i/n): a static prefix split of the choice
// tree, searched with sleep sets above the split and DPOR below it.
//
// A choice *splits* when it is a random value or a pick between at least two awake
// threads whose pending operations are dependent (the same object, one of them a
// write: which of the two goes first decides something, as which thread takes a lock
// first does). Each path is cut at its shallowest splitting choice at which the
// product of the awake alternative counts of the splitting choices on the path reaches
// n: the *split*. The choices down to and including the split form the path's prefix;
// its mixed-radix rank r (over every choice's ordinal) assigns it to shard r mod n. A
// path that ends above any split (it ran out of choices, or every runnable thread was
// asleep) is a prefix of its own.
//
// Every shard enumerates the awake alternatives of the choices above and at the split
// with sleep sets (Godefroid): an alternative tried at a state sleeps in the later
// alternatives there, and in the states below them, until a step dependent with it
// runs; a sleeping alternative is not enumerated. Below an owned prefix DPOR runs as
// usual from the state after the split, with that state's sleep set and empty wakeup
// trees; a race whose reversal point lies above that state is dropped (the enumeration
// tries every awake alternative there). An alternative at the split whose prefix
// another shard owns is run one step, uncounted (foreign()): only its step's footprint
// is learned, so that it sleeps in the later alternatives as in every other shard (of
// another shard's random value, nothing).
// With n = 1 there is no choice above the split: region() is 0.
//
// Soundness: every shard walks every prefix above the split the same way (the same
// executions, so the same sleep sets), and each prefix has one owner, who runs DPOR
// below it. Sleep sets over a full enumeration lose no Mazurkiewicz trace (Godefroid,
// "Partial-Order Methods for the Verification of Concurrent Systems", LNCS 1032, 1996),
// and DPOR from a state with a sleep set reaches every trace from it that does not
// start with a sleeping step (the correctness of source-set and optimal DPOR, Abdulla
// et al., POPL 2014, is proved state by state with such sleep sets).
// Below the split, a sleeper inherited from above it is weaker than DPOR's own: it
// covers a race's reversal v only when it is an initial of v (then every maximal
// extension of v is equivalent to one taking it where it fell asleep, in an
// alternative the enumeration explores), not when it is merely independent of v
// (covering that would take a race reversed above the split, which DPOR drops).
// Tested against the unsharded search on random programs, with fair scheduling off:
// enforced, it makes the runnable set depend on the order of independent steps, which
// neither sleep sets nor DPOR assume (Dpor::infeasible()).
//
// Balance: the first choices of most programs order independent steps (a thread's
// start against its parent's next step); splitting there would give one shard nearly
// every trace (its alternative) and the other a path that ends sleep-set blocked.
// Splitting at dependent picks instead (Counter2x10: which worker takes the lock
// first) divides the traces between the shards. Choices above the split that do not
// split are enumerated by every shard; after kFreeChoices of them on one path every
// choice splits, so a program without dependent picks still splits within a few
// choices.
#pragma once

#include <cstdint>
#include <vector>

#include "strategies/choice_tree.h"

namespace lockstep::internal {

class ShardPrefix {
 public:
  static constexpr std::uint32_t kNone = ~std::uint32_t{0};
  // Non-splitting choices a path may make above its split; every later one splits.
  static constexpr std::uint32_t kFreeChoices = 4;
  struct Node {
    std::uint32_t step = 0;     // the step the choice is made in
    std::uint32_t randoms = 0;  // random choices of the execution before this one
    bool random = false;        // a random value, else a pick
    bool split = false;         // the split of its path
    bool splits = false;        // a random value, or a pick between dependent steps
    std::uint32_t count = 0;    // alternatives
    std::uint32_t ordinal = 0;  // the alternative taken on the current path
    std::uint64_t asleep = 0;   // picks: bit o, alternative o is asleep (never taken)
  };

  explicit ShardPrefix(Shard shard);

  // Per execution, before its first choice.
  void begin();
  // True while the current path is above its split: its next choice is a prefix node.
  bool open() const { return width_ < shard_.count; }
  // The ordinal to take at the next choice (open() only): the recorded one when the
  // path repeats the last one, else the first awake one (at a split: the first owned
  // awake one). `asleep` (picks): bit o, alternative o is asleep; `dependent`: two
  // awake alternatives' steps are dependent (random values always split). kNone when
  // every alternative is asleep: the path ends here, sleep-set blocked.
  std::uint32_t choose(std::uint32_t step, std::uint32_t randoms, bool random, std::uint32_t count,
                       std::uint64_t asleep = 0, bool dependent = true);
  // After the execution: a path that ended above its split belongs to rank mod n.
  void end();
  // Backtracking: the deepest node with an untried awake alternative (at a split, an
  // owned one) takes it and the nodes below it are forgotten; nullptr when none is left.
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
  bool owned(std::uint64_t rank, std::uint32_t radix, std::uint32_t digit) const {
    return (rank * radix + digit) % shard_.count == shard_.index;
  }
  static bool awake(const Node& node, std::uint32_t ordinal) {
    return ordinal >= 64 || (node.asleep >> ordinal & 1) == 0;
  }  // The position of the node's ordinal among its awake alternatives.
  static std::uint32_t digit(const Node& node);
  // The first awake alternative of `node` from `from` on; node.count if none.
  static std::uint32_t awake_from(const Node& node, std::uint32_t from);

  Shard shard_;
  std::vector<Node> nodes_;  // the prefix nodes of the current path
  std::size_t depth_ = 0;    // nodes visited in this execution
  std::uint64_t rank_ = 0;
  std::uint64_t width_ = 1;  // prefixes at this depth (saturates at shard_.count)
  std::uint32_t free_ = 0;   // non-splitting choices on the path so far
  std::uint32_t region_ = 0;
  std::uint32_t randoms_above_ = 0;
  bool in_shard_ = true;
  bool foreign_ = false;
};

}  // namespace lockstep::internal
