#include "runtime/fairness.h"

#include "runtime/check.h"

namespace lockstep::internal {
namespace {
constexpr std::uint32_t kMaskThreads = 64;
constexpr std::uint64_t bit(std::uint32_t thread) { return std::uint64_t{1} << thread; }
}  // namespace

void FairScheduler::reset(bool on) {
  on_ = on;
  yielded_ = false;
  ran_yielded_ = false;
  polled_ = false;
  ran_polled_ = false;
  constrained_ = false;
  picks_ = 0;
  priority_.clear();
  disabled_by_.clear();
  last_yield_.clear();
  enabled_since_.clear();
  last_run_.clear();
  last_read_.clear();
}

void FairScheduler::add_thread(std::uint32_t id) {
  LOCKSTEP_CHECK(id == priority_.size(), "threads are added in id order");
  priority_.push_back(0);
  disabled_by_.push_back(0);
  // E[t] starts as the threads enabled when t is created: those enabled since a
  // decision <= picks_; the new thread itself is first seen at the next decision.
  last_yield_.push_back(picks_);
  enabled_since_.push_back(picks_ + 1);
  last_run_.push_back(0);
  last_read_.push_back(LastRead{});
}

void FairScheduler::observe_read(const OpEvent& event) {
  LastRead& last = last_read_[event.thread];
  const LastRead now{event.object, static_cast<std::uint32_t>(event.location.line()),
                     event.location.file_name(), event.value};
  if (now.object != 0 && last.object == now.object && last.line == now.line &&
      last.file == now.file && last.value == now.value) {
    yielded_ = true;  // polled the same value at the same place: no effect
    polled_ = true;
  }
  last = now;
}

void FairScheduler::update(std::uint32_t ran, std::span<const PendingInfo> pending) {
  // `ran` was scheduled: it no longer goes before anyone.
  if (constrained_ && ran < kMaskThreads) {
    std::uint64_t any = 0;
    for (std::uint64_t& p : priority_) {
      p &= ~bit(ran);
      any |= p;
    }
    constrained_ = any != 0;
  }
  if (!yielded_) return;
  yielded_ = false;
  if (ran < kMaskThreads) {
    const std::uint64_t since = last_yield_[ran];
    const std::uint64_t disabled = disabled_by_[ran];
    const auto threads = static_cast<std::uint32_t>(pending.size());
    std::uint64_t higher = 0;
    for (std::uint32_t v = 0; v < threads && v < kMaskThreads; ++v) {
      if (v == ran || pending[v].op == OpKind::kNone) continue;  // itself, or finished
      const bool continuously_enabled = !pending[v].blocked && enabled_since_[v] <= since;
      const bool disabled_by_ran = (disabled & bit(v)) != 0;
      const bool scheduled_since = last_run_[v] > since;
      if ((continuously_enabled || disabled_by_ran) && !scheduled_since) higher |= bit(v);
    }
    priority_[ran] |= higher;
    constrained_ = constrained_ || higher != 0;
  }
  last_yield_[ran] = picks_;
  disabled_by_[ran] = 0;
}

std::uint32_t FairScheduler::filter(std::uint32_t* runnable, std::uint32_t count) const {
  std::uint64_t enabled = 0;
  for (std::uint32_t i = 0; i < count; ++i) {
    if (runnable[i] < kMaskThreads) enabled |= bit(runnable[i]);
  }
  std::uint32_t kept = 0;
  for (std::uint32_t i = 0; i < count; ++i) {
    const std::uint32_t t = runnable[i];
    if (t >= kMaskThreads || (priority_[t] & enabled) == 0) runnable[kept++] = t;
  }
  LOCKSTEP_CHECK(kept > 0, "fair scheduling removed every runnable thread (priority cycle)");
  return kept;
}

}  // namespace lockstep::internal
