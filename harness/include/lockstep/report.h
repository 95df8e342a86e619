// lockstep/report.h — the result of an exploration as data, and its printers.
//
// A Report holds the findings of the first failing execution, its schedule and replay
// token, the interleaving (one row per operation), and statistics. Printers format a
// Report and contain no logic of their own. Reports contain no wall-clock times, so
// the same options and seed give byte-identical reports.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "lockstep/finding.h"
#include "lockstep/schedule.h"

namespace lockstep {

struct TraceStep {
  std::uint64_t step = 0;
  std::uint32_t thread = 0;
  std::string operation;  // "acquire", "read", ...
  std::string object;     // "Mutex#2", "balance", or empty
  std::string detail;     // "= 3", "timeout", "t2", ...
  Location location;
};

struct Statistics {
  std::uint64_t executions = 0;  // executions run by the search (re-runs excluded)
  std::uint64_t steps = 0;       // scheduling points over all of them
  std::uint64_t failing_executions = 0;
  bool exhausted = false;        // the strategy ran out of executions to try
  // With `exhausted`: which schedules "all" covers ("" = every schedule; bounded
  // strategies: "with at most 2 preemptions").
  std::string scope;
};

struct Report {
  std::string scenario;              // "-" when unnamed
  std::string strategy;
  std::uint64_t seed = 0;
  std::vector<Finding> findings;     // of the first failing execution; empty: none found
  // Findings of a search that otherwise passed and that no single execution shows (a
  // potential deadlock no steered schedule confirmed, with potential-deadlocks=warning).
  std::vector<Finding> warnings;
  std::optional<Schedule> schedule;  // of that execution
  std::uint64_t failing_execution = 0;
  std::uint32_t threads = 0;
  std::vector<TraceStep> trace;      // its interleaving
  std::uint64_t steps = 0;           // scheduling points of that execution
  std::uint64_t preemptions = 0;     // switches away from a thread that was still runnable
  // Shrinking: executions it ran (0: it did not run), and the schedule's size before.
  std::uint64_t shrink_runs = 0;
  std::uint64_t unshrunk_preemptions = 0;
  std::uint64_t unshrunk_steps = 0;
  Statistics stats;
  std::string reproduce;             // one line that reproduces the failure

  bool failed() const { return !findings.empty(); }
};

// The text report: findings, locations, the interleaving as a table with one column
// per logical thread, and the line that reproduces it. `max_rows` caps the table (the
// last rows are kept; the cut is said).
std::string format_text(const Report& report, std::size_t max_rows = 200);

}  // namespace lockstep
