#include "lockstep/sync/condition.h"

#include <chrono>
#include <stdexcept>

#include "runtime/execution.h"

namespace lockstep {

Condition::Condition(const char* name, SourceLocation declared)
    : own_(name, declared), rlock_(&own_), queue_(ObjectKind::kCondition, name, declared) {}

Condition::Condition(Lock& lock, const char* name, SourceLocation declared)
    : lock_(&lock), queue_(ObjectKind::kCondition, name, declared) {}

Condition::Condition(RLock& lock, const char* name, SourceLocation declared)
    : rlock_(&lock), queue_(ObjectKind::kCondition, name, declared) {}

bool Condition::acquire(bool blocking, double timeout, SourceLocation location) {
  return lock_ != nullptr ? lock_->acquire(blocking, timeout, location)
                          : rlock_->acquire(blocking, timeout, location);
}

void Condition::release(SourceLocation location) {
  if (lock_ != nullptr) {
    lock_->release(location);
  } else {
    rlock_->release(location);
  }
}

// Python's Condition._is_owned: a Lock has no owner, so it counts as held when locked
// (by anyone); an RLock when the caller owns it.
bool Condition::held() const {
  return lock_ != nullptr ? lock_->locked() : rlock_->is_owned();
}

std::uint32_t Condition::release_save(const SourceLocation& location) {
  return lock_ != nullptr ? lock_->release_save(location) : rlock_->release_save(location);
}

void Condition::acquire_restore(std::uint32_t count, const SourceLocation& location) {
  if (lock_ != nullptr) {
    lock_->acquire_restore(count, location);
  } else {
    rlock_->acquire_restore(count, location);
  }
}

bool Condition::wait(double timeout, SourceLocation location) {
  internal::Execution* ex = internal::current_execution();
  if (!held()) {
    if (ex != nullptr) queue_.refuse(*ex, OpKind::kWait, location);
    throw std::runtime_error("cannot wait on un-acquired lock");
  }
  if (ex == nullptr) {
    // The ticket is taken and the lock released under real_mutex_, so a notifier (who
    // must hold the lock, then takes real_mutex_) sees this waiter. Releasing does not
    // block, so holding real_mutex_ meanwhile cannot deadlock.
    std::unique_lock lock(real_mutex_);
    const std::uint32_t count = release_save(location);
    const std::uint64_t ticket = next_ticket_++;
    const auto admitted = [&] { return admitted_ > ticket; };
    bool notified = true;
    if (timeout < 0) {
      real_cv_.wait(lock, admitted);
    } else {
      notified = real_cv_.wait_for(lock, std::chrono::duration<double>(timeout), admitted);
    }
    lock.unlock();
    acquire_restore(count, location);
    return notified;
  }
  queue_.enter(*ex, location);
  std::uint32_t count = 0;
  try {
    count = release_save(location);
  } catch (...) {
    queue_.leave(*ex);
    throw;
  }
  const OpResult result = queue_.await(*ex, timeout >= 0, location);
  acquire_restore(count, location);
  return result == OpResult::kOk;
}

void Condition::notify(std::size_t n, SourceLocation location) {
  internal::Execution* ex = internal::current_execution();
  if (!held()) {
    if (ex != nullptr) queue_.refuse(*ex, n == 1 ? OpKind::kNotifyOne : OpKind::kNotifyAll, location);
    throw std::runtime_error("cannot notify on un-acquired lock");
  }
  if (ex != nullptr) {
    queue_.notify(*ex, n, location);
    return;
  }
  std::lock_guard lock(real_mutex_);
  admitted_ = n >= next_ticket_ - admitted_ ? next_ticket_ : admitted_ + n;
  real_cv_.notify_all();
}

void Condition::notify_all(SourceLocation location) {
  notify(internal::WaitQueue::kAll, location);
}

}  // namespace lockstep
