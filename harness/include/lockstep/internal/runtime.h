// lockstep/internal/runtime.h — what primitives need from the runtime.
// Internal: installed because templates (Shared<T>, Atomic<T>, Queue<T>) use it; do
// not depend on it directly.
//
// A primitive does three things and nothing else (STYLE.md rule 3):
//   1. asks for a scheduling point before its operation (`point`), saying whether the
//      operation may block and on which model object;
//   2. updates its model state (who holds it, counts, queues);
//   3. emits one Event describing what happened.
// Checkers, traces and strategies all hang off those calls.
#pragma once

#include <atomic>
#include <cstdint>
#include "lockstep/source_location.h"
#include <string>
#include <vector>

#include "lockstep/event.h"
#include "lockstep/finding.h"

// Marks a function whose memory accesses TSan must not see: lockstep's own model state,
// and the values inside Shared<T>/Atomic<T>, which lockstep's checkers cover. Logical
// threads switch without synchronising (TSan's no-sync fiber switch), so without this
// TSan would report the harness's bookkeeping as races; with it, TSan reports only
// races in the code lockstep does not instrument.
#if defined(__clang__) || defined(__GNUC__)
#define LOCKSTEP_NO_TSAN __attribute__((no_sanitize("thread")))
#else
#define LOCKSTEP_NO_TSAN
#endif

namespace lockstep::internal {

class Execution;

// The execution running on this OS thread, or nullptr outside an exploration (then
// every primitive behaves as the ordinary real primitive).
extern thread_local Execution* tls_execution;
inline Execution* current_execution() { return tls_execution; }

// How a pending operation depends on its object's state.
enum class Wait : std::uint8_t {
  kNever,  // always enabled (release, notify, store, read, ...)
  kReady,  // enabled only while object->ready(thread, op) holds (lock, join, get, ...)
  kTimed,  // always enabled; when picked while not ready it times out (logical time)
};

// The identity of an object being constructed, the same in every execution that
// constructs it (ids are per execution and given at first use, so they are not):
// inside an execution, the constructing logical thread and how many objects it
// constructed before; outside one, the object's address (it outlives executions).
// Thread handles get theirs from their thread when registered.
std::uint64_t creation_key(ObjectKind kind, const void* object);

// Base of every primitive's model state. Model state is per execution: the runtime
// calls reset_model() on first use in each execution (an object may outlive one).
class ModelObject {
 public:
  ModelObject(ObjectKind kind, const char* name, SourceLocation declared)
      : kind_(kind), name_(name), declared_(declared), key_(creation_key(kind, this)) {}
  ModelObject(const ModelObject&) = delete;
  ModelObject& operator=(const ModelObject&) = delete;

  ObjectKind kind() const { return kind_; }
  const char* name() const { return name_; }  // user-given, or nullptr
  const SourceLocation& declared() const { return declared_; }
  std::uint64_t key() const { return key_; }  // see creation_key

  // Can `thread` perform the blocking operation `op` now?
  virtual bool ready(std::uint32_t thread, OpKind op) const {
    (void)thread;
    (void)op;
    return true;
  }
  // Threads whose progress `thread` waits for when blocked in `op` on this object
  // (wait-for edges for deadlock reports). Empty: waits for an event nobody holds.
  virtual void holders(std::uint32_t thread, OpKind op, std::vector<std::uint32_t>& out) const {
    (void)thread;
    (void)op;
    (void)out;
  }
  // True when only the threads holders() lists can make `op` ready for `thread` (an
  // owned lock: only its owner releases it; a join: only the joined thread ends it).
  // False, the default, when any thread may (a semaphore, an event, a condition, a
  // queue, a barrier, a Python Lock, which any thread may release): then holders() is
  // at most the likely waker, and a wait-for cycle through it proves nothing while any
  // other thread can still run (checkers/deadlock/partial_deadlock.h).
  virtual bool only_holders_wake(std::uint32_t thread, OpKind op) const {
    (void)thread;
    (void)op;
    return false;
  }
  // What the object is waiting for, in words ("held by t1", "empty"), for reports.
  virtual std::string state_text() const { return {}; }

