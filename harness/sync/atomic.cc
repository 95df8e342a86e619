#include "lockstep/sync/atomic.h"

#include "runtime/execution.h"

namespace lockstep {
namespace internal {

// While tearing down, point() returns false (or unwinds the thread); the operation
// still takes effect, so destructors that run during unwinding keep their meaning,
// but no event is emitted (see atomic_event).
void atomic_point(ModelObject* object, OpKind op, const SourceLocation& location) {
  if (Execution* ex = current_execution()) ex->point(object, op, Wait::kNever, location);
}

void atomic_event(ModelObject* object, OpKind op, std::memory_order order, bool has_value,
                  std::int64_t value, const SourceLocation& location) {
  Execution* ex = current_execution();
  if (ex == nullptr || ex->aborting()) return;
  OpEvent event;
  event.op = op;
  event.order = to_order(order);
  event.has_value = has_value;
  event.value = value;
  event.location = location;
  ex->emit(event, object);
}

}  // namespace internal

void atomic_thread_fence(std::memory_order order, SourceLocation location) {
  internal::Execution* ex = internal::current_execution();
  if (ex != nullptr && !ex->point(nullptr, OpKind::kFence, internal::Wait::kNever, location)) return;
  std::atomic_thread_fence(order);
  if (ex == nullptr) return;
  OpEvent event;
  event.op = OpKind::kFence;
  event.order = internal::to_order(order);
  event.location = location;
  ex->emit(event, nullptr);
}

}  // namespace lockstep
