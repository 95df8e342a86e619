#include "race/race_checker.h"

#include <string>

namespace lockstep::checkers {
namespace {

bool is_lock(ObjectKind kind) {
  switch (kind) {
    case ObjectKind::kLock:
    case ObjectKind::kRLock:
    case ObjectKind::kMutex:
    case ObjectKind::kRecursiveMutex:
    case ObjectKind::kTimedMutex:
    case ObjectKind::kSharedMutex:
      return true;
    default:
      return false;
  }
}

bool acquires(MemoryOrder order) {
  return order == MemoryOrder::kAcquire || order == MemoryOrder::kConsume ||
         order == MemoryOrder::kAcqRel || order == MemoryOrder::kSeqCst;
}

bool releases(MemoryOrder order) {
  return order == MemoryOrder::kRelease || order == MemoryOrder::kAcqRel ||
         order == MemoryOrder::kSeqCst;
}

}  // namespace

void RaceChecker::begin_execution(const ExecutionView& view) {
  hb_.reset();
  for (auto& locks : held_) locks.clear();
  for (std::uint32_t i = 0; i < touched_ && i < accesses_.size(); ++i) {
    accesses_[i].write.valid = false;
    for (Access& read : accesses_[i].reads) read.valid = false;
  }
  touched_ = 0;
  reported_now_.clear();
  traced_ = view.traced();
  stacks_.clear();
  if (view.execution_index() != execution_) {
    execution_ = view.execution_index();
    reported_here_.clear();
  }
}

void RaceChecker::on_lock(const OpEvent& event) {
  if (!traced_ || !is_lock(event.object_kind)) return;
  if (event.thread >= held_.size()) held_.resize(event.thread + 1);
  std::vector<std::uint32_t>& locks = held_[event.thread];
  if (event.op == OpKind::kRelease || event.op == OpKind::kReleaseShared) {
    for (std::size_t i = locks.size(); i-- > 0;) {
      if (locks[i] == event.object) {
        locks.erase(locks.begin() + static_cast<std::ptrdiff_t>(i));
        break;
      }
    }
  } else {
    locks.push_back(event.object);
  }
}

Location RaceChecker::located(const Access& access) const {
  Location location = Location::from(access.location);
  if (access.stack != 0) location.stack = stacks_[access.stack - 1];
  return location;
}

inline void RaceChecker::record(Access& into, const OpEvent& event, const ExecutionView& view) {
  into.valid = true;
  into.write = event.op == OpKind::kWrite;
  into.thread = event.thread;
  into.location = event.location;
  into.lock_count = 0;
  into.more_locks = false;
  into.stack = 0;
  if (traced_) [[unlikely]] {
    stacks_.push_back(view.locate(event.location).stack);
    into.stack = static_cast<std::uint32_t>(stacks_.size());
  }
  // Locks held are only for the report's details, which come from the failing
  // execution's traced re-run: untraced executions skip the bookkeeping.
  if (traced_ && event.thread < held_.size()) {
    for (std::uint32_t lock : held_[event.thread]) {
      if (into.lock_count == kMaxLocks) {
        into.more_locks = true;
        break;
      }
      into.locks[into.lock_count++] = lock;
    }
  }
}

void RaceChecker::on_access(const OpEvent& event, const ExecutionView& view, FindingSink& sink) {
  const bool write = event.op == OpKind::kWrite;
  const HappensBefore::Conflict conflict =
      write ? hb_.write(event.thread, event.object) : hb_.read(event.thread, event.object);
  if (event.object >= accesses_.size()) accesses_.resize(event.object + 1);
  if (event.object >= touched_) touched_ = event.object + 1;
  VariableAccesses& variable = accesses_[event.object];
  if (conflict.found) {
    const Access* before = nullptr;
    if (conflict.was_write) {
      before = &variable.write;
    } else if (conflict.thread < variable.reads.size()) {
      before = &variable.reads[conflict.thread];
    }
    if (before != nullptr && before->valid) {
      Access now;
      record(now, event, view);
      report(event, now, *before, view, sink);
    }
  }
  if (write) {
    record(variable.write, event, view);
  } else {
    if (event.thread >= variable.reads.size()) variable.reads.resize(event.thread + 1);
    record(variable.reads[event.thread], event, view);
  }
}

void RaceChecker::on_event(const OpEvent& event, const ExecutionView& view, FindingSink& sink) {
  // A refused operation (a misuse: join of no thread, release of an unheld lock) did
  // nothing, so it orders nothing.
  if (event.result == OpResult::kRefused) return;
  // Two small functions rather than one large one: each saves only the registers it uses.
  if (event.op == OpKind::kRead || event.op == OpKind::kWrite) {
    on_access(event, view, sink);
  } else {
    on_sync(event);
  }
}

void RaceChecker::on_sync(const OpEvent& event) {
  const bool ok = event.result == OpResult::kOk;
  switch (event.op) {
    case OpKind::kSpawn:
      hb_.spawn(event.thread, event.other);
      return;
    case OpKind::kJoin:
      hb_.join(event.thread, event.other);
      return;
    case OpKind::kLoad:
      hb_.atomic_load(event.thread, event.object, acquires(event.order));
      return;
    case OpKind::kStore:
      hb_.atomic_store(event.thread, event.object, releases(event.order));
      return;
    case OpKind::kReadModifyWrite:
      hb_.atomic_rmw(event.thread, event.object, acquires(event.order), releases(event.order));
      return;
    case OpKind::kFence:
      hb_.fence(event.thread, acquires(event.order), releases(event.order));
      return;
    case OpKind::kAcquire:
    case OpKind::kTryAcquire:
      if (!ok) return;
      if (event.object_kind == ObjectKind::kSharedMutex) {
        hb_.acquire_exclusive_after_shared(event.thread, event.object);
      } else {
        hb_.acquire(event.thread, event.object);
      }
      on_lock(event);
      return;
    case OpKind::kAcquireShared:
    case OpKind::kTryAcquireShared:
      if (!ok) return;
      hb_.acquire(event.thread, event.object);
      on_lock(event);
      return;
    case OpKind::kRelease:
      hb_.release(event.thread, event.object, /*accumulate=*/!is_lock(event.object_kind));
      on_lock(event);
      return;
    case OpKind::kReleaseShared:
      hb_.release_shared(event.thread, event.object);
      on_lock(event);
      return;
    case OpKind::kSet:
    case OpKind::kPut:
    case OpKind::kNotifyOne:
    case OpKind::kNotifyAll:
      if (ok) hb_.release(event.thread, event.object, /*accumulate=*/true);
      return;
    case OpKind::kWait:
      if (event.object_kind == ObjectKind::kBarrier) {  // arrival: publish, and see earlier ones
        hb_.release(event.thread, event.object, /*accumulate=*/true);
        hb_.acquire(event.thread, event.object);
      } else if (event.object_kind == ObjectKind::kEvent && ok) {
        hb_.acquire(event.thread, event.object);
      }
      return;
    case OpKind::kWake:
    case OpKind::kGet:
      if (ok) hb_.acquire(event.thread, event.object);
      return;
    default:
      return;
  }
}

std::string RaceChecker::describe(const Access& access, const ExecutionView& view,
                                  std::uint32_t variable) const {
  std::string text = "t" + std::to_string(access.thread) + (access.write ? " writes " : " reads ") +
                     view.object_name(variable) + " holding ";
  if (access.lock_count == 0) return text + "no lock";
  for (std::uint8_t i = 0; i < access.lock_count; ++i) {
    text += (i == 0 ? "" : ", ") + view.object_name(access.locks[i]);
  }
  return text + (access.more_locks ? ", ..." : "");
}

void RaceChecker::report(const OpEvent& event, const Access& now, const Access& before,
                         const ExecutionView& view, FindingSink& sink) {
  // The pair of locations, in a fixed order, identifies the race.
  auto key = std::make_tuple(before.location.file_name(), before.location.line(),
                             now.location.file_name(), now.location.line());
  if (std::make_pair(now.location.file_name(), now.location.line()) <
      std::make_pair(before.location.file_name(), before.location.line())) {
    key = std::make_tuple(now.location.file_name(), now.location.line(),
                          before.location.file_name(), before.location.line());
  }
  if (reported_now_.count(key) != 0) return;
  if (reported_.count(key) != 0 && reported_here_.count(key) == 0) return;
  reported_now_.insert(key);
  reported_.insert(key);
  reported_here_.insert(key);
  sink.mark_racy(event.object);

  Finding finding;
  finding.kind = FindingKind::kDataRace;
  finding.threads = {before.thread, now.thread};
  finding.objects = {view.object_name(event.object)};
  finding.locations = {located(now), located(before)};
  finding.message = "data race on " + view.object_name(event.object) + ": t" +
                    std::to_string(now.thread) + (now.write ? " writes" : " reads") + ", t" +
                    std::to_string(before.thread) + (before.write ? " wrote" : " read") +
                    " it before with no happens-before between them";
  finding.details = describe(now, view, event.object) + "\n" + describe(before, view, event.object);
  sink.report(std::move(finding));
}

}  // namespace lockstep::checkers
