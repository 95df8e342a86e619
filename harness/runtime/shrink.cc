// Schedule shrinking (see shrink.h). Its passes follow the idea of delta debugging
// applied to schedules (Choi & Zeller, "Isolating failure-inducing thread schedules",
// ISSTA 2002: keep fewer of the differences between a failing and a passing schedule) and of preemption-minimal counterexamples (Musuvathi & Qadeer, "Iterative
// context bounding for systematic testing of multithreaded programs", PLDI 2007):
// a bug shown with fewer preemptions is easier to understand.
#include "runtime/shrink.h"

#include <compare>
#include <span>

namespace lockstep::internal {
namespace {

// A switch the schedule made where running on would have chosen another thread,
// anchored to the thread at the scheduling point and how many choices it had been at
// before: (thread, nth) survives other switches being removed, where a position in the
// choice list does not.
struct Deviation {
  std::uint32_t thread = 0;
  std::uint64_t nth = 0;
  std::uint32_t target = 0;
};

// Runs a candidate: either positional (follow `hint` while it fits), or as deviations
// (switch only where a deviation says so; values of random() from `values` in order).
// Otherwise, and after the hint's end, it runs without preempting: the current thread
// if runnable, else the lowest runnable id; value 0. Records, for every choice it
// makes, what the shrinker needs to derive candidates.
class Guided final : public Strategy {
 public:
  struct Choice {
    bool pick = false;
    bool preemption = false;
    bool deviation = false;     // differs from running on without preempting
    std::uint32_t current = 0;  // the thread at the scheduling point (picks only)
    std::uint64_t nth = 0;      // picks `current` had been current at before this one
  };

  void set_hint(std::span<const std::uint32_t> hint) {
    hint_ = hint;
    deviations_ = {};
    values_ = {};
    positional_ = true;
  }
  void set_deviations(std::span<const Deviation> deviations, std::span<const std::uint32_t> values) {
    hint_ = {};
    deviations_ = deviations;
    values_ = values;
    positional_ = false;
  }
  std::string_view name() const override { return "shrink"; }
  bool begin_execution(std::uint64_t) override {
    position_ = 0;
    value_position_ = 0;
    preemptions_ = 0;
    record_.clear();
    involved_.clear();
    seen_.clear();
    return true;
  }
  std::uint32_t pick(std::span<const std::uint32_t> runnable, std::uint32_t current,
                     const PickContext&) override {
    auto is_runnable = [&](std::uint32_t id) {
      return std::binary_search(runnable.begin(), runnable.end(), id);
    };
    const bool current_runnable = is_runnable(current);
    const std::uint32_t fallback = current_runnable ? current : runnable[0];
    if (seen_.size() <= current) seen_.resize(current + 1, 0);
    const std::uint64_t nth = seen_[current]++;
    std::uint32_t choice = fallback;
    if (positional_) {
      if (position_ < hint_.size() && is_runnable(hint_[position_])) choice = hint_[position_];
    } else {
      for (const Deviation& deviation : deviations_) {
        if (deviation.thread == current && deviation.nth == nth && is_runnable(deviation.target)) {
          choice = deviation.target;
        }
      }
    }
    ++position_;
    const bool preemption = current_runnable && choice != current;
    preemptions_ += preemption ? 1 : 0;
    record_.push_back(Choice{true, preemption, choice != fallback, current, nth});
    if (involved_.size() <= choice) involved_.resize(choice + 1, false);
    involved_[choice] = true;
    return choice;
  }
  std::uint32_t random(std::uint32_t bound, const PickContext&) override {
    std::uint32_t value = 0;
    if (positional_ && position_ < hint_.size() && hint_[position_] < bound) value = hint_[position_];
    if (!positional_ && value_position_ < values_.size() && values_[value_position_] < bound) {
      value = values_[value_position_];
    }
    ++position_;
    ++value_position_;
    record_.push_back(Choice{});
    return value;
  }

  std::uint64_t preemptions() const { return preemptions_; }
  std::uint64_t threads_involved() const {
    return static_cast<std::uint64_t>(std::count(involved_.begin(), involved_.end(), true));
  }
  const std::vector<Choice>& record() const { return record_; }

