// lockstep/sync/semaphore.h — Python's threading.Semaphore and BoundedSemaphore.
//
// acquire(blocking, timeout) takes one unit, waiting while the value is 0 (timeouts in
// logical time inside an exploration: whether it times out is a strategy choice);
// release(n) adds n and may let n waiters through. A BoundedSemaphore may not be
// released above its initial value: that throws std::invalid_argument (Python's
// ValueError) and changes nothing. Python's argument errors are std::invalid_argument
// too: a timeout on a non-blocking acquire, a timeout other than -1 (none) or >= 0,
// release(0). A release happens-before the acquire it enables. Semaphores have no
// owner, so a deadlock report names no thread a waiter waits for.
//
//   value | acquire()                 | release(n)
//   0     | blocks until released     | value + n (bounded: error above the initial value)
//   > 0   | value - 1                 | value + n (bounded: error above the initial value)
//
// Outside an exploration they are real semaphores with real timeouts (seconds). Cost
// inside: one scheduling point per operation.
#pragma once

#include <cstdint>
#include <string>

#include "lockstep/internal/real_lock.h"
#include "lockstep/internal/runtime.h"
#include "lockstep/source_location.h"

namespace lockstep {

class Semaphore : private internal::ModelObject {
 public:
  explicit Semaphore(std::uint64_t value = 1, const char* name = nullptr,
                     SourceLocation declared = SourceLocation::current())
      : Semaphore(ObjectKind::kSemaphore, value, /*bounded=*/false, name, declared) {}

  bool acquire(bool blocking = true, double timeout = -1,
               SourceLocation location = SourceLocation::current());
  void release(std::uint64_t n = 1, SourceLocation location = SourceLocation::current());

 protected:
  Semaphore(ObjectKind kind, std::uint64_t value, bool bounded, const char* name,
            SourceLocation declared)
      : ModelObject(kind, name, declared),
        initial_(value),
        bounded_(bounded),
        value_(value),
        real_(value) {}

 private:
  bool ready(std::uint32_t thread, OpKind op) const override;
  std::string state_text() const override;
  void reset_model() override { value_ = initial_; }
  // The largest value release() may reach.
  std::uint64_t limit() const;
  [[noreturn]] void over_release() const;

  const std::uint64_t initial_;
  const bool bounded_;   // BoundedSemaphore: the value never exceeds initial_
  std::uint64_t value_;  // the model's value inside an exploration
  internal::RealSemaphore real_;
};

class BoundedSemaphore : public Semaphore {
 public:
  explicit BoundedSemaphore(std::uint64_t value = 1, const char* name = nullptr,
                            SourceLocation declared = SourceLocation::current())
      : Semaphore(ObjectKind::kBoundedSemaphore, value, /*bounded=*/true, name, declared) {}
};

}  // namespace lockstep
