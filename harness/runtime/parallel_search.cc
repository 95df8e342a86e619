// The search loop over lanes and workers; the rules are in parallel_search.h.
#include "runtime/parallel_search.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "lockstep/checker.h"
#include "lockstep/strategy.h"

namespace lockstep::internal {
namespace {

constexpr std::uint64_t kNone = ~std::uint64_t{0};

// A lane's own strategy and checkers (the state kept across executions).
struct Lane {
  std::unique_ptr<Strategy> strategy;
  std::vector<std::unique_ptr<Checker>> checkers;
  std::uint64_t exhausted_at = kNone;  // the j its strategy refused, if it did
  // Shared variables found racy in this lane's executions so far (shared-points=racy:
  // they are scheduling points in its later executions).
  std::vector<std::uint32_t> racy;
};

// What one block of executions added up to.
struct BlockStats {
  std::uint64_t first = 0;  // j of its first execution
  std::uint64_t executions = 0;
  std::uint64_t steps = 0;
  std::uint64_t failing = 0;
};

struct WorkerResult {
  std::vector<BlockStats> blocks;
  std::optional<Report> failure;  // of the worker's first (smallest j) failing execution
  std::uint64_t failure_j = kNone;
  std::string error;
};

// State all workers of one search share.
struct Search {
  const SearchRequest& request;
  SearchProgress& progress;
  std::chrono::steady_clock::time_point start;
  bool indexed = false;
  std::uint64_t lanes = 1;
  std::uint64_t budget = 0;                      // executions of this shard (j < budget)
  std::atomic<std::uint64_t> first_failure{kNone};  // smallest failing j found so far
  std::atomic<bool> failed{false};  // a worker threw (an error result): the others stop
  std::vector<Lane> lane;
  std::mutex report_mutex;  // reports are built (and symbolised) one at a time
};

// True when execution j must not start: the search stopped, or (with stop-on-finding)
// a smaller execution already failed, so j could never be the reported one.
bool should_stop(Search& search, std::uint64_t j) {
  const Options& options = search.request.options;
  if (search.progress.abandoned.load(std::memory_order_relaxed) ||
      search.failed.load(std::memory_order_relaxed)) {
    return true;
  }
  if (options.stop_on_finding && j > search.first_failure.load(std::memory_order_relaxed)) {
    return true;
  }
  return options.time_budget.count() != 0 &&
         std::chrono::steady_clock::now() - search.start >= options.time_budget;
}

void note_failure(Search& search, std::uint64_t j) {
  std::uint64_t seen = search.first_failure.load(std::memory_order_relaxed);
  while (j < seen && !search.first_failure.compare_exchange_weak(seen, j, std::memory_order_relaxed)) {
  }
}

// Runs the blocks of the lanes owned by `worker` in increasing order of j.
void run_worker(Search& search, std::size_t worker, std::size_t workers, WorkerResult& out) {
  const SearchRequest& request = search.request;
  WorkerProgress& progress = search.progress.workers[worker];
  StackPool stacks(request.options.stack_size);
  Execution ex(stacks);
  ExecutionConfig config = execution_config(request.options);
  config.heartbeat = &progress.heartbeat;
  std::uint64_t executions = 0;

  for (std::uint64_t round = 0;; ++round) {
    bool any_left = false;
    for (std::uint64_t l = worker; l < search.lanes; l += workers) {
      Lane& lane = search.lane[l];
      const std::uint64_t first = (round * search.lanes + l) * kLaneBlock;
      if (first >= search.budget || lane.exhausted_at != kNone) continue;
      any_left = true;
      config.strategy = lane.strategy.get();
      config.racy = &lane.racy;
      config.checkers.clear();
      for (auto& checker : lane.checkers) config.checkers.push_back(checker.get());
      BlockStats block;
      block.first = first;
      const std::uint64_t end = std::min(first + kLaneBlock, search.budget);
      for (std::uint64_t j = first; j < end; ++j) {
        if (should_stop(search, j)) {
          if (block.executions != 0) out.blocks.push_back(block);
          return;
        }
        const std::uint64_t index = search.indexed ? shard_index_of(request.options.shard, j) : j;
        if (!lane.strategy->begin_execution(index)) {
          lane.exhausted_at = j;
          break;
        }
        config.index = index;
        ex.run(request.body, config);
        lane.strategy->end_execution(ex.steps());
        // An exhaustive strategy restricted to a shard runs the other shards' prefixes
        // too (to walk its tree) but neither counts nor reports them.
        if (!lane.strategy->execution_in_shard()) continue;
        ++block.executions;
        block.steps += ex.steps();
        progress.executions.store(++executions, std::memory_order_relaxed);
        if (ex.findings().empty()) {
          learn_racy(lane.racy, ex.racy_found());
          continue;
        }
        ++block.failing;
        if (out.failure) {  // only a worker's first failure can be the smallest
          learn_racy(lane.racy, ex.racy_found());
          continue;
        }
        note_failure(search, j);
        // The report's re-run must see the racy set this execution ran with: learn after.
        const std::vector<std::uint32_t> found = ex.racy_found();
        {
          std::lock_guard lock(search.report_mutex);
          out.failure = failure_report(request, ex, config, index);
        }
        learn_racy(lane.racy, found);
        out.failure_j = j;
      }
      if (block.executions != 0) out.blocks.push_back(block);
    }
    if (!any_left) return;
  }
}

// The search passed: steer into the potential deadlocks its lanes saw, in lane order.
// A confirmed one fails the search; the rest are warnings (or errors, as the option says).
Result passed_result(Search& search, Statistics stats) {
  const SearchRequest& request = search.request;
  const Options& options = request.options;
  StackPool stacks(options.stack_size);
  Execution ex(stacks);
  ExecutionConfig config = execution_config(options);
  config.heartbeat = &search.progress.workers[0].heartbeat;
  std::set<std::string> tried;
  std::vector<Finding> unconfirmed;
  for (Lane& lane : search.lane) {
    config.checkers.clear();
    for (auto& checker : lane.checkers) config.checkers.push_back(checker.get());
    config.racy = &lane.racy;
    PotentialDeadlocks potential =
        check_potential_deadlocks(request, ex, config, lane.checkers, stats, tried);
    if (potential.confirmed) {
      Report report = std::move(*potential.confirmed);
      report.stats = stats;
      return Result(Verdict::kFailed, std::move(report));
    }
    for (Finding& finding : potential.unconfirmed) unconfirmed.push_back(std::move(finding));
  }
  Report report = passed_report(request, stats);
  if (options.potential_deadlocks == "error" && !unconfirmed.empty()) {
    report.findings = std::move(unconfirmed);
    return Result(Verdict::kFailed, std::move(report));
  }
  report.warnings = std::move(unconfirmed);
  return Result(Verdict::kPassed, std::move(report));
}

}  // namespace

void check_workers(const Options& options) {
  if (options.workers == 0 || options.workers > kMaxWorkers) {
    throw OptionError("option workers: invalid value '" + std::to_string(options.workers) +
                      "' (expected 1 to " + std::to_string(kMaxWorkers) + ")");
  }
  if (options.workers > 1 && options.strategy != "replay" && !make_strategy(options)->indexed()) {
    throw OptionError("option workers: strategy " + options.strategy +
                      " explores its executions in order and runs on one worker (split it "
                      "between processes with shard=i/n instead)");
  }
}

Result run_workers(const SearchRequest& request, SearchProgress& progress) {
  const Options& options = request.options;
  Search search{request, progress, std::chrono::steady_clock::now()};
  search.indexed = make_strategy(options)->indexed();
  search.lanes = search.indexed ? kLanes : 1;
  search.budget = search.indexed ? shard_executions(options.shard, options.executions)
                                 : (options.executions == 0 ? kNone : options.executions);
  for (std::uint64_t l = 0; l < search.lanes; ++l) {
    search.lane.push_back(Lane{make_strategy(options), make_default_checkers(), kNone,
                               parse_racy_keys(options.racy_variables)});
  }
  const std::size_t workers = static_cast<std::size_t>(std::min<std::uint64_t>(options.workers, search.lanes));
  progress.active.store(workers, std::memory_order_relaxed);

  std::vector<WorkerResult> results(workers);
  std::mutex finished_mutex;
  std::condition_variable finished_cv;
  std::vector<std::size_t> finished;
  auto guarded = [&](std::size_t worker) {
    try {
      run_worker(search, worker, workers, results[worker]);
    } catch (const std::exception& error) {
      results[worker].error = error.what();
      search.failed.store(true, std::memory_order_relaxed);  // stops the others
    }
    std::lock_guard lock(finished_mutex);
    finished.push_back(worker);
    finished_cv.notify_one();
  };
  if (workers == 1) {
    guarded(0);
  } else {
    // Each worker on its own thread, joined in the order they finish: a worker the
    // watchdog abandoned parks for good, and the others must still be joined (a
    // finished thread nobody joins is a leak to ThreadSanitizer).
    std::vector<std::thread> threads;
    for (std::size_t w = 0; w < workers; ++w) threads.emplace_back(guarded, w);
    for (std::size_t joined = 0; joined < workers; ++joined) {
      std::unique_lock lock(finished_mutex);
      finished_cv.wait(lock, [&] { return !finished.empty(); });
      const std::size_t w = finished.back();
      finished.pop_back();
      lock.unlock();
      threads[w].join();
    }
  }
  for (const WorkerResult& result : results) {
    if (!result.error.empty()) return Result(Verdict::kError, Report{}, result.error);
  }

  // The smallest failing execution decides; with stop-on-finding the search is the
  // prefix of executions up to it (rule 3).
  WorkerResult* winner = nullptr;
  for (WorkerResult& result : results) {
    if (result.failure && (winner == nullptr || result.failure_j < winner->failure_j)) winner = &result;
  }
  const std::uint64_t last =
      winner != nullptr && options.stop_on_finding ? winner->failure_j : kNone;
  Statistics stats;
  for (const WorkerResult& result : results) {
    for (const BlockStats& block : result.blocks) {
      if (block.first > last) continue;
      stats.executions += block.executions;
      stats.steps += block.steps;
      stats.failing_executions += block.failing;
    }
  }
  for (const Lane& lane : search.lane) {
    if (lane.exhausted_at != kNone && lane.exhausted_at <= last) {
      stats.exhausted = true;
      stats.scope = lane.strategy->scope();
    }
  }
  if (winner == nullptr) return passed_result(search, stats);
  Report report = std::move(*winner->failure);
  report.stats = stats;
  return Result(Verdict::kFailed, std::move(report));
}

}  // namespace lockstep::internal
