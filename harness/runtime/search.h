// The search loop: executions until the budget, the strategy's end, or a finding; a
// failing schedule is re-run (determinism check, with the trace recorded) and turned
// into a Report.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>

#include "lockstep/explore.h"
#include "runtime/execution.h"

namespace lockstep::internal {

// Counters the watchdog/progress thread reads while the search runs.
struct SearchProgress {
  Heartbeat heartbeat;
  std::atomic<std::uint64_t> executions{0};
};

struct SearchRequest {
  std::function<void()> body;
  Options options;          // validated; replay semantics already applied
  std::string name;         // scenario name for tokens ("-" when unnamed)
  std::string semantics;    // the token's semantics field for these options
};

Result run_search(const SearchRequest& request, SearchProgress& progress);

// The one line that reproduces a failure (see set_reproduce_formatter).
std::string reproduce_line(const std::string& name, const std::string& token);

// "shared-points=all,max-steps=500" for the options that change what an execution
// does and differ from the defaults; "-" when none do.
std::string semantics_of(const Options& options);
// The keys of option racy-variables ("1a2b3c4d.00ff00ff"), sorted. Throws OptionError.
std::vector<std::uint32_t> parse_racy_keys(const std::string& text);
// Applies a token's semantics field to `options`. Throws TokenError.
void apply_semantics(Options& options, const std::string& semantics);

}  // namespace lockstep::internal
