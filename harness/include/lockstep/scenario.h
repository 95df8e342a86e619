// lockstep/scenario.h — named scenarios with an expected verdict (the catalog).
//
//   LOCKSTEP_SCENARIO(abba_deadlock, deadlock, "two threads take two locks in opposite order") {
//     ...body...
//   }
//   LOCKSTEP_SCENARIO(lost_update, assertion, "x += 1 from two threads", "shared-points=all") {
//     ...
//   }
//
// The expectation is `pass` or the identifier of a finding kind (a row of
// LOCKSTEP_FINDING_KINDS: deadlock, self_deadlock, assertion, exception, ...). The
// optional fourth argument is options text applied before LOCKSTEP_OPTIONS and the
// command line (its budget is the scenario's documented budget). Scenarios register
// themselves at static initialisation, in any binary linked with lockstep::main they
// get the `list`, `run` and `replay` commands. Names must be unique; a duplicate is
// reported and aborts at start-up.
#pragma once

#include "lockstep/source_location.h"
#include <string>
#include <string_view>
#include <vector>

#include "lockstep/finding.h"

namespace lockstep {

struct Expectation {
  bool pass = true;
  FindingKind kind = FindingKind::kDeadlock;  // meaningful when !pass

  // "pass" or the finding kind's stable name.
  std::string_view name() const { return pass ? "pass" : finding_kind_name(kind); }
};

namespace expect {
inline constexpr Expectation pass{};
#define LOCKSTEP_X(id, ident, name, doc) inline constexpr Expectation ident{false, FindingKind::id};
LOCKSTEP_FINDING_KINDS(LOCKSTEP_X)
#undef LOCKSTEP_X
}  // namespace expect

struct ScenarioInfo {
  std::string name;
  Expectation expected;
  std::string description;
  std::string options;  // "key=value ..." applied first
  void (*body)() = nullptr;
  Location where;
};

// Registers a scenario; returns true (for static initialisers).
bool register_scenario(const char* name, Expectation expected, const char* description,
                       const char* options, void (*body)(),
                       SourceLocation where = SourceLocation::current());
// All registered scenarios, sorted by name.
const std::vector<ScenarioInfo>& scenarios();
// The scenario called `name`, or nullptr.
const ScenarioInfo* find_scenario(std::string_view name);

}  // namespace lockstep

#define LOCKSTEP_SCENARIO(name, expected, description, ...)                              \
  static void lockstep_scenario_##name();                                                \
  [[maybe_unused]] static const bool lockstep_scenario_registered_##name =               \
      ::lockstep::register_scenario(#name, ::lockstep::expect::expected, description,    \
                                    "" __VA_ARGS__, &lockstep_scenario_##name);          \
  static void lockstep_scenario_##name()
