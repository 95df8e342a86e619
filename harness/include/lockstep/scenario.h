// lockstep/scenario.h — named scenarios with an expected verdict (the catalog).
//
//   LOCKSTEP_SCENARIO(abba_deadlock, deadlock, "two threads take two locks in opposite order") {
//     ...body...
//   }
//   LOCKSTEP_SCENARIO(lost_update, assertion, "x += 1 from two threads", "shared-points=all") {
//     ...
//   }
//
// The expectation is `pass`, the identifier of a finding kind (a row of
// LOCKSTEP_FINDING_KINDS: deadlock, self_deadlock, assertion, data_race, ...), or
// several joined by `|` when one failing execution reports several kinds. The
// optional fourth argument is options text applied before LOCKSTEP_OPTIONS and the
// command line (its budget is the scenario's documented budget). Scenarios register
// themselves at static initialisation, in any binary linked with lockstep::main they
// get the `list`, `run` and `replay` commands. Names must be unique; a duplicate is
// reported and aborts at start-up.
#pragma once

#include "lockstep/source_location.h"
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "lockstep/finding.h"

namespace lockstep {

// What a scenario is expected to report: nothing (`pass`), or exactly a set of finding
// kinds (`deadlock`, `data_race | assertion`, ...): the kinds of the findings of the
// reported failing execution, warnings included, must be exactly these.
class Expectation {
 public:
  constexpr Expectation() = default;
  constexpr explicit Expectation(FindingKind kind) : kinds_(bit(kind)) {}

  constexpr bool pass() const { return kinds_ == 0; }
  constexpr bool includes(FindingKind kind) const { return (kinds_ & bit(kind)) != 0; }
  // The expected kinds, in table order (empty for pass).
  std::vector<FindingKind> kinds() const;
  // "pass", "deadlock", "data-race+assertion".
  std::string name() const;
  // Whether the findings of a search meet it: none for pass, else exactly these kinds.
  bool met_by(const std::vector<Finding>& findings) const;
  // Whether some finding is of an expected kind (a search found the bug, perhaps not
  // all of its kinds in the same execution).
  bool any_in(const std::vector<Finding>& findings) const {
    for (const Finding& finding : findings) {
      if (includes(finding.kind)) return true;
    }
    return false;
  }

  friend constexpr Expectation operator|(Expectation a, Expectation b) {
    Expectation both;
    both.kinds_ = a.kinds_ | b.kinds_;
    return both;
  }
  friend constexpr bool operator==(Expectation a, Expectation b) { return a.kinds_ == b.kinds_; }

 private:
  static constexpr std::uint32_t bit(FindingKind kind) {
    return std::uint32_t{1} << static_cast<unsigned>(kind);
  }
  std::uint32_t kinds_ = 0;
};

namespace expect {
inline constexpr Expectation pass{};
#define LOCKSTEP_X(id, ident, name, doc) inline constexpr Expectation ident{FindingKind::id};
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
      ::lockstep::register_scenario(#name,                                               \
                                    [] {                                                 \
                                      using namespace ::lockstep::expect;                \
                                      return ::lockstep::Expectation(expected);          \
                                    }(),                                                 \
                                    description,                                         \
                                    "" __VA_ARGS__, &lockstep_scenario_##name);          \
  static void lockstep_scenario_##name()