 private:
  bool positional_ = true;
  std::span<const std::uint32_t> hint_;
  std::span<const Deviation> deviations_;
  std::span<const std::uint32_t> values_;
  std::size_t position_ = 0;
  std::size_t value_position_ = 0;
  std::uint64_t preemptions_ = 0;
  std::vector<Choice> record_;
  std::vector<bool> involved_;
  std::vector<std::uint64_t> seen_;  // by thread: picks it has been current at
};

struct Measure {
  std::uint64_t preemptions = 0;
  std::uint64_t steps = 0;
  std::uint64_t threads = 0;
  auto operator<=>(const Measure&) const = default;
};

bool same_failures(const std::vector<Finding>& a, const std::vector<Finding>& b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                            [](const Finding& x, const Finding& y) {
                                              return x.same_failure(y);
                                            });
}

class Shrinker {
 public:
  Shrinker(Execution& ex, const std::function<void()>& body, const ExecutionConfig& config,
           const std::vector<Finding>& findings, std::uint64_t max_runs)
      : ex_(ex), body_(body), config_(config), findings_(findings), max_runs_(max_runs) {
    config_.strategy = &guided_;
  }

  // Runs `hint`; returns true (and makes it the best) when it fails the same way and
  // is strictly smaller than the best so far (any failing run when there is none).
  bool attempt(std::span<const std::uint32_t> hint) {
    if (runs_ >= max_runs_) return false;
    guided_.set_hint(hint);
    return run_candidate();
  }
  bool attempt(std::span<const Deviation> deviations, std::span<const std::uint32_t> values) {
    if (runs_ >= max_runs_) return false;
    guided_.set_deviations(deviations, values);
    return run_candidate();
  }

  // Pass 0 (delta debugging over switches): keep only a few of the schedule's
  // deviations from running on, fewest first (0, 1, 2, then 3 of them).
  bool keep_few_deviations() {
    std::vector<Deviation> all;
    std::vector<std::uint32_t> values;
    deviations_of_best(all, values);
    std::vector<Deviation> kept;
    for (std::size_t size = 0; size < std::min<std::size_t>(all.size(), 4); ++size) {
      // Subsets of `size` deviations in lexicographic order of their indexes.
      std::vector<std::size_t> index(size);
      for (std::size_t i = 0; i < size; ++i) index[i] = i;
      while (budget_left()) {
        kept.clear();
        for (std::size_t i : index) kept.push_back(all[i]);
        if (attempt(kept, values)) return true;
        std::size_t i = size;
        while (i > 0 && index[i - 1] == all.size() - size + i - 1) --i;
        if (i == 0) break;
        ++index[i - 1];
        for (std::size_t k = i; k < size; ++k) index[k] = index[k - 1] + 1;
      }
    }
    return false;
  }

  // Pass 1: move one switch a little earlier or later (another thread's choice points
  // in between), optionally dropping one other switch: a bug may need the switch at a
  // point the found schedule did not use.
  bool move_deviation() {
    std::vector<Deviation> all;
    std::vector<std::uint32_t> values;
    deviations_of_best(all, values);
    std::vector<Deviation> kept;
    for (std::size_t dropped = all.size() + 1; dropped-- > 0;) {  // all.size(): drop none
      for (std::size_t moved = 0; moved < all.size(); ++moved) {
        if (moved == dropped) continue;
        for (std::int64_t delta : {1, -1, 2, -2}) {
          if (!budget_left()) return false;
          const Deviation& original = all[moved];
          if (delta < 0 && original.nth < static_cast<std::uint64_t>(-delta)) continue;
          kept.clear();
          for (std::size_t i = 0; i < all.size(); ++i) {
            if (i != dropped) kept.push_back(all[i]);
          }
          kept[moved - (dropped < moved ? 1 : 0)].nth =
              static_cast<std::uint64_t>(static_cast<std::int64_t>(original.nth) + delta);
          if (attempt(kept, values)) return true;
        }
      }
    }
    return false;
  }

