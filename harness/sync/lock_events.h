// Helpers shared by the lock primitives: the event each lock operation emits (with
// the TSan edges lockstep models), and the self-deadlock finding.
#pragma once

#include "lockstep/source_location.h"

#include "lockstep/internal/runtime.h"
#include "runtime/execution.h"
#include "runtime/fiber_switch.h"

namespace lockstep::internal {

// Emits the event of a lock operation on `object`. A successful acquire is an
// acquire edge for TSan and a release a release edge, so TSan sees the lock's
// happens-before while fibers switch without synchronising.
// `levels`: how many levels of a reentrant lock the operation takes or gives back at
// once (a Condition wait's release_save/acquire_restore), as the event's value; 0 means 1.
inline void emit_lock_event(Execution& ex, ModelObject& object, OpKind op, OpResult result,
                            const SourceLocation& location, std::int64_t levels = 0) {
  if (result == OpResult::kOk) {
    if (op == OpKind::kRelease || op == OpKind::kReleaseShared) {
      sanitizer_release(&object);
    } else {
      sanitizer_acquire(&object);
    }
  }
  OpEvent event;
  event.op = op;
  event.result = result;
  event.value = levels;
  event.location = location;
  ex.emit(event, &object);
}

// Emits the event of an operation refused as a misuse (OpResult::kRefused): it had no
// effect, and the caller then throws as the real primitive does. Emitted before the
// throw, so the misuse checker's finding comes before the "exception" one.
inline void emit_refused(Execution& ex, ModelObject& object, OpKind op,
                         const SourceLocation& location, std::int64_t value = 0) {
  OpEvent event;
  event.op = op;
  event.result = OpResult::kRefused;
  event.value = value;
  event.location = location;
  ex.emit(event, &object);
}

// The scheduling point of an acquire-like operation in its three modes: blocking
// (waits until ready), timed (timeout >= 0: times out when picked while not ready, in
// logical time) or non-blocking (fails at once when not ready). Returns whether the
// operation may take effect; false also while tearing down (then check ex.aborting()).
inline bool acquire_point(Execution& ex, ModelObject& object, bool blocking, bool timed,
                          const SourceLocation& location, OpKind blocking_op = OpKind::kAcquire,
                          OpKind try_op = OpKind::kTryAcquire) {
  return wait_point(ex, &object, blocking ? blocking_op : try_op, blocking, timed, location);
}

// The result to report for an acquire that did not take effect.
inline OpResult failure_of(bool blocking) { return blocking ? OpResult::kTimeout : OpResult::kFailed; }

// Python's argument checks for acquire(blocking, timeout) (ValueError there; here
// std::invalid_argument), made before anything else, inside an exploration or not:
// a non-blocking call takes no timeout, and a timeout is -1 (none) or >= 0.
void check_acquire_arguments(bool blocking, double timeout);

// The running thread asks for a non-reentrant lock it already holds: that can never
// succeed, so it is reported at once (fatal).
void report_self_deadlock(Execution& ex, ModelObject& object, const SourceLocation& location);

}  // namespace lockstep::internal