  // Per-execution id (1-based); binds the object to `ex` on first use. Inline, in
  // runtime/execution.h: only the runtime's own files call it.
  std::uint32_t bind(Execution& ex);

 protected:
  // A lock (Lock ... TimedMutex) destroyed inside the execution that uses it emits
  // OpKind::kDestroy (the misuse checker reports one destroyed while held); none while
  // the execution is torn down. Virtual so that a primitive held by pointer (a
  // unique_ptr<Mutex>, an optional<Lock>) is destroyed as what it is.
  virtual ~ModelObject();
  // Fresh model state for a new execution.
  virtual void reset_model() {}

 private:
  [[gnu::noinline]] std::uint32_t bind_new(Execution& ex);

  ObjectKind kind_;
  const char* name_;
  SourceLocation declared_;
  std::uint64_t key_;
  // Serial of the execution the model state belongs to. Atomic (relaxed loads: a plain
  // load on x86-64) because a primitive kept in a static is reached by the executions
  // of several workers at once; bind_new() detects that and reports it.
  std::atomic<std::uint64_t> epoch_{0};
  std::uint32_t id_ = 0;
};

// --- calls a primitive makes while an execution is running (ex != nullptr) ---------

// Scheduling point before `op` by the current thread. Returns when this thread was
// picked and `op` may take effect: for Wait::kReady the object is ready; for
// Wait::kTimed the result says whether it is (false: the operation times out).
// While an execution is being torn down it throws to unwind the thread, or, when
// already unwinding, returns false at once (see tearing_down()).
bool point(Execution& ex, ModelObject* object, OpKind op, Wait wait,
           const SourceLocation& location);
// The scheduling point of an operation that may have to wait, in its three modes:
// blocking (waits until object->ready), timed (`timed`: times out when picked while
// not ready, in logical time) or non-blocking (`!blocking`: fails at once when not
// ready). Returns whether the operation may take effect now; false also while tearing
// down (then tearing_down() is true and the primitive does nothing).
bool wait_point(Execution& ex, ModelObject* object, OpKind op, bool blocking, bool timed,
                const SourceLocation& location);
// Emits the event of a completed operation (thread, step and object id filled in).
// Both overloads take the event by reference: copying an event just built costs more
// than building it (the copy's wide loads wait for the fields' narrow stores).
void emit(Execution& ex, OpEvent& event, ModelObject* object);
inline void emit(Execution& ex, OpEvent&& event, ModelObject* object) { emit(ex, event, object); }
// True while the execution unwinds its threads after a finding; primitives then skip
// their effects (a destructor's unlock during unwinding must not block or fail).
bool tearing_down(const Execution& ex);
// The logical thread running now.
std::uint32_t current_thread(const Execution& ex);
// A value in [0, bound) chosen by the strategy (recorded for replay); 0 if bound < 2.
std::uint32_t choose(Execution& ex, std::uint32_t bound);
// Reports a finding in the code under test. `fatal` ends the execution (throws to
// unwind the calling thread); non-fatal findings let it continue.
void report(Execution& ex, Finding finding, bool fatal);
// A Shared<T> access by the current thread, in one call: a scheduling point first when
// option shared-points makes the variable's accesses points, then its event (op kRead
// or kWrite; `value` when `has_value`). While tearing down it does nothing.
void shared_access(Execution& ex, ModelObject* object, OpKind op, bool has_value,
                   std::int64_t value, const SourceLocation& location);
// Spurious wakeups allowed for condition waits (option spurious-wakeups).
bool spurious_wakeups(const Execution& ex);

// Modelled synchronisation announced to ThreadSanitizer (no-ops in other builds):
// a release on `address` happens-before a later acquire on it.
void announce_release(const void* address);
void announce_acquire(const void* address);

// While alive, ThreadSanitizer ignores the running logical thread's memory accesses:
// header-only primitives (Queue<T>, ThreadLocal<T>) wrap their model-state updates in
// one, because logical threads switch without synchronising (see fiber_switch.h).
class ModelAccess {
 public:
  ModelAccess();
  ~ModelAccess();
  ModelAccess(const ModelAccess&) = delete;
  ModelAccess& operator=(const ModelAccess&) = delete;
};

}  // namespace lockstep::internal
