#include "lockstep/sync/condition_variable.h"

#include "runtime/execution.h"

namespace lockstep {

void ConditionVariableAny::notify(std::size_t n, const SourceLocation& location) {
  if (internal::Execution* ex = internal::current_execution()) {
    queue_.notify(*ex, n, location);
    return;
  }
  if (n == 1) {
    real_.notify_one();
  } else {
    real_.notify_all();
  }
}

}  // namespace lockstep
