#pragma once

#include <cstdint>
#include <vector>

#include "lockstep/strategy.h"
#include "runtime/rng.h"

namespace lockstep::internal {

// Random schedules with at most `bound` preemptions: the sampling counterpart of
// iterative preemption bounding (Musuvathi & Qadeer, "Iterative Context Bounding for
// Systematic Testing of Multithreaded Programs", PLDI 2007), whose observation is
// that most bugs need few preemptions (Thomson, Donaldson & Betts, "Concurrency
// Testing Using Schedule Bounding: an Empirical Study", PPoPP 2014, found the same on
// SCTBench). The enumeration walks its tree in order; this draws each execution from
// (seed, i) alone, so it is indexed and splits between workers and shards.
//
// Per execution: `bound` preemption steps uniform over [1, k], with k from
// draw_horizon (strategies/horizon.h). At a pick the current thread keeps running
// unless a preemption step is due (then a uniformly chosen other runnable thread
// runs). Free, and to a uniformly chosen runnable thread, are the switches where the
// current thread cannot continue (it blocked or finished, or fair scheduling held it
// back), where it just yielded (PickContext::yielded: a spinner lets the others run,
// so a busy-wait ends), and every pick once fair scheduling is enforced
// (PickContext::fair_enforced; see strategies/pct.h for why).
// Preemption steps that fall where only one thread is runnable take effect at the
// next pick, as PCT's change points do.
//
// Cost per pick: a comparison and, at a switch, one draw; no allocation after the
// first execution.
class BoundedRandom final : public Strategy {
 public:
  BoundedRandom(std::uint64_t seed, std::uint32_t bound, std::uint64_t max_steps)
      : seed_(seed), bound_(bound), max_steps_(max_steps) {}
  std::string_view name() const override { return "bounded-random"; }
  bool begin_execution(std::uint64_t execution) override;
  std::uint32_t pick(std::span<const std::uint32_t> runnable, std::uint32_t current,
                     const PickContext& context) override;
  std::uint32_t random(std::uint32_t bound, const PickContext& context) override;
  bool indexed() const override { return true; }

 private:
  std::uint64_t seed_;
  std::uint32_t bound_;
  std::uint64_t max_steps_;
  Rng rng_;
  std::vector<std::uint64_t> preemptions_;  // steps, sorted
  std::size_t next_ = 0;                    // first preemption not taken yet
};

}  // namespace lockstep::internal
