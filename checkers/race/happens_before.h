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
    if (other.clocks_.size() > clocks_.size()) clocks_.resize(other.clocks_.size(), 0);
    for (std::size_t i = 0; i < other.clocks_.size(); ++i) {
      if (other.clocks_[i] > clocks_[i]) clocks_[i] = other.clocks_[i];
    }
  }
  // Every entry <= other's.
  bool leq(const VectorClock& other) const {
    for (std::size_t i = 0; i < clocks_.size(); ++i) {
      if (clocks_[i] > other.get(static_cast<std::uint32_t>(i))) return false;
    }
    return true;
  }
  void clear() { clocks_.clear(); }
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

  ThreadState& thread_(std::uint32_t thread);
  ObjectState& object_(std::uint32_t object);
  VariableState& variable_(std::uint32_t variable);
  void tick(std::uint32_t thread);
  Epoch epoch_of(std::uint32_t thread);

  std::vector<ThreadState> threads_;
  std::vector<ObjectState> objects_;
  std::vector<VariableState> variables_;
  std::uint32_t thread_count_ = 0;
};

}  // namespace lockstep::checkers
