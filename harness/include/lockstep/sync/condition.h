// lockstep/sync/condition.h — Python's threading.Condition.
//
//   lockstep::RLock lock;
//   lockstep::Condition ready(lock);           // or Condition() with its own RLock
//   { std::scoped_lock g(ready); while (!done) ready.wait(); }
//   { std::scoped_lock g(ready); done = true; ready.notify_all(); }
//
//   operation             | holding the lock                       | not holding it
//   acquire/release       | the underlying Lock/RLock's            | the underlying lock's
//   wait(timeout = -1)    | releases the lock *fully* (an RLock    | std::runtime_error
//                         | held 3 times: 3 levels), blocks until  | (Python's RuntimeError)
//                         | notified or timed out, restores the    |
//                         | lock and its count; false on timeout   |
//   wait_for(pred, t)     | wait() until pred() holds; pred() at   | std::runtime_error
//                         | the timeout                            |
//   notify(n = 1)         | wakes up to n waiters (which ones: a   | std::runtime_error
//   notify_all()          | strategy choice); none waiting: lost   |
//
// Inside an exploration a timeout is a strategy choice in logical time, and a waiter
// that nobody will notify is a deadlock ("not notified; 1 waiter"). As in Python a
// wait never wakes spuriously (the option spurious-wakeups is for std's condition
// variables). notify
// happens-before the wake it causes. Outside an exploration it is a real condition
// with real timeouts (seconds) and the same "not holding" checks.
// Cost inside: the lock's scheduling points, plus one to wake and one per notify.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>

#include "lockstep/internal/wait_queue.h"
#include "lockstep/sync/lock.h"

namespace lockstep {

class Condition {
 public:
  explicit Condition(const char* name = nullptr, SourceLocation declared = SourceLocation::current());
  explicit Condition(Lock& lock, const char* name = nullptr,
                     SourceLocation declared = SourceLocation::current());
  explicit Condition(RLock& lock, const char* name = nullptr,
                     SourceLocation declared = SourceLocation::current());
  Condition(const Condition&) = delete;
  Condition& operator=(const Condition&) = delete;

  bool acquire(bool blocking = true, double timeout = -1,
               SourceLocation location = SourceLocation::current());
  void release(SourceLocation location = SourceLocation::current());
  void lock(SourceLocation location = SourceLocation::current()) { acquire(true, -1, location); }
  void unlock(SourceLocation location = SourceLocation::current()) { release(location); }

  // timeout < 0: until notified. Returns false when the timeout expired.
  bool wait(double timeout = -1, SourceLocation location = SourceLocation::current());
  template <typename Predicate>
  bool wait_for(Predicate predicate, double timeout = -1,
                SourceLocation location = SourceLocation::current()) {
    while (!predicate()) {
      if (!wait(timeout, location) && timeout >= 0) return predicate();
    }
    return true;
  }
  void notify(std::size_t n = 1, SourceLocation location = SourceLocation::current());
  void notify_all(SourceLocation location = SourceLocation::current());

 private:
  // Whether the calling thread may wait/notify (Python checks the lock is held).
  bool held() const;
  std::uint32_t release_save(const SourceLocation& location);
  void acquire_restore(std::uint32_t count, const SourceLocation& location);

  RLock own_;
  Lock* lock_ = nullptr;    // one of lock_/rlock_ is set
  RLock* rlock_ = nullptr;
  internal::WaitQueue queue_;
  // Outside an exploration: waiters take tickets; notify(n) admits the next n.
  std::mutex real_mutex_;
  std::condition_variable real_cv_;
  std::uint64_t next_ticket_ = 0;
  std::uint64_t admitted_ = 0;
};

}  // namespace lockstep
