#include "lockstep/sync/barrier.h"

#include <algorithm>
#include <stdexcept>

#include "runtime/execution.h"

namespace lockstep {

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

void Barrier::reset_model() {
  const internal::ModelAccess access;
  arrived_ = 0;
  generation_ = 0;
  waiting_.clear();
}

std::uint32_t Barrier::real_wait() {
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

std::uint32_t Barrier::wait(SourceLocation location) {
  internal::Execution* ex = internal::current_execution();
  if (ex == nullptr) return real_wait();
  const internal::ModelAccess access;  // the waiter list allocates
  if (!ex->point(this, OpKind::kWait, internal::Wait::kNever, location)) return 0;
  const std::uint32_t index = arrived_++;
  internal::announce_release(this);
  OpEvent event;
  event.op = OpKind::kWait;
  event.has_value = true;
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
