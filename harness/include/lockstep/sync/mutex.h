// lockstep/sync/mutex.h — std-style mutexes.
//
// Mutex           std::mutex: one owner, not reentrant.
// RecursiveMutex  std::recursive_mutex: the owner may lock again (a count).
// TimedMutex      std::timed_mutex: Mutex plus try_lock_for/try_lock_until.
// SharedMutex     std::shared_mutex: one exclusive owner, or any number of shared ones.
//
// Each is a drop-in for its std counterpart (std::scoped_lock, std::unique_lock,
// std::shared_lock and std::condition_variable_any work with it). Inside an
// exploration lock() is a scheduling point that blocks the logical thread until the
// mutex is free; timed attempts time out as a strategy choice in logical time.
// Outside, each is the real std type (TimedMutex: its equivalent on std::mutex and
// std::condition_variable, see below). Cost inside: one scheduling point per operation.
//
//   state   | lock()                     | try_lock()   | unlock()
//   free    | -> owned by caller         | true, owned  | error: not owner
//   owned   | others block until free;   | false (owner | owner: -> free (recursive:
//           | owner: self-deadlock, or   | of recursive:| count - 1); others: error
//           | count + 1 when recursive   | true)        |
//
// Misuse inside an exploration: re-locking a non-recursive mutex by its owner is
// reported at once as a self-deadlock; unlock by a non-owner (undefined in std)
// throws std::system_error, which becomes an "exception" finding.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <vector>

#include "lockstep/internal/annotations.h"
#include "lockstep/internal/real_lock.h"
#include "lockstep/internal/runtime.h"
#include "lockstep/source_location.h"

namespace lockstep {

namespace internal {

// The model of a mutex with one owner and a count (reentrant or not).
class OwnerModel : public ModelObject {
 protected:
  OwnerModel(ObjectKind kind, const char* name, SourceLocation declared, bool reentrant)
      : ModelObject(kind, name, declared), reentrant_(reentrant) {}
  ~OwnerModel() = default;

  // Inside an exploration: the modelled lock operations.
  bool model_lock(Execution& ex, bool blocking, bool timed, const SourceLocation& location);
  void model_unlock(Execution& ex, const SourceLocation& location);

  bool ready(std::uint32_t thread, OpKind op) const override;
  void holders(std::uint32_t thread, OpKind op, std::vector<std::uint32_t>& out) const override;
  // Only the owner releases (unlock by another thread is refused as misuse).
  bool only_holders_wake(std::uint32_t, OpKind) const override { return true; }
  std::string state_text() const override;
  void reset_model() override {
    owner_ = kNobody;
    count_ = 0;
  }

  static constexpr std::uint32_t kNobody = ~std::uint32_t{0};
  std::uint32_t owner_ = kNobody;
  std::uint32_t count_ = 0;
  bool reentrant_;
};

}  // namespace internal

class LOCKSTEP_CAPABILITY("mutex") Mutex : private internal::OwnerModel {
 public:
  explicit Mutex(const char* name = nullptr, SourceLocation declared = SourceLocation::current())
      : OwnerModel(ObjectKind::kMutex, name, declared, /*reentrant=*/false) {}

  void lock(SourceLocation location = SourceLocation::current()) LOCKSTEP_ACQUIRE();
  bool try_lock(SourceLocation location = SourceLocation::current()) LOCKSTEP_TRY_ACQUIRE(true);
  void unlock(SourceLocation location = SourceLocation::current()) LOCKSTEP_RELEASE();

 private:
  std::mutex real_;
};

class LOCKSTEP_CAPABILITY("mutex") RecursiveMutex : private internal::OwnerModel {
 public:
  explicit RecursiveMutex(const char* name = nullptr,
                          SourceLocation declared = SourceLocation::current())
      : OwnerModel(ObjectKind::kRecursiveMutex, name, declared, /*reentrant=*/true) {}

