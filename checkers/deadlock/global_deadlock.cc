#include "deadlock/global_deadlock.h"

#include "deadlock/partial_deadlock.h"

#include <algorithm>
#include <string>

namespace lockstep::checkers {
namespace {

std::string waiting_text(const ExecutionView& view, std::uint32_t thread) {
  const std::uint32_t object = view.pending_object(thread);
  std::string text = "t" + std::to_string(thread) + " " + std::string(op_kind_name(view.pending_op(thread)));
  if (object != 0) text += " " + view.object_name(object);
  const std::string state = view.object_state(object);
  if (!state.empty()) text += " (" + state + ")";
  return text;
}

}  // namespace

std::vector<std::uint32_t> find_wait_for_cycle(const ExecutionView& view) {
  const std::uint32_t n = view.thread_count();
  // Colours: 0 unvisited, 1 on the current path, 2 done.
  std::vector<int> colour(n, 0);
  std::vector<std::uint32_t> path;
  std::vector<std::uint32_t> cycle;
  auto visit = [&](auto&& self, std::uint32_t t) -> bool {
    colour[t] = 1;
    path.push_back(t);
    for (std::uint32_t next : view.waits_for(t)) {
      if (next >= n || view.thread_state(next) == ThreadState::kFinished) continue;
      if (colour[next] == 1) {
        cycle.assign(std::find(path.begin(), path.end(), next), path.end());
        return true;
      }
      if (colour[next] == 0 && self(self, next)) return true;
    }
    path.pop_back();
    colour[t] = 2;
    return false;
  };
  for (std::uint32_t t = 0; t < n; ++t) {
    if (colour[t] == 0 && view.thread_state(t) == ThreadState::kBlocked && visit(visit, t)) break;
  }
  return cycle;
}

void GlobalDeadlock::on_all_blocked(const ExecutionView& view, FindingSink& sink) {
  Finding finding;
  finding.kind = FindingKind::kDeadlock;
  const std::vector<std::uint32_t> cycle = find_wait_for_cycle(view);
  if (!cycle.empty()) {
    std::string text;
    for (std::uint32_t t : cycle) {
      const std::uint32_t object = view.pending_object(t);
      text += "t" + std::to_string(t) + " -> " + view.object_name(object) + " -> ";
      finding.threads.push_back(t);
      finding.objects.push_back(view.object_name(object));
      finding.locations.push_back(view.pending_location(t));
    }
    text += "t" + std::to_string(cycle.front());
    finding.dot = wait_for_dot(cycle, view);
    if (cycle.size() == 1) {
      finding.kind = FindingKind::kSelfDeadlock;
      finding.message = "t" + std::to_string(cycle.front()) + " waits for " +
                        finding.objects.front() + ", which it holds itself";
    } else {
      finding.message = "cycle " + text;
    }
  } else {
    finding.message = "every unfinished thread is blocked and nothing can wake them";
  }
  for (std::uint32_t t = 0; t < view.thread_count(); ++t) {
    if (view.thread_state(t) != ThreadState::kBlocked) continue;
    if (!finding.details.empty()) finding.details += "\n";
    finding.details += waiting_text(view, t);
    if (cycle.empty()) {
      finding.threads.push_back(t);
      finding.locations.push_back(view.pending_location(t));
    }
  }
  sink.report(std::move(finding));
}

}  // namespace lockstep::checkers
