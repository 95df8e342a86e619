// The data-race checker: happens-before (race/happens_before.h) over the event stream.
//
// How each primitive synchronises (the edges; everything else is program order):
//
//   primitive                     | release (publishes the thread's clock) | acquire (takes it)
//   Lock, RLock, Mutex,           | release                                | acquire / try-acquire that
//     RecursiveMutex, TimedMutex  |                                        |   succeeded
//   SharedMutex                   | release (exclusive),                   | acquire: both kinds of release;
//                                 | release-shared (kept apart)            | acquire-shared: exclusive only
//   Semaphore, BoundedSemaphore   | release (accumulates)                  | acquire that succeeded
//   Event                         | set (accumulates)                      | wait that saw it set
//   Condition, ConditionVariable* | notify-one / notify-all (accumulates)  | a wake by notification
//                                 |   (the lock's own events order the rest)
//   Barrier                       | arrival (wait)                         | arrival, and the wake after it
//   Queue<T>                      | put (accumulates)                      | get that returned an item
//   Thread                        | spawn: the parent's clock starts the child's; end -> join
//   Atomic<T>                     | store/RMW by memory order (release sequences, fences;
//                                 |   see HappensBefore); relaxed operations do not synchronise
//
// Accumulating objects over-approximate (a get synchronises with every earlier put, not
// only its own item's): a race hidden that way is missed, none is invented.
//
// One finding per pair of source locations per search; the variable is marked racy, so
// under shared-points=racy its accesses become scheduling points from the next execution.
#pragma once

#include <array>
#include <cstdint>
#include <set>
#include <tuple>
#include <vector>

#include "lockstep/checker.h"
#include "race/happens_before.h"

namespace lockstep::checkers {

class RaceChecker final : public Checker {
 public:
  EventMask events() const override {
    return events_of(OpKind::kRead, OpKind::kWrite, OpKind::kSpawn, OpKind::kJoin, OpKind::kLoad,
                     OpKind::kStore, OpKind::kReadModifyWrite, OpKind::kFence, OpKind::kAcquire,
                     OpKind::kTryAcquire, OpKind::kAcquireShared, OpKind::kTryAcquireShared,
                     OpKind::kRelease, OpKind::kReleaseShared, OpKind::kSet, OpKind::kPut,
                     OpKind::kNotifyOne, OpKind::kNotifyAll, OpKind::kWait, OpKind::kWake,
                     OpKind::kGet);
  }
  void begin_execution(const ExecutionView& view) override;
  void on_event(const OpEvent& event, const ExecutionView& view, FindingSink& sink) override;

 private:
  static constexpr std::size_t kMaxLocks = 4;
  struct Access {
    bool valid = false;
    bool write = false;
    std::uint32_t thread = 0;
    SourceLocation location;
    std::array<std::uint32_t, kMaxLocks> locks{};  // held by the thread, innermost last
    std::uint8_t lock_count = 0;
    bool more_locks = false;
    std::uint32_t stack = 0;  // traced re-runs: 1 + index in stacks_ (resolves library lines)
  };
  struct VariableAccesses {
    Access write;
    std::vector<Access> reads;  // by thread
  };

  void on_lock(const OpEvent& event);
  [[gnu::noinline]] void on_access(const OpEvent& event, const ExecutionView& view, FindingSink& sink);
  [[gnu::noinline]] void on_sync(const OpEvent& event);  // every event but read/write
  [[gnu::always_inline]] inline void record(Access& into, const OpEvent& event,
                                            const ExecutionView& view);
  Location located(const Access& access) const;
  void report(const OpEvent& event, const Access& now, const Access& before,
              const ExecutionView& view, FindingSink& sink);
  std::string describe(const Access& access, const ExecutionView& view, std::uint32_t variable) const;

  HappensBefore hb_;
  bool traced_ = false;
  std::vector<std::vector<std::uintptr_t>> stacks_;  // call stacks of accesses, traced re-runs
  std::vector<std::vector<std::uint32_t>> held_;  // per thread: locks held (with repeats)
  std::vector<VariableAccesses> accesses_;        // per object id
  std::uint32_t touched_ = 0;                     // accesses_ entries used this execution
  // Pairs of locations reported, with the execution that reported them (its re-run,
  // the determinism check, must report them again).
  std::set<std::tuple<const char*, std::uint32_t, const char*, std::uint32_t>> reported_;
  std::set<std::tuple<const char*, std::uint32_t, const char*, std::uint32_t>> reported_here_;
  // Pairs reported in the running execution (one finding per pair per execution).
  std::set<std::tuple<const char*, std::uint32_t, const char*, std::uint32_t>> reported_now_;
  std::uint64_t execution_ = ~std::uint64_t{0};
};

}  // namespace lockstep::checkers
