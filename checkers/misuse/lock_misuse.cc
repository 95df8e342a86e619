#include "misuse/lock_misuse.h"

#include <algorithm>
#include <string>

#include "misuse/misuse_finding.h"

namespace lockstep::checkers {
namespace {

bool is_std_wait_kind(ObjectKind kind) {
  return kind == ObjectKind::kConditionVariable || kind == ObjectKind::kConditionVariableAny;
}

bool is_reentrant(ObjectKind kind) {
  return kind == ObjectKind::kRLock || kind == ObjectKind::kRecursiveMutex;
}

// The levels a lock event takes or gives back (see emit_lock_event): 0 means 1.
std::uint32_t levels_of(const OpEvent& event) {
  return event.value > 0 ? static_cast<std::uint32_t>(event.value) : 1;
}

std::string thread_name(std::uint32_t thread) { return "t" + std::to_string(thread); }

std::string times(std::uint32_t count) {
  return count == 1 ? "once" : std::to_string(count) + " times";
}

}  // namespace

void LockMisuse::begin_execution(const ExecutionView& view) {
  traced_ = view.traced();
  holds_.clear();
  readers_.clear();
  waiting_on_.clear();
  refused_thread_ = kNobody;
}

LockMisuse::Hold& LockMisuse::grow_holds(std::uint32_t object) {
  holds_.resize(object + 1);
  return holds_[object];
}

void LockMisuse::on_event(const OpEvent& event, const ExecutionView& view, FindingSink& sink) {
  switch (event.op) {
    case OpKind::kAcquire:
    case OpKind::kTryAcquire:
    case OpKind::kAcquireShared:
    case OpKind::kTryAcquireShared:
      if (!is_lock_kind(event.object_kind)) return;
      if (event.result == OpResult::kOk) {
        on_acquired(event, view);
      } else {
        on_failed_acquire(event, view, sink);
      }
      return;
    case OpKind::kRelease:
    case OpKind::kReleaseShared:
      if (event.result == OpResult::kRefused) {
        on_refused(event, view, sink);
      } else if (is_lock_kind(event.object_kind)) {
        on_released(event, view, sink);
      }
      return;
    case OpKind::kWait:
      if (event.result == OpResult::kRefused) {
        on_refused(event, view, sink);
      } else if (is_std_wait_kind(event.object_kind)) {
        if (event.thread >= waiting_on_.size()) waiting_on_.resize(event.thread + 1, 0);
        waiting_on_[event.thread] = event.object;
      }
      return;
    case OpKind::kNotifyOne:
    case OpKind::kNotifyAll:
      if (event.result == OpResult::kRefused) on_refused(event, view, sink);
      return;
    case OpKind::kThreadEnd:
      on_thread_end(event.other, view, sink);
      return;
    case OpKind::kDestroy:
      if (is_lock_kind(event.object_kind)) on_destroy(event, view, sink);
      return;
    default:
      return;
  }
}

void LockMisuse::on_acquired(const OpEvent& event, const ExecutionView& view) {
  const bool shared = event.op == OpKind::kAcquireShared || event.op == OpKind::kTryAcquireShared;
  if (shared) {
    readers_.push_back(Reader{event.object, event.thread, event.location});
    return;
  }
  Hold& h = hold(event.object);
  h.kind = event.object_kind;
  if (h.count == 0 || h.holder != event.thread) {
    h.holder = event.thread;
    h.count = 0;
    h.acquired = event.location;
    h.acquired_stack.clear();
    if (traced_) [[unlikely]] h.acquired_stack = view.locate(event.location).stack;
  }
  h.count += levels_of(event);
}

void LockMisuse::on_released(const OpEvent& event, const ExecutionView& view, FindingSink& sink) {
  if (event.op == OpKind::kReleaseShared) {
    const auto it = std::find_if(readers_.begin(), readers_.end(), [&](const Reader& r) {
      return r.object == event.object && r.thread == event.thread;
    });
    if (it != readers_.end()) readers_.erase(it);
    return;
  }
  Hold& h = hold(event.object);
  h.kind = event.object_kind;
  const std::uint32_t acquirer = h.holder;
  const std::uint32_t levels = levels_of(event);
  h.count = h.count > levels ? h.count - levels : 0;
  if (h.count == 0) h.holder = kNobody;

  // A std-style wait releases one level only: with more held, the lock stays held by the
  // waiter while it sleeps, and nobody else can take it to notify.
  if (event.thread < waiting_on_.size() && waiting_on_[event.thread] != 0) {
    const std::uint32_t condition = waiting_on_[event.thread];
    waiting_on_[event.thread] = 0;
    if (h.count > 0 && !h.reported) {
      h.reported = true;
      Finding finding = misuse_finding(
          event.thread,
          thread_name(event.thread) + " waits on " + view.object_name(condition) + " with " +
              view.object_name(event.object) + " held " + times(h.count + 1) +
              ": a std-style wait releases one level, so the lock stays held while it waits");
      finding.objects = {view.object_name(condition), view.object_name(event.object)};
      finding.locations = {view.locate(event.location), acquisition(event.object)};
      sink.report(std::move(finding));
    }
  }

  // A Lock has no owner: another thread may release it (Python), suspicious in strict mode.
  if (event.object_kind == ObjectKind::kLock && view.strict() && acquirer != kNobody &&
      acquirer != event.thread) {
    Finding finding = misuse_finding(
        event.thread, thread_name(event.thread) + " releases " + view.object_name(event.object) +
                          " acquired by " + thread_name(acquirer) +
                          " (legal for a Python Lock; reported in strict mode)");
    finding.threads.push_back(acquirer);
    finding.objects = {view.object_name(event.object)};
    finding.locations = {view.locate(event.location)};
    const Hold& released = holds_[event.object];
    Location acquired = Location::from(released.acquired);
    acquired.stack = released.acquired_stack;
    finding.locations.push_back(std::move(acquired));
    sink.report(std::move(finding));
  }
}

void LockMisuse::on_failed_acquire(const OpEvent& event, const ExecutionView& view, FindingSink& sink) {
  // std: try_lock / try_lock_for on a non-recursive mutex the caller already holds is
  // undefined. Python's Lock.acquire(blocking=False) by its holder just returns False.
  if (event.object_kind == ObjectKind::kLock || is_reentrant(event.object_kind)) return;
  Hold& h = hold(event.object);
  const bool mine = (h.count > 0 && h.holder == event.thread) || held_shared(event.object, event.thread);
  if (!mine || h.reported) return;
  h.reported = true;
  Finding finding = misuse_finding(
      event.thread, thread_name(event.thread) + " tries to lock " + view.object_name(event.object) +
                        ", which it already holds (undefined for a non-recursive std mutex)");
  finding.objects = {view.object_name(event.object)};
  finding.locations = {view.locate(event.location)};
  if (h.count > 0) finding.locations.push_back(acquisition(event.object));
  sink.report(std::move(finding));
}

void LockMisuse::on_refused(const OpEvent& event, const ExecutionView& view, FindingSink& sink) {
  const std::string me = thread_name(event.thread);
  const std::string name = view.object_name(event.object);
  Finding finding = misuse_finding(event.thread, "");
  finding.objects = {name};
  finding.locations = {view.locate(event.location)};
  if (event.op == OpKind::kRelease || event.op == OpKind::kReleaseShared) {
    refused_thread_ = event.thread;
    refused_step_ = event.step;
    if (event.object_kind == ObjectKind::kBoundedSemaphore) {
      finding.message = me + " releases " + name + " more times than it was acquired (its value " +
                        "would exceed its initial value " + std::to_string(event.value) + ")";
    } else if (event.object_kind == ObjectKind::kSemaphore) {
      finding.message = me + " releases " + name + " beyond its largest value";
    } else if (event.op == OpKind::kReleaseShared) {
      finding.message = me + " releases " + name + " shared, which it does not hold shared";
    } else {
      const Hold& h = hold(event.object);
      if (h.count == 0) {
        finding.message = me + " releases " + name + ", which is not held";
      } else {
        finding.message = me + " releases " + name + " owned by " + thread_name(h.holder);
        finding.threads.push_back(h.holder);
        finding.locations.push_back(acquisition(event.object));
      }
    }
    sink.report(std::move(finding));
    return;
  }
  // A wait refused because releasing its lock was refused: one misuse, reported already.
  if (event.op == OpKind::kWait && refused_thread_ == event.thread && refused_step_ == event.step) {
    return;
  }
  const char* what = event.op == OpKind::kWait ? " waits on " : " notifies ";
  finding.message = me + what + name + " without holding its lock";
  sink.report(std::move(finding));
}

void LockMisuse::on_thread_end(std::uint32_t thread, const ExecutionView& view, FindingSink& sink) {
  for (std::uint32_t object = 0; object < holds_.size(); ++object) {
    Hold& h = holds_[object];
    if (h.count == 0 || h.holder != thread || h.reported) continue;
    if (h.kind == ObjectKind::kLock && !view.strict()) continue;  // a Lock may be handed off
    h.reported = true;
    Finding finding = misuse_finding(thread, thread_name(thread) + " exits holding " +
                                                 view.object_name(object) + " (" +
                                                 (is_reentrant(h.kind) ? "held " + times(h.count) + ", " : "") +
                                                 "acquired at " +
                                                 Location::from(h.acquired).short_text() + ")");
    finding.objects = {view.object_name(object)};
    finding.locations = {acquisition(object)};
    sink.report(std::move(finding));
  }
  for (const Reader& reader : readers_) {
    if (reader.thread != thread) continue;
    Hold& h = hold(reader.object);
    if (h.reported) continue;
    h.reported = true;
    Finding finding = misuse_finding(thread, thread_name(thread) + " exits holding " +
                                                 view.object_name(reader.object) + " shared");
    finding.objects = {view.object_name(reader.object)};
    finding.locations = {Location::from(reader.acquired)};
    sink.report(std::move(finding));
  }
}

void LockMisuse::on_destroy(const OpEvent& event, const ExecutionView& view, FindingSink& sink) {
  Hold& h = hold(event.object);
  std::uint32_t holder = h.count > 0 ? h.holder : kNobody;
  SourceLocation acquired = h.acquired;
  if (holder == kNobody) {
    for (const Reader& reader : readers_) {
      if (reader.object != event.object) continue;
      holder = reader.thread;
      acquired = reader.acquired;
      break;
    }
  }
  if (holder == kNobody || h.reported) return;
  h.reported = true;
  Finding finding = misuse_finding(
      event.thread, view.object_name(event.object) + " is destroyed while held by " +
                        thread_name(holder) + " (acquired at " +
                        Location::from(acquired).short_text() + ")");
  if (holder != event.thread) finding.threads.push_back(holder);
  finding.objects = {view.object_name(event.object)};
  Location where = Location::from(acquired);
  if (h.count > 0) where.stack = h.acquired_stack;
  finding.locations = {std::move(where), view.locate(event.location)};
  sink.report(std::move(finding));
}

void LockMisuse::end_execution(const ExecutionView& view, FindingSink& sink) {
  // Every thread has finished: the holds left are Locks (owned locks were reported at
  // their holder's exit), which nobody can release any more.
  for (std::uint32_t object = 0; object < holds_.size(); ++object) {
    Hold& h = holds_[object];
    if (h.count == 0 || h.reported) continue;
    h.reported = true;
    Finding finding = misuse_finding(h.holder, view.object_name(object) +
                                                   " is still held when the scenario ends (acquired by " +
                                                   thread_name(h.holder) + " at " +
                                                   Location::from(h.acquired).short_text() + ")");
    finding.objects = {view.object_name(object)};
    finding.locations = {acquisition(object)};
    sink.report(std::move(finding));
  }
}

bool LockMisuse::held_shared(std::uint32_t object, std::uint32_t thread) const {
  return std::any_of(readers_.begin(), readers_.end(),
                     [&](const Reader& r) { return r.object == object && r.thread == thread; });
}

Location LockMisuse::acquisition(std::uint32_t object) const {
  const Hold& h = holds_[object];
  Location location = Location::from(h.acquired);
  location.stack = h.acquired_stack;
  return location;
}

}  // namespace lockstep::checkers
