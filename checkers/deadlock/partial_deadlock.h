// Partial deadlock: some threads wait for each other in a cycle while others still run.
// Checked each time a thread blocks (Checker::on_block), so the cycle is reported at
// once, not when (or if) every other thread has finished or blocked too.
//
// Only waits whose wake-up is owned by one thread count as edges: a lock with an owner
// (Mutex, RecursiveMutex, TimedMutex, SharedMutex, RLock: only the holder can release
// it) and a join (only the joined thread's end wakes it). A Python `Lock` may be
// released by any thread, a semaphore, event, condition or queue by anyone: a cycle
// through them is not certain while another thread runs, so those deadlocks are left
// to the global check (checkers/deadlock/global_deadlock.h), which sees them once
// nobody can run.
#pragma once

#include <string>
#include <vector>

#include "lockstep/checker.h"

namespace lockstep::checkers {

class PartialDeadlock final : public Checker {
 public:
  bool wants_events() const override { return false; }
  void on_block(std::uint32_t thread, const ExecutionView& view, FindingSink& sink) override;
};

// The cycle of owned waits through `thread` (thread ids, `thread` first), or empty.
std::vector<std::uint32_t> find_owned_cycle_through(std::uint32_t thread, const ExecutionView& view);

// The wait-for cycle as a Graphviz digraph: threads are boxes, the objects they wait
// for ellipses, edges thread -> object ("waits") and object -> thread ("held by").
std::string wait_for_dot(const std::vector<std::uint32_t>& cycle, const ExecutionView& view);

}  // namespace lockstep::checkers
