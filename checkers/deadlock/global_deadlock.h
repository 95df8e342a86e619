// Global deadlock: no thread can run and some have not finished. Reports the
// wait-for cycle when there is one (t1 -> Mutex a (held by t2) -> t2 -> ... -> t1), a
// self-deadlock when a thread waits for a lock it holds itself, and otherwise what
// every blocked thread waits for (a condition nobody will notify, a join, ...).
#pragma once

#include "lockstep/checker.h"

namespace lockstep::checkers {

class GlobalDeadlock final : public Checker {
 public:
  EventMask events() const override { return kNoEvents; }
  void on_all_blocked(const ExecutionView& view, FindingSink& sink) override;
};

// The first wait-for cycle found from the lowest thread id, as thread ids (the first
// id is not repeated at the end); empty when there is none. Exposed for tests.
std::vector<std::uint32_t> find_wait_for_cycle(const ExecutionView& view);

}  // namespace lockstep::checkers
