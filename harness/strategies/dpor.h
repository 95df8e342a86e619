// Dynamic partial-order reduction, in two variants (option dpor=optimal|source):
//
//  - optimal (the default): optimal DPOR with wakeup trees (Abdulla, Aronis, Jonsson
//    & Sagonas, "Optimal Dynamic Partial Order Reduction", POPL 2014, Algorithm 2;
//    "Source Sets: A Foundation for Optimal Dynamic Partial Order Reduction", JACM
//    64(4), 2017). A race (j, e) is reversed by inserting the sequence
//    v = notdep(j, E).e (the steps after j that do not happen after j, then e) into
//    the wakeup tree of the state before j (strategies/wakeup_tree.h), unless a
//    thread asleep there or a branch already there covers v (weak initials). Later
//    executions follow the tree's branches, so every execution is a new Mazurkiewicz
//    trace and none is cut short by sleep sets (see "Exactness" below).
//  - source: source-set DPOR with sleep sets (the same papers, Algorithm 1; building
//    on Flanagan & Godefroid, "Dynamic Partial-Order Reduction for Model Checking
//    Software", POPL 2005, and Godefroid's sleep sets): only the first thread of v
//    is added to the backtrack set of the state before j. Cheaper per race, but some
//    executions end sleep-set blocked (their remaining steps repeat explored traces).
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
// races with the release that would have let them through. Where the later step's
// thread took steps in between, only a mutex's acquire after the release that let it
// in is known not to be reversible; a race of any other operation that may block (a
// semaphore's or a Lock's acquire, a wait, a queue's get or put, a join) is reversed
// as a maybe (Reversible::kMaybe): it may land where the step blocks, so it hides no
// earlier race. When an execution ends with threads blocked (a deadlock) or is cut
// short by a finding, their pending operations race with the steps before them as
// one more step would (Strategy::on_cut_short, find_pending_races).
//
// Random choices (which waiter notify_one wakes, spurious wakeups) are enumerated
// exhaustively, like dfs. Up to 64 threads per execution.
//
// Bounded (dpor=bounded, bound=c): bounded partial-order reduction (Coons, Musuvathi &
// McKinley, "Bounded Partial-Order Reduction", OOPSLA 2013, preemption bound; built on
// Flanagan & Godefroid's persistent-set DPOR). Only schedules with at most c
// preemptions run, a preemption counted as preemption-bound counts it (a pick where
// the thread that ran last was among the runnable threads offered and another one is
// chosen). Guarantee (their bounded persistent sets): for every Mazurkiewicz trace that
// has a schedule with at most c preemptions, some schedule of that trace with at most
// c preemptions runs; so it reaches every outcome and finding preemption-bound
// bound=c reaches, usually in far fewer executions. Per step e of thread q and every
// other thread v, the races are every step of v dependent with e since q's previous
// step, and v's last dependent step before it that does not happen before q's
// previous step (F&G's "next(s, q)" at every state s, per thread as BPOR asks). Each
// race (i, e) adds q at the state before i and, conservatively, at the last context
// switch before i (where running q instead may cost no preemption the reversal at i
// would); where q is not enabled, every enabled thread is added (F&G). A release and
// the acquire it enables count as a race too: q may reach its acquire earlier, block,
// and hand back without a preemption. Branches whose schedule would exceed c are
// dropped. Sleep sets are off: a branch cut by the bound may be the only one that
// covers what a sleeping thread stands for. "Enabled" is the runnable set the runtime
// offers; once fair scheduling is enforced (livelock-after) it depends on the order
// of independent steps, and the guarantee holds for the schedules' prefix before it.
//
// Sharding (shard=i/n; strategies/shard_prefix.h): the choices above a static split
// (at dependent picks, where the product of the awake alternative counts reaches n)
// are enumerated with sleep sets, the prefix of rank r belongs to shard r mod n, and
// below an owned prefix DPOR runs with the sleep set it inherits and empty wakeup
// trees (races reversed at or above the split dropped). An inherited ("outside")
// sleeper covers a reversal only as an initial of it (insert_wakeup). The shards
// together reach every trace of the unsharded search, each schedule counted in one
// shard; a trace may be reached below two prefixes, so their executions add up to at
// least the unsharded count (Counter2x10: 92,380 + 92,378 against 184,756). With
// n = 1 nothing changes.
//
// Fair scheduling (runtime/fairness.h) can withhold a thread's pick after some
// histories; a branch of a thread not offered at its state is dropped (infeasible())
// rather than rerun as the execution before it.
// Exactness: optimal DPOR runs exactly one execution per trace when every race it
// reverses is feasible as computed (reversible() below). Steps recorded in different
// executions are compared by object key (OpEvent::object_key), not by the
// per-execution ids, which follow the order of first use: with ids, a wakeup tree and
// a sleep set could judge the same pair of steps differently, and the two judgements
// together lose traces. The tests check exact equality on random programs over
// Shared, Atomic and Mutex; infeasible() and sleep_blocked() count the executions
// where it did not hold.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "lockstep/strategy.h"
#include "strategies/footprint.h"
#include "strategies/shard_prefix.h"
#include "strategies/wakeup_tree.h"

