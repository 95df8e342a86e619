#include "lockstep/internal/real_lock.h"

#include <chrono>

namespace lockstep::internal {
namespace {

// Waits on `cv` until `ready`, honouring Python's blocking/timeout arguments.
template <typename Ready>
bool wait_python(std::unique_lock<std::mutex>& lock, std::condition_variable& cv, bool blocking,
                 double timeout_seconds, Ready ready) {
  if (ready()) return true;
  if (!blocking) return false;
  if (timeout_seconds < 0) {
    cv.wait(lock, ready);
    return true;
  }
  return cv.wait_for(lock, std::chrono::duration<double>(timeout_seconds), ready);
}

}  // namespace

bool RealLock::acquire(bool blocking, double timeout_seconds) {
  std::unique_lock lock(mutex_);
  const std::thread::id me = std::this_thread::get_id();
  if (!wait_python(lock, released_, blocking, timeout_seconds, [&] { return available_to(me); })) {
    return false;
  }
  owner_ = me;
  ++count_;
  return true;
}

RealLock::ReleaseError RealLock::release() {
  std::unique_lock lock(mutex_);
  if (count_ == 0) return ReleaseError::kNotHeld;
  if (reentrant_ && owner_ != std::this_thread::get_id()) return ReleaseError::kNotOwner;
  if (--count_ == 0) {
    owner_ = std::thread::id();
    released_.notify_all();
  }
  return ReleaseError::kNone;
}

bool RealLock::locked() const {
  std::lock_guard lock(mutex_);
  return count_ != 0;
}

bool RealLock::held_by_caller() const {
  std::lock_guard lock(mutex_);
  return count_ != 0 && owner_ == std::this_thread::get_id();
}

std::uint32_t RealLock::release_all() {
  std::lock_guard lock(mutex_);
  if (count_ == 0 || (reentrant_ && owner_ != std::this_thread::get_id())) return 0;
  const std::uint32_t count = count_;
  count_ = 0;
  owner_ = std::thread::id();
  released_.notify_all();
  return count;
}

void RealLock::acquire_count(std::uint32_t count) {
  std::unique_lock lock(mutex_);
  const std::thread::id me = std::this_thread::get_id();
  released_.wait(lock, [&] { return available_to(me); });
  owner_ = me;
  count_ += count;
}

bool RealSemaphore::acquire(bool blocking, double timeout_seconds) {
  std::unique_lock lock(mutex_);
  if (!wait_python(lock, available_, blocking, timeout_seconds, [&] { return value_ > 0; })) {
    return false;
  }
  --value_;
  return true;
}

bool RealSemaphore::release(std::uint64_t n, std::uint64_t limit) {
  std::lock_guard lock(mutex_);
  if (value_ > limit || n > limit - value_) return false;
  value_ += n;
  available_.notify_all();
  return true;
}

}  // namespace lockstep::internal