 private:
  void deviations_of_best(std::vector<Deviation>& all, std::vector<std::uint32_t>& values) const {
    for (std::size_t j = 0; j < best_.size(); ++j) {
      const Guided::Choice& choice = best_record_[j];
      if (!choice.pick) values.push_back(best_[j]);
      if (choice.deviation) all.push_back(Deviation{choice.current, choice.nth, best_[j]});
    }
  }

  bool run_candidate() {
    ++runs_;
    guided_.begin_execution(0);
    ex_.run(body_, config_);
    if (!same_failures(findings_, ex_.findings())) return false;
    const Measure measure{guided_.preemptions(), ex_.steps(), guided_.threads_involved()};
    if (have_best_ && !(measure < best_measure_)) return false;
    have_best_ = true;
    best_measure_ = measure;
    best_ = ex_.choices();
    best_record_ = guided_.record();
    return true;
  }

 public:

  // Pass 1: keep the schedule up to a preemption, then run without preempting.
  bool cut_at_preemption() {
    for (std::size_t j = 0; j < best_.size() && budget_left(); ++j) {
      if (best_record_[j].preemption && attempt(prefix(j))) return true;
    }
    return false;
  }

  // Pass 2: the current thread continues where the schedule switched away.
  bool remove_preemption() {
    for (std::size_t j = best_.size(); j-- > 0 && budget_left();) {
      if (!best_record_[j].preemption) continue;
      std::vector<std::uint32_t> hint = best_;
      hint[j] = best_record_[j].current;
      if (attempt(hint)) return true;
    }
    return false;
  }

  // Pass 3: fewer steps: the shortest prefix that, run on without preempting, still
  // fails the same way (and is smaller).
  bool cut_anywhere() {
    for (std::size_t j = 0; j < best_.size() && budget_left(); ++j) {
      if (!best_record_[j].preemption && attempt(prefix(j))) return true;
    }
    return false;
  }

  bool budget_left() const { return runs_ < max_runs_; }
  bool have_best() const { return have_best_; }
  const Measure& best_measure() const { return best_measure_; }
  std::vector<std::uint32_t>& best() { return best_; }
  std::uint64_t runs() const { return runs_; }

 private:
  std::vector<std::uint32_t> prefix(std::size_t length) const {
    return std::vector<std::uint32_t>(best_.begin(),
                                      best_.begin() + static_cast<std::ptrdiff_t>(length));
  }

  Execution& ex_;
  const std::function<void()>& body_;
  ExecutionConfig config_;
  const std::vector<Finding>& findings_;
  std::uint64_t max_runs_;
  Guided guided_;
  std::uint64_t runs_ = 0;
  bool have_best_ = false;
  Measure best_measure_;
  std::vector<std::uint32_t> best_;
  std::vector<Guided::Choice> best_record_;
};

}  // namespace

ShrinkResult shrink_schedule(Execution& ex, const std::function<void()>& body,
                             const ExecutionConfig& config, const std::vector<Finding>& findings,
                             std::vector<std::uint32_t> choices, std::uint64_t max_runs) {
  ShrinkResult result;
  Shrinker shrinker(ex, body, config, findings, max_runs);
  if (!shrinker.attempt(choices) || shrinker.best() != choices) {
    result.runs = shrinker.runs();
    result.choices = std::move(choices);
    return result;  // the baseline does not reproduce: nothing to shrink safely
  }
  result.reproduced = true;
  result.original_preemptions = shrinker.best_measure().preemptions;
  result.original_steps = shrinker.best_measure().steps;
  while (shrinker.budget_left() &&
         (shrinker.keep_few_deviations() || shrinker.move_deviation() ||
          shrinker.cut_at_preemption() ||
                                    shrinker.remove_preemption() || shrinker.cut_anywhere())) {
  }
  result.choices = std::move(shrinker.best());
  result.preemptions = shrinker.best_measure().preemptions;
  result.steps = shrinker.best_measure().steps;
  result.runs = shrinker.runs();
  return result;
}

}  // namespace lockstep::internal