  void lock(SourceLocation location = SourceLocation::current()) LOCKSTEP_ACQUIRE();
  bool try_lock(SourceLocation location = SourceLocation::current()) LOCKSTEP_TRY_ACQUIRE(true);
  void unlock(SourceLocation location = SourceLocation::current()) LOCKSTEP_RELEASE();

 private:
  std::recursive_mutex real_;
};

class LOCKSTEP_CAPABILITY("mutex") TimedMutex : private internal::OwnerModel {
 public:
  explicit TimedMutex(const char* name = nullptr,
                      SourceLocation declared = SourceLocation::current())
      : OwnerModel(ObjectKind::kTimedMutex, name, declared, /*reentrant=*/false) {}

  void lock(SourceLocation location = SourceLocation::current()) LOCKSTEP_ACQUIRE();
  bool try_lock(SourceLocation location = SourceLocation::current()) LOCKSTEP_TRY_ACQUIRE(true);
  void unlock(SourceLocation location = SourceLocation::current()) LOCKSTEP_RELEASE();
  template <typename Rep, typename Period>
  bool try_lock_for(const std::chrono::duration<Rep, Period>& timeout,
                    SourceLocation location = SourceLocation::current()) LOCKSTEP_TRY_ACQUIRE(true) {
    if (internal::current_execution() == nullptr) {
      return real_.try_lock_for_seconds(std::chrono::duration<double>(timeout).count());
    }
    return timed_lock(location);
  }
  template <typename Clock, typename Duration>
  bool try_lock_until(const std::chrono::time_point<Clock, Duration>& deadline,
                      SourceLocation location = SourceLocation::current())
      LOCKSTEP_TRY_ACQUIRE(true) {
    if (internal::current_execution() == nullptr) return try_lock_for(deadline - Clock::now());
    return timed_lock(location);
  }

 private:
  bool timed_lock(const SourceLocation& location);
  // Not std::timed_mutex: its timed lock (pthread_mutex_clocklock) is invisible to
  // clang 14's ThreadSanitizer, which then reports every unlock after it.
  internal::RealTimedMutex real_;
};

class LOCKSTEP_CAPABILITY("mutex") SharedMutex : private internal::ModelObject {
 public:
  explicit SharedMutex(const char* name = nullptr,
                       SourceLocation declared = SourceLocation::current())
      : ModelObject(ObjectKind::kSharedMutex, name, declared) {}

  void lock(SourceLocation location = SourceLocation::current()) LOCKSTEP_ACQUIRE();
  bool try_lock(SourceLocation location = SourceLocation::current()) LOCKSTEP_TRY_ACQUIRE(true);
  void unlock(SourceLocation location = SourceLocation::current()) LOCKSTEP_RELEASE();
  void lock_shared(SourceLocation location = SourceLocation::current()) LOCKSTEP_ACQUIRE_SHARED();
  bool try_lock_shared(SourceLocation location = SourceLocation::current())
      LOCKSTEP_TRY_ACQUIRE_SHARED(true);
  void unlock_shared(SourceLocation location = SourceLocation::current()) LOCKSTEP_RELEASE_SHARED();

 private:
  static constexpr std::uint32_t kNobody = ~std::uint32_t{0};
  bool acquire(bool shared, bool blocking, const SourceLocation& location);
  bool ready(std::uint32_t thread, OpKind op) const override;
  void holders(std::uint32_t thread, OpKind op, std::vector<std::uint32_t>& out) const override;
  // Only the owner releases (unlock by another thread is refused as misuse).
  bool only_holders_wake(std::uint32_t, OpKind) const override { return true; }
  std::string state_text() const override;
  void reset_model() override {
    owner_ = kNobody;
    readers_.clear();
  }

  std::uint32_t owner_ = kNobody;
  std::vector<std::uint32_t> readers_;  // shared holders (a thread once per hold)
  std::shared_mutex real_;
};

}  // namespace lockstep
