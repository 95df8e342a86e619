#include "lockstep/assert.h"

#include <string>

#include "runtime/execution.h"

namespace lockstep {

void check_assertion(bool ok, const char* expression, SourceLocation location) {
  if (ok) return;
  internal::Execution* ex = internal::current_execution();
  const std::string message = std::string("LOCKSTEP_ASSERT(") + expression + ") failed";
  if (ex == nullptr) {
    throw AssertionError(message + " at " + Location::from(location).short_text());
  }
  Finding finding;
  finding.kind = FindingKind::kAssertion;
  finding.threads = {ex->current()};
  finding.locations = {Location::from(location)};
  finding.message = message + " in t" + std::to_string(ex->current());
  ex->report(std::move(finding), /*fatal=*/true);
}

void report_assertion_failure(const std::string& message, const char* file, int line, bool fatal) {
  internal::Execution* ex = internal::current_execution();
  if (ex == nullptr || ex->aborting()) return;
  Finding finding;
  finding.kind = FindingKind::kAssertion;
  finding.threads = {ex->current()};
  finding.locations = {Location{file != nullptr ? file : "", static_cast<std::uint32_t>(line), ""}};
  finding.message = message;
  ex->report(std::move(finding), fatal);
}

}  // namespace lockstep
