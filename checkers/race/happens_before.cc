#include "race/happens_before.h"

#include <algorithm>

namespace lockstep::checkers {

void HappensBefore::reset() {
  // Keep the vectors' capacity: executions are many and short.
  for (std::uint32_t t = 0; t < thread_count_; ++t) {
    ThreadState& state = threads_[t];
    state.clock.clear();
    state.release_fence.clear();
    state.has_release_fence = false;
    state.pending_acquire.clear();
  }
  thread_count_ = 0;
  for (ObjectState& object : objects_) {
    object.clock.clear();
    object.shared_clock.clear();
  }
  for (VariableState& variable : variables_) {
    variable.write = {};
    variable.read = {};
    variable.read_shared = false;
    variable.read_clock.clear();
  }
}

HappensBefore::ThreadState& HappensBefore::new_thread(std::uint32_t thread) {
  if (thread >= threads_.size()) threads_.resize(thread + 1);
  while (thread_count_ <= thread) {
    // A thread's own entry starts at 1, so its first epoch is never "no access".
    threads_[thread_count_].clock.set(thread_count_, 1);
    ++thread_count_;
  }
  return threads_[thread];
}

Epoch HappensBefore::epoch_of(std::uint32_t thread) {
  return Epoch{thread, thread_(thread).clock.get(thread)};
}

void HappensBefore::spawn(std::uint32_t parent, std::uint32_t child) {
  thread_(child);  // may grow threads_: take references after
  thread_(parent);
  threads_[child].clock.join(threads_[parent].clock);
  tick(parent);
}

void HappensBefore::join(std::uint32_t thread, std::uint32_t target) {
  thread_(std::max(thread, target));
  threads_[thread].clock.join(threads_[target].clock);
}

void HappensBefore::release_shared(std::uint32_t thread, std::uint32_t object) {
  const VectorClock& clock = thread_(thread).clock;
  object_(object).shared_clock.join(clock);
  tick(thread);
}

void HappensBefore::acquire_exclusive_after_shared(std::uint32_t thread, std::uint32_t object) {
  ThreadState& state = thread_(thread);
  const ObjectState& lock = object_(object);
  state.clock.join(lock.clock);
  state.clock.join(lock.shared_clock);
}

void HappensBefore::atomic_load(std::uint32_t thread, std::uint32_t object, bool acquire) {
  ThreadState& state = thread_(thread);
  const VectorClock& published = object_(object).clock;
  if (acquire) {
    state.clock.join(published);
  } else {
    state.pending_acquire.join(published);
  }
}

void HappensBefore::atomic_store(std::uint32_t thread, std::uint32_t object, bool release) {
  ThreadState& state = thread_(thread);
  ObjectState& atomic = object_(object);
  atomic.clock.clear();  // a store (not an RMW) starts a new release sequence or none
  if (release) {
    atomic.clock.join(state.clock);
    tick(thread);
  } else if (state.has_release_fence) {
    atomic.clock.join(state.release_fence);
  }
}

void HappensBefore::atomic_rmw(std::uint32_t thread, std::uint32_t object, bool acquire,
                               bool release) {
  atomic_load(thread, object, acquire);
  ThreadState& state = threads_[thread];
  ObjectState& atomic = objects_[object];
  // An RMW continues the release sequence it reads from, whatever its order.
  if (release) {
    atomic.clock.join(state.clock);
    tick(thread);
  } else if (state.has_release_fence) {
    atomic.clock.join(state.release_fence);
  }
}

void HappensBefore::fence(std::uint32_t thread, bool acquire, bool release) {
  ThreadState& state = thread_(thread);
  if (acquire) state.clock.join(state.pending_acquire);
  if (release) {
    state.release_fence = state.clock;
    state.has_release_fence = true;
    tick(thread);
  }
}

}  // namespace lockstep::checkers
