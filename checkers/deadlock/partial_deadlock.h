// Partial deadlock: some threads wait for each other in a cycle while others still
// run. Checked each time a thread blocks (Checker::on_block), so the cycle is reported
// the moment it closes, not when the last running thread finally blocks too (or
// never, for a server loop that keeps running).
//
// Reported only when it is certain (see wait_for_graph.h): the blocked thread's
// wait-for closure S — every thread that could wake it, every thread that could wake
// those, ... — consists of blocked threads whose waits only their holders can end
// (owned locks, joins), and contains a cycle. Then no thread outside S can ever make
// a member runnable. A closure reaching a thread that can still run, or a wait any
// thread may end (semaphore, event, condition, queue, barrier, Python Lock), is not
// reported here; if every thread ends up blocked, GlobalDeadlock reports it.
// The finding is fatal: the cycle's threads can never run again.
#pragma once

#include <cstdint>
#include <vector>

#include "lockstep/checker.h"

namespace lockstep::checkers {

class PartialDeadlock final : public Checker {
 public:
  EventMask events() const override { return kNoEvents; }
  void on_block(std::uint32_t thread, const ExecutionView& view, FindingSink& sink) override;

 private:
  // Scratch reused across calls (on_block runs at every contended acquire).
  std::vector<std::uint8_t> in_closure_;
  std::vector<std::uint32_t> work_;
};

}  // namespace lockstep::checkers
