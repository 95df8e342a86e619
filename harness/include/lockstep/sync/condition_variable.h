// lockstep/sync/condition_variable.h — std::condition_variable(_any) semantics.
//
// ConditionVariable     used with std::unique_lock<lockstep::Mutex>, as
//                       std::condition_variable is with std::unique_lock<std::mutex>.
// ConditionVariableAny  with any BasicLockable (lockstep::Mutex, Lock, RLock,
//                       std::unique_lock<...>), as std::condition_variable_any.
//
//   std::unique_lock lock(m);
//   cv.wait(lock, [&] { return ready; });    // loops: no lost or spurious wakeup
//
//   operation                  | inside an exploration
//   wait(lock)                 | join the waiters (event wait; not a scheduling point),
//                              | lock.unlock() (the lock's own scheduling point), block
//                              | until notified (event wake), lock.lock()
//   wait_for / wait_until      | the same, but the block may time out: whether it does
//                              | is a strategy choice (logical time; no test sleeps);
//                              | std::cv_status::timeout, or false with a predicate
//   wait(lock, pred) etc.      | while (!pred()) wait(...), as std specifies
//   notify_one()               | wakes one waiter not yet notified (which one: a
//                              | strategy choice, recorded for replay); none: lost
//   notify_all()               | wakes every waiter
//
// A wait with a lock the caller does not hold throws as releasing it does
// (std::system_error from std::unique_lock or Mutex; an "exception" finding when
// uncaught) and leaves no waiter behind.
//
// With the option spurious-wakeups any wait may also wake without a notify (wake
// result "spurious"), as std allows. A notify before anyone waits is lost, as in std:
// a waiter that then waits forever is a deadlock whose report says "not notified"
// (nobody holds a condition variable, so it names no holder). notify happens-before
// the wake it causes (an edge for ThreadSanitizer and the race checker). Outside an
// exploration these are std::condition_variable_any with real timeouts.
// Cost inside: the lock's two scheduling points plus one to wake per wait; one per
// notify.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>

#include "lockstep/internal/annotations.h"
#include "lockstep/internal/wait_queue.h"
#include "lockstep/sync/mutex.h"

namespace lockstep {

class ConditionVariableAny {
 public:
  explicit ConditionVariableAny(const char* name = nullptr,
                                SourceLocation declared = SourceLocation::current())
      : ConditionVariableAny(ObjectKind::kConditionVariableAny, name, declared) {}
  ConditionVariableAny(const ConditionVariableAny&) = delete;
  ConditionVariableAny& operator=(const ConditionVariableAny&) = delete;

  template <typename Lockable>
  void wait(Lockable& lock, SourceLocation location = SourceLocation::current()) {
    if (internal::Execution* ex = internal::current_execution()) {
      wait_model(*ex, lock, /*timed=*/false, location);
      return;
    }
    real_.wait(lock);
  }
  template <typename Lockable, typename Predicate>
  void wait(Lockable& lock, Predicate ready, SourceLocation location = SourceLocation::current()) {
    while (!ready()) wait(lock, location);
  }
  template <typename Lockable, typename Rep, typename Period>
  std::cv_status wait_for(Lockable& lock, const std::chrono::duration<Rep, Period>& timeout,
                          SourceLocation location = SourceLocation::current()) {
    if (internal::Execution* ex = internal::current_execution()) {
      return wait_model(*ex, lock, /*timed=*/true, location) == OpResult::kTimeout
                 ? std::cv_status::timeout
                 : std::cv_status::no_timeout;
    }
    return real_.wait_for(lock, timeout);
  }
  template <typename Lockable, typename Rep, typename Period, typename Predicate>
  bool wait_for(Lockable& lock, const std::chrono::duration<Rep, Period>& timeout, Predicate ready,
                SourceLocation location = SourceLocation::current()) {
    if (internal::current_execution() == nullptr) return real_.wait_for(lock, timeout, ready);
    while (!ready()) {
      if (wait_for(lock, timeout, location) == std::cv_status::timeout) return ready();
    }
    return true;
  }
  template <typename Lockable, typename Clock, typename Duration>
  std::cv_status wait_until(Lockable& lock, const std::chrono::time_point<Clock, Duration>& deadline,
                            SourceLocation location = SourceLocation::current()) {
    if (internal::current_execution() != nullptr) {
      return wait_for(lock, std::chrono::seconds(1), location);  // logical time: a choice
    }
    return real_.wait_until(lock, deadline);
  }
  template <typename Lockable, typename Clock, typename Duration, typename Predicate>
  bool wait_until(Lockable& lock, const std::chrono::time_point<Clock, Duration>& deadline,
                  Predicate ready, SourceLocation location = SourceLocation::current()) {
    if (internal::current_execution() == nullptr) return real_.wait_until(lock, deadline, ready);
    return wait_for(lock, std::chrono::seconds(1), ready, location);
  }

  void notify_one(SourceLocation location = SourceLocation::current()) {
    notify(1, location);
  }
  void notify_all(SourceLocation location = SourceLocation::current()) {
    notify(internal::WaitQueue::kAll, location);
  }

 protected:
  ConditionVariableAny(ObjectKind kind, const char* name, SourceLocation declared)
      : queue_(kind, name, declared) {}

 private:
  // Releases and re-acquires `lock`: the caller holds it before and after, which
  // -Wthread-safety cannot see through a template parameter.
  template <typename Lockable>
  OpResult wait_model(internal::Execution& ex, Lockable& lock, bool timed,
                      const SourceLocation& location) LOCKSTEP_NO_THREAD_SAFETY_ANALYSIS {
    queue_.enter(ex, location);
    try {
      lock.unlock();  // throws when the caller does not hold it (std::unique_lock, Mutex)
    } catch (...) {
      queue_.leave(ex);
      queue_.refuse(ex, OpKind::kWait, location);
      throw;
    }
    const OpResult result = queue_.await(ex, timed, location);
    lock.lock();
    return result;
  }
  void notify(std::size_t n, const SourceLocation& location);

  internal::WaitQueue queue_;
  std::condition_variable_any real_;
};

class ConditionVariable : public ConditionVariableAny {
 public:
  explicit ConditionVariable(const char* name = nullptr,
                             SourceLocation declared = SourceLocation::current())
      : ConditionVariableAny(ObjectKind::kConditionVariable, name, declared) {}
};

}  // namespace lockstep
