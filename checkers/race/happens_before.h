// Happens-before by vector clocks with FastTrack's epochs (Flanagan & Freund,
// "FastTrack: Efficient and Precise Dynamic Race Detection", PLDI 2009).
//
// The engine knows nothing of events or primitives: threads, synchronisation objects
// and variables are small dense ids, and a caller (RaceChecker, or a test feeding
// random traces) says what each step does. Every thread has a vector clock C_t; every
// synchronisation object a clock L_o; every variable the epoch (thread@clock) of its
// last write and either the epoch of its last read or, once two concurrent reads
// exist, a read vector clock. FastTrack's insight: almost every access finds its
// variable in the cheap epoch case, so the common check is one comparison.
//
//   access          | check (race when it fails)            | then
//   write by t      | W <= C_t, R <= C_t (epoch or clock)   | W := t@C_t[t]; R := empty
//   read by t       | W <= C_t                              | R := t@C_t[t] if R <= C_t,
//                   |                                       | else a read clock {R, t}
//
// where e <= C (an epoch u@c happens before clock C) is c <= C[u].
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

namespace lockstep::checkers {

class VectorClock {
 public:
  std::uint32_t get(std::uint32_t thread) const {
    return thread < clocks_.size() ? clocks_[thread] : 0;
  }
  void set(std::uint32_t thread, std::uint32_t value) {
    if (thread >= clocks_.size()) clocks_.resize(thread + 1, 0);
    clocks_[thread] = value;
  }
  void join(const VectorClock& other) {
    const std::size_t n = other.clocks_.size();
    if (n > clocks_.size()) clocks_.resize(n, 0);
    std::uint32_t* mine = clocks_.data();
    const std::uint32_t* theirs = other.clocks_.data();
    for (std::size_t i = 0; i < n; ++i) mine[i] = mine[i] > theirs[i] ? mine[i] : theirs[i];
  }
  // := other (the storage is reused).
  void assign(const VectorClock& other) { clocks_ = other.clocks_; }
  // Every entry <= other's.
  bool leq(const VectorClock& other) const {
    for (std::size_t i = 0; i < clocks_.size(); ++i) {
      if (clocks_[i] > other.get(static_cast<std::uint32_t>(i))) return false;
    }
    return true;
  }
  // All entries 0; the storage is kept (executions are many and short).
  void clear() { std::fill(clocks_.begin(), clocks_.end(), 0); }
  std::size_t size() const { return clocks_.size(); }

 private:
  std::vector<std::uint32_t> clocks_;
};

// thread@clock; clock 0 is "no access".
struct Epoch {
  std::uint32_t thread = 0;
  std::uint32_t clock = 0;
  bool none() const { return clock == 0; }
  bool before(const VectorClock& c) const { return clock <= c.get(thread); }
  friend bool operator==(const Epoch&, const Epoch&) = default;
};

class HappensBefore {
 public:
  // A conflicting earlier access found by read()/write().
  struct Conflict {
    bool found = false;
    std::uint32_t thread = 0;  // the earlier access's thread
    bool was_write = false;    // the earlier access wrote
  };

  void reset();

  // Thread structure. A new thread's clock starts from its parent's at the spawn.
  void spawn(std::uint32_t parent, std::uint32_t child);
  // `thread` waits for `target` to end (join): everything target did happens before.
  void join(std::uint32_t thread, std::uint32_t target);

  // Synchronisation object `object`: a release publishes the thread's clock into the
  // object's; an acquire takes it. `accumulate` keeps earlier releases (semaphores,
  // events, queues: an acquire may pair with any of them); otherwise the object's
  // clock is replaced (a lock: its previous release is already in the releaser's clock).
  void release(std::uint32_t thread, std::uint32_t object, bool accumulate);
  void acquire(std::uint32_t thread, std::uint32_t object);
  // A shared-mode lock keeps the clocks of shared releases apart: readers do not
  // synchronise with each other, a writer synchronises with all of them.
  void release_shared(std::uint32_t thread, std::uint32_t object);
  void acquire_exclusive_after_shared(std::uint32_t thread, std::uint32_t object);

  // Atomics by memory order (C++ [atomics.order], [atomics.fences]): a release store
  // starts a release sequence (the object's clock := the thread's), a relaxed store
  // ends it (:= the thread's last release fence, or nothing), an RMW continues it
  // (joins); an acquire load takes the clock, a relaxed load keeps it for a later
  // acquire fence.
  void atomic_load(std::uint32_t thread, std::uint32_t object, bool acquire);
  void atomic_store(std::uint32_t thread, std::uint32_t object, bool release);
  void atomic_rmw(std::uint32_t thread, std::uint32_t object, bool acquire, bool release);
  void fence(std::uint32_t thread, bool acquire, bool release);

  // Plain accesses to variable `variable`; a conflict is an earlier access by another
  // thread, at least one of the two writing, that does not happen before this one.
  Conflict read(std::uint32_t thread, std::uint32_t variable);
  Conflict write(std::uint32_t thread, std::uint32_t variable);

  const VectorClock& clock(std::uint32_t thread) { return thread_(thread).clock; }

 private:
  struct ThreadState {
    VectorClock clock;
    VectorClock release_fence;  // the clock at the last release fence
    bool has_release_fence = false;
    VectorClock pending_acquire;  // clocks seen by relaxed loads, for an acquire fence
  };
  struct ObjectState {
    VectorClock clock;
    VectorClock shared_clock;  // shared-mode releases of a SharedMutex
  };
  struct VariableState {
    Epoch write;
    Epoch read;
    bool read_shared = false;  // reads are in read_clock
    VectorClock read_clock;
  };

  ThreadState& thread_(std::uint32_t thread) {
    return thread < thread_count_ ? threads_[thread] : new_thread(thread);
  }
  ThreadState& new_thread(std::uint32_t thread);
  ObjectState& object_(std::uint32_t object) {
    if (object >= objects_.size()) objects_.resize(object + 1);
    return objects_[object];
  }
  VariableState& variable_(std::uint32_t variable) {
    if (variable >= variables_.size()) variables_.resize(variable + 1);
    return variables_[variable];
  }
  void tick(std::uint32_t thread);
  Epoch epoch_of(std::uint32_t thread);

  std::vector<ThreadState> threads_;
  std::vector<ObjectState> objects_;
  std::vector<VariableState> variables_;
  std::uint32_t thread_count_ = 0;
};

[[gnu::always_inline]] inline void HappensBefore::tick(std::uint32_t thread) {
  VectorClock& clock = thread_(thread).clock;
  clock.set(thread, clock.get(thread) + 1);
}

[[gnu::always_inline]] inline void HappensBefore::release(std::uint32_t thread, std::uint32_t object, bool accumulate) {
  const VectorClock& clock = thread_(thread).clock;
  ObjectState& state = object_(object);
  if (accumulate) {
    state.clock.join(clock);
  } else {
    state.clock.assign(clock);  // a lock: its previous release is in this clock already
  }
  tick(thread);
}

[[gnu::always_inline]] inline void HappensBefore::acquire(std::uint32_t thread, std::uint32_t object) {
  ThreadState& state = thread_(thread);
  state.clock.join(object_(object).clock);
}

[[gnu::always_inline]] inline HappensBefore::Conflict HappensBefore::read(std::uint32_t thread, std::uint32_t variable) {
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

[[gnu::always_inline]] inline HappensBefore::Conflict HappensBefore::write(std::uint32_t thread, std::uint32_t variable) {
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
