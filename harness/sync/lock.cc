#include "lockstep/sync/lock.h"

#include <stdexcept>

#include "runtime/execution.h"
#include "sync/lock_events.h"

namespace lockstep {
namespace {

[[noreturn]] void python_error(const std::string& message) { throw std::runtime_error(message); }

}  // namespace

// --- Lock ----------------------------------------------------------------------------

bool Lock::ready(std::uint32_t, OpKind) const { return holder_ == kNobody; }

void Lock::holders(std::uint32_t, OpKind, std::vector<std::uint32_t>& out) const {
  if (holder_ != kNobody) out.push_back(holder_);
}

std::string Lock::state_text() const {
  return holder_ == kNobody ? "free" : "held, acquired by t" + std::to_string(holder_);
}

bool Lock::acquire(bool blocking, double timeout, SourceLocation location) {
  internal::check_acquire_arguments(blocking, timeout);
  internal::Execution* ex = internal::current_execution();
  if (ex == nullptr) return real_.acquire(blocking, timeout);
  const bool acquired = internal::acquire_point(*ex, *this, blocking, timeout >= 0, location);
  if (ex->aborting()) return false;
  if (acquired) holder_ = ex->current();
  internal::emit_lock_event(*ex, *this, blocking ? OpKind::kAcquire : OpKind::kTryAcquire,
                            acquired ? OpResult::kOk : internal::failure_of(blocking), location);
  return acquired;
}

void Lock::release(SourceLocation location) {
  internal::Execution* ex = internal::current_execution();
  if (ex == nullptr) {
    if (real_.release() != internal::RealLock::ReleaseError::kNone) python_error("release unlocked lock");
    return;
  }
  if (!ex->point(this, OpKind::kRelease, internal::Wait::kNever, location)) return;
  if (holder_ == kNobody) {
    internal::emit_refused(*ex, *this, OpKind::kRelease, location);
    python_error("release unlocked lock");
  }
  holder_ = kNobody;
  internal::emit_lock_event(*ex, *this, OpKind::kRelease, OpResult::kOk, location);
}

bool Lock::locked() const {
  if (internal::current_execution() == nullptr) return real_.locked();
  return holder_ != kNobody;
}

std::uint32_t Lock::release_save(SourceLocation location) {
  release(location);
  return 1;
}

void Lock::acquire_restore(std::uint32_t, SourceLocation location) { acquire(true, -1, location); }

// --- RLock ---------------------------------------------------------------------------

bool RLock::ready(std::uint32_t thread, OpKind) const {
  return owner_ == kNobody || owner_ == thread;
}

void RLock::holders(std::uint32_t, OpKind, std::vector<std::uint32_t>& out) const {
  if (owner_ != kNobody) out.push_back(owner_);
}

std::string RLock::state_text() const {
  if (owner_ == kNobody) return "free";
  return "owned by t" + std::to_string(owner_) + " (count " + std::to_string(count_) + ")";
}

bool RLock::acquire(bool blocking, double timeout, SourceLocation location) {
  internal::check_acquire_arguments(blocking, timeout);
  internal::Execution* ex = internal::current_execution();
  if (ex == nullptr) return real_.acquire(blocking, timeout);
  const bool acquired = internal::acquire_point(*ex, *this, blocking, timeout >= 0, location);
  if (ex->aborting()) return false;
  if (acquired) {
    owner_ = ex->current();
    ++count_;
  }
  internal::emit_lock_event(*ex, *this, blocking ? OpKind::kAcquire : OpKind::kTryAcquire,
                            acquired ? OpResult::kOk : internal::failure_of(blocking), location);
  return acquired;
}

void RLock::release(SourceLocation location) {
  internal::Execution* ex = internal::current_execution();
  if (ex == nullptr) {
    if (real_.release() != internal::RealLock::ReleaseError::kNone) {
      python_error("cannot release un-acquired lock");
    }
    return;
  }
  if (!ex->point(this, OpKind::kRelease, internal::Wait::kNever, location)) return;
  if (owner_ != ex->current()) {
    internal::emit_refused(*ex, *this, OpKind::kRelease, location);
    python_error("cannot release un-acquired lock (t" + std::to_string(ex->current()) +
                 " releases an RLock " + state_text() + ")");
  }
  if (--count_ == 0) owner_ = kNobody;
  internal::emit_lock_event(*ex, *this, OpKind::kRelease, OpResult::kOk, location);
}

bool RLock::is_owned() const {
  const internal::Execution* ex = internal::current_execution();
  if (ex == nullptr) return real_.held_by_caller();
  return owner_ == ex->current();
}

std::uint32_t RLock::release_save(SourceLocation location) {
  internal::Execution* ex = internal::current_execution();
  if (ex == nullptr) {
    const std::uint32_t count = real_.release_all();
    if (count == 0) python_error("cannot release un-acquired lock");
    return count;
  }
  if (!ex->point(this, OpKind::kRelease, internal::Wait::kNever, location)) return 0;
  if (owner_ != ex->current()) {
    internal::emit_refused(*ex, *this, OpKind::kRelease, location);
    python_error("cannot release un-acquired lock");
  }
  const std::uint32_t count = count_;
  count_ = 0;
  owner_ = kNobody;
  internal::emit_lock_event(*ex, *this, OpKind::kRelease, OpResult::kOk, location, count);
  return count;
}

void RLock::acquire_restore(std::uint32_t count, SourceLocation location) {
  internal::Execution* ex = internal::current_execution();
  if (ex == nullptr) {
    real_.acquire_count(count);
    return;
  }
  if (!internal::acquire_point(*ex, *this, true, false, location) || ex->aborting()) return;
  owner_ = ex->current();
  count_ = count;
  internal::emit_lock_event(*ex, *this, OpKind::kAcquire, OpResult::kOk, location, count);
}

}  // namespace lockstep
