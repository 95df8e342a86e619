// lockstep/finding.h — what a checker or the runtime found in one execution.
//
// A Finding is plain data: its kind (one row of LOCKSTEP_FINDING_KINDS), a severity,
// the logical threads and objects involved, the source locations, and a one-line
// message. Printers format findings; they never compute them.
#pragma once

#include <cstdint>
#include <optional>
#include "lockstep/source_location.h"
#include <string>
#include <string_view>
#include <vector>

namespace lockstep {

// One row per finding kind: enumerator, identifier (used by LOCKSTEP_SCENARIO
// expectations: `deadlock`, `self_deadlock`, ...), stable name (reports, JSON, the CLI),
// and what it means.
#define LOCKSTEP_FINDING_KINDS(X)                                                          \
  X(kDeadlock, deadlock, "deadlock", "threads wait for each other in a cycle, or all wait") \
  X(kSelfDeadlock, self_deadlock, "self-deadlock",                                         \
    "a thread waits for a non-reentrant lock it holds itself")                             \
  X(kAssertion, assertion, "assertion", "LOCKSTEP_ASSERT or a GoogleTest assertion failed") \
  X(kException, exception, "exception", "an exception escaped a logical thread")          \
  X(kStepBound, step_bound, "step-bound", "the execution did not terminate within max-steps") \
  X(kStalled, stalled, "stalled", "a thread blocked or spun outside lockstep's control")  \
  X(kNondeterminism, nondeterminism, "nondeterminism",                                     \
    "re-running a schedule gave a different result")                                       \
  X(kDataRace, data_race, "data-race",                                                     \
    "two threads access the same Shared variable, one writes, neither happens before the other") \
  X(kPotentialDeadlock, potential_deadlock, "potential-deadlock",                          \
    "locks are taken in a cyclic order, but no schedule was steered into the deadlock")    \
  X(kLivelock, livelock, "livelock",                                                       \
    "threads keep running but repeat the same states without progress (a lasso)")          \
  X(kMisuse, misuse, "misuse",                                                             \
    "a lock, condition, semaphore or thread is used against its contract")

enum class FindingKind : std::uint8_t {
#define LOCKSTEP_X(id, ident, name, doc) id,
  LOCKSTEP_FINDING_KINDS(LOCKSTEP_X)
#undef LOCKSTEP_X
};

// The stable name of a kind ("deadlock", ...).
std::string_view finding_kind_name(FindingKind kind);
// One sentence describing the kind.
std::string_view finding_kind_description(FindingKind kind);
// Parses a stable name; nullopt when unknown.
std::optional<FindingKind> parse_finding_kind(std::string_view name);
// All kinds, in table order.
const std::vector<FindingKind>& all_finding_kinds();

enum class Severity : std::uint8_t { kWarning, kError };

// A source location owned by the finding (SourceLocation's strings are static,
// but reports outlive nothing they point into this way).
struct Location {
  std::string file;
  std::uint32_t line = 0;
  std::string function;
  // Return addresses captured during a traced re-run when `file` is inside lockstep or
  // the standard library; the report replaces file/line with the user's frame.
  std::vector<std::uintptr_t> stack;

  static Location from(const SourceLocation& loc);
  // "file:line" with the file shortened to its last two path components.
  std::string short_text() const;
  friend bool operator==(const Location& a, const Location& b) {
    return a.line == b.line && a.file == b.file && a.function == b.function;
  }
};

struct Finding {
  FindingKind kind = FindingKind::kAssertion;
  Severity severity = Severity::kError;
  std::vector<std::uint32_t> threads;  // logical thread ids involved
  std::vector<std::string> objects;    // names of the objects involved
  std::vector<Location> locations;     // source locations, most relevant first
  std::string message;                 // one line, no trailing newline
  std::string details;                 // optional multi-line text (a cycle, a stack of waits)
  // Optional Graphviz digraph of the finding (a wait-for cycle, a lock-order cycle) for
  // printers that draw; the text report shows the same in `details`.
  std::string dot;

  // Two findings are "the same failure" when kind, message and locations agree; this
  // is what the determinism check and the shrinker compare.
  bool same_failure(const Finding& other) const;
};

}  // namespace lockstep
