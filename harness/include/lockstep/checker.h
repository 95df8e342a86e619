// lockstep/checker.h — observers of the event stream.
//
// A Checker sees every Event of every execution and the runtime's state when no
// thread can run; it reports Findings and never schedules (STYLE.md rule 3). Adding a
// checker means adding one observer (checkers/<kind>/) and one row in
// checkers/default_checkers.cc — never editing a primitive.
#pragma once

#include <cstdint>
#include <memory>
#include "lockstep/source_location.h"
#include <string>
#include <vector>

#include "lockstep/event.h"
#include "lockstep/finding.h"
#include "lockstep/options.h"

namespace lockstep {

enum class ThreadState : std::uint8_t { kNotStarted, kRunning, kBlocked, kFinished };

// A set of OpKinds, for Checker::events: bit i stands for the OpKind whose value is i.
using EventMask = std::uint64_t;
inline constexpr EventMask kAllEvents = ~EventMask{0};
inline constexpr EventMask kNoEvents = 0;
constexpr EventMask event_bit(OpKind op) { return EventMask{1} << static_cast<unsigned>(op); }
template <class... Ops>
constexpr EventMask events_of(Ops... ops) {
  return (EventMask{0} | ... | event_bit(ops));
}

// Read-only view of the running execution.
class ExecutionView {
 public:
  virtual ~ExecutionView() = default;
  virtual std::uint32_t thread_count() const = 0;
  virtual ThreadState thread_state(std::uint32_t thread) const = 0;
  // The operation the thread waits to perform (kNone when finished).
  virtual OpKind pending_op(std::uint32_t thread) const = 0;
  virtual std::uint32_t pending_object(std::uint32_t thread) const = 0;  // 0: none
  // Where it waits (with a call stack during a traced re-run; see Location::stack).
  virtual Location pending_location(std::uint32_t thread) const = 0;
  // Threads the blocked `thread` waits for (see ModelObject::holders).
  virtual std::vector<std::uint32_t> waits_for(std::uint32_t thread) const = 0;
  // True when only the threads waits_for() lists can wake the blocked `thread` (see
  // ModelObject::only_holders_wake); false when any thread might.
  virtual bool waits_only_for_holders(std::uint32_t thread) const {
    (void)thread;
    return false;
  }
  // "Mutex m1" / "Mutex#3": the object's name for reports; its kind; its state text.
  virtual std::string object_name(std::uint32_t object) const = 0;
  virtual ObjectKind object_kind(std::uint32_t object) const = 0;  // kNone for 0
  virtual std::string object_state(std::uint32_t object) const = 0;
  virtual SourceLocation object_declared(std::uint32_t object) const = 0;
  virtual std::uint64_t step() const = 0;
  // Events emitted so far in this execution, the one being observed included (its
  // 1-based number in the execution's event sequence).
  virtual std::uint64_t event_count() const = 0;
  // Index of this execution in its search (a failing execution's traced re-run has the
  // same index).
  virtual std::uint64_t execution_index() const = 0;
  // Option strict: report legal-but-suspicious uses (a Lock released by another thread).
  virtual bool strict() const { return false; }
  // True in the traced re-run of a failing schedule (the one whose findings are shown);
  // then locate() is worth its cost.
  virtual bool traced() const { return false; }
  // `location` as a finding location; when traced and inside library code (a
  // std::scoped_lock's lock()) it carries the running thread's call stack, so the
  // report shows the user's line. Call it for the event being observed only.
  virtual Location locate(const SourceLocation& location) const { return Location::from(location); }
  // The exploration's options (checkers with a knob read it in begin_execution).
  virtual const Options& options() const;
};

class FindingSink {
 public:
  virtual ~FindingSink() = default;
  // Records a finding; the execution goes on (a race, a misuse, a warning).
  virtual void report(Finding finding) = 0;
  // Records a finding and ends the execution once the current callback returns (a
  // partial deadlock: the threads of the cycle can never run again).
  virtual void report_fatal(Finding finding) = 0;
  // Feedback to the search: a race was found on this Shared variable, so under
  // shared-points=racy its accesses become scheduling points from the next execution.
  virtual void mark_racy(std::uint32_t object) = 0;
};

class Checker {
 public:
  virtual ~Checker() = default;
  // The operations whose events this checker's on_event wants (events_of(...)); the
  // runtime calls on_event for those only. Asked once per exploration. A checker that
  // only needs on_block/on_all_blocked/end_execution returns kNoEvents.
  virtual EventMask events() const { return kAllEvents; }
  // The first step (ExecutionView::step) whose events this checker's on_event wants:
  // events of earlier steps are not delivered, so a checker that only looks at long
  // executions (the livelock detector, from option livelock-after on) costs nothing
  // before. Asked at the start of every execution, before begin_execution.
  virtual std::uint64_t events_from_step(const ExecutionView& view) const {
    (void)view;
    return 0;
  }
  virtual void begin_execution(const ExecutionView& view) { (void)view; }
  virtual void on_event(const OpEvent& event, const ExecutionView& view, FindingSink& sink) {
    (void)event;
    (void)view;
    (void)sink;
  }
  // `thread` reached a scheduling point whose operation cannot proceed now (a lock held
  // by another thread, a join of a running thread, an empty queue ...): it is blocked
  // until the object's state changes. Called before the runtime switches away.
  virtual void on_block(std::uint32_t thread, const ExecutionView& view, FindingSink& sink) {
    (void)thread;
    (void)view;
    (void)sink;
  }
  // No thread can run and some have not finished; the execution ends after this.
  virtual void on_all_blocked(const ExecutionView& view, FindingSink& sink) {
    (void)view;
    (void)sink;
  }
  virtual void end_execution(const ExecutionView& view, FindingSink& sink) {
    (void)view;
    (void)sink;
  }
};

// The checkers every exploration runs (checkers/default_checkers.cc).
std::vector<std::unique_ptr<Checker>> make_default_checkers();

}  // namespace lockstep
