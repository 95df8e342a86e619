#include "sync/lock_events.h"

#include <stdexcept>

namespace lockstep::internal {

void check_acquire_arguments(bool blocking, double timeout) {
  if (!blocking && timeout != -1) {
    throw std::invalid_argument("can't specify a timeout for a non-blocking call");
  }
  if (timeout < 0 && timeout != -1) {
    throw std::invalid_argument("timeout value must be a non-negative number (or -1: none)");
  }
}

void report_self_deadlock(Execution& ex, ModelObject& object, const SourceLocation& location) {
  const std::uint32_t id = object.bind(ex);
  Finding finding;
  finding.kind = FindingKind::kSelfDeadlock;
  finding.threads = {ex.current()};
  finding.objects = {ex.object_name(id)};
  finding.locations = {ex.locate(location)};
  finding.message = "t" + std::to_string(ex.current()) + " acquires " + ex.object_name(id) +
                    ", which it already holds (not reentrant)";
  ex.report(std::move(finding), /*fatal=*/true);
}

}  // namespace lockstep::internal
