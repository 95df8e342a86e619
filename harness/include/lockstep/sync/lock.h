// lockstep/sync/lock.h — Python's threading.Lock and threading.RLock.
//
// Lock   no owner: any thread may release it (handing a lock to another thread is
//        legal). acquire(blocking, timeout) as in Python: blocking=false tries once,
//        timeout >= 0 bounds the wait (inside an exploration in *logical* time: whether
//        it times out is a strategy choice). Re-acquiring by the thread that holds it
//        blocks, as in Python; when nobody can release it the deadlock checker reports
//        a self-deadlock.
// RLock  reentrant: an owner and a count; only the owner may release.
//
//   state        | acquire()                | release()
//   Lock free    | -> held                  | error (RuntimeError in Python)
//   Lock held    | blocks until released    | by any thread -> free
//   RLock free   | -> owned by caller, 1    | error
//   RLock owned  | owner: count+1; else     | owner: count-1 (free at 0);
//                | blocks until free        | others: error
//
// Release errors throw std::runtime_error with Python's message (RuntimeError there);
// Python's argument errors (ValueError there: a timeout on a non-blocking acquire, a
// timeout other than -1 or >= 0) throw std::invalid_argument. Inside an exploration
// an uncaught one is an "exception" finding. Both also offer lock()/try_lock()/unlock()
// for std::scoped_lock and std::unique_lock. Outside an exploration they are real
// locks with real timeouts (seconds). Cost inside: one scheduling point per operation.
#pragma once

#include <cstdint>
#include <string>

#include "lockstep/internal/annotations.h"
#include "lockstep/internal/real_lock.h"
#include "lockstep/internal/runtime.h"
#include "lockstep/source_location.h"

namespace lockstep {

class LOCKSTEP_CAPABILITY("mutex") Lock : private internal::ModelObject {
 public:
  explicit Lock(const char* name = nullptr, SourceLocation declared = SourceLocation::current())
      : ModelObject(ObjectKind::kLock, name, declared) {}

  bool acquire(bool blocking = true, double timeout = -1,
               SourceLocation location = SourceLocation::current()) LOCKSTEP_TRY_ACQUIRE(true);
  void release(SourceLocation location = SourceLocation::current()) LOCKSTEP_RELEASE();
  bool locked() const;

  void lock(SourceLocation location = SourceLocation::current()) LOCKSTEP_ACQUIRE() {
    acquire(true, -1, location);
  }
  bool try_lock(SourceLocation location = SourceLocation::current()) LOCKSTEP_TRY_ACQUIRE(true) {
    return acquire(false, -1, location);
  }
  void unlock(SourceLocation location = SourceLocation::current()) LOCKSTEP_RELEASE() {
    release(location);
  }

  // For Condition (internal): release_save() releases and returns the count held (1;
  // errors as release()); acquire_restore() blocks until it re-acquires.
  std::uint32_t release_save(SourceLocation location = SourceLocation::current());
  void acquire_restore(std::uint32_t count, SourceLocation location = SourceLocation::current());

 private:
  static constexpr std::uint32_t kNobody = ~std::uint32_t{0};
  bool ready(std::uint32_t thread, OpKind op) const override;
  void holders(std::uint32_t thread, OpKind op, std::vector<std::uint32_t>& out) const override;
  std::string state_text() const override;
  void reset_model() override { holder_ = kNobody; }

  std::uint32_t holder_ = kNobody;  // the last acquirer while held
  internal::RealLock real_{/*reentrant=*/false};
};

class LOCKSTEP_CAPABILITY("mutex") RLock : private internal::ModelObject {
 public:
  explicit RLock(const char* name = nullptr, SourceLocation declared = SourceLocation::current())
      : ModelObject(ObjectKind::kRLock, name, declared) {}

  bool acquire(bool blocking = true, double timeout = -1,
               SourceLocation location = SourceLocation::current()) LOCKSTEP_TRY_ACQUIRE(true);
  void release(SourceLocation location = SourceLocation::current()) LOCKSTEP_RELEASE();

  void lock(SourceLocation location = SourceLocation::current()) LOCKSTEP_ACQUIRE() {
    acquire(true, -1, location);
  }
  bool try_lock(SourceLocation location = SourceLocation::current()) LOCKSTEP_TRY_ACQUIRE(true) {
    return acquire(false, -1, location);
  }
  void unlock(SourceLocation location = SourceLocation::current()) LOCKSTEP_RELEASE() {
    release(location);
  }

  // Whether the calling thread owns it (Python's RLock._is_owned).
  bool is_owned() const;
  // For Condition (internal): release_save() releases every level the caller holds
  // and returns the count (not the owner: error as release()); acquire_restore()
  // blocks until it re-acquires, then restores that count.
  std::uint32_t release_save(SourceLocation location = SourceLocation::current());
  void acquire_restore(std::uint32_t count, SourceLocation location = SourceLocation::current());

 private:
  static constexpr std::uint32_t kNobody = ~std::uint32_t{0};
  bool ready(std::uint32_t thread, OpKind op) const override;
  void holders(std::uint32_t thread, OpKind op, std::vector<std::uint32_t>& out) const override;
  // Only the owner releases an RLock (Lock, which any thread may release, keeps the
  // default: its holder is only the likely releaser).
  bool only_holders_wake(std::uint32_t, OpKind) const override { return true; }
  std::string state_text() const override;
  void reset_model() override {
    owner_ = kNobody;
    count_ = 0;
  }

  std::uint32_t owner_ = kNobody;
  std::uint32_t count_ = 0;
  internal::RealLock real_{/*reentrant=*/true};
};

}  // namespace lockstep
