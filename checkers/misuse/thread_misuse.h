// Thread misuse (DESIGN.md §4, Thread row): a join of itself, a second join or a join
// after detach (and the same for detach), a join of a Thread that is no thread
// (default-constructed or moved from), and threads never joined: a Thread still
// joinable when the scenario ends, i.e. one whose object outlived the body (a Thread
// destroyed while joinable is joined as std::jthread is, which is legal). Threads
// refuse the first ones with OpResult::kRefused before they throw; the last one
// follows from spawn, join, detach and destroy events. Cost per event: a switch.
#pragma once

#include <cstdint>
#include <vector>

#include "lockstep/checker.h"

namespace lockstep::checkers {

class ThreadMisuse final : public Checker {
 public:
  EventMask events() const override {
    return events_of(OpKind::kSpawn, OpKind::kJoin, OpKind::kDetach, OpKind::kDestroy);
  }
  void begin_execution(const ExecutionView& view) override;
  void on_event(const OpEvent& event, const ExecutionView& view, FindingSink& sink) override;
  void end_execution(const ExecutionView& view, FindingSink& sink) override;

 private:
  enum class Fate : std::uint8_t { kJoinable, kJoined, kDetached, kReleased };
  struct Spawned {
    Fate fate = Fate::kJoinable;
    SourceLocation spawned;
    SourceLocation settled;  // where it was joined or detached
  };
  Spawned& thread(std::uint32_t id);
  void on_refused(const OpEvent& event, const ExecutionView& view, FindingSink& sink);

  std::vector<Spawned> threads_;  // by logical thread id
};

}  // namespace lockstep::checkers
