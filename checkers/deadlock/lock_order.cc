#include "deadlock/lock_order.h"

#include <algorithm>
#include <cstring>
#include <deque>

#include "deadlock/wait_for_graph.h"
#include "report/symbolizer.h"

namespace lockstep::checkers {
namespace {

bool is_lock(ObjectKind kind) {
  switch (kind) {
    case ObjectKind::kLock:
    case ObjectKind::kRLock:
    case ObjectKind::kMutex:
    case ObjectKind::kRecursiveMutex:
    case ObjectKind::kSharedMutex:
    case ObjectKind::kTimedMutex:
      return true;
    default:
      return false;
  }
}

}  // namespace

void LockOrder::begin_execution(const ExecutionView& view) {
  view_ = &view;
  object_class_.clear();
  for (std::vector<Held>& held : held_) held.clear();
}

void LockOrder::on_event(const OpEvent& event, const ExecutionView& view, FindingSink& sink) {
  (void)view;
  (void)sink;
  switch (event.op) {
    case OpKind::kAcquire:
    case OpKind::kTryAcquire:
    case OpKind::kAcquireShared:
    case OpKind::kTryAcquireShared:
      if (event.result == OpResult::kOk && is_lock(event.object_kind)) acquired(event);
      return;
    case OpKind::kRelease:
    case OpKind::kReleaseShared:
      if (is_lock(event.object_kind)) released(event);
      return;
    case OpKind::kThreadEnd:
      if (event.other < held_.size()) held_[event.other].clear();
      return;
    default:
      return;
  }
}

void LockOrder::acquired(const OpEvent& event) {
  if (event.thread >= held_.size()) held_.resize(event.thread + 1);
  std::vector<Held>& held = held_[event.thread];
  // Only a blocking exclusive acquire can wait for the locks held meanwhile (a
  // try-lock fails instead; readers do not exclude each other); re-entering a lock
  // already held waits for nobody.
  bool orders = event.op == OpKind::kAcquire;
  for (const Held& h : held) orders = orders && h.object != event.object;
  // Classes are looked up only when an edge is noted (most acquires hold nothing else).
  std::uint32_t lock_class = kNone;
  if (orders && !held.empty()) {
    lock_class = class_of(event.object);
    classify(held);
    for (std::size_t i = 0; i < held.size(); ++i) {
      // Two locks of one class (an array of unnamed mutexes) are not ordered here.
      if (held[i].lock_class != lock_class) note_edge(held, i, lock_class, event.thread, event.location);
    }
  }
  held.push_back(Held{lock_class, event.object, event.location, {}});
  if (capture_stacks_ && internal::is_library_file(event.location.file_name())) [[unlikely]] {
    held.back().stack = internal::capture_stack();
  }
}

void LockOrder::released(const OpEvent& event) {
  if (event.thread >= held_.size()) return;
  std::vector<Held>& held = held_[event.thread];
  for (std::size_t i = held.size(); i-- > 0;) {
    if (held[i].object == event.object) {
      held.erase(held.begin() + static_cast<std::ptrdiff_t>(i));
      return;
    }
  }
  // A Python Lock released by another thread than its acquirer: drop it there.
  for (std::vector<Held>& other : held_) {
    for (std::size_t i = other.size(); i-- > 0;) {
      if (other[i].object == event.object) {
        other.erase(other.begin() + static_cast<std::ptrdiff_t>(i));
        return;
      }
    }
  }
}

std::uint32_t LockOrder::site_of(std::uint32_t object) {
  const SourceLocation declared = view_->object_declared(object);
  std::string name = view_->object_name(object);
  // An unnamed object is called "<Kind>#<id>", and the id is per execution: keep the kind.
  const std::string id = "#" + std::to_string(object);
  const bool unnamed = name.size() > id.size() && name.compare(name.size() - id.size(), id.size(), id) == 0;
  if (unnamed) name.resize(name.size() - id.size() + 1);
  const char* file = declared.file_name();
  const std::uint32_t line = declared.line();
  for (const SiteKey& key : site_keys_) {
    if (key.file == file && key.line == line && key.name == name) return key.site;
  }
  // A miss: find the site by content (one file may have several name pointers).
  std::uint32_t site = kNone;
  for (std::uint32_t s = 0; s < sites_.size() && site == kNone; ++s) {
    if (sites_[s].line == line && sites_[s].name == name && sites_[s].file == file) site = s;
  }
  if (site == kNone) {
    site = static_cast<std::uint32_t>(sites_.size());
    std::string label = name;
    if (unnamed) {
      label.pop_back();
      label += " declared at " + Location::from(declared).short_text();
    }
    sites_.push_back(LockSite{file, line, name, std::move(label)});
  }
  site_keys_.push_back(SiteKey{file, line, std::move(name), site});
  return site;
}

void LockOrder::classify(std::vector<Held>& held) {
  for (Held& h : held) {
    if (h.lock_class == kNone) h.lock_class = class_of(h.object);
  }
}

std::uint32_t LockOrder::class_of(std::uint32_t object) {
  if (object < object_class_.size() && object_class_[object] != kNone) return object_class_[object];
  const std::uint32_t lock_class = site_of(object);
  if (object >= object_class_.size()) object_class_.resize(object + 1, kNone);
  object_class_[object] = lock_class;
  return lock_class;
}

void LockOrder::note_edge(const std::vector<Held>& held, std::size_t first, std::uint32_t to,
                          std::uint32_t thread, const SourceLocation& at) {
  const std::uint32_t from = held[first].lock_class;
  const std::uint64_t key = std::uint64_t{from} << 32 | to;
  const auto [it, inserted] = edge_index_.try_emplace(key, static_cast<std::uint32_t>(edges_.size()));
  if (!inserted) {
    Edge& edge = edges_[it->second];
    const auto pos = std::lower_bound(edge.threads.begin(), edge.threads.end(), thread);
    if ((pos == edge.threads.end() || *pos != thread) && edge.threads.size() < kMaxThreadsPerEdge) {
      edge.threads.insert(pos, thread);
    }
    // A gate must be held across both acquisitions in every occurrence.
    std::erase_if(edge.gates, [&](std::uint32_t gate) {
      for (std::size_t j = 0; j < first; ++j) {
        if (held[j].lock_class == gate) return false;
      }
      return true;
    });
    if (capture_stacks_) [[unlikely]] {
      if (edge.held_at.stack.empty() && !held[first].stack.empty()) edge.held_at.stack = held[first].stack;
      if (edge.acquired_at.stack.empty() && internal::is_library_file(at.file_name())) {
        edge.acquired_at.stack = internal::capture_stack();
      }
    }
    return;
  }
  Edge edge;
  edge.from = from;
  edge.to = to;
  edge.held_at = Location::from(held[first].at);
  edge.acquired_at = Location::from(at);
  edge.threads = {thread};
  for (std::size_t j = 0; j < first; ++j) {
    if (std::find(edge.gates.begin(), edge.gates.end(), held[j].lock_class) == edge.gates.end()) {
      edge.gates.push_back(held[j].lock_class);
    }
  }
  edges_.push_back(std::move(edge));
  if (out_edges_.size() < sites_.size()) out_edges_.resize(sites_.size());
  out_edges_[from].push_back(it->second);
  note_cycle_through(it->second);
}

void LockOrder::note_cycle_through(std::uint32_t new_edge) {
  // The shortest path back from the new edge's target to its source (breadth first,
  // successors in creation order: deterministic) closes one cycle through it.
  const std::uint32_t source = edges_[new_edge].from;
  const std::uint32_t target = edges_[new_edge].to;
  std::vector<std::uint32_t> via(sites_.size(), kNone);  // the edge that reached a class
  std::vector<std::uint8_t> seen(sites_.size(), 0);
  std::deque<std::uint32_t> queue{target};
  seen[target] = 1;
  while (!queue.empty() && seen[source] == 0) {
    const std::uint32_t at = queue.front();
    queue.pop_front();
    if (at >= out_edges_.size()) continue;
    for (std::uint32_t e : out_edges_[at]) {
      const std::uint32_t next = edges_[e].to;
      if (seen[next] != 0) continue;
      seen[next] = 1;
      via[next] = e;
      queue.push_back(next);
    }
  }
  if (seen[source] == 0) return;
  Cycle cycle;
  for (std::uint32_t at = source; at != target; at = edges_[via[at]].from) cycle.edges.push_back(via[at]);
  std::reverse(cycle.edges.begin(), cycle.edges.end());
  cycle.edges.insert(cycle.edges.begin(), new_edge);
  std::rotate(cycle.edges.begin(), std::min_element(cycle.edges.begin(), cycle.edges.end()),
              cycle.edges.end());
  for (const Cycle& known : cycles_) {
    if (known.edges == cycle.edges) return;
  }
  cycles_.push_back(std::move(cycle));
}

std::vector<LockOrder::Cycle> LockOrder::candidates() const {
  std::vector<Cycle> out;
  for (const Cycle& cycle : cycles_) {
    std::vector<std::uint32_t> threads;
    std::vector<std::uint32_t> gates = edges_[cycle.edges.front()].gates;
    for (std::uint32_t e : cycle.edges) {
      const Edge& edge = edges_[e];
      for (std::uint32_t t : edge.threads) {
        if (std::find(threads.begin(), threads.end(), t) == threads.end()) threads.push_back(t);
      }
      std::erase_if(gates, [&](std::uint32_t gate) {
        return std::find(edge.gates.begin(), edge.gates.end(), gate) == edge.gates.end();
      });
    }
    if (threads.size() < 2 || !gates.empty()) continue;  // one thread alone, or a gate lock
    out.push_back(cycle);
  }
  return out;
}

std::string LockOrder::cycle_key(const Cycle& cycle) const {
  std::vector<std::string> locks;
  for (std::uint32_t e : cycle.edges) locks.push_back(sites_[edges_[e].from].label);
  std::rotate(locks.begin(), std::min_element(locks.begin(), locks.end()), locks.end());
  std::string key;
  for (const std::string& lock : locks) key += lock + '\n';
  return key;
}

Finding LockOrder::finding(const Cycle& cycle, Severity severity) const {
  Finding finding;
  finding.kind = FindingKind::kPotentialDeadlock;
  finding.severity = severity;
  std::string order;
  finding.details = "lock-order cycle:";
  finding.dot = "digraph lock_order {\n  node [shape=ellipse];\n";
  for (std::uint32_t e : cycle.edges) {
    const Edge& edge = edges_[e];
    const std::string& from = sites_[edge.from].label;
    const std::string& to = sites_[edge.to].label;
    order += from + " -> ";
    std::string threads;
    for (std::uint32_t t : edge.threads) threads += (threads.empty() ? "t" : ", t") + std::to_string(t);
    finding.details += "\n  " + threads + " acquired " + to + " at " + edge.acquired_at.short_text() +
                       " while holding " + from + " (acquired at " + edge.held_at.short_text() + ")";
    finding.dot += "  " + dot_quote(from) + " -> " + dot_quote(to) + " [label=" +
                   dot_quote(threads + ": @" + edge.held_at.short_text() + " then @" +
                             edge.acquired_at.short_text()) +
                   "];\n";
    finding.threads.push_back(edge.threads.front());
    finding.objects.push_back(from);
    finding.locations.push_back(edge.held_at);
    finding.locations.push_back(edge.acquired_at);
  }
  order += sites_[edges_[cycle.edges.front()].from].label;
  finding.message = "locks taken in a cyclic order: " + order;
  finding.dot += "}\n";
  return finding;
}

void LockOrder::resolve_locations() {
  std::vector<Location*> locations;
  for (Edge& edge : edges_) {
    if (!edge.held_at.stack.empty()) locations.push_back(&edge.held_at);
    if (!edge.acquired_at.stack.empty()) locations.push_back(&edge.acquired_at);
  }
  if (!locations.empty()) internal::resolve_locations(locations);
}

bool LockOrder::closes_edge_of(const Cycle& cycle, std::uint32_t thread, std::uint32_t object) {
  if (object == 0 || thread >= held_.size() || held_[thread].empty()) return false;
  const std::uint32_t lock_class = class_of(object);
  classify(held_[thread]);
  for (std::uint32_t e : cycle.edges) {
    if (edges_[e].to != lock_class) continue;
    for (const Held& h : held_[thread]) {
      if (h.lock_class == edges_[e].from) return true;
    }
  }
  return false;
}

}  // namespace lockstep::checkers
