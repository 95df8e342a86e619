#include "lockstep/sync/event.h"

#include <algorithm>
#include <chrono>
#include <stdexcept>

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

Barrier::Barrier(std::uint32_t parties, const char* name, SourceLocation declared)
    : ModelObject(ObjectKind::kBarrier, name, declared), parties_(parties) {
  if (parties == 0) throw std::invalid_argument("Barrier needs at least one party");
}

bool Barrier::ready(std::uint32_t thread, OpKind) const {
  for (const auto& [waiter, generation] : waiting_) {
    if (waiter == thread) return generation_ != generation;
  }
  return true;
}

std::string Barrier::state_text() const {
  return std::to_string(arrived_) + " of " + std::to_string(parties_) + " arrived";
}

std::uint32_t Barrier::wait(SourceLocation location) {
  internal::Execution* ex = internal::current_execution();
  if (ex == nullptr) {
    std::unique_lock lock(real_mutex_);
    const std::uint32_t index = arrived_++;
    if (arrived_ == parties_) {
      arrived_ = 0;
      ++generation_;
      real_cv_.notify_all();
    } else {
      const std::uint64_t generation = generation_;
      real_cv_.wait(lock, [&] { return generation_ != generation; });
    }
    return index;
  }
  const internal::ModelAccess access;  // the waiter list allocates
  if (!ex->point(this, OpKind::kWait, internal::Wait::kNever, location)) return 0;
  const std::uint32_t index = arrived_++;
  internal::announce_release(this);
  OpEvent event;
  event.op = OpKind::kWait;
  event.value = index;
  event.location = location;
  ex->emit(event, this);
  if (arrived_ == parties_) {
    arrived_ = 0;
    ++generation_;
  } else {
    const std::uint32_t me = ex->current();
    waiting_.emplace_back(me, generation_);
    const bool passed = ex->point(this, OpKind::kWake, internal::Wait::kReady, location);
    waiting_.erase(std::remove_if(waiting_.begin(), waiting_.end(),
                                  [me](const auto& w) { return w.first == me; }),
                   waiting_.end());
    if (!passed) return index;
    OpEvent wake;
    wake.op = OpKind::kWake;
    wake.other = me;
    wake.location = location;
    ex->emit(wake, this);
  }
  internal::announce_acquire(this);
  return index;
}

}  // namespace lockstep
