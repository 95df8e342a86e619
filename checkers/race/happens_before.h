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
//
// Layout (the cost of every lock operation is a join or a copy of two clocks): all
// clocks have the same width, a power of two above every thread id seen (4 until a
// fifth thread appears), and live as rows of flat tables, one row per thread, object or
// concurrently read variable. A join is then `width` maxima over adjacent words, a copy
// `width` words, and a lookup needs no bounds check. A thread beyond the width re-lays
// every table out (rare: the width is kept across reset()).
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

namespace lockstep::checkers {

// thread@clock; clock 0 is "no access".
struct Epoch {
  std::uint32_t thread = 0;
  std::uint32_t clock = 0;
  bool none() const { return clock == 0; }
  // Happens before the clock `c` (a row of the engine's tables).
  bool before(const std::uint32_t* c) const { return clock <= c[thread]; }
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

  // Forgets every thread, object and variable (a new execution); keeps the storage.
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

 private:
  static constexpr std::uint32_t kNoRow = ~std::uint32_t{0};
  struct VariableState {
    Epoch write;
    Epoch read;
    std::uint32_t read_row = kNoRow;  // concurrent reads: their clock's row in read_clocks_
  };

  std::uint32_t* row(std::vector<std::uint32_t>& table, std::uint32_t index) {
    return table.data() + std::size_t{index} * width_;
  }
  // The clock of `thread`, started (and the tables widened) on first use.
  std::uint32_t* thread_clock(std::uint32_t thread) {
    if (thread >= threads_) [[unlikely]] start_threads(thread);
    return row(thread_clocks_, thread);
  }
  std::uint32_t* object_clock(std::uint32_t object) {
    if (object >= objects_) [[unlikely]] add_objects(object);
    return row(object_clocks_, object);
  }
  VariableState& variable_(std::uint32_t variable) {
    if (variable >= variables_used_) [[unlikely]] add_variables(variable);
    return variables_[variable];
  }
  void start_threads(std::uint32_t thread);
  void add_objects(std::uint32_t object);
  void add_variables(std::uint32_t variable);
  void widen(std::uint32_t width);
  std::uint32_t new_read_row();
  void join_into(std::uint32_t* into, const std::uint32_t* from) const {
    // In blocks of 4 (width_ is a power of two >= 4): a fixed-length inner loop the
    // compiler turns into branch-free max operations.
    for (std::uint32_t u = 0; u < width_; u += 4) {
      into[u] = std::max(into[u], from[u]);
      into[u + 1] = std::max(into[u + 1], from[u + 1]);
      into[u + 2] = std::max(into[u + 2], from[u + 2]);
      into[u + 3] = std::max(into[u + 3], from[u + 3]);
    }
  }
  void copy_into(std::uint32_t* into, const std::uint32_t* from) const {
    std::copy_n(from, width_, into);
  }
  void clear(std::uint32_t* c) const { std::fill_n(c, width_, 0u); }

  std::uint32_t width_ = 4;  // entries per clock: a power of two > every thread id
  std::uint32_t threads_ = 0;   // threads started in this execution
  std::uint32_t objects_ = 0;   // object rows in use in this execution
  std::uint32_t variables_used_ = 0;
  std::uint32_t read_rows_ = 0;
  // Rows by thread: its clock, its clock at its last release fence (fences_ marks the
  // threads that have one), and the clocks its relaxed loads saw (for an acquire fence).
  std::vector<std::uint32_t> thread_clocks_, fence_clocks_, pending_clocks_;
  std::vector<std::uint8_t> fences_;
  // Rows by object: its clock, and a SharedMutex's shared-mode releases.
  std::vector<std::uint32_t> object_clocks_, shared_clocks_;
  std::vector<VariableState> variables_;
  std::vector<std::uint32_t> read_clocks_;  // rows of concurrent-read clocks
  std::vector<std::uint32_t> free_read_rows_;
};

[[gnu::always_inline]] inline void HappensBefore::release(std::uint32_t thread, std::uint32_t object,
                                                          bool accumulate) {
  std::uint32_t* clock = thread_clock(thread);  // first: starting a thread may widen every table
  std::uint32_t* lock = object_clock(object);
  if (accumulate) {
    join_into(lock, clock);
  } else {
    copy_into(lock, clock);  // a lock: its previous release is in this clock already
  }
  ++clock[thread];
}

[[gnu::always_inline]] inline void HappensBefore::acquire(std::uint32_t thread, std::uint32_t object) {
  std::uint32_t* clock = thread_clock(thread);
  join_into(clock, object_clock(object));
}

[[gnu::always_inline]] inline HappensBefore::Conflict HappensBefore::read(std::uint32_t thread,
                                                                          std::uint32_t variable) {
  VariableState& state = variable_(variable);
  const std::uint32_t* clock = thread_clock(thread);
  const Epoch now{thread, clock[thread]};
  if (state.read_row == kNoRow && state.read == now) return {};  // same epoch: nothing new
  Conflict conflict;
  if (!state.write.none() && state.write.thread != thread && !state.write.before(clock)) {
    conflict = Conflict{true, state.write.thread, true};
  }
  if (state.read_row != kNoRow) {
    row(read_clocks_, state.read_row)[thread] = now.clock;
  } else if (state.read.none() || state.read.before(clock)) {
    state.read = now;  // exclusive: the earlier read happens before this one
  } else {
    const Epoch earlier = state.read;  // concurrent reads: keep both
    state.read_row = new_read_row();
    std::uint32_t* reads = row(read_clocks_, state.read_row);
    reads[earlier.thread] = earlier.clock;
    reads[thread] = now.clock;
  }
  return conflict;
}

[[gnu::always_inline]] inline HappensBefore::Conflict HappensBefore::write(std::uint32_t thread,
                                                                           std::uint32_t variable) {
  VariableState& state = variable_(variable);
  const std::uint32_t* clock = thread_clock(thread);
  const Epoch now{thread, clock[thread]};
  if (state.write == now) return {};  // same epoch: checked already
  Conflict conflict;
  if (!state.write.none() && state.write.thread != thread && !state.write.before(clock)) {
    conflict = Conflict{true, state.write.thread, true};
  } else if (state.read_row != kNoRow) {
    const std::uint32_t* reads = row(read_clocks_, state.read_row);
    for (std::uint32_t t = 0; t < threads_; ++t) {
      if (t != thread && reads[t] != 0 && reads[t] > clock[t]) {
        conflict = Conflict{true, t, false};
        break;
      }
    }
  } else if (!state.read.none() && state.read.thread != thread && !state.read.before(clock)) {
    conflict = Conflict{true, state.read.thread, false};
  }
  state.write = now;
  state.read = {};
  if (state.read_row != kNoRow) {
    free_read_rows_.push_back(state.read_row);
    state.read_row = kNoRow;
  }
  return conflict;
}

}  // namespace lockstep::checkers
