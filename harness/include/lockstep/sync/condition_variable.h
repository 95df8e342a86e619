// lockstep/sync/condition_variable.h — std::condition_variable(_any) semantics.
//
// ConditionVariableAny  waits with any BasicLockable (lockstep::Mutex, Lock, RLock,
//                       std::unique_lock<...>).
// ConditionVariable     the same, used with std::unique_lock<lockstep::Mutex> as
//                       std::condition_variable is.
//
// Inside an exploration a wait is: join the waiters, release the lock (a scheduling
// point of the lock), block until notified, re-acquire the lock. A timed wait times
// out when the strategy picks it while it is not notified (logical time: no test ever
// sleeps). Which waiter notify_one wakes is a strategy choice. With the option
// spurious-wakeups, any wait may also wake spuriously. A notify before anyone waits is
// lost, as in std: a waiter that then waits forever shows as a deadlock ("not
// notified"). Outside an exploration these are std::condition_variable_any.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>

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
  template <typename Lockable>
  OpResult wait_model(internal::Execution& ex, Lockable& lock, bool timed,
                      const SourceLocation& location) {
    queue_.enter(ex, location);
    lock.unlock();
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
