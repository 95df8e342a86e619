// Wakeup trees (Abdulla, Aronis, Jonsson & Sagonas, "Optimal Dynamic Partial Order
// Reduction", POPL 2014, §6; "Source Sets: A Foundation for Optimal Dynamic Partial
// Order Reduction", JACM 64(4), 2017, §6).
//
// The wakeup tree of a state is an ordered forest of step sequences still to explore
// from it: each node is a thread's next step (SeenStep), each root-to-leaf path a
// sequence that reverses a race the search found. Optimal DPOR explores the branches
// left to right; a branch's subtree becomes the wakeup tree of the state after its
// first step, and a leaf hands over to free scheduling.
//
// insert(v) adds a sequence unless the tree already covers it. Walking down from the
// roots, the first child whose thread p is a *weak initial* of v (p's first step in v
// has no predecessor in v, or p does not occur in v and its step is independent of
// all of v) is followed, with p's step removed from v; reaching a leaf means v is
// covered (the leaf's execution and v's can be extended to equivalent ones), and an
// emptied v is covered by the subtree it ended in. Where no child matches, the rest
// of v becomes a new rightmost branch. The tree does not know the dependence: a
// Sequence answers for v.
//
// Cost: insert visits at most one child list per step of v, asking weak_initial once
// per child; take_first moves a subtree (no copy).
#pragma once

#include <cstdint>
#include <vector>

#include "strategies/footprint.h"

namespace lockstep::internal {

class WakeupTree {
 public:
  // A sequence v of steps being inserted, as seen from the node the walk is at.
  class Sequence {
   public:
    virtual ~Sequence() = default;
    virtual bool empty() const = 0;
    // Whether `step`'s thread is a weak initial of what is left of v.
    virtual bool weak_initial(const SeenStep& step) const = 0;
    // Removes `thread`'s first step from v, if v has one.
    virtual void remove(std::uint32_t thread) = 0;
    // What is left of v, in order.
    virtual std::vector<SeenStep> rest() const = 0;
  };

  bool empty() const { return roots_.empty(); }
  // The thread of the leftmost branch; the tree must not be empty.
  std::uint32_t first() const { return roots_.front().step.thread; }
  // Removes the leftmost branch and returns its subtree (the tree after its step).
  WakeupTree take_first();
  void clear() { roots_.clear(); }
  // Inserts v unless covered; returns whether the tree changed.
  bool insert(Sequence& v);

 private:
  struct Node {
    SeenStep step;
    std::vector<Node> children;
  };
  std::vector<Node> roots_;
};

}  // namespace lockstep::internal
