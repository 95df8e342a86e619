#include "lockstep/internal/wait_queue.h"

#include <algorithm>

#include "runtime/execution.h"

namespace lockstep::internal {

// Model updates run in ModelAccess scopes: the waiter list allocates, and logical
// threads switch without synchronising (see fiber_switch.h).
void WaitQueue::enter(Execution& ex, const SourceLocation& location) {
  const ModelAccess access;
  bind(ex);
  waiters_.push_back(Waiter{ex.current(), false});
  OpEvent event;
  event.op = OpKind::kWait;
  event.location = location;
  ex.emit(event, this);
}

OpResult WaitQueue::await(Execution& ex, bool timed, const SourceLocation& location) {
  const ModelAccess access;
  // Spurious wakeups are std's (condition_variable); Python's Condition.wait returns
  // only when notified or timed out, so the option does not apply to it.
  const bool spurious = ex.spurious_wakeups() && kind() != ObjectKind::kCondition;
  const Wait wait = timed || spurious ? Wait::kTimed : Wait::kReady;
  const bool notified = ex.point(this, OpKind::kWake, wait, location) && ready(ex.current(), OpKind::kWake);
  if (ex.aborting()) return OpResult::kTimeout;
  leave(ex);
  const std::uint32_t me = ex.current();
  const OpResult result = notified ? OpResult::kOk : timed ? OpResult::kTimeout : OpResult::kSpurious;
  if (notified) announce_acquire(this);
  OpEvent event;
  event.op = OpKind::kWake;
  event.result = result;
  event.other = me;
  event.location = location;
  ex.emit(event, this);
  return result;
}

void WaitQueue::leave(Execution& ex) {
  const ModelAccess access;
  const std::uint32_t me = ex.current();
  waiters_.erase(std::remove_if(waiters_.begin(), waiters_.end(),
                                [me](const Waiter& w) { return w.thread == me; }),
                 waiters_.end());
}

void WaitQueue::refuse(Execution& ex, OpKind op, const SourceLocation& location) {
  if (ex.aborting()) return;  // the release threw Abort: the thread unwinds, no misuse
  OpEvent event;
  event.op = op;
  event.result = OpResult::kRefused;
  event.location = location;
  ex.emit(event, this);
}

void WaitQueue::notify(Execution& ex, std::size_t n, const SourceLocation& location) {
  const ModelAccess access;
  const OpKind op = n == 1 ? OpKind::kNotifyOne : OpKind::kNotifyAll;
  if (!ex.point(this, op, Wait::kNever, location)) return;
  announce_release(this);
  OpEvent event;
  event.op = op;
  event.location = location;
  std::vector<std::size_t> candidates;
  for (std::size_t i = 0; i < waiters_.size(); ++i) {
    if (!waiters_[i].notified) candidates.push_back(i);
  }
  while (n > 0 && !candidates.empty()) {
    // Which waiter wakes is unspecified by std and Python: a recorded choice.
    const std::size_t pick =
        n >= candidates.size() ? 0 : ex.choose(static_cast<std::uint32_t>(candidates.size()));
    Waiter& woken = waiters_[candidates[pick]];
    woken.notified = true;
    event.other = woken.thread;
    candidates.erase(candidates.begin() + static_cast<std::ptrdiff_t>(pick));
    --n;
  }
  ex.emit(event, this);
}

bool WaitQueue::ready(std::uint32_t thread, OpKind) const {
  for (const Waiter& waiter : waiters_) {
    if (waiter.thread == thread) return waiter.notified;
  }
  return false;
}

std::string WaitQueue::state_text() const {
  std::size_t waiting = 0;
  for (const Waiter& waiter : waiters_) waiting += waiter.notified ? 0 : 1;
  return "not notified; " + std::to_string(waiting) + " waiter" + (waiting == 1 ? "" : "s");
}

}  // namespace lockstep::internal