namespace lockstep::internal {

enum class DporVariant : std::uint8_t { kOptimal, kSource, kBounded };

class Dpor final : public Strategy {
 public:
  // `bound`: the preemption bound of kBounded (ignored by the other variants).
  explicit Dpor(DporVariant variant = DporVariant::kOptimal, std::uint32_t bound = 0)
      : variant_(variant), bound_(bound), prefix_(Shard{}) {}
  // `shard`: explore only the prefixes of shard `shard.index` of `shard.count`
  // (strategies/shard_prefix.h); optimal and source only.
  Dpor(DporVariant variant, Shard shard) : variant_(variant), prefix_(shard) {}
  std::string_view name() const override { return "dpor"; }
  std::string scope() const override;
  bool begin_execution(std::uint64_t execution) override;
  std::uint32_t pick(std::span<const std::uint32_t> runnable, std::uint32_t current,
                     const PickContext& context) override;
  std::uint32_t random(std::uint32_t bound, const PickContext& context) override;
  void end_execution(std::uint64_t steps) override;
  bool observes_steps() const override { return true; }
  void on_step(std::uint32_t thread, const PickContext& context) override;
  void on_event(const OpEvent& event) override;
  void on_cut_short(const PickContext& context) override;
  bool execution_in_shard() const override { return prefix_.in_shard(); }

  // Executions cut short because every enabled thread was asleep (their remaining
  // steps repeat an explored class; 0 for optimal DPOR, small for source sets).
  std::uint64_t sleep_blocked() const { return sleep_blocked_; }
  // Wakeup-tree branches dropped because the thread they run next was not runnable
  // there (a race reversed that the scenario cannot reorder; 0 when reversible() is
  // exact for the primitives used).
  std::uint64_t infeasible() const { return infeasible_; }
  // Of those, the branches whose thread was runnable but fair scheduling did not offer
  // it (runtime/fairness.h, from livelock-after on): named in scope().
  std::uint64_t held_back() const { return held_back_; }
  // How many of the last execution's first choices were its shard prefix (0 unsharded).
  std::size_t prefix_choices() const { return prefix_.choices(); }

 private:
  static constexpr std::uint32_t kNone = ~std::uint32_t{0};
  class Reversal;  // v = notdep(j, E).e of one race, as a WakeupTree::Sequence

  struct State {  // the state before step i, and step i taken from it
    std::uint32_t thread = 0;
    std::uint32_t local = 0;       // index of the step among its thread's steps
    std::uint32_t prev = kNone;    // the thread's previous step, or its spawning step
    std::uint32_t joined = kNone;  // last step of the thread this step joined
    std::uint32_t since = 0;       // the state from which the step was pending
    std::uint32_t object = 0;      // of the pending operation (a stable id)
    OpKind op = OpKind::kNone;     // the pending operation
    ObjectKind kind = ObjectKind::kNone;
    std::uint64_t enabled = 0;     // threads enabled in the state
    std::uint64_t offered = 0;     // threads the runtime let the strategy choose from
    std::uint64_t backtrack = 0;   // source: threads to explore from the state
    std::uint64_t done = 0;        // explored from the state
    std::uint32_t spent = 0;       // bounded: preemptions of the steps before the state
    bool preemptible = false;      // bounded: the last step's thread was offered here
    WakeupTree wakeup;             // optimal: branches still to explore from the state
    Footprint footprint;
    std::vector<SeenStep> sleep;     // the sleep set of the state
    std::vector<SeenStep> explored;  // done threads with their steps' footprints
  };
  struct RandomNode {
    std::uint32_t after;  // steps before the choice (it happens in step after - 1)
    std::uint32_t bound;
    std::uint32_t value;
  };

