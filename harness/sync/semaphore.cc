#include "lockstep/sync/semaphore.h"

#include <stdexcept>

#include "runtime/execution.h"
#include "sync/lock_events.h"

namespace lockstep {

bool Semaphore::ready(std::uint32_t, OpKind) const { return value_ > 0; }

std::string Semaphore::state_text() const { return "value " + std::to_string(value_); }

void Semaphore::over_release() const {
  throw std::invalid_argument("Semaphore released too many times (BoundedSemaphore bound " +
                              std::to_string(bound_) + ")");
}

bool Semaphore::acquire(bool blocking, double timeout, SourceLocation location) {
  internal::Execution* ex = internal::current_execution();
  if (ex == nullptr) return real_.acquire(blocking, timeout);
  const bool acquired = internal::acquire_point(*ex, *this, blocking, timeout >= 0, location);
  if (ex->aborting()) return false;
  if (acquired) --value_;
  internal::emit_lock_event(*ex, *this, blocking ? OpKind::kAcquire : OpKind::kTryAcquire,
                            acquired ? OpResult::kOk : internal::failure_of(blocking), location);
  return acquired;
}

void Semaphore::release(std::uint64_t n, SourceLocation location) {
  internal::Execution* ex = internal::current_execution();
  if (ex == nullptr) {
    if (bound_ != 0 && real_.value() + n > bound_) over_release();
    real_.release(n);
    return;
  }
  if (!ex->point(this, OpKind::kRelease, internal::Wait::kNever, location)) return;
  if (bound_ != 0 && value_ + n > bound_) over_release();
  value_ += n;
  internal::emit_lock_event(*ex, *this, OpKind::kRelease, OpResult::kOk, location);
}

}  // namespace lockstep
