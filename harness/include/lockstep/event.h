// lockstep/event.h — the event stream checkers observe.
//
// Every operation a logical thread performs on a lockstep primitive is one OpKind.
// The runtime asks the strategy before each scheduling operation (the *pending* op),
// and after the operation took effect it emits one Event describing what happened.
// Checkers are observers of these events (lockstep/checker.h); they never schedule.
#pragma once

#include <cstddef>
#include <cstdint>
#include "lockstep/source_location.h"
#include <string_view>

namespace lockstep {

// X(enumerator, name shown in reports)
#define LOCKSTEP_OP_KINDS(X)                \
  X(kNone, "none")                          \
  X(kThreadStart, "start")                  \
  X(kThreadEnd, "end")                      \
  X(kSpawn, "spawn")                        \
  X(kJoin, "join")                          \
  X(kDetach, "detach")                      \
  X(kYield, "yield")                        \
  X(kProgress, "progress")                  \
  X(kAcquire, "acquire")                    \
  X(kTryAcquire, "try-acquire")             \
  X(kAcquireShared, "acquire-shared")       \
  X(kTryAcquireShared, "try-acquire-shared") \
  X(kRelease, "release")                    \
  X(kReleaseShared, "release-shared")       \
  X(kWait, "wait")                          \
  X(kWake, "wake")                          \
  X(kNotifyOne, "notify-one")               \
  X(kNotifyAll, "notify-all")               \
  X(kSet, "set")                            \
  X(kClear, "clear")                        \
  X(kPut, "put")                            \
  X(kGet, "get")                            \
  X(kLoad, "load")                          \
  X(kStore, "store")                        \
  X(kReadModifyWrite, "rmw")                \
  X(kFence, "fence")                        \
  X(kRead, "read")                          \
  X(kWrite, "write")                        \
  X(kAssertFailed, "assert-failed")         \
  X(kDestroy, "destroy")

enum class OpKind : std::uint8_t {
#define LOCKSTEP_X(id, name) id,
  LOCKSTEP_OP_KINDS(LOCKSTEP_X)
#undef LOCKSTEP_X
};
inline constexpr std::size_t kOpKindCount = 0
#define LOCKSTEP_X(id, name) +1
    LOCKSTEP_OP_KINDS(LOCKSTEP_X)
#undef LOCKSTEP_X
    ;
static_assert(kOpKindCount <= 64, "Checker::events is a 64-bit mask of OpKinds");
std::string_view op_kind_name(OpKind op);

// X(enumerator, type name used in default object names and reports)
#define LOCKSTEP_OBJECT_KINDS(X)                     \
  X(kNone, "none")                                   \
  X(kThread, "Thread")                               \
  X(kLock, "Lock")                                   \
  X(kRLock, "RLock")                                 \
  X(kMutex, "Mutex")                                 \
  X(kRecursiveMutex, "RecursiveMutex")               \
  X(kSharedMutex, "SharedMutex")                     \
  X(kTimedMutex, "TimedMutex")                       \
  X(kCondition, "Condition")                         \
  X(kConditionVariable, "ConditionVariable")         \
  X(kConditionVariableAny, "ConditionVariableAny")   \
  X(kSemaphore, "Semaphore")                         \
  X(kBoundedSemaphore, "BoundedSemaphore")           \
  X(kEvent, "Event")                                 \
  X(kBarrier, "Barrier")                             \
  X(kQueue, "Queue")                                 \
  X(kAtomic, "Atomic")                               \
  X(kShared, "Shared")

enum class ObjectKind : std::uint8_t {
#define LOCKSTEP_X(id, name) id,
  LOCKSTEP_OBJECT_KINDS(LOCKSTEP_X)
#undef LOCKSTEP_X
};
std::string_view object_kind_name(ObjectKind kind);
// Lock, RLock and the std mutexes: the kinds that are held (kLock ... kTimedMutex stay
// adjacent in the table above).
constexpr bool is_lock_kind(ObjectKind kind) {
  return kind >= ObjectKind::kLock && kind <= ObjectKind::kTimedMutex;
}

// Mirrors std::memory_order; recorded on atomic events (the race checker of a later
// issue derives happens-before from it; execution itself is sequentially consistent).
enum class MemoryOrder : std::uint8_t { kRelaxed, kConsume, kAcquire, kRelease, kAcqRel, kSeqCst };

// Outcome of an operation that can fail or wake for different reasons.
enum class OpResult : std::uint8_t {
  kOk,        // done (acquired, notified, put, got, ...)
  kFailed,    // try_lock/non-blocking acquire found it unavailable
  kTimeout,   // a timed operation timed out (a strategy choice, in logical time)
  kSpurious,  // a condition wait woke spuriously (option spurious-wakeups)
  kRefused,   // against the primitive's contract (a release of a lock the thread does
              // not hold, a join of itself, a wait without the lock ...): the operation
              // had no effect and the primitive fails as the real one does (it throws);
              // the misuse checker reports it
};

struct OpEvent {
  OpKind op = OpKind::kNone;
  ObjectKind object_kind = ObjectKind::kNone;
  OpResult result = OpResult::kOk;
  MemoryOrder order = MemoryOrder::kSeqCst;
  bool has_value = false;     // `value` holds the value read/written (integral T only)
  std::uint32_t thread = 0;   // the logical thread that performed the operation
  std::uint32_t object = 0;   // per-execution object id; 0: none
  std::uint32_t other = 0;    // spawned/joined/woken thread, when op says so
  std::uint64_t step = 0;     // scheduling points before this event
  std::int64_t value = 0;
  // The object's identity across executions (object ids are given at first use, so
  // they differ between executions): its constructing thread and how many objects
  // that thread constructed before it, the spawned thread for a thread handle, or its
  // address for an object constructed outside the execution. 0: none. Filled in only
  // for a strategy that observes steps (Strategy::observes_steps()); checkers see 0.
  std::uint64_t object_key = 0;
  SourceLocation location;
};

}  // namespace lockstep
