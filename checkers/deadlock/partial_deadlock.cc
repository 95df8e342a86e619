#include "deadlock/partial_deadlock.h"

#include <string>

#include "deadlock/wait_for_graph.h"

namespace lockstep::checkers {

void PartialDeadlock::on_block(std::uint32_t thread, const ExecutionView& view, FindingSink& sink) {
  // Most blocks end here: a wait anyone may end, or (below) a holder that still runs.
  if (!view.waits_only_for_holders(thread)) return;
  const std::uint32_t n = view.thread_count();
  in_closure_.assign(n, 0);
  work_.clear();
  work_.push_back(thread);
  in_closure_[thread] = 1;
  while (!work_.empty()) {
    const std::uint32_t t = work_.back();
    work_.pop_back();
    if (view.thread_state(t) != ThreadState::kBlocked || !view.waits_only_for_holders(t)) return;
    for (std::uint32_t waker : view.waits_for(t)) {
      // A finished holder wakes nobody: it cannot be part of the reason, only of the
      // misuse (a lock held at thread exit), which is another checker's finding.
      if (waker >= n || in_closure_[waker] != 0 ||
          view.thread_state(waker) == ThreadState::kFinished) {
        continue;
      }
      in_closure_[waker] = 1;
      work_.push_back(waker);
    }
  }
  // The closure is stuck for good. If nobody else can run either, the runtime is about
  // to call on_all_blocked and GlobalDeadlock reports the whole picture.
  std::string still_run;
  for (std::uint32_t t = 0; t < n; ++t) {
    const ThreadState state = view.thread_state(t);
    if (in_closure_[t] != 0 || state == ThreadState::kFinished || state == ThreadState::kBlocked) continue;
    still_run += (still_run.empty() ? "t" : ", t") + std::to_string(t);
  }
  if (still_run.empty()) return;
  const std::vector<std::uint32_t> cycle = find_cycle_from(view, thread);
  if (cycle.empty()) return;  // stuck behind a finished thread's lock, not a cycle
  Finding finding;
  finding.kind = FindingKind::kDeadlock;
  describe_cycle(view, cycle, finding);
  if (cycle.size() == 1) finding.kind = FindingKind::kSelfDeadlock;
  finding.message += " (partial deadlock: " + still_run + " can still run)";
  sink.report_fatal(std::move(finding));
}

}  // namespace lockstep::checkers
