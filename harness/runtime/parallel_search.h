// Workers and shards: how a search's executions are split between OS threads
// (option workers) and between processes (option shard), without the report
// depending on either.
//
// The rules, in order of precedence:
//   1. Execution indices. Shard i/n of a search whose strategy is indexed
//      (Strategy::indexed(), e.g. random) runs the execution indices g with
//      g % n == i and g < executions; its j-th execution has index g = i + j*n. So the
//      shards together run exactly the unsharded search's executions. A strategy that
//      is not indexed (an exhaustive one) runs its executions 0, 1, ... in order and
//      applies options.shard itself.
//   2. Lanes. An execution may depend on earlier ones through state its strategy and
//      checkers keep across executions (a race checker's racy variables, a lock-order
//      graph, PCT's step estimate). That state lives in a *lane*, never in a worker:
//      the shard's executions are cut into blocks of kLaneBlock, block b belongs to
//      lane b % kLanes, and each lane has its own strategy and checkers and sees its
//      executions in index order. A non-indexed strategy has a single lane.
//      Workers own whole lanes (lane l runs on worker l % workers), so what execution
//      j does depends on (options, seed, j) only — never on `workers`.
//   3. The reported failure is the failing execution with the smallest index, not the
//      first to finish. With stop-on-finding, the search is the prefix of executions
//      up to and including that one: the statistics count exactly those, whatever
//      other workers ran past it. Hence the same options and seed give a byte-identical
//      report for any number of workers (a time budget is the exception: where it
//      stops depends on the machine).
#pragma once

#include <cstdint>

#include "lockstep/explore.h"
#include "lockstep/options.h"
#include "runtime/search.h"

namespace lockstep::internal {

inline constexpr std::uint64_t kLaneBlock = 64;
inline constexpr std::uint64_t kLanes = kMaxWorkers;

// The execution index of the shard's j-th execution.
constexpr std::uint64_t shard_index_of(const Shard& shard, std::uint64_t j) {
  return shard.index + j * shard.count;
}

// How many executions the shard runs when the search's budget is `executions`
// indices (0: no limit, as many as the time budget allows).
constexpr std::uint64_t shard_executions(const Shard& shard, std::uint64_t executions) {
  if (executions == 0) return ~std::uint64_t{0};
  if (executions <= shard.index) return 0;
  return (executions - shard.index + shard.count - 1) / shard.count;
}

// Throws OptionError when workers is out of range, or above 1 for a strategy that is
// not indexed.
void check_workers(const Options& options);

// Runs the search (not a replay) on options.workers OS threads: this one and
// workers - 1 more.
Result run_workers(const SearchRequest& request, SearchProgress& progress);

}  // namespace lockstep::internal
