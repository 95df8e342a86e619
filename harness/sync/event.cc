#include "lockstep/sync/event.h"

#include <chrono>

#include "runtime/execution.h"

namespace lockstep {

void Event::change(bool value, OpKind op, const SourceLocation& location) {
  internal::Execution* ex = internal::current_execution();
  if (ex == nullptr) {
    std::lock_guard lock(real_mutex_);
    flag_ = value;
    if (value) real_cv_.notify_all();
    return;
  }
  if (!ex->point(this, op, internal::Wait::kNever, location)) return;
  flag_ = value;
  if (value) internal::announce_release(this);
  OpEvent event;
  event.op = op;
  event.location = location;
  ex->emit(event, this);
}

void Event::set(SourceLocation location) { change(true, OpKind::kSet, location); }
void Event::clear(SourceLocation location) { change(false, OpKind::kClear, location); }

bool Event::is_set() const {
  if (internal::current_execution() != nullptr) return flag_;
  std::lock_guard lock(real_mutex_);
  return flag_;
}

bool Event::wait(double timeout, SourceLocation location) {
  internal::Execution* ex = internal::current_execution();
  if (ex == nullptr) {
    std::unique_lock lock(real_mutex_);
    if (timeout < 0) {
      real_cv_.wait(lock, [&] { return flag_; });
      return true;
    }
    return real_cv_.wait_for(lock, std::chrono::duration<double>(timeout), [&] { return flag_; });
  }
  const bool set = internal::wait_point(*ex, this, OpKind::kWait, true, timeout >= 0, location);
  if (ex->aborting()) return false;
  if (set) internal::announce_acquire(this);
  OpEvent event;
  event.op = OpKind::kWait;
  event.result = set ? OpResult::kOk : OpResult::kTimeout;
  event.location = location;
  ex->emit(event, this);
  return set;
}

}  // namespace lockstep
