// The real (outside an exploration) implementations behind lockstep::Lock, RLock,
// TimedMutex and the semaphores: Python semantics with real blocking and real timeouts.
// Internal: do not depend on it directly.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>

namespace lockstep::internal {

// A lock with Python's semantics: non-reentrant and releasable by any thread
// (threading.Lock), or reentrant with an owner and a count (threading.RLock).
class RealLock {
 public:
  enum class ReleaseError : std::uint8_t { kNone, kNotHeld, kNotOwner };

  explicit RealLock(bool reentrant) : reentrant_(reentrant) {}
  // timeout < 0: wait forever; blocking=false: try once.
  bool acquire(bool blocking, double timeout_seconds);
  ReleaseError release();
  bool locked() const;
  // Whether the calling thread is the one that acquired it (and it is still held).
  bool held_by_caller() const;
  // Releases every level held by the calling thread; returns how many (0: not held).
  std::uint32_t release_all();
  // Acquires and sets the count to `count` (after release_all).
  void acquire_count(std::uint32_t count);

 private:
  bool available_to(std::thread::id me) const {
    return count_ == 0 || (reentrant_ && owner_ == me);
  }
  mutable std::mutex mutex_;
  std::condition_variable released_;
  bool reentrant_;
  std::thread::id owner_;
  std::uint32_t count_ = 0;
};

// std::timed_mutex's interface on a RealLock, for lockstep::TimedMutex (see there why).
// Unlock by a non-owner, undefined in std, releases it.
class RealTimedMutex {
 public:
  void lock() { lock_.acquire(/*blocking=*/true, -1); }
  bool try_lock() { return lock_.acquire(/*blocking=*/false, -1); }
  void unlock() { lock_.release(); }
  // Waits at most `seconds` (<= 0: tries once).
  bool try_lock_for_seconds(double seconds) {
    return lock_.acquire(/*blocking=*/true, seconds > 0 ? seconds : 0);
  }

 private:
  RealLock lock_{/*reentrant=*/false};
};

// A counting semaphore with Python's acquire(blocking, timeout).
class RealSemaphore {
 public:
  explicit RealSemaphore(std::uint64_t value) : value_(value) {}
  bool acquire(bool blocking, double timeout_seconds);
  // Adds n unless the value would exceed `limit` (then changes nothing, returns false):
  // the check and the update are one step, so concurrent releases cannot both pass it.
  bool release(std::uint64_t n, std::uint64_t limit);

 private:
  mutable std::mutex mutex_;
  std::condition_variable available_;
  std::uint64_t value_;
};

}  // namespace lockstep::internal
