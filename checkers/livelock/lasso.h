// Livelock as a lasso: threads keep running, but the abstract state of the execution
// comes back to a state it was in, with every enabled thread scheduled in between and
// nothing but no-effect operations — so under fair scheduling the cycle repeats forever.
//
// The abstract state is the XOR of one component per model object and per thread,
// maintained incrementally from the events (never recomputed):
//   object  the value an integral Shared/Atomic access saw or left (OpEvent::value),
//           a lock's or semaphore's acquisition count and last acquirer, a queue's
//           size (puts - gets), an Event's flag;
//   thread  its last operation: kind, result, source location and the value it read or
//           wrote — where it is in its loop and what it knows, which decide its next
//           operation (a proxy for the pending operation, known only at the next point).
// Counts are relative to where hashing started, which is enough to compare states.
// Local variables are invisible, so a loop that counts in a plain int looks like a
// cycle; two rules keep such loops from being reported: every thread that runs in the
// cycle must also *yield* in it (this_thread::yield(), a failed try-lock, a timeout, a
// spurious wakeup, or a re-read of an unchanged value at the same place — the same
// operations fairness treats as yields — at a scheduling point), the state must come
// back twice (two consecutive valid cycles), and a progress() mark or a thread's end
// clears the history.
//
// Cost: nothing for the first `livelock-after` scheduling points of an execution (it
// asks for no events before them, Checker::events_from_step); after that a few XORs
// and a copy of the event into a ring per event, and one compare against a saved
// state whose distance doubles up to half the ring (Brent's cycle finding, adapted:
// the saved state must recur, not the sequence).
// Only on a match is the ring searched for the shortest valid cycle. The trade-off of
// livelock-after: short executions pay nothing, and a livelock is reported after that
// many points (its prefix is at least that long) instead of at its first repetition.
//
// The finding (kind livelock, fatal) shows the prefix length and every step of the
// cycle. Hash values come from addresses of file-name literals, but only equality of
// states decides anything, so reports are identical from run to run.
#pragma once

#include <cstdint>
#include <vector>

#include "lockstep/checker.h"

namespace lockstep::checkers {

class Lasso final : public Checker {
 public:
  Lasso();
  // Nothing before option livelock-after: the runtime does not even call on_event.
  std::uint64_t events_from_step(const ExecutionView& view) const override {
    return view.options().livelock_after;
  }
  void begin_execution(const ExecutionView& view) override;
  void on_event(const OpEvent& event, const ExecutionView& view, FindingSink& sink) override;

 private:
  static constexpr std::uint64_t kNever = ~std::uint64_t{0};
  struct ObjectTrack {
    std::uint64_t component = 0;
    std::int64_t value = 0;
    std::int64_t count = 0;  // acquisitions - releases, or puts - gets
    std::uint32_t owner = ~std::uint32_t{0};
  };
  struct ThreadTrack {
    std::uint64_t component = 0;
    // The last read (yield detection: the same value at the same place again).
    std::uint32_t read_object = 0;
    std::uint32_t read_line = 0;
    const char* read_file = nullptr;
    std::int64_t read_value = 0;
    std::uint64_t last_yield = kNever;  // index of its last yield event
  };
  struct Entry {
    std::uint64_t hash = 0;  // the state after `event`
    bool no_effect = false;  // `event` is a yield
    std::uint64_t number = 0;  // 1-based position in the execution's events (the report's #)
    OpEvent event;
  };
  static constexpr std::uint64_t kRing = 1024;  // a power of two
  static constexpr std::uint64_t kFirstWindow = 8;

  bool no_effect(const OpEvent& event, ThreadTrack& thread);
  void update_object(const OpEvent& event);
  // Searches the ring for the latest earlier occurrence of the current state that
  // closes a valid cycle; reports it and returns true.
  bool find_cycle(std::uint64_t index, const ExecutionView& view, FindingSink& sink);
  void report(std::uint64_t from, std::uint64_t index, const ExecutionView& view,
              FindingSink& sink) const;

  std::uint64_t hash_ = 0;
  std::uint64_t last_step_ = 0;  // step of the last event (a new step: a scheduling point)
  std::uint64_t events_ = 0;    // events hashed in this execution
  std::uint64_t start_ = 0;   // index of the first event after the last progress
  std::uint64_t saved_hash_ = 0;
  std::uint64_t saved_index_ = 0;
  std::uint64_t window_ = kFirstWindow;
  bool reported_ = false;
  std::vector<ObjectTrack> objects_;  // by object id
  std::vector<ThreadTrack> threads_;  // by thread id
  std::vector<Entry> ring_;
  std::vector<std::uint8_t> seen_, yielded_;  // find_cycle's scratch, by thread id
};

}  // namespace lockstep::checkers
