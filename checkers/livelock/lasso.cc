#include "livelock/lasso.h"

#include <algorithm>
#include <string>

namespace lockstep::checkers {
namespace {

// splitmix64's finaliser: spreads each field over the whole word before XORing.
std::uint64_t mix(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

std::uint64_t combine(std::uint64_t seed, std::uint64_t value) { return mix(seed ^ mix(value)); }

bool is_acquire(OpKind op) {
  return op == OpKind::kAcquire || op == OpKind::kTryAcquire || op == OpKind::kAcquireShared ||
         op == OpKind::kTryAcquireShared;
}

std::string thread_list(const std::vector<std::uint32_t>& threads) {
  std::string text;
  for (std::size_t i = 0; i < threads.size(); ++i) {
    if (i != 0) text += i + 1 == threads.size() ? " and " : ", ";
    text += "t" + std::to_string(threads[i]);
  }
  return text;
}

std::string result_text(const OpEvent& event) {
  switch (event.result) {
    case OpResult::kOk: return {};
    case OpResult::kFailed: return "failed";
    case OpResult::kTimeout: return "timeout";
    case OpResult::kRefused: return "refused";
    case OpResult::kSpurious: return "spurious";
  }
  return {};
}

}  // namespace

Lasso::Lasso() : ring_(kRing) {}

void Lasso::begin_execution(const ExecutionView&) {
  hash_ = 0;
  last_step_ = ~std::uint64_t{0};
  events_ = 0;
  start_ = 0;
  saved_hash_ = 0;
  saved_index_ = 0;
  window_ = kFirstWindow;
  reported_ = false;
  std::fill(objects_.begin(), objects_.end(), ObjectTrack{});
  std::fill(threads_.begin(), threads_.end(), ThreadTrack{});
}

bool Lasso::no_effect(const OpEvent& event, ThreadTrack& thread) {
  // The yields of runtime/fairness.h, decided the same way.
  if (event.result != OpResult::kOk || event.op == OpKind::kYield) return true;
  if ((event.op != OpKind::kLoad && event.op != OpKind::kRead) || !event.has_value) return false;
  const auto line = static_cast<std::uint32_t>(event.location.line());
  const bool again = event.object != 0 && thread.read_object == event.object &&
                     thread.read_line == line && thread.read_file == event.location.file_name() &&
                     thread.read_value == event.value;
  thread.read_object = event.object;
  thread.read_line = line;
  thread.read_file = event.location.file_name();
  thread.read_value = event.value;
  return again;
}

void Lasso::update_object(const OpEvent& event) {
  if (event.object >= objects_.size()) objects_.resize(event.object + 1);
  ObjectTrack& object = objects_[event.object];
  if (event.has_value) object.value = event.value;
  if (event.result == OpResult::kOk) {
    if (is_acquire(event.op)) {
      ++object.count;
      object.owner = event.thread;
    } else if (event.op == OpKind::kRelease || event.op == OpKind::kReleaseShared) {
      if (--object.count == 0) object.owner = ~std::uint32_t{0};
    } else if (event.op == OpKind::kPut) {
      ++object.count;
    } else if (event.op == OpKind::kGet) {
      --object.count;
    } else if (event.op == OpKind::kSet || event.op == OpKind::kClear) {
      object.value = event.op == OpKind::kSet ? 1 : 0;
    }
  }
  std::uint64_t component = combine(event.object, static_cast<std::uint64_t>(object.value));
  component = combine(component, static_cast<std::uint64_t>(object.count));
  component = combine(component, object.owner);
  hash_ ^= object.component ^ component;
  object.component = component;
}

void Lasso::on_event(const OpEvent& event, const ExecutionView& view, FindingSink& sink) {
  if (reported_) return;
  if (event.object != 0) update_object(event);
  if (event.thread >= threads_.size()) threads_.resize(event.thread + 1);
  ThreadTrack& thread = threads_[event.thread];
  // Only a yield at a scheduling point counts: a spin loop always has one (else the
  // watchdog reports it as stalled), while straight-line code may read the same value
  // twice at one library location (Shared<T>'s conversion) without a point between.
  const bool at_point = event.step != last_step_;
  last_step_ = event.step;
  const bool yield = no_effect(event, thread) && at_point;
  // Where the thread is: its last operation, its result and the value it read or wrote
  // (the file name's address is stable within the process and only ever compared).
  std::uint64_t component = combine(event.thread, static_cast<std::uint64_t>(event.op));
  component = combine(component, static_cast<std::uint64_t>(event.result));
  // What it saw decides where it goes next (a loop's exit test read 1, not 0).
  if (event.has_value) component = combine(component, static_cast<std::uint64_t>(event.value));
  component = combine(component, event.location.line());
  component = combine(component, reinterpret_cast<std::uintptr_t>(event.location.file_name()));
  hash_ ^= thread.component ^ component;
  thread.component = component;

  const std::uint64_t index = events_++;
  if (yield) thread.last_yield = index;
  Entry& entry = ring_[index & (kRing - 1)];
  entry.hash = hash_;
  entry.no_effect = yield;
  entry.number = view.event_count();
  entry.event = event;
  if (event.op == OpKind::kProgress || event.op == OpKind::kThreadEnd) {
    start_ = index;  // a cycle may start here, never before
    saved_hash_ = hash_;
    saved_index_ = index;
    window_ = kFirstWindow;
    return;
  }
  // A cycle ending here contains a yield of this thread since the last progress: without
  // one (a lock ping-pong counting in a plain int) the search is not even started.
  if (hash_ == saved_hash_ && index != saved_index_ && thread.last_yield != kNever &&
      thread.last_yield > start_) [[unlikely]] {
    if (find_cycle(index, view, sink)) return;
  }
  if (index - saved_index_ >= window_) {
    saved_hash_ = hash_;
    saved_index_ = index;
    if (window_ < kRing / 2) window_ *= 2;
  }
}

bool Lasso::find_cycle(std::uint64_t index, const ExecutionView& view, FindingSink& sink) {
  const std::uint32_t threads = view.thread_count();
  seen_.assign(threads, 0);
  yielded_.assign(threads, 0);
  const std::uint64_t lowest = std::max(start_, index >= kRing - 1 ? index - (kRing - 1) : 0);
  // The state must have come back twice: its latest cycle, and one before it (a valid
  // cycle each), so a single coincidental repetition is never reported.
  std::uint64_t cycle_start = 0;
  bool first_found = false;
  for (std::uint64_t from = index; from-- > lowest;) {
    const Entry& next = ring_[(from + 1) & (kRing - 1)];
    if (next.event.thread < threads) {
      seen_[next.event.thread] = 1;
      yielded_[next.event.thread] |= next.no_effect ? 1 : 0;
    }
    if (ring_[from & (kRing - 1)].hash != hash_) continue;
    // Every enabled thread ran in the cycle, and every thread that ran only spun.
    bool valid = true;
    for (std::uint32_t t = 0; t < threads && valid; ++t) {
      const ThreadState state = view.thread_state(t);
      const bool enabled = state == ThreadState::kRunning || state == ThreadState::kNotStarted;
      if (enabled && seen_[t] == 0) valid = false;
      if (seen_[t] != 0 && yielded_[t] == 0) valid = false;
    }
    if (!valid) continue;
    if (!first_found) {
      first_found = true;
      cycle_start = from;
      std::fill(seen_.begin(), seen_.end(), 0);
      std::fill(yielded_.begin(), yielded_.end(), 0);
      continue;
    }
    report(cycle_start, index, view, sink);
    reported_ = true;
    return true;
  }
  return false;
}

void Lasso::report(std::uint64_t from, std::uint64_t index, const ExecutionView& view,
                   FindingSink& sink) const {
  Finding finding;
  finding.kind = FindingKind::kLivelock;
  std::vector<std::uint8_t> in_cycle(view.thread_count(), 0);
  std::string steps;
  for (std::uint64_t i = from + 1; i <= index; ++i) {
    const Entry& entry = ring_[i & (kRing - 1)];
    const OpEvent& event = entry.event;
    if (event.thread < in_cycle.size()) in_cycle[event.thread] = 1;
    std::string line = "  #" + std::to_string(entry.number) + "  t" + std::to_string(event.thread) +
                       "  " + std::string(op_kind_name(event.op));
    if (event.object != 0) line += " " + view.object_name(event.object);
    const std::string result = result_text(event);
    if (!result.empty()) line += " " + result;
    if (event.has_value) line += " = " + std::to_string(event.value);
    const Location location = Location::from(event.location);
    if (location.line != 0) line += "  @" + location.short_text();
    steps += line + "\n";
    if (location.line != 0 && finding.locations.size() < 4 &&
        std::find(finding.locations.begin(), finding.locations.end(), location) ==
            finding.locations.end()) {
      finding.locations.push_back(location);
    }
  }
  for (std::uint32_t t = 0; t < in_cycle.size(); ++t) {
    if (in_cycle[t] != 0) finding.threads.push_back(t);
  }
  const std::uint64_t prefix = ring_[from & (kRing - 1)].number;
  const std::uint64_t last = ring_[index & (kRing - 1)].number;
  const std::uint64_t length = index - from;
  finding.message = thread_list(finding.threads) + " repeat a cycle of " + std::to_string(length) +
                    (length == 1 ? " operation" : " operations") +
                    " without progress: the state after operation #" + std::to_string(last) +
                    " is the state after #" + std::to_string(prefix);
  finding.details = "prefix: operations #1 to #" + std::to_string(prefix) +
                    " (the state the cycle returns to)\n"
                    "cycle: operations #" + std::to_string(prefix + 1) + " to #" +
                    std::to_string(last) + ", repeating forever under fair scheduling:\n" +
                    steps +
                    "every thread in the cycle only yields, fails a try-lock, times out or "
                    "re-reads an unchanged value; no progress() mark, no thread ended";
  sink.report_fatal(std::move(finding));
}

}  // namespace lockstep::checkers