  std::uint32_t* clock(std::uint32_t step) { return &clocks_[std::size_t{step} * stride_]; }
  const std::uint32_t* clock(std::uint32_t step) const {
    return &clocks_[std::size_t{step} * stride_];
  }
  // Step i happens before step k (i < k).
  bool before(std::uint32_t i, std::uint32_t k) const {
    return states_[i].local < clock(k)[states_[i].thread];
  }
  void widen(std::uint32_t threads);
  // Makes step `k` the next: completes step k - 1 (clock) and computes k's sleep set.
  void enter(std::uint32_t k);
  void complete(std::uint32_t step);
  void find_races(std::uint32_t e);
  // The races of a pending operation that never ran (on_cut_short): found as for a
  // step taken after the last one (a virtual step at size_).
  struct Pending {
    std::uint32_t thread;
    OpKind op;
    std::uint32_t object;  // stable id
  };
  void find_pending_races(const Pending& pending);
  void add_backtrack(std::uint32_t j, std::uint32_t e);  // source sets
  void insert_wakeup(std::uint32_t j, std::uint32_t e);  // wakeup trees
  bool asleep(std::uint32_t k, std::uint32_t thread) const;
  // The wakeup-tree branch planned at state k runs `thread`, which is not runnable
  // there: dropped (infeasible(); held_back() too if fairness withheld a runnable one).
  void drop_plan(std::uint32_t k, std::uint32_t thread, const PickContext& context);
  // Shard prefix: two awake runnable threads at state k have dependent pending
  // operations (strategies/shard_prefix.h, where the split goes).
  bool dependent_awake(std::span<const std::uint32_t> runnable, std::uint32_t k,
                       const PickContext& context) const;
  // Whether race (j, e) can be reversed: kNo, kYes, or kMaybe (e may block where it
  // would run: reversed, but not taken as covering the earlier races of e).
  enum class Reversible { kNo, kYes, kMaybe };
  Reversible reversible(std::uint32_t j, std::uint32_t e) const;
  // Bounded: the races of step e and their backtrack points (see "Bounded" above).
  void find_bounded_races(std::uint32_t e);
  void add_bounded(std::uint32_t i, std::uint32_t q);
  // Bounded: q at state k if enabled there, else every enabled thread (F&G).
  void backtrack_at(std::uint32_t k, std::uint32_t q);
  // Bounded: preemptions that running `thread` at state k costs (0 or 1).
  std::uint32_t cost(std::uint32_t k, std::uint32_t thread) const;
  // DPOR's id of the object with execution id `id` and key `key` (OpEvent::object_key):
  // the same in every execution.
  std::uint32_t stable(std::uint32_t id, std::uint64_t key);
  // The thread the wakeup tree of fresh state k runs next, or kNone.
  std::uint32_t planned(std::uint32_t k) const;

  DporVariant variant_;
  std::uint32_t bound_;
  std::vector<State> states_;  // states_[0, size_) is the current path (reused storage)
  std::uint32_t size_ = 0;
  std::vector<RandomNode> randoms_;
  std::vector<std::uint32_t> clocks_;  // per step: vector clock (steps of each thread)
  std::uint32_t stride_ = 8;
  // Per execution, indexed by thread.
  std::vector<std::uint32_t> last_step_, spawned_by_, steps_of_, first_in_v_;
  std::vector<std::uint32_t> scratch_;  // J of find_races, stride_ wide
  std::unordered_map<std::uint64_t, std::uint32_t> stable_;  // object key -> stable id
  std::vector<std::uint32_t> by_id_;  // this execution's object id -> stable id (0: not yet)
  WakeupTree subtree_;  // the wakeup tree of the next fresh state (optimal)
  ShardPrefix prefix_;  // the choices above the shard split (none unsharded)

  bool started_ = false;
  std::uint32_t first_new_ = 0;      // steps before it are replayed unchanged
  std::uint32_t replay_until_ = 0;   // steps before it have their thread fixed
  std::uint32_t random_replay_ = 0;  // random nodes before it are replayed
  std::uint32_t depth_ = 0;          // on_step calls in this execution
  std::uint32_t entered_ = 0;        // enter() done for steps < entered_
  std::uint32_t random_depth_ = 0;
  bool blocked_ = false;
  std::vector<Pending> cut_short_;  // the pending operations of an execution cut short
  std::uint32_t block_from_ = kNone;  // blocked_ from this step on (another shard's split)
  std::uint32_t offered_at_ = kNone;  // the step of the last pick, whose runnable set
  std::uint64_t offered_ = 0;         //   was offered_
  std::uint64_t sleep_blocked_ = 0;
  std::uint64_t infeasible_ = 0;
  std::uint64_t held_back_ = 0;
};

}  // namespace lockstep::internal
