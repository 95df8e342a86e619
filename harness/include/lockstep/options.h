// lockstep/options.h — every knob of an exploration, in one table.
//
// LOCKSTEP_OPTION_TABLE is the single source of truth: it generates the Options
// struct, the "key=value" parser used for LOCKSTEP_OPTIONS and the CLI, `--help`,
// and docs/reference/options.md. Precedence: values set in code, then
// LOCKSTEP_OPTIONS, then LOCKSTEP_REPLAY (see Options::with_environment).
//
//   lockstep::Options o;
//   o.executions = 500;
//   o.apply("strategy=random seed=7");   // throws lockstep::OptionError on bad input
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace lockstep {

// How a value is written and checked.
enum class OptionType : std::uint8_t {
  kUint,      // decimal integer
  kBool,      // true|false|1|0|on|off
  kChoice,    // one of the listed choices
  kText,      // free text (a replay token)
  kDuration,  // 250ms, 10s, 2m; a bare number is milliseconds; 0 means "no limit"
  kBytes,     // 65536, 256k, 1m
  kShard,     // i/n with i < n: this process's share of the execution indices
};

// Shard `index` of `count`: for strategies whose executions are independent (random),
// the shard runs the execution indices i with i % count == index, so the shards
// together run exactly the executions of the unsharded search. 0/1 means unsharded.
struct Shard {
  std::uint64_t index = 0;
  std::uint64_t count = 1;
  friend bool operator==(const Shard&, const Shard&) = default;
};

using Millis = std::chrono::milliseconds;

// X(field, C++ type, OptionType, default, choices ("a|b", or ""), description)
#define LOCKSTEP_OPTION_TABLE(X)                                                        \
  X(strategy, std::string, kChoice, "portfolio",                                        \
    "random|pct|portfolio|dfs|preemption-bound|delay-bound|dpor|replay|choices",        \
    "search strategy; portfolio deals executions to random, pct and bounded-random; "   \
    "dfs, preemption-bound, delay-bound and dpor are exhaustive (see "                  \
    "docs/strategies.md); replay re-runs the schedule in `replay`; choices runs the "   \
    "list in `choices` once (rapidcheck's schedule generator)")                         \
  X(seed, std::uint64_t, kUint, 1, "", "seed of the strategy's random choices")         \
  X(pct_depth, std::uint64_t, kUint, 3, "",                                             \
    "bug depth d of strategy pct (and of portfolio's third pct member): d-1 priority "  \
    "change points per execution")                                                      \
  X(executions, std::uint64_t, kUint, 1000, "",                                         \
    "stop after this many executions (0: no limit; then set time-budget)")              \
  X(time_budget, Millis, kDuration, Millis{0}, "",                                      \
    "stop after this much wall time (0: no limit)")                                     \
  X(stop_on_finding, bool, kBool, true, "", "stop at the first failing execution")      \
  X(shrink, bool, kBool, true, "",                                                      \
    "minimise a failing schedule (fewest preemptions, then steps, then threads)")       \
  X(shrink_runs, std::uint64_t, kUint, 1000, "",                                        \
    "re-runs shrinking may spend on one failing schedule")                              \
  X(max_steps, std::uint64_t, kUint, 20000, "",                                         \
    "scheduling points allowed in one execution before it is a step-bound finding")     \
  X(shared_points, std::string, kChoice, "racy", "none|racy|all",                       \
    "which Shared<T> accesses are scheduling points (racy: variables found racy)")      \
  X(racy_variables, std::string, kText, "", "",                                         \
    "Shared variables whose accesses are scheduling points from the start under "       \
    "shared-points=racy: '.'-separated hex keys, as replay tokens record the variables " \
    "the race checker found")                                                           \
  X(spurious_wakeups, bool, kBool, false, "",                                           \
    "let condition-variable waits wake spuriously as a strategy choice")                \
  X(strict, bool, kBool, false, "",                                                     \
    "report Lock uses Python allows but that are usually bugs (a release by another "   \
    "thread, held at its thread's exit) as misuse")                                     \
  X(fair, bool, kBool, true, "",                                                        \
    "fair scheduling (CHESS): a thread that yields, fails a try-lock, times out or "    \
    "polls without effect goes after the threads it kept waiting")                      \
  X(livelock_after, std::uint64_t, kUint, 5000, "",                                     \
    "scheduling points an execution runs before the livelock checker starts hashing "   \
    "states (shorter executions pay nothing)")                                          \
  X(stack_size, std::uint64_t, kBytes, std::uint64_t{256 * 1024}, "",                   \
    "stack size of each logical thread (a guard page is added)")                        \
  X(stall_timeout, Millis, kDuration, Millis{10000}, "",                                \
    "report a thread that runs this long without a scheduling point as stalled")        \
  X(progress, std::string, kChoice, "auto", "auto|on|off",                              \
    "progress lines on stderr during long searches (auto: when stderr is a terminal "   \
    "or the search runs longer than 2s)")                                               \
  X(dpor, std::string, kChoice, "optimal", "optimal|source|bounded",                    \
    "algorithm of strategy dpor: optimal (wakeup trees: one execution per Mazurkiewicz "  \
    "trace), source (source sets and sleep sets: less work per race, some executions "  \
    "cut short as redundant) or bounded (only schedules with at most `bound` "           \
    "preemptions, each trace preemption-bound reaches covered once or more)")           \
  X(bound, std::uint64_t, kUint, 2, "",                                                 \
    "largest preemption (preemption-bound, dpor=bounded, portfolio's bounded-random) "  \
    "or delay (delay-bound) count searched")                                            \
  X(potential_deadlocks, std::string, kChoice, "warning", "warning|error|off",          \
    "lock-order cycles no steered schedule turned into a deadlock: reported as "        \
    "warnings (the search still passes), as errors (it fails), or not at all")          \
  X(steer_executions, std::uint64_t, kUint, 100, "",                                    \
    "executions spent steering a schedule into each potential deadlock once the "       \
    "search passed (0: report them unconfirmed)")                                       \
  X(replay, std::string, kText, "", "", "replay token to re-run (LOCKSTEP_REPLAY)")     \
  X(workers, std::uint64_t, kUint, 1, "",                                               \
    "OS threads running executions in parallel (1..16); the report does not depend on it") \
  X(shard, Shard, kShard, Shard{}, "",                                                  \
    "run only shard i of n (i/n) of the execution indices; LOCKSTEP_TEST takes it from "  \
    "GTEST_SHARD_INDEX/GTEST_TOTAL_SHARDS")                                               \
  X(choices, std::string, kText, "", "",                                                \
    "strategy=choices: comma-separated choices, each an index into the runnable threads " \
    "from the current one on (0: no switch); out of range wraps, missing ones are 0")

// Thrown for an unknown key or a bad value. what() names the problem and lists the
// valid keys or values.
class OptionError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

struct Options {
#define LOCKSTEP_X(field, type, kind, def, choices, doc) type field = def;
  LOCKSTEP_OPTION_TABLE(LOCKSTEP_X)
#undef LOCKSTEP_X

  // Sets one option by its key ("max-steps", kebab-case) from its text form.
  void set(std::string_view key, std::string_view value);
  // Applies whitespace-separated "key=value" pairs, left to right.
  void apply(std::string_view text);
  // Returns a copy with LOCKSTEP_OPTIONS and then LOCKSTEP_REPLAY applied.
  Options with_environment() const;
  // The options as "key=value" pairs, one per row of the table, in table order.
  std::string to_string() const;
};

// One row of the table, for --help and the reference docs.
struct OptionInfo {
  std::string_view key;  // kebab-case
  OptionType type;
  std::string_view choices;
  std::string_view description;
  std::string default_text;
};
const std::vector<OptionInfo>& option_table();

// Markdown reference of all options (docs/reference/options.md is generated from it).
std::string options_reference_markdown();

}  // namespace lockstep
