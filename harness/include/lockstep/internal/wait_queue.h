// The model behind every condition primitive: the threads waiting on it, each notified
// or not. Internal: do not depend on it directly.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "lockstep/internal/runtime.h"
#include "lockstep/source_location.h"

namespace lockstep::internal {

class WaitQueue final : public ModelObject {
 public:
  WaitQueue(ObjectKind kind, const char* name, SourceLocation declared)
      : ModelObject(kind, name, declared) {}

  // Registers the running thread as a waiter (event kWait). Call before releasing the
  // associated lock, so a notify after the release cannot be lost.
  void enter(Execution& ex, const SourceLocation& location);
  // Blocks until this thread is notified; `timed`: the strategy may time it out
  // instead (logical time); with option spurious-wakeups it may also wake spuriously
  // (std kinds only: a Python Condition never does).
  // Leaves the queue and emits kWake. Returns kOk (notified), kTimeout or kSpurious.
  OpResult await(Execution& ex, bool timed, const SourceLocation& location);
  // Unregisters the running thread without waiting (no event): for a wait abandoned
  // between enter() and await(), e.g. because releasing the lock threw. A waiter left
  // behind would be a candidate for notify_one and could swallow a later notify.
  void leave(Execution& ex);
  // Emits `op` (a wait or a notify) refused as a misuse (OpResult::kRefused): the
  // caller does not hold the lock the condition requires, and throws next.
  void refuse(Execution& ex, OpKind op, const SourceLocation& location);
  // Notifies up to `n` waiters not yet notified (which ones: a strategy choice).
  void notify(Execution& ex, std::size_t n, const SourceLocation& location);
  static constexpr std::size_t kAll = ~std::size_t{0};

  bool ready(std::uint32_t thread, OpKind op) const override;
  std::string state_text() const override;

 private:
  void reset_model() override { waiters_.clear(); }
  struct Waiter {
    std::uint32_t thread;
    bool notified;
  };
  std::vector<Waiter> waiters_;
};

}  // namespace lockstep::internal
