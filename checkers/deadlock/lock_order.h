// Potential deadlocks: the lock-order graph of a whole search.
//
// An edge A -> B means some thread acquired lock B (blocking) while holding lock A;
// a cycle A -> B -> A means two threads could each hold one and wait for the other,
// even if no execution so far interleaved them that way. The graph is the one Linux's
// lockdep, TSan's deadlock detector and Abseil's Mutex keep (Ingo Molnar, "lockdep:
// runtime locking correctness validator", LWN 2006; also Havelund, "Using Runtime
// Analysis to Guide Model Checking of Java Programs", SPIN 2000: the "GoodLock"
// lock-order graph with gate locks and single-thread cycles filtered).
//
// Locks are nodes by *stable identity* (a lock class): declaration location and name
// (for an unnamed lock, its kind). Per-execution object ids are not stable across
// executions and are never keys here. Objects declared at one place with one name (an
// array of unnamed mutexes) share a class, and nesting two of them adds no edge: their
// order is not checked (name them to have it checked). Telling them apart by
// first-use order would be unstable across schedules and invent cycles.
//
// Each edge keeps the source locations of both acquisitions (from its first
// occurrence), the threads that took it, and its gate locks: the locks held across
// both acquisitions in *every* occurrence. A cycle whose edges share a gate lock cannot
// deadlock (the gate serialises them), nor can one whose edges were all taken by one
// thread; both are filtered. What remains is a candidate; the search then tries to
// steer a schedule into it (steer_into_cycle.h) before calling it a warning.
//
// Cost: on_event returns at once for every event but lock acquire/release; an acquire
// with locks held does one hash lookup per held lock; nothing allocates in steady state
// (new classes, edges and cycles allocate once per search).
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "lockstep/checker.h"

namespace lockstep::checkers {

class LockOrder final : public Checker {
 public:
  EventMask events() const override {
    return events_of(OpKind::kAcquire, OpKind::kTryAcquire, OpKind::kAcquireShared,
                     OpKind::kTryAcquireShared, OpKind::kRelease, OpKind::kReleaseShared,
                     OpKind::kThreadEnd);
  }
  struct Edge {
    std::uint32_t from = 0;  // lock classes
    std::uint32_t to = 0;
    Location held_at;        // where `from` was acquired
    Location acquired_at;    // where `to` was acquired while `from` was held
    std::vector<std::uint32_t> threads;  // threads seen taking it, ascending (capped)
    std::vector<std::uint32_t> gates;    // classes held across both acquisitions, always
  };
  // Edge indices in cycle order (edges[i].to == edges[i+1].from), the smallest first.
  struct Cycle {
    std::vector<std::uint32_t> edges;
  };

  void begin_execution(const ExecutionView& view) override;
  void on_event(const OpEvent& event, const ExecutionView& view, FindingSink& sink) override;

  // Cycles seen so far that survive the gate-lock and single-thread filters, in the
  // order they were discovered (deterministic for a deterministic search).
  std::vector<Cycle> candidates() const;
  // Every cycle seen so far, filtered or not (for tests).
  const std::vector<Cycle>& cycles() const { return cycles_; }
  const std::vector<Edge>& edges() const { return edges_; }
  // "a", or "Mutex declared at bank.cc:12" for an unnamed lock.
  const std::string& label(std::uint32_t lock_class) const { return sites_[lock_class].label; }
  // The cycle's locks by label, rotated to start at the least: the same text for every
  // lane that saw the cycle, whichever of its edges that lane saw first.
  std::string cycle_key(const Cycle& cycle) const;
  // The potential-deadlock finding of `cycle`: message, every acquisition's location,
  // the cycle as text (details) and as a Graphviz digraph (dot).
  Finding finding(const Cycle& cycle, Severity severity) const;

  // During an execution (for the steering strategy): would `thread` acquiring `object`
  // now be the second acquisition of one of `cycle`'s edges (it holds the edge's first
  // lock and `object` is of the edge's second)?
  bool closes_edge_of(const Cycle& cycle, std::uint32_t thread, std::uint32_t object);

  // Acquisitions reached through library code (std::scoped_lock) carry the location
  // of the library's call. While `on`, acquisitions capture their call stack (costly:
  // the search switches it on only for the executions it steers), and each edge's
  // library locations are replaced by stacks from its next occurrence;
  // resolve_locations() then turns those into the user's lines (addr2line).
  void capture_stacks(bool on) { capture_stacks_ = on; }
  void resolve_locations();

 private:
  static constexpr std::uint32_t kNone = ~std::uint32_t{0};
  static constexpr std::size_t kMaxThreadsPerEdge = 8;

  struct Held {
    std::uint32_t lock_class;  // kNone until classify() looks it up
    std::uint32_t object;
    SourceLocation at;
    std::vector<std::uintptr_t> stack;  // while capturing, for library locations
  };
  // A declaration site as this process sees it: the cache in front of LockSite.
  struct SiteKey {
    const char* file;
    std::uint32_t line;
    std::string name;  // the given name, or "<Kind>#" when unnamed
    std::uint32_t site;
  };
  // A declaration site by content: one lock class.
  struct LockSite {
    std::string file;
    std::uint32_t line;
    std::string name;   // as in SiteKey
    std::string label;  // "a", or "Mutex declared at bank.cc:12"
  };

  void acquired(const OpEvent& event);
  void released(const OpEvent& event);
  // The class of `object` (cached per execution by object id).
  std::uint32_t class_of(std::uint32_t object);
  void classify(std::vector<Held>& held);  // looks up the classes still kNone
  std::uint32_t site_of(std::uint32_t object);
  void note_edge(const std::vector<Held>& held, std::size_t first, std::uint32_t to,
                 std::uint32_t thread, const SourceLocation& at);
  void note_cycle_through(std::uint32_t edge);

  const ExecutionView* view_ = nullptr;
  bool capture_stacks_ = false;
  // Kept across the search.
  std::vector<SiteKey> site_keys_;
  std::vector<LockSite> sites_;  // the lock classes
  std::vector<Edge> edges_;
  std::unordered_map<std::uint64_t, std::uint32_t> edge_index_;  // (from << 32 | to) -> edge; lookup only
  std::vector<std::vector<std::uint32_t>> out_edges_;            // by class, in creation order
  std::vector<Cycle> cycles_;
  // Per execution.
  std::vector<std::uint32_t> object_class_;  // by object id
  std::vector<std::vector<Held>> held_;      // by thread, in acquisition order
};

}  // namespace lockstep::checkers
