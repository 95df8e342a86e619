#include "deadlock/partial_deadlock.h"

#include <algorithm>

namespace lockstep::checkers {
namespace {

bool owned_wait(const ExecutionView& view, std::uint32_t thread) {
  if (view.thread_state(thread) != ThreadState::kBlocked) return false;
  switch (view.object_kind(view.pending_object(thread))) {
    case ObjectKind::kMutex:
    case ObjectKind::kRecursiveMutex:
    case ObjectKind::kTimedMutex:
    case ObjectKind::kSharedMutex:
    case ObjectKind::kRLock:
    case ObjectKind::kThread:
      return true;
    default:
      return false;
  }
}

}  // namespace

std::vector<std::uint32_t> find_owned_cycle_through(std::uint32_t thread, const ExecutionView& view) {
  // Depth-first over owned waits; a path that comes back to `thread` is the cycle.
  std::vector<std::uint32_t> path;
  std::vector<bool> seen(view.thread_count(), false);
  auto visit = [&](auto&& self, std::uint32_t t) -> bool {
    if (!owned_wait(view, t)) return false;
    path.push_back(t);
    seen[t] = true;
    for (std::uint32_t next : view.waits_for(t)) {
      if (next == thread) return true;
      if (next < seen.size() && !seen[next] && self(self, next)) return true;
    }
    path.pop_back();
    return false;
  };
  if (!visit(visit, thread)) path.clear();
  return path;
}

std::string wait_for_dot(const std::vector<std::uint32_t>& cycle, const ExecutionView& view) {
  std::string dot = "digraph wait_for {\n  node [shape=box];\n";
  for (std::size_t i = 0; i < cycle.size(); ++i) {
    const std::uint32_t t = cycle[i];
    const std::uint32_t next = cycle[(i + 1) % cycle.size()];
    const std::string object = view.object_name(view.pending_object(t));
    dot += "  \"t" + std::to_string(t) + "\" -> \"" + object + "\" [label=\"waits\"];\n";
    dot += "  \"" + object + "\" [shape=ellipse];\n";
    dot += "  \"" + object + "\" -> \"t" + std::to_string(next) + "\" [label=\"held by\"];\n";
  }
  return dot + "}\n";
}

void PartialDeadlock::on_block(std::uint32_t thread, const ExecutionView& view, FindingSink& sink) {
  const std::vector<std::uint32_t> cycle = find_owned_cycle_through(thread, view);
  if (cycle.empty()) return;
  // The report starts from the cycle's lowest thread, so the same cycle reads the same
  // whichever member blocked last.
  std::vector<std::uint32_t> ordered = cycle;
  std::rotate(ordered.begin(), std::min_element(ordered.begin(), ordered.end()), ordered.end());
  Finding finding;
  finding.kind = ordered.size() == 1 ? FindingKind::kSelfDeadlock : FindingKind::kDeadlock;
  std::string text;
  for (std::uint32_t t : ordered) {
    const std::uint32_t object = view.pending_object(t);
    text += "t" + std::to_string(t) + " -> " + view.object_name(object) + " -> ";
    finding.threads.push_back(t);
    finding.objects.push_back(view.object_name(object));
    finding.locations.push_back(view.pending_location(t));
  }
  text += "t" + std::to_string(ordered.front());
  std::vector<std::string> running;
  for (std::uint32_t t = 0; t < view.thread_count(); ++t) {
    if (std::find(ordered.begin(), ordered.end(), t) != ordered.end()) continue;
    const ThreadState state = view.thread_state(t);
    if (state != ThreadState::kFinished && state != ThreadState::kBlocked) {
      running.push_back("t" + std::to_string(t));
    }
  }
  if (ordered.size() == 1) {
    finding.message = "t" + std::to_string(ordered.front()) + " waits for " + finding.objects.front() +
                      ", which it holds itself";
  } else {
    finding.message = "cycle " + text;
  }
  if (!running.empty()) {
    std::string others;
    for (const std::string& name : running) others += (others.empty() ? "" : ", ") + name;
    finding.message += " (partial deadlock: " + others + " can still run)";
  }
  for (std::uint32_t t : ordered) {
    const std::uint32_t object = view.pending_object(t);
    if (!finding.details.empty()) finding.details += "\n";
    finding.details += "t" + std::to_string(t) + " " + std::string(op_kind_name(view.pending_op(t))) + " " +
                       view.object_name(object);
    const std::string state = view.object_state(object);
    if (!state.empty()) finding.details += " (" + state + ")";
  }
  finding.dot = wait_for_dot(ordered, view);
  sink.report_fatal(std::move(finding));
}

}  // namespace lockstep::checkers
