// lockstep/strategy.h — the three questions the runtime asks a search strategy.
//
// Mechanism apart from policy: the runtime runs logical threads and switches between
// them; a Strategy only answers (after Shuttle's scheduler interface)
//   begin_execution()  — is there another execution to run?
//   pick(...)          — which runnable thread runs at this scheduling point?
//   random(bound)      — any other nondeterministic value (timeouts are picks; this is
//                        for e.g. which waiter notify_one wakes).
// The runtime calls pick only when at least two threads are runnable, and wraps every
// strategy in a check: an answer outside the runnable set or the bound is a harness
// bug (LOCKSTEP_CHECK), except for replay, whose mismatches are TokenErrors.
// Adding a strategy is one file under harness/strategies and one row in its factory.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "lockstep/event.h"
#include "lockstep/options.h"

namespace lockstep {

// What a thread is about to do, as a strategy may see it (DPOR needs the object and
// whether the operation writes; PCT and bounded search need nothing but ids).
struct PendingInfo {
  OpKind op = OpKind::kNone;
  std::uint32_t object = 0;  // per-execution object id; 0: none
  bool blocked = false;      // not runnable at this point
  std::uint64_t key = 0;     // the object's identity across executions (OpEvent::object_key;
                             // filled in only when the strategy observes_steps())
};

struct PickContext {
  std::uint64_t execution = 0;  // index of the execution within the search
  std::uint64_t step = 0;       // scheduling points so far in this execution
  // Indexed by thread id; entries for finished threads have op == kNone.
  std::span<const PendingInfo> pending;
  // The current thread's last operation was a yield as fair scheduling sees it
  // (runtime/fairness.h: this_thread::yield(), a failed try-lock, a timeout, a spurious
  // wakeup, a re-read of an unchanged value). Always false with fair=false.
  bool yielded = false;
  // That yield was a poll without effect (anything but this_thread::yield()): the
  // thread is waiting for another, as in a spin loop.
  bool polled = false;
  // Fair scheduling is enforced at this point (fair=true and step >= livelock-after):
  // `runnable` is already filtered. A strategy that starves threads by design (PCT)
  // should pick at random from here on, so that a spin fairness cannot see (one that
  // never yields) still ends: random choice is fair with probability 1.
  bool fair_enforced = false;
};

class Strategy {
 public:
  virtual ~Strategy() = default;
  virtual std::string_view name() const = 0;
  // Prepares the next execution (index `execution`); false when exhausted.
  virtual bool begin_execution(std::uint64_t execution) = 0;
  // `runnable` is sorted ascending and has at least two ids.
  virtual std::uint32_t pick(std::span<const std::uint32_t> runnable, std::uint32_t current,
                             const PickContext& context) = 0;
  // A value in [0, bound); bound >= 2.
  virtual std::uint32_t random(std::uint32_t bound, const PickContext& context) = 0;
  // Called once the execution has ended (steps taken), for strategies that learn.
  virtual void end_execution(std::uint64_t steps) { (void)steps; }
  // True when execution i's choices depend only on the options, i, and what this
  // instance learned from the executions it was given before: the search may then
  // split the executions between instances (lanes, shards, workers; see
  // runtime/parallel_search.h). False for strategies that walk a tree in order.
  virtual bool indexed() const { return false; }

  // --- for strategies that need every executed step (DPOR) --------------------------
  // Asked once per execution: when false (the default) the runtime never calls
  // on_step/on_event, so other strategies pay one predictable branch per step.
  virtual bool observes_steps() const { return false; }
  // `thread` runs next and performs context.pending[thread] (called at every step,
  // also when it was the only runnable thread; after pick when there was a choice).
  virtual void on_step(std::uint32_t thread, const PickContext& context) {
    (void)thread;
    (void)context;
  }
  // Every event the running thread emits until the next on_step: the footprint of
  // the step (a condition wait's enter, a Shared access that is not a point, ...).
  virtual void on_event(const OpEvent& event) { (void)event; }
  // The execution is cut short with threads unfinished: every thread is blocked (a
  // deadlock), or a finding ends it. context.pending holds each thread's pending
  // operation (op kNone: finished, or the running thread in the middle of a step);
  // they never run, but their races with the steps before still count (DPOR).
  virtual void on_cut_short(const PickContext& context) { (void)context; }

  // --- for exhaustive strategies ------------------------------------------------------
  // False when the execution just ended belongs to another shard (shard=i/n): the
  // search then neither counts it nor reports its findings.
  virtual bool execution_in_shard() const { return true; }
  // When begin_execution returned false: what "every schedule" meant, e.g. "with at
  // most 2 preemptions" ("" for an unbounded search).
  virtual std::string scope() const { return {}; }
};

// Builds the strategy named by options.strategy. Throws OptionError for unknown names.
std::unique_ptr<Strategy> make_strategy(const Options& options);

}  // namespace lockstep
