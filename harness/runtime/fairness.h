// Fair scheduling between the runtime and the strategy (option `fair`).
//
// After Musuvathi & Qadeer, "Fair Stateless Model Checking" (PLDI 2008), the scheduler
// of CHESS: a thread that *yields* — this_thread::yield(), a try_lock / non-blocking
// acquire that failed, a timed operation that timed out, a spurious wakeup, or an
// Atomic/Shared read that re-reads the value it read last time at the same place (a
// poll without effect) — gets a lower priority than every thread that
//   * was continuously enabled since the yielder's previous yield, or
//   * was disabled by the yielder since then,
// and was not scheduled since. Per thread t the paper keeps
//   E[t] continuously enabled, D[t] disabled by t, S[t] scheduled — all since t's last
//   yield — and at t's yield sets  P[t] := P[t] ∪ (E[t] ∪ D[t]) \ S[t];
// whenever a thread u is scheduled, u leaves every P[t]. A thread t with an enabled
// thread in P[t] is not offered to the strategy. P is acyclic (u enters P[t] only while
// u was not scheduled since t yielded, and u must run to yield itself, which takes it
// out of every P), so some enabled thread always remains.
//
// Cost: E and S are kept lazily as step stamps (enabled_since_, last_run_) and only
// compared at a yield; D is a bit set updated when a thread's enabledness changes. A
// scheduling point without yields pays one stamp store and two predictable branches.
// Threads with ids >= 64 are never constrained (the sets are 64-bit masks).
//
// Determinism: the filtered runnable set is a function of the schedule so far, so a
// replay (with the same `fair` value, which replay tokens carry) sees the same sets.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "lockstep/event.h"
#include "lockstep/source_location.h"
#include "lockstep/strategy.h"

namespace lockstep::internal {

class FairScheduler {
 public:
  // A new execution; `on` is the option `fair`.
  void reset(bool on);
  bool on() const { return on_; }
  // Thread `id` (== the number of threads added before) was created.
  void add_thread(std::uint32_t id);

  // The operation the running thread just performed (its event).
  void observe(const OpEvent& event) {
    if (!on_) return;
    if (event.result != OpResult::kOk || event.op == OpKind::kYield) {
      yielded_ = true;
      polled_ = polled_ || event.op != OpKind::kYield;
    } else if ((event.op == OpKind::kLoad || event.op == OpKind::kRead) && event.has_value) {
      observe_read(event);
    }
  }
  // Thread `thread`'s enabledness changed (observed at the coming scheduling decision);
  // `by` is the thread whose operation changed it.
  void on_transition(std::uint32_t thread, bool enabled, std::uint32_t by) {
    if (enabled) {
      enabled_since_[thread] = picks_ + 1;
    } else if (thread < 64) {
      disabled_by_[by] |= std::uint64_t{1} << thread;
    }
  }
  // The scheduling decision after `ran`'s operation: updates the relation.
  // `pending[i].blocked` is already current for every thread.
  void after_step(std::uint32_t ran, std::span<const PendingInfo> pending) {
    if (!on_) return;
    ran_yielded_ = yielded_;
    ran_polled_ = polled_;
    polled_ = false;
    last_run_[ran] = ++picks_;
    if (yielded_ || constrained_) [[unlikely]] update(ran, pending);
  }
  // Whether the thread passed to the last after_step yielded in the step it took; and
  // whether that yield was a poll without effect (anything but this_thread::yield():
  // a failed try-lock, a timeout, a spurious wakeup, an unchanged re-read), the sign
  // of a thread waiting for another.
  bool ran_yielded() const { return ran_yielded_; }
  bool ran_polled() const { return ran_polled_; }
  // Whether some thread has lower priority than another (filter() may remove some).
  bool constrained() const { return constrained_; }
  // Removes from runnable[0, count) every thread with a higher-priority thread in it;
  // returns the new count (>= 1), order kept.
  std::uint32_t filter(std::uint32_t* runnable, std::uint32_t count) const;

 private:
  struct LastRead {
    std::uint32_t object = 0;
    std::uint32_t line = 0;
    const char* file = nullptr;  // compared for identity only, never reported
    std::int64_t value = 0;
  };
  void observe_read(const OpEvent& event);
  void update(std::uint32_t ran, std::span<const PendingInfo> pending);

  bool on_ = false;
  bool yielded_ = false;      // the running thread yielded since the last decision
  bool ran_yielded_ = false;  // yielded_ as the last after_step saw it
  bool polled_ = false;       // the running thread polled since the last decision
  bool ran_polled_ = false;   // polled_ as the last after_step saw it
  bool constrained_ = false;  // some priority_ entry is non-zero
  std::uint64_t picks_ = 0;   // scheduling decisions so far
  // Per thread, indexed by id.
  std::vector<std::uint64_t> priority_;       // P[t]: threads that go before t
  std::vector<std::uint64_t> disabled_by_;    // D[t]
  std::vector<std::uint64_t> last_yield_;     // decision of t's last yield (or creation)
  std::vector<std::uint64_t> enabled_since_;  // decision since which t is enabled
  std::vector<std::uint64_t> last_run_;       // decision right after t last ran
  std::vector<LastRead> last_read_;
};

}  // namespace lockstep::internal
