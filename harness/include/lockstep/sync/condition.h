// lockstep/sync/condition.h — Python's threading.Condition.
//
//   lockstep::RLock lock;
//   lockstep::Condition ready(lock);           // or Condition() with its own RLock
//   { std::scoped_lock g(ready); while (!done) ready.wait(); }
//   { std::scoped_lock g(ready); done = true; ready.notify_all(); }
//
// wait() releases the underlying Lock or RLock *fully* (an RLock held three times is
// released three times) and restores it before returning, as Python does; it returns
// false when a timeout (logical time inside an exploration) expired. wait_for(pred,
// timeout) loops until pred holds. wait/notify without holding the lock throw
// std::runtime_error (Python's RuntimeError). Outside an exploration it is a real
// condition with real timeouts. Cost inside: the lock's points plus one to wake.
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
