// Source-set dynamic partial-order reduction with sleep sets (Abdulla, Aronis, Jonsson
// & Sagonas, "Optimal Dynamic Partial Order Reduction", POPL 2014, Algorithm 1;
// building on Flanagan & Godefroid, "Dynamic Partial-Order Reduction for Model
// Checking Software", POPL 2005, and Godefroid's sleep sets).
//
// Two schedules that differ only in the order of independent steps reach the same
// state; DPOR runs one execution per such class (Mazurkiewicz trace) instead of one
// per interleaving. It watches every executed step (Strategy::observes_steps), finds
// the races of the execution (two dependent steps of different threads, adjacent in
// happens-before, the later one enabled before the earlier one), and schedules the
// reversal of each race as a later execution, unless one already covers it.
//
// A step is a thread's pending operation plus everything the thread does until its
// next scheduling point; its *footprint* is the set of objects its events touch (so a
// condition wait's enqueue, done in the step before its release, counts; so do Shared
// accesses that are not scheduling points under shared-points=racy).
//
// Dependence: two steps are dependent when their footprints share an object that at
// least one of them writes. Only kRead (Shared) and kLoad (Atomic) are reads; every
// other operation counts as a write of its object, so per primitive (DESIGN.md §4):
//
//   | primitive                         | dependent pairs on the same object             |
//   |-----------------------------------|------------------------------------------------|
//   | Shared<T>                         | read/write, write/write (read/read independent) |
//   | Atomic<T>                         | load/store, load/rmw, store/*, rmw/* (not load/load) |
//   | Mutex, RecursiveMutex, TimedMutex,| every pair: acquire, try-acquire, timed acquire, |
//   |   SharedMutex, Lock, RLock        |   release (shared modes too: conservative)     |
//   | ConditionVariable(Any), Condition | every pair: wait (enqueue), wake, notify-one/all |
//   | Semaphore, BoundedSemaphore       | every pair: acquire, release                   |
//   | Event                             | every pair: set, clear, wait (wait/wait too)    |
//   | Barrier                           | every pair: arrive (wait), wake                |
//   | Queue<T>                          | every pair: put, get                           |
//   | Thread                            | spawn -> the child's first step and a thread's |
//   |                                   |   last step -> join: happens-before edges      |
//   |                                   |   (never reordered); join/join on one thread   |
//   | fence                             | dependent with every step (conservative)       |
//   | a step with a random choice       | dependent with every step (its outcome varies) |
//   | more than 4 objects in one step   | dependent with every step                      |
//
// Blocking: a race is reversed only if the later step's thread was enabled before the
// earlier step (a lock's release never races with the acquire it enabled; the two
// acquires race instead: a non-reversible candidate is skipped without hiding the
// earlier ones behind it). Timed operations are always enabled, so their timeout
// races with the release that would have let them through.
//
// Random choices (which waiter notify_one wakes, spurious wakeups) are enumerated
// exhaustively, like dfs. Up to 64 threads per execution.
#pragma once

#include <cstdint>
#include <vector>

#include "lockstep/strategy.h"

namespace lockstep::internal {

class Dpor final : public Strategy {
 public:
  std::string_view name() const override { return "dpor"; }
  bool begin_execution(std::uint64_t execution) override;
  std::uint32_t pick(std::span<const std::uint32_t> runnable, std::uint32_t current,
                     const PickContext& context) override;
  std::uint32_t random(std::uint32_t bound, const PickContext& context) override;
  void end_execution(std::uint64_t steps) override;
  bool observes_steps() const override { return true; }
  void on_step(std::uint32_t thread, const PickContext& context) override;
  void on_event(const OpEvent& event) override;

  // Executions cut short because every enabled thread was asleep (their remaining
  // steps repeat an explored class; 0 for optimal DPOR, small for source sets).
  std::uint64_t sleep_blocked() const { return sleep_blocked_; }

 private:
  static constexpr std::uint32_t kNone = ~std::uint32_t{0};
  static constexpr std::uint32_t kMaxObjects = 4;

  struct Footprint {
    std::uint32_t objects[kMaxObjects] = {};
    std::uint8_t size = 0;
    std::uint8_t writes = 0;  // bit i: objects[i] is written
    bool all = false;         // dependent with every step
    void add(std::uint32_t object, bool write);
    bool dependent(const Footprint& other) const;
  };
  // Object ids are given at first use, so they agree between executions only for the
  // objects used in their common prefix: ids up to `known`. A sleeping step that
  // touched a later id is dependent with every step that touches any later id.
  struct Asleep {
    std::uint32_t thread;
    std::uint32_t known;
    Footprint footprint;  // of its next step, observed when it was explored
    bool dependent(const Footprint& step) const;
  };
  struct State {  // the state before step i, and step i taken from it
    std::uint32_t thread = 0;
    std::uint32_t local = 0;       // index of the step among its thread's steps
    std::uint32_t prev = kNone;    // the thread's previous step, or its spawning step
    std::uint32_t joined = kNone;  // last step of the thread this step joined
    std::uint32_t since = 0;       // the state from which the step was pending
    std::uint32_t known = 0;       // object ids in use before the step
    std::uint32_t object = 0;      // of the pending operation
    OpKind op = OpKind::kNone;     // the pending operation
    ObjectKind kind = ObjectKind::kNone;
    std::uint64_t enabled = 0;     // threads enabled in the state
    std::uint64_t backtrack = 0;   // threads to explore from the state
    std::uint64_t done = 0;        // explored from the state
    Footprint footprint;
    std::vector<Asleep> sleep;     // the sleep set of the state
    std::vector<Asleep> explored;  // done threads with their steps' footprints
  };
  struct RandomNode {
    std::uint32_t after;  // steps before the choice (it happens in step after - 1)
    std::uint32_t bound;
    std::uint32_t value;
  };

  std::uint32_t* clock(std::uint32_t step) { return &clocks_[std::size_t{step} * stride_]; }
  void widen(std::uint32_t threads);
  // Makes step `k` the next: completes step k - 1 (clock) and computes k's sleep set.
  void enter(std::uint32_t k);
  void complete(std::uint32_t step);
  void find_races(std::uint32_t e);
  void reverse(std::uint32_t j, std::uint32_t e);
  bool asleep(std::uint32_t k, std::uint32_t thread) const;
  bool reversible(std::uint32_t j, std::uint32_t e) const;

  std::vector<State> states_;  // states_[0, size_) is the current path (reused storage)
  std::uint32_t size_ = 0;
  std::vector<RandomNode> randoms_;
  std::vector<std::uint32_t> clocks_;  // per step: vector clock (steps of each thread)
  std::uint32_t stride_ = 8;
  // Per execution, indexed by thread.
  std::vector<std::uint32_t> last_step_, spawned_by_, steps_of_, first_in_v_;
  std::vector<std::uint32_t> scratch_;  // J of find_races, stride_ wide

  bool started_ = false;
  std::uint32_t first_new_ = 0;      // steps before it are replayed unchanged
  std::uint32_t replay_until_ = 0;   // steps before it have their thread fixed
  std::uint32_t random_replay_ = 0;  // random nodes before it are replayed
  std::uint32_t depth_ = 0;          // on_step calls in this execution
  std::uint32_t entered_ = 0;        // enter() done for steps < entered_
  std::uint32_t random_depth_ = 0;
  std::uint32_t known_ = 0;  // the largest object id seen in this execution
  bool blocked_ = false;
  std::uint64_t sleep_blocked_ = 0;
};

}  // namespace lockstep::internal
