#include "lockstep/sync/semaphore.h"

#include <limits>
#include <stdexcept>

#include "runtime/execution.h"
#include "sync/lock_events.h"

namespace lockstep {
namespace {

void check_release_count(std::uint64_t n) {
  if (n < 1) throw std::invalid_argument("n must be one or more");
}

}  // namespace

bool Semaphore::ready(std::uint32_t, OpKind) const { return value_ > 0; }

std::string Semaphore::state_text() const { return "value " + std::to_string(value_); }

std::uint64_t Semaphore::limit() const {
  return bounded_ ? initial_ : std::numeric_limits<std::uint64_t>::max();
}

void Semaphore::over_release() const {
  throw std::invalid_argument("Semaphore released too many times (it may not exceed " +
                              std::to_string(limit()) + ")");
}

bool Semaphore::acquire(bool blocking, double timeout, SourceLocation location) {
  internal::check_acquire_arguments(blocking, timeout);
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
  check_release_count(n);
  internal::Execution* ex = internal::current_execution();
  if (ex == nullptr) {
    if (!real_.release(n, limit())) over_release();
    return;
  }
  if (!ex->point(this, OpKind::kRelease, internal::Wait::kNever, location)) return;
  if (n > limit() - value_) {
    internal::emit_refused(*ex, *this, OpKind::kRelease, location, static_cast<std::int64_t>(initial_));
    over_release();
  }
  value_ += n;
  internal::emit_lock_event(*ex, *this, OpKind::kRelease, OpResult::kOk, location);
}

}  // namespace lockstep
