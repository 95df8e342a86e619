#include "strategies/dpor.h"

#include <algorithm>
#include <bit>

#include "runtime/check.h"

namespace lockstep::internal {
namespace {

bool writes(OpKind op) { return op != OpKind::kRead && op != OpKind::kLoad; }
std::uint64_t bit(std::uint32_t thread) { return std::uint64_t{1} << thread; }

// The alternative `ordinal` of a pick above the shard split, counted round-robin from
// the current thread (or the next id after it), as ChoiceTree counts them.
std::uint32_t rotated(std::span<const std::uint32_t> runnable, std::uint32_t current,
                      std::uint32_t ordinal) {
  const auto at = std::lower_bound(runnable.begin(), runnable.end(), current);
  const std::size_t first =
      at == runnable.end() ? 0 : static_cast<std::size_t>(at - runnable.begin());
  return runnable[(first + ordinal) % runnable.size()];
}

}  // namespace

void Dpor::widen(std::uint32_t threads) {
  LOCKSTEP_CHECK(threads <= 64, "dpor explores executions of at most 64 threads");
  if (threads > stride_) {
    const std::uint32_t wide = std::max(threads, 2 * stride_);
    std::vector<std::uint32_t> clocks(states_.size() * std::size_t{wide}, 0);
    for (std::size_t i = 0; i < states_.size(); ++i) {
      std::copy_n(&clocks_[i * stride_], stride_, &clocks[i * wide]);
    }
    clocks_ = std::move(clocks);
    stride_ = wide;
  }
  if (last_step_.size() < threads) {
    last_step_.resize(threads, kNone);
    spawned_by_.resize(threads, kNone);
    steps_of_.resize(threads, 0);
  }
}

bool Dpor::begin_execution(std::uint64_t) {
  depth_ = 0;
  block_from_ = kNone;
  entered_ = 0;
  random_depth_ = 0;
  by_id_.clear();
  blocked_ = false;
  offered_at_ = kNone;
  subtree_.clear();
  last_step_.clear();
  spawned_by_.clear();
  steps_of_.clear();
  // The last path's split: the states and random nodes below it are DPOR's, the
  // choices above it the shard prefix's.
  const std::uint32_t region = prefix_.region();
  const std::uint32_t randoms_above = prefix_.randoms_above();
  prefix_.begin();
  if (!started_) {
    started_ = true;
    return true;
  }
  // The deepest choice with an alternative left: a random node inside step k (deeper
  // than the pick of step k), else a thread of step k's backtrack set that is neither
  // done nor asleep.
  std::size_t r = randoms_.size();
  for (std::uint32_t k = size_; k-- > 0;) {
    while (r > randoms_above && randoms_[r - 1].after > k) {
      RandomNode& node = randoms_[r - 1];
      if (node.value + 1 < node.bound) {
        ++node.value;
        subtree_.clear();  // the branch being followed was for the old value
        randoms_.resize(r);
        random_replay_ = static_cast<std::uint32_t>(r);
        size_ = k + 1;
        first_new_ = k;
        replay_until_ = k + 1;
        return true;
      }
      --r;
    }
    if (k < region) break;
    State& state = states_[k];
    state.done |= bit(state.thread);
    state.explored.push_back(SeenStep{state.thread, state.footprint});
    std::uint32_t next = kNone;
    if (variant_ == DporVariant::kOptimal) {
      // A branch whose thread the runtime did not offer here (fair scheduling withholds
      // a polling thread, runtime/fairness.h) would rerun this execution: dropped, and
      // its thread marked explored, dependent with everything, so no race re-adds it.
      while (!state.wakeup.empty() && (state.offered & bit(state.wakeup.first())) == 0) {
        ++infeasible_;
        if ((state.enabled & bit(state.wakeup.first())) != 0) ++held_back_;
        Footprint any;
        any.all = true;
        state.explored.push_back(SeenStep{state.wakeup.first(), any});
        state.wakeup.take_first();
      }
      if (!state.wakeup.empty()) {
        next = state.wakeup.first();
        subtree_ = state.wakeup.take_first();
      }
    } else {
      // (Not those asleep since above the shard split: add_backtrack adds one only as
      // "every enabled thread", where it does not cover the race.)
      std::uint64_t sleeping = 0;
      for (const SeenStep& asleep : state.sleep) {
        if (!asleep.outside) sleeping |= bit(asleep.thread);
      }
      const std::uint64_t withheld = state.backtrack & ~state.done & ~state.offered;
      infeasible_ += static_cast<std::uint64_t>(std::popcount(withheld));
      held_back_ += static_cast<std::uint64_t>(std::popcount(withheld & state.enabled));
      state.done |= withheld;  // as for wakeup trees, above
      std::uint64_t todo = state.backtrack & ~state.done & ~sleeping;
      while (todo != 0 && next == kNone) {
        const auto thread = static_cast<std::uint32_t>(std::countr_zero(todo));
        todo &= todo - 1;
        if (variant_ != DporVariant::kBounded || state.spent + cost(k, thread) <= bound_) next = thread;
        // Chosen (done even if a replay runs another thread here), or beyond the bound
        // (the prefix is fixed: it never fits).
        state.done |= bit(thread);
      }
    }
    if (next != kNone) {
      state.thread = next;
      randoms_.resize(r);
      random_replay_ = static_cast<std::uint32_t>(r);
      size_ = k + 1;
      first_new_ = k;
      replay_until_ = k + 1;
      return true;
    }
  }
  // Above the split: the next prefix, every alternative enumerated (an owned one at
  // the split), DPOR's search below it from scratch.
  if (const ShardPrefix::Node* node = prefix_.next()) {
    if (node->random) randoms_[node->randoms].value = node->ordinal;
    if (!node->random) {  // the alternative left sleeps in the ones after it
      State& state = states_[node->step];
      state.explored.push_back(SeenStep{state.thread, state.footprint});
    }
    randoms_.resize(node->randoms + (node->random ? 1 : 0));
    random_replay_ = static_cast<std::uint32_t>(randoms_.size());
    size_ = node->step + 1;
    first_new_ = node->step;
    replay_until_ = node->step + 1;
    return true;
  }
  return false;
}

bool Dpor::dependent_awake(std::span<const std::uint32_t> runnable, std::uint32_t k,
                           const PickContext& context) const {
  // By the pending operations alone (a step's footprint is known once it ran): a guess
  // where the shard split should go, not a dependence DPOR relies on.
  for (std::size_t a = 0; a < runnable.size(); ++a) {
    if (asleep(k, runnable[a])) continue;
    const PendingInfo& x = context.pending[runnable[a]];
    for (std::size_t b = a + 1; b < runnable.size(); ++b) {
      if (asleep(k, runnable[b])) continue;
      const PendingInfo& y = context.pending[runnable[b]];
      if (x.op == OpKind::kFence || y.op == OpKind::kFence) return true;
      // A thread's start step leads to an operation not known yet: assumed dependent
      // with anything but another start, a spawn (which only creates a thread) and a
      // release (whichever goes first, the started thread's acquire of it waits for it).
      if ((x.op == OpKind::kThreadStart) != (y.op == OpKind::kThreadStart)) {
        const OpKind other = x.op == OpKind::kThreadStart ? y.op : x.op;
        if (other != OpKind::kSpawn && other != OpKind::kRelease && other != OpKind::kReleaseShared) return true;
      }
      if (x.object != 0 && x.object == y.object && (writes(x.op) || writes(y.op))) return true;
    }
  }
  return false;
}

bool Dpor::asleep(std::uint32_t k, std::uint32_t thread) const {
  for (const SeenStep& asleep : states_[k].sleep) {
    if (asleep.thread == thread) return true;
  }
  return false;
}

void Dpor::enter(std::uint32_t k) {
  if (k < entered_) return;
  entered_ = k + 1;
  if (k > 0 && k - 1 >= first_new_) complete(k - 1);
  if (k < replay_until_) return;
  if (states_.size() <= k) {
    states_.emplace_back();
    clocks_.resize(states_.size() * std::size_t{stride_}, 0);
  }
  State& state = states_[k];
  state.sleep.clear();
  state.explored.clear();
  state.wakeup = std::move(subtree_);
  subtree_.clear();
  state.preemptible = false;
  // Bounded DPOR has no sleep sets. Above a shard split they are the enumeration's.
  if (k == 0 || variant_ == DporVariant::kBounded) return;
  // Sleep sets (Godefroid): a thread asleep before step k - 1, or explored from there
  // already, stays asleep after it if its next step is independent of step k - 1.
  const State& before = states_[k - 1];
  const bool above_split = prefix_.region() == ShardPrefix::kNone || k - 1 < prefix_.region();
  for (const std::vector<SeenStep>* set : {&before.sleep, &before.explored}) {
    for (const SeenStep& asleep : *set) {
      if (asleep.thread != before.thread && !asleep.footprint.dependent(before.footprint)) {
        state.sleep.push_back(asleep);
        if (above_split) state.sleep.back().outside = true;
      }
    }
  }
}

void Dpor::complete(std::uint32_t step) {
  const State& state = states_[step];
  std::uint32_t* c = clock(step);
  std::fill_n(c, stride_, 0);
  const auto join = [&](std::uint32_t other) {
    const std::uint32_t* o = clock(other);
    for (std::uint32_t t = 0; t < stride_; ++t) c[t] = std::max(c[t], o[t]);
  };
  if (state.prev != kNone) join(state.prev);
  if (state.joined != kNone) join(state.joined);
  for (std::uint32_t j = 0; j < step; ++j) {
    const State& other = states_[j];
    if (other.local >= c[other.thread] && other.footprint.dependent(state.footprint)) join(j);
  }
  c[state.thread] = state.local + 1;
}

std::uint32_t Dpor::pick(std::span<const std::uint32_t> runnable, std::uint32_t current,
                         const PickContext& context) {
  const std::uint32_t k = depth_;
  const bool is_runnable = std::binary_search(runnable.begin(), runnable.end(), current);
  if (k >= block_from_) blocked_ = true;
  if (blocked_) return is_runnable ? current : runnable[0];
  offered_at_ = k;
  offered_ = 0;
  for (std::uint32_t thread : runnable) offered_ |= bit(thread);
  enter(k);
  if (prefix_.open()) {  // a shard prefix node: every awake alternative is enumerated
    const auto count = static_cast<std::uint32_t>(runnable.size());
    std::uint64_t sleeping = 0;
    for (std::uint32_t o = 0; o < count; ++o) {
      if (asleep(k, rotated(runnable, current, o))) sleeping |= std::uint64_t{1} << o;
    }
    const std::uint32_t ordinal =
        prefix_.choose(k, random_depth_, false, count, sleeping, dependent_awake(runnable, k, context));
    if (ordinal == ShardPrefix::kNone) {  // every runnable thread is asleep
      blocked_ = true;
      ++sleep_blocked_;
      return is_runnable ? current : runnable[0];
    }
    // Another shard's prefix: its step is learned (it sleeps in the alternatives after
    // it), nothing below it.
    if (prefix_.foreign()) block_from_ = k + 1;
    states_[k].thread = rotated(runnable, current, ordinal);
    return states_[k].thread;
  }
  if (k < replay_until_) {
    const std::uint32_t thread = states_[k].thread;
    if (std::binary_search(runnable.begin(), runnable.end(), thread)) return thread;
    blocked_ = true;  // the scenario answered differently than last time: stop learning
    return runnable[0];
  }
  if (variant_ == DporVariant::kBounded) states_[k].preemptible = is_runnable;
  if (const std::uint32_t thread = planned(k); thread != kNone) {
    if (std::binary_search(runnable.begin(), runnable.end(), thread)) return thread;
    drop_plan(k, thread, context);
  }
  if (is_runnable && !asleep(k, current)) return current;
  for (std::uint32_t thread : runnable) {
    if (!asleep(k, thread)) return thread;
  }
  // Every enabled thread is asleep: whatever follows repeats an explored class.
  blocked_ = true;
  ++sleep_blocked_;
  return is_runnable ? current : runnable[0];
}

void Dpor::drop_plan(std::uint32_t k, std::uint32_t thread, const PickContext& context) {
  ++infeasible_;
  const bool runnable = thread < context.pending.size() && context.pending[thread].op != OpKind::kNone &&
                        !context.pending[thread].blocked;
  if (runnable) ++held_back_;  // not offered all the same: fair scheduling held it back
  states_[k].wakeup.clear();
}

void Dpor::on_step(std::uint32_t thread, const PickContext& context) {
  if (depth_ >= block_from_) blocked_ = true;
  if (blocked_) return;
  const std::uint32_t k = depth_++;
  widen(static_cast<std::uint32_t>(context.pending.size()));
  enter(k);
  if (k >= replay_until_) {
    // A wakeup-tree branch is followed even through a sleeping thread: the tree
    // decided the branch is new.
    const std::uint32_t plan = planned(k);
    if (plan == thread) {
      subtree_ = states_[k].wakeup.take_first();
    } else if (plan != kNone) {  // the only runnable thread is not the planned one
      drop_plan(k, plan, context);
    }
    if (plan != thread && asleep(k, thread)) {  // the only runnable thread is asleep
      blocked_ = true;
      ++sleep_blocked_;
      return;
    }
    State& fresh = states_[k];
    fresh.backtrack = bit(thread);
    fresh.offered = offered_at_ == k ? offered_ : bit(thread);
    fresh.done = 0;
    fresh.enabled = 0;
    for (std::uint32_t t = 0; t < context.pending.size(); ++t) {
      const PendingInfo& info = context.pending[t];
      if (info.op != OpKind::kNone && !info.blocked) fresh.enabled |= bit(t);
    }
    fresh.spent = k == 0 ? 0 : states_[k - 1].spent + cost(k - 1, states_[k - 1].thread);
    // Bounded: the threads the runtime offered (fairness may hold some back), as
    // preemption-bound sees them; without a pick, the one that runs.
    if (variant_ == DporVariant::kBounded) fresh.enabled = offered_at_ == k ? offered_ : bit(thread);
    size_ = k + 1;
  }
  State& state = states_[k];
  state.thread = thread;
  state.local = steps_of_[thread]++;
  state.prev = last_step_[thread] != kNone ? last_step_[thread] : spawned_by_[thread];
  state.since = state.prev == kNone ? 0 : state.prev + 1;
  last_step_[thread] = k;
  if (k >= first_new_) {
    const PendingInfo& info = context.pending[thread];
    state.op = info.op;
    state.object = stable(info.object, info.key);
    state.kind = ObjectKind::kNone;
    state.footprint = Footprint{};
    state.joined = kNone;
    state.footprint.add(state.object, writes(info.op));
  }
}

void Dpor::on_event(const OpEvent& event) {
  if (blocked_ || depth_ == 0) return;
  const std::uint32_t k = depth_ - 1;
  if (event.op == OpKind::kSpawn) {
    widen(event.other + 1);
    spawned_by_[event.other] = k;
  }
  if (k < first_new_) return;
  State& state = states_[k];
  const std::uint32_t object = stable(event.object, event.object_key);
  if (object == state.object && object != 0) state.kind = event.object_kind;
  switch (event.op) {
    case OpKind::kFence: state.footprint.all = true; break;
    case OpKind::kJoin:
      if (event.other < last_step_.size()) state.joined = last_step_[event.other];
      break;
    default: state.footprint.add(object, writes(event.op)); break;
  }
}

std::uint32_t Dpor::random(std::uint32_t bound, const PickContext&) {
  if (blocked_ || depth_ == 0) return 0;
  const std::uint32_t step = depth_ - 1;
  if (step >= first_new_) states_[step].footprint.all = true;
  if (depth_ >= block_from_) {  // in another shard's split step: its footprint is known now
    blocked_ = true;
    return 0;
  }
  const std::uint32_t r = random_depth_++;
  std::uint32_t value = 0;
  if (prefix_.open()) {  // a shard prefix node (recorded: begin_execution advances it)
    value = prefix_.choose(step, r, true, bound);
    if (r >= random_replay_) {
      randoms_.resize(r);
      randoms_.push_back(RandomNode{depth_, bound, value});
    }
    if (prefix_.foreign()) blocked_ = true;  // another shard's random split: learn nothing below
    return value;
  }
  if (r < random_replay_) return randoms_[r].value;
  randoms_.resize(r);
  if (!blocked_) randoms_.push_back(RandomNode{depth_, bound, value});
  return value;
}

void Dpor::on_cut_short(const PickContext& context) {
  cut_short_.clear();
  if (blocked_) return;
  for (std::uint32_t t = 0; t < context.pending.size() && t < last_step_.size(); ++t) {
    const PendingInfo& info = context.pending[t];
    if (info.op == OpKind::kNone) continue;
    cut_short_.push_back(Pending{t, info.op, stable(info.object, info.key)});
  }
}

void Dpor::end_execution(std::uint64_t) {
  enter(size_);  // completes the last step
  prefix_.end();
  for (std::uint32_t e = first_new_; e < size_; ++e) find_races(e);
  // Threads left blocked (a deadlock) or stopped by a finding: their next operations
  // race with the steps before them as well. Without them, two threads taking two
  // locks in opposite orders lost the trace where the second takes both first: its
  // only race with the first's acquire is with an acquire that deadlocked.
  if (!blocked_) {
    for (const Pending& pending : cut_short_) find_pending_races(pending);
  }
  cut_short_.clear();
  first_new_ = size_;
  replay_until_ = size_;
}

void Dpor::find_pending_races(const Pending& pending) {
  const std::uint32_t e = size_;
  if (states_.size() <= e) {
    states_.emplace_back();
    clocks_.resize(states_.size() * std::size_t{stride_}, 0);
  }
  State& state = states_[e];  // overwritten by the next execution's step e, if any
  const std::uint32_t t = pending.thread;
  state.thread = t;
  state.local = steps_of_[t];
  state.prev = last_step_[t] != kNone ? last_step_[t] : spawned_by_[t];
  state.since = state.prev == kNone ? 0 : state.prev + 1;
  state.op = pending.op;
  state.object = pending.object;
  state.kind = ObjectKind::kNone;  // (not known: no event; reversible() takes it as maybe)
  state.footprint = Footprint{};
  state.footprint.add(pending.object, writes(pending.op));
  state.joined = kNone;
  complete(e);
  find_races(e);
}

void Dpor::find_races(std::uint32_t e) {
  if (variant_ == DporVariant::kBounded) {
    find_bounded_races(e);
    return;
  }
  const State& later = states_[e];
  const std::uint32_t q = later.thread;
  const std::uint32_t* pre = later.prev != kNone ? clock(later.prev) : nullptr;
  scratch_.assign(stride_, 0);  // J: what the races found so far already order before e
  // A race reversed above the shard split is one of the prefixes enumerated anyway.
  for (std::uint32_t j = e; j-- > prefix_.region();) {
    const State& earlier = states_[j];
    const std::uint32_t t = earlier.thread;
    if (t == q) continue;
    if ((pre != nullptr && earlier.local < pre[t]) || earlier.local < scratch_[t]) continue;
    if (!earlier.footprint.dependent(later.footprint)) continue;
    // Not reversible (e.g. j released the lock e acquires): skipped, and it does not
    // hide the earlier candidates behind it.
    const Reversible reverse = reversible(j, e);
    if (reverse == Reversible::kNo) continue;
    if (variant_ == DporVariant::kOptimal) {
      insert_wakeup(j, e);
    } else {
      add_backtrack(j, e);
    }
    // A reversal that may be infeasible (e blocks there: a semaphore j released, a
    // Lock that j held) does not stand for the earlier races either: they are reversed
    // too. Letting it hide them lost semaphore_deadlock's acquire/acquire race (its
    // only reversal was the infeasible release/acquire one) while the search claimed
    // every schedule covered.
    if (reverse == Reversible::kMaybe) continue;
    const std::uint32_t* cj = clock(j);
    for (std::uint32_t u = 0; u < stride_; ++u) scratch_[u] = std::max(scratch_[u], cj[u]);
  }
}

Dpor::Reversible Dpor::reversible(std::uint32_t j, std::uint32_t e) const {
  const State& earlier = states_[j];
  const State& later = states_[e];
  // e was pending before j: it could run there iff its thread was enabled.
  if (j >= later.since) return (earlier.enabled & bit(later.thread)) != 0 ? Reversible::kYes : Reversible::kNo;
  // Otherwise e's thread took steps in between (in v when they do not follow j). A
  // blocking acquire of a mutex (never timed for these kinds) cannot precede the
  // release that let it in (exclusive after either release, shared after an exclusive
  // one); any other race with it is reversible.
  const bool mutex = later.kind == ObjectKind::kMutex || later.kind == ObjectKind::kRecursiveMutex ||
                     later.kind == ObjectKind::kSharedMutex;
  if (mutex) {
    const bool let_in = earlier.object == later.object &&
                        ((later.op == OpKind::kAcquire &&
                          (earlier.op == OpKind::kRelease || earlier.op == OpKind::kReleaseShared)) ||
                         (later.op == OpKind::kAcquireShared && earlier.op == OpKind::kRelease));
    return let_in ? Reversible::kNo : Reversible::kYes;
  }
  // An operation that may block (a semaphore's or a Lock's acquire, which may also be
  // timed; a wait, a queue's get or put, a join) may not be able to run at j: reversed
  // all the same (sound: more races only cost executions), as a maybe.
  switch (later.op) {
    case OpKind::kAcquire:
    case OpKind::kAcquireShared:
    case OpKind::kWait:
    case OpKind::kGet:
    case OpKind::kPut:
    case OpKind::kJoin:
      return Reversible::kMaybe;
    default:
      return Reversible::kYes;
  }
}

void Dpor::add_backtrack(std::uint32_t j, std::uint32_t e) {
  // v = the steps after j that do not happen after it, then e. Its initials are the
  // threads whose first step in v has no predecessor in v; one of them must be in
  // backtrack(j) (source sets, Abdulla et al. 2014, Algorithm 1, lines 7-9).
  State& earlier = states_[j];
  const std::uint32_t t = earlier.thread;
  first_in_v_.assign(stride_, kNone);
  for (std::uint32_t i = j + 1; i < e; ++i) {
    if (earlier.local < clock(i)[t]) continue;  // j happens before i
    if (first_in_v_[states_[i].thread] == kNone) first_in_v_[states_[i].thread] = i;
  }
  const std::uint32_t q = states_[e].thread;
  if (first_in_v_[q] == kNone) first_in_v_[q] = e;
  std::uint64_t initials = 0;
  for (std::uint32_t r = 0; r < stride_; ++r) {
    const std::uint32_t x = first_in_v_[r];
    if (x == kNone) continue;
    bool initial = true;
    for (std::uint32_t s = 0; s < stride_ && initial; ++s) {
      if (s != r && first_in_v_[s] != kNone && states_[first_in_v_[s]].local < clock(x)[s]) initial = false;
    }
    if (initial) initials |= bit(r);
  }
  if ((initials & earlier.backtrack) != 0) return;
  // A thread asleep since above the shard split covers v as an initial of it (as in
  // insert_wakeup); by independence alone it does not.
  for (const SeenStep& asleep : earlier.sleep) {
    if (asleep.outside && (initials & bit(asleep.thread)) != 0) return;
  }
  const std::uint64_t enabled_initials = initials & earlier.enabled;
  if ((enabled_initials & bit(q)) != 0) {
    earlier.backtrack |= bit(q);
  } else if (enabled_initials != 0) {
    earlier.backtrack |= bit(static_cast<std::uint32_t>(std::countr_zero(enabled_initials)));
  } else {
    earlier.backtrack |= earlier.enabled;  // conservative (Flanagan & Godefroid)
  }
}

std::uint32_t Dpor::cost(std::uint32_t k, std::uint32_t thread) const {
  return k > 0 && states_[k].preemptible && thread != states_[k - 1].thread ? 1 : 0;
}

std::string Dpor::scope() const {
  std::string out;
  if (variant_ == DporVariant::kBounded) {
    out = "with at most " + std::to_string(bound_) + " preemption" + (bound_ == 1 ? "" : "s");
  }
  // Once fair scheduling is enforced (livelock-after), the runnable set depends on the
  // order of independent steps, which DPOR assumes it does not: a branch it held back
  // was dropped, and the claim is qualified rather than silently weaker.
  if (held_back_ > 0) {
    if (!out.empty()) out += " ";
    out += "except " + std::to_string(held_back_) + " branch" + (held_back_ == 1 ? "" : "es") +
           " that fair scheduling held back (from livelock-after on)";
  }
  return out;
}

void Dpor::find_bounded_races(std::uint32_t e) {
  // Coons et al. 2013 (their Post(S, k, u) for the preemption bound): for every state s
  // from which e was q's next step and every other thread v, the last step i of v
  // before s that is dependent with e and does not happen before q's position at s.
  // Over those states: every such step of v since q's previous step, and v's last one
  // before it.
  const State& later = states_[e];
  const std::uint32_t q = later.thread;
  const std::uint32_t* pre = later.prev != kNone ? clock(later.prev) : nullptr;
  scratch_.assign(stride_, 0);  // per thread: its last candidate before `since` taken
  for (std::uint32_t i = e; i-- > 0;) {
    const State& earlier = states_[i];
    const std::uint32_t v = earlier.thread;
    if (v == q) continue;
    if (i < later.since) {
      if (scratch_[v] != 0) continue;
      if (pre != nullptr && earlier.local < pre[v]) continue;  // before q's previous step
    }
    // Also the release of a mutex and a blocking acquire of it, which are never
    // co-enabled: q may reach its acquire before i, block there, and so let i's thread
    // continue without a preemption.
    if (!earlier.footprint.dependent(later.footprint)) continue;
    if (i < later.since) scratch_[v] = 1;
    add_bounded(i, q);
  }
}

void Dpor::add_bounded(std::uint32_t i, std::uint32_t q) {
  backtrack_at(i, q);
  // The conservative point: the last context switch before i. Reversing the race at
  // i may preempt i's thread; switching to q where a switch happened anyway may not.
  for (std::uint32_t j = i; j-- > 0;) {
    if (j == 0 || states_[j].thread != states_[j - 1].thread) {
      backtrack_at(j, q);
      return;
    }
  }
}

void Dpor::backtrack_at(std::uint32_t k, std::uint32_t q) {
  State& state = states_[k];
  state.backtrack |= (state.enabled & bit(q)) != 0 ? bit(q) : state.enabled;
}

std::uint32_t Dpor::stable(std::uint32_t id, std::uint64_t key) {
  if (id == 0) return 0;
  if (id >= by_id_.size()) by_id_.resize(id + 1, 0);
  if (by_id_[id] == 0) {
    by_id_[id] = stable_.try_emplace(key, static_cast<std::uint32_t>(stable_.size() + 1)).first->second;
  }
  return by_id_[id];
}

std::uint32_t Dpor::planned(std::uint32_t k) const {
  return states_[k].wakeup.empty() ? kNone : states_[k].wakeup.first();
}

// v = notdep(j, E).e as a WakeupTree::Sequence: the steps of v in order, each thread's
// steps consumed from its first as the insertion walks down the tree. Happens-before
// inside v is the current execution's (no step of v happens after j, so no path
// between two of them leaves v).
class Dpor::Reversal final : public WakeupTree::Sequence {
 public:
  Reversal(const Dpor& dpor, std::uint32_t j, std::uint32_t e)
      : dpor_(dpor), next_(dpor.stride_, kNone) {
    for (std::uint32_t i = j + 1; i < e; ++i) {
      if (!dpor.before(j, i)) steps_.push_back(i);
    }
    steps_.push_back(e);
    for (std::uint32_t x = static_cast<std::uint32_t>(steps_.size()); x-- > 0;) {
      next_[dpor.states_[steps_[x]].thread] = x;
    }
    left_ = steps_.size();
  }

