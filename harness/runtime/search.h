// The search loop: executions until the budget, the strategy's end, or a finding; a
// failing schedule is re-run (determinism check, with the trace recorded) and turned
// into a Report.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "lockstep/explore.h"
#include "runtime/execution.h"

namespace lockstep::internal {

// The most worker OS threads one search runs (option workers).
inline constexpr std::size_t kMaxWorkers = 16;

// One worker's counters, on a cache line of its own: each worker writes its heartbeat
// at every scheduling point, and sharing a line would make the workers stall each other.
struct alignas(64) WorkerProgress {
  Heartbeat heartbeat;
  std::atomic<std::uint64_t> executions{0};
};

// Counters the watchdog/progress thread reads while the search runs.
struct SearchProgress {
  std::array<WorkerProgress, kMaxWorkers> workers;
  std::atomic<std::size_t> active{1};  // workers in use: workers[0, active)
  // Set by the watchdog when it gives up on a stalled worker: the other workers stop
  // taking executions, and nothing touches the caller's state any more.
  std::atomic<bool> abandoned{false};

  std::uint64_t executions() const {
    std::uint64_t total = 0;
    for (const WorkerProgress& worker : workers) total += worker.executions.load(std::memory_order_relaxed);
    return total;
  }
};

struct SearchRequest {
  std::function<void()> body;
  Options options;          // validated; replay semantics already applied
  std::string name;         // scenario name for tokens ("-" when unnamed)
  std::string semantics;    // the token's semantics field for these options
};

Result run_search(const SearchRequest& request, SearchProgress& progress);

// The report of a failing execution that just ran on `ex` with `config` (execution
// `index`): re-runs its schedule (the determinism check, with the trace recorded) and
// builds the report. Statistics are left for the caller.
Report failure_report(const SearchRequest& request, Execution& ex, const ExecutionConfig& config,
                      std::uint64_t index);

// The per-execution settings `options` asks for (no strategy, checkers or heartbeat).
ExecutionConfig execution_config(const Options& options);

// The report of a search that found nothing.
Report passed_report(const SearchRequest& request, const Statistics& stats);

// What the search learned about potential deadlocks once it passed.
struct PotentialDeadlocks {
  std::optional<Report> confirmed;   // a steered execution that failed, as a failure report
  std::vector<Finding> unconfirmed;  // one finding per cycle no steered execution confirmed
};
// Steers into each lock-order cycle `checkers` collected and not in `tried` yet (adds
// them); see search.cc.
PotentialDeadlocks check_potential_deadlocks(const SearchRequest& request, Execution& ex,
                                             const ExecutionConfig& config,
                                             const std::vector<std::unique_ptr<Checker>>& checkers,
                                             Statistics& stats, std::set<std::string>& tried);

// The one line that reproduces a failure (see set_reproduce_formatter).
std::string reproduce_line(const std::string& name, const std::string& token);

// "shared-points=all,max-steps=500" for the options that change what an execution
// does and differ from the defaults; "-" when none do.
std::string semantics_of(const Options& options);
// The keys of option racy-variables ("1a2b3c4d.00ff00ff"), sorted. Throws OptionError.
std::vector<std::uint32_t> parse_racy_keys(const std::string& text);
// Adds the keys an execution found racy (Execution::racy_found) to a sorted set.
void learn_racy(std::vector<std::uint32_t>& racy, const std::vector<std::uint32_t>& found);
// Applies a token's semantics field to `options`. Throws TokenError.
void apply_semantics(Options& options, const std::string& semantics);

}  // namespace lockstep::internal
