#include "lockstep/sync/mutex.h"

#include <system_error>

#include "runtime/execution.h"
#include "sync/lock_events.h"

namespace lockstep {

bool Mutex::ready(std::uint32_t, OpKind) const { return owner_ == kNobody; }

void Mutex::holders(std::uint32_t, OpKind, std::vector<std::uint32_t>& out) const {
  if (owner_ != kNobody) out.push_back(owner_);
}

std::string Mutex::state_text() const {
  return owner_ == kNobody ? "free" : "held by t" + std::to_string(owner_);
}

void Mutex::lock(SourceLocation location) {
  internal::Execution* ex = internal::current_execution();
  if (ex == nullptr) {
    real_.lock();
    return;
  }
  bind(*ex);
  const std::uint32_t me = ex->current();
  if (owner_ == me && !ex->aborting()) {
    internal::report_self_deadlock(*ex, *this, location);
  }
  if (!ex->point(this, OpKind::kAcquire, internal::Wait::kReady, location)) return;
  owner_ = me;
  internal::emit_lock_event(*ex, *this, OpKind::kAcquire, OpResult::kOk, location);
}

bool Mutex::try_lock(SourceLocation location) {
  internal::Execution* ex = internal::current_execution();
  if (ex == nullptr) return real_.try_lock();
  if (!ex->point(this, OpKind::kTryAcquire, internal::Wait::kNever, location)) return false;
  const bool acquired = owner_ == kNobody;
  if (acquired) owner_ = ex->current();
  internal::emit_lock_event(*ex, *this, OpKind::kTryAcquire,
                            acquired ? OpResult::kOk : OpResult::kFailed, location);
  return acquired;
}

void Mutex::unlock(SourceLocation location) {
  internal::Execution* ex = internal::current_execution();
  if (ex == nullptr) {
    real_.unlock();
    return;
  }
  if (!ex->point(this, OpKind::kRelease, internal::Wait::kNever, location)) return;
  if (owner_ != ex->current()) {
    throw std::system_error(std::make_error_code(std::errc::operation_not_permitted),
                            "lockstep::Mutex::unlock by t" + std::to_string(ex->current()) +
                                ", which does not own it (" + state_text() + ")");
  }
  owner_ = kNobody;
  internal::emit_lock_event(*ex, *this, OpKind::kRelease, OpResult::kOk, location);
}

}  // namespace lockstep
