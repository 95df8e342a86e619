#include "lockstep/sync/atomic.h"

#include "runtime/execution.h"

namespace lockstep {
namespace internal {

bool atomic_point(ModelObject* object, OpKind op, const SourceLocation& location) {
  Execution* ex = current_execution();
  return ex != nullptr && ex->point(object, op, Wait::kNever, location);
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
  std::atomic_thread_fence(order);
  internal::Execution* ex = internal::current_execution();
  if (ex == nullptr || !ex->point(nullptr, OpKind::kFence, internal::Wait::kNever, location)) return;
  OpEvent event;
  event.op = OpKind::kFence;
  event.order = internal::to_order(order);
  event.location = location;
  ex->emit(event, nullptr);
}

}  // namespace lockstep
