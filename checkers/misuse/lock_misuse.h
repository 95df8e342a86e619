// Lock misuse: the contract of every lock, condition and semaphore (DESIGN.md §4),
// Python's threading semantics first, std's for the std family. Observes events only:
// a primitive that refuses an operation emits it with OpResult::kRefused before it
// throws, and every other misuse follows from the holds this checker tracks.
//
//   misuse                                        | seen as
//   release of a lock the thread does not hold    | kRelease/kReleaseShared, kRefused
//     (RLock or std mutex owned by another thread,|
//     any lock that is free)                      |
//   try/timed re-lock of a std mutex by its owner | failed/timed-out acquire by the holder
//   held when its owner thread exits              | kThreadEnd with holds left
//   Lock still held when the scenario ends        | end_execution with holds left
//   destroyed while held                          | kDestroy with holds left
//   Condition wait/notify, std wait, without lock | kWait/kNotify*, kRefused
//   std wait over a reentrant lock held > 1 time  | kWait, then its kRelease leaves it held
//   BoundedSemaphore over-release                 | kRelease on a semaphore, kRefused
//   strict only: Lock released by another thread, | kRelease by a non-acquirer;
//     Lock held at its acquirer's exit            | kThreadEnd
//
// A blocking re-acquire of a non-reentrant lock by its holder stays a self-deadlock
// (the primitive or the deadlock checker reports it). Each object is reported once per
// execution. Cost per event: a switch, and for lock events an indexed update of a
// vector reused across executions (no allocation in steady state).
#pragma once

#include <cstdint>
#include <vector>

#include "lockstep/checker.h"

namespace lockstep::checkers {

class LockMisuse final : public Checker {
 public:
  EventMask events() const override {
    return events_of(OpKind::kAcquire, OpKind::kTryAcquire, OpKind::kAcquireShared,
                     OpKind::kTryAcquireShared, OpKind::kRelease, OpKind::kReleaseShared,
                     OpKind::kWait, OpKind::kNotifyOne, OpKind::kNotifyAll, OpKind::kThreadEnd,
                     OpKind::kDestroy);
  }
  void begin_execution(const ExecutionView& view) override;
  void on_event(const OpEvent& event, const ExecutionView& view, FindingSink& sink) override;
  void end_execution(const ExecutionView& view, FindingSink& sink) override;

 private:
  static constexpr std::uint32_t kNobody = ~std::uint32_t{0};
  // What this checker knows of one lock (indexed by object id).
  struct Hold {
    ObjectKind kind = ObjectKind::kNone;
    std::uint32_t holder = kNobody;  // exclusive holder (Lock: the last acquirer)
    std::uint32_t count = 0;         // levels held by `holder`
    SourceLocation acquired;         // where `holder` took the first level
    std::vector<std::uintptr_t> acquired_stack;  // its call stack, in traced runs only
    bool reported = false;           // a misuse was reported for it already
  };
  // A SharedMutex held shared.
  struct Reader {
    std::uint32_t object;
    std::uint32_t thread;
    SourceLocation acquired;
  };

  Hold& hold(std::uint32_t object) {
    if (object < holds_.size()) [[likely]] return holds_[object];
    return grow_holds(object);
  }
  Hold& grow_holds(std::uint32_t object);
  void on_acquired(const OpEvent& event, const ExecutionView& view);
  void on_released(const OpEvent& event, const ExecutionView& view, FindingSink& sink);
  void on_failed_acquire(const OpEvent& event, const ExecutionView& view, FindingSink& sink);
  void on_refused(const OpEvent& event, const ExecutionView& view, FindingSink& sink);
  void on_thread_end(std::uint32_t thread, const ExecutionView& view, FindingSink& sink);
  void on_destroy(const OpEvent& event, const ExecutionView& view, FindingSink& sink);
  bool held_shared(std::uint32_t object, std::uint32_t thread) const;
  // The acquisition of `object` by its holder as a finding location.
  Location acquisition(std::uint32_t object) const;

  std::vector<Hold> holds_;
  bool traced_ = false;  // ExecutionView::traced, read once per execution
  std::vector<Reader> readers_;
  // Per thread: the condition variable whose std-style wait it entered and whose lock
  // release is next (0: none).
  std::vector<std::uint32_t> waiting_on_;
  // The last refused release (thread, step): the refused wait it causes is one misuse.
  std::uint32_t refused_thread_ = kNobody;
  std::uint64_t refused_step_ = 0;
};

}  // namespace lockstep::checkers