  bool empty() const override { return left_ == 0; }

  // The thread's first step left in v is an initial of v: no other thread's first
  // step precedes it.
  bool initial(std::uint32_t thread) const {
    const std::uint32_t first = next_[thread];
    if (first == kNone) return false;
    for (std::uint32_t r = 0; r < next_.size(); ++r) {
      if (r != thread && next_[r] != kNone && dpor_.before(steps_[next_[r]], steps_[first])) return false;
    }
    return true;
  }

  bool weak_initial(const SeenStep& step) const override {
    if (next_[step.thread] != kNone) return initial(step.thread);
    for (std::uint32_t x = 0; x < steps_.size(); ++x) {  // independent of all of v
      if (!taken(x) && step.footprint.dependent(dpor_.states_[steps_[x]].footprint)) return false;
    }
    return true;
  }

  void remove(std::uint32_t thread) override {
    std::uint32_t& x = next_[thread];
    if (x == kNone) return;
    --left_;
    std::uint32_t y = x + 1;
    while (y < steps_.size() && dpor_.states_[steps_[y]].thread != thread) ++y;
    x = y < steps_.size() ? y : kNone;
  }

  std::vector<SeenStep> rest() const override {
    std::vector<SeenStep> out;
    for (std::uint32_t x = 0; x < steps_.size(); ++x) {
      if (taken(x)) continue;
      const State& state = dpor_.states_[steps_[x]];
      out.push_back(SeenStep{state.thread, state.footprint});
    }
    return out;
  }

