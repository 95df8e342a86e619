#include "deadlock/global_deadlock.h"

#include <algorithm>
#include <string>

#include "deadlock/wait_for_graph.h"

namespace lockstep::checkers {

std::vector<std::uint32_t> find_wait_for_cycle(const ExecutionView& view) {
  for (std::uint32_t t = 0; t < view.thread_count(); ++t) {
    if (view.thread_state(t) != ThreadState::kBlocked) continue;
    std::vector<std::uint32_t> cycle = find_cycle_from(view, t);
    if (!cycle.empty()) return cycle;
  }
  return {};
}

void GlobalDeadlock::on_all_blocked(const ExecutionView& view, FindingSink& sink) {
  Finding finding;
  finding.kind = FindingKind::kDeadlock;
  const std::vector<std::uint32_t> cycle = find_wait_for_cycle(view);
  if (!cycle.empty()) {
    describe_cycle(view, cycle, finding);
    if (cycle.size() == 1) {
      finding.kind = FindingKind::kSelfDeadlock;
      finding.message = "t" + std::to_string(cycle.front()) + " waits for " +
                        finding.objects.front() + ", which it holds itself";
    }
  } else {
    finding.message = "every unfinished thread is blocked and nothing can wake them";
  }
  // Every other blocked thread, so the report shows what each one waits for.
  std::string others;
  for (std::uint32_t t = 0; t < view.thread_count(); ++t) {
    if (view.thread_state(t) != ThreadState::kBlocked) continue;
    if (std::find(cycle.begin(), cycle.end(), t) != cycle.end()) continue;
    others += "\n  " + waiting_text(view, t);
    if (cycle.empty()) {
      finding.threads.push_back(t);
      finding.locations.push_back(view.pending_location(t));
    }
  }
  if (!others.empty()) {
    if (!finding.details.empty()) finding.details += "\n";
    finding.details += (cycle.empty() ? "blocked:" : "also blocked:") + others;
  }
  sink.report(std::move(finding));
}

}  // namespace lockstep::checkers
