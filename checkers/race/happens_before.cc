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

HappensBefore::ThreadState& HappensBefore::thread_(std::uint32_t thread) {
  if (thread >= threads_.size()) threads_.resize(thread + 1);
  while (thread_count_ <= thread) {
    // A thread's own entry starts at 1, so its first epoch is never "no access".
    threads_[thread_count_].clock.set(thread_count_, 1);
    ++thread_count_;
  }
  return threads_[thread];
}

HappensBefore::ObjectState& HappensBefore::object_(std::uint32_t object) {
  if (object >= objects_.size()) objects_.resize(object + 1);
  return objects_[object];
}

HappensBefore::VariableState& HappensBefore::variable_(std::uint32_t variable) {
  if (variable >= variables_.size()) variables_.resize(variable + 1);
  return variables_[variable];
}

void HappensBefore::tick(std::uint32_t thread) {
  VectorClock& clock = thread_(thread).clock;
  clock.set(thread, clock.get(thread) + 1);
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

void HappensBefore::release(std::uint32_t thread, std::uint32_t object, bool accumulate) {
  const VectorClock& clock = thread_(thread).clock;
  ObjectState& state = object_(object);
  if (!accumulate) state.clock.clear();
  state.clock.join(clock);
  tick(thread);
}

void HappensBefore::acquire(std::uint32_t thread, std::uint32_t object) {
  ThreadState& state = thread_(thread);
  state.clock.join(object_(object).clock);
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

HappensBefore::Conflict HappensBefore::read(std::uint32_t thread, std::uint32_t variable) {
  const VectorClock& clock = thread_(thread).clock;
  VariableState& state = variable_(variable);
  const Epoch now = Epoch{thread, clock.get(thread)};
  if (!state.read_shared && state.read == now) return {};  // same epoch: nothing new
  Conflict conflict;
  if (!state.write.none() && state.write.thread != thread && !state.write.before(clock)) {
    conflict = Conflict{true, state.write.thread, true};
  }
  if (state.read_shared) {
    state.read_clock.set(thread, now.clock);
  } else if (state.read.none() || state.read.before(clock)) {
    state.read = now;  // exclusive: the earlier read happens before this one
  } else {
    state.read_shared = true;  // concurrent reads: keep both
    state.read_clock.clear();
    state.read_clock.set(state.read.thread, state.read.clock);
    state.read_clock.set(thread, now.clock);
  }
  return conflict;
}

HappensBefore::Conflict HappensBefore::write(std::uint32_t thread, std::uint32_t variable) {
  const VectorClock& clock = thread_(thread).clock;
  VariableState& state = variable_(variable);
  const Epoch now = Epoch{thread, clock.get(thread)};
  if (state.write == now) return {};  // same epoch: checked already
  Conflict conflict;
  if (!state.write.none() && state.write.thread != thread && !state.write.before(clock)) {
    conflict = Conflict{true, state.write.thread, true};
  } else if (state.read_shared) {
    for (std::uint32_t t = 0; t < state.read_clock.size(); ++t) {
      const std::uint32_t c = state.read_clock.get(t);
      if (t != thread && c != 0 && c > clock.get(t)) {
        conflict = Conflict{true, t, false};
        break;
      }
    }
  } else if (!state.read.none() && state.read.thread != thread && !state.read.before(clock)) {
    conflict = Conflict{true, state.read.thread, false};
  }
  state.write = now;
  state.read = {};
  state.read_shared = false;
  state.read_clock.clear();
  return conflict;
}

}  // namespace lockstep::checkers