 private:
  // Steps of a thread are consumed from its first: x is gone iff its thread's next
  // step comes after it.
  bool taken(std::uint32_t x) const {
    const std::uint32_t first = next_[dpor_.states_[steps_[x]].thread];
    return first == kNone || first > x;
  }

  const Dpor& dpor_;
  std::vector<std::uint32_t> steps_;
  std::vector<std::uint32_t> next_;  // per thread: index in steps_ of its first step left
  std::size_t left_ = 0;
};

void Dpor::insert_wakeup(std::uint32_t j, std::uint32_t e) {
  Reversal v(*this, j, e);
  State& state = states_[j];
  // A thread asleep at j that is a weak initial of v already covers it.
  for (const std::vector<SeenStep>* set : {&state.sleep, &state.explored}) {
    for (const SeenStep& asleep : *set) {
      // One asleep since state s' at or above the shard split covers v only as an
      // initial of it. Its step p commutes with the steps from s' to j (it stayed
      // asleep) and, as an initial, with the steps of v before it, so every maximal
      // extension of v is equivalent to one that takes p at s': a trace of p's
      // alternative there, which the enumeration and DPOR below it reach in full
      // (in whichever shard owns it). A weak initial that is only independent of v
      // would need a race reversed at or above the split in that alternative, and
      // those races are dropped (the enumeration stands for them).
      if (asleep.outside ? v.initial(asleep.thread) : v.weak_initial(asleep)) return;
    }
  }
  state.wakeup.insert(v);
}

}  // namespace lockstep::internal
