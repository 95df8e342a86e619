#include "deadlock/wait_for_graph.h"

#include <algorithm>

#include "report/symbolizer.h"

namespace lockstep::checkers {

std::vector<std::uint32_t> find_cycle_from(const ExecutionView& view, std::uint32_t start) {
  const std::uint32_t n = view.thread_count();
  // Colours: 0 unvisited, 1 on the current path, 2 done (no cycle through it).
  std::vector<std::uint8_t> colour(n, 0);
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
  if (start < n) visit(visit, start);
  return cycle;
}

std::string waiting_text(const ExecutionView& view, std::uint32_t thread) {
  const std::uint32_t object = view.pending_object(thread);
  std::string text = "t" + std::to_string(thread) + " " + std::string(op_kind_name(view.pending_op(thread)));
  if (object != 0) text += " " + view.object_name(object);
  const std::string state = view.object_state(object);
  if (!state.empty()) text += " (" + state + ")";
  return text;
}

std::string dot_quote(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out + "\"";
}

void describe_cycle(const ExecutionView& view, const std::vector<std::uint32_t>& cycle,
                    Finding& finding) {
  std::string message;
  std::string details = "wait-for cycle:";
  // Threads are boxes, the objects they wait on ellipses: t -(op)-> object -(held by)-> t'.
  std::string dot = "digraph wait_for {\n  rankdir=LR;\n  node [shape=box];\n";
  for (std::size_t i = 0; i < cycle.size(); ++i) {
    const std::uint32_t t = cycle[i];
    const std::uint32_t next = cycle[(i + 1) % cycle.size()];
    const std::uint32_t object = view.pending_object(t);
    const std::string name = view.object_name(object);
    const Location where = view.pending_location(t);
    message += "t" + std::to_string(t) + " -> " + name + " -> ";
    // No location here: the details are written before the report resolves library
    // locations (std::scoped_lock) to the user's line; `locations` carries them.
    details += "\n  " + waiting_text(view, t) + ", waits for t" + std::to_string(next);
    finding.threads.push_back(t);
    finding.objects.push_back(name);
    finding.locations.push_back(where);
    const std::string thread_node = "t" + std::to_string(t);
    const std::string object_node = "o" + std::to_string(i);
    std::string object_label = name;
    const std::string state = view.object_state(object);
    if (!state.empty()) object_label += "\n" + state;
    dot += "  " + thread_node + ";\n";
    dot += "  " + object_node + " [shape=ellipse, label=" + dot_quote(object_label) + "];\n";
    // A location inside library code (std::scoped_lock's lock()) says nothing; the
    // report's locations carry the user's line for it.
    std::string edge = std::string(op_kind_name(view.pending_op(t)));
    if (!internal::is_library_file(where.file.c_str())) edge += " @" + where.short_text();
    dot += "  " + thread_node + " -> " + object_node + " [label=" + dot_quote(edge) + "];\n";
    dot += "  " + object_node + " -> t" + std::to_string(next) + " [label=\"waits for\"];\n";
  }
  message += "t" + std::to_string(cycle.front());
  finding.message = "cycle " + message;
  finding.details = std::move(details);
  finding.dot = dot + "}\n";
}

}  // namespace lockstep::checkers
