// lockstep/sync/mutex.h — std-style mutexes.
//
// Mutex           std::mutex semantics: one owner, not reentrant.
//
// Each is a drop-in for its std counterpart (std::scoped_lock, std::unique_lock and
// std::condition_variable_any work with it). Inside an exploration, lock() is a
// scheduling point that blocks the logical thread until the mutex is free; outside,
// it is the real std::mutex. Cost inside: one scheduling point per operation.
//
//   state  | lock()                  | try_lock()     | unlock()
//   free   | -> owned by caller      | true, owned    | error: not owner
//   owned  | blocks until free;      | false          | by owner: -> free;
//          | by owner: self-deadlock |                | else error: not owner
//
// Misuse inside an exploration: re-locking by the owner is reported as a
// self-deadlock; unlock by a non-owner is undefined in std and throws
// std::system_error here (an uncaught exception finding).
#pragma once

#include <cstdint>
#include <mutex>
#include "lockstep/source_location.h"
#include <string>

#include "lockstep/internal/annotations.h"
#include "lockstep/internal/runtime.h"

namespace lockstep {

class LOCKSTEP_CAPABILITY("mutex") Mutex : private internal::ModelObject {
 public:
  explicit Mutex(const char* name = nullptr,
                 SourceLocation declared = SourceLocation::current())
      : ModelObject(ObjectKind::kMutex, name, declared) {}

  void lock(SourceLocation location = SourceLocation::current()) LOCKSTEP_ACQUIRE();
  bool try_lock(SourceLocation location = SourceLocation::current())
      LOCKSTEP_TRY_ACQUIRE(true);
  void unlock(SourceLocation location = SourceLocation::current()) LOCKSTEP_RELEASE();

 private:
  static constexpr std::uint32_t kNobody = ~std::uint32_t{0};
  bool ready(std::uint32_t thread, OpKind op) const override;
  void holders(std::uint32_t thread, OpKind op, std::vector<std::uint32_t>& out) const override;
  std::string state_text() const override;
  void reset_model() override { owner_ = kNobody; }

  std::uint32_t owner_ = kNobody;
  std::mutex real_;
};

}  // namespace lockstep
