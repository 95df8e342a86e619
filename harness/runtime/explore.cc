// lockstep::explore: validates the request, runs the search on a worker OS thread and
// watches it (stalls, progress lines) from the calling thread.
#include "lockstep/explore.h"

#include <unistd.h>

#include <array>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <memory>
#include <mutex>
#include <ostream>
#include <thread>

#include "runtime/parallel_search.h"
#include "runtime/search.h"

namespace lockstep {
namespace internal {
namespace {

ReproduceFormatter g_formatter = nullptr;

std::string program_name() {
  char path[4096];
  const ssize_t n = readlink("/proc/self/exe", path, sizeof(path) - 1);
  if (n <= 0) return "<your test binary>";
  std::string text(path, static_cast<std::size_t>(n));
  const std::size_t slash = text.rfind('/');
  return "./" + (slash == std::string::npos ? text : text.substr(slash + 1));
}

// State shared by the caller and the worker; the worker may outlive the caller's
// interest in it (a stalled worker is abandoned), so it is reference-counted.
struct Shared {
  SearchRequest request;
  SearchProgress progress;
  std::mutex mutex;
  std::condition_variable done_cv;
  bool done = false;
  Result result;
};

Result stalled_result(Shared& shared, const Heartbeat& beat, const std::string& name) {
  Finding finding;
  finding.kind = FindingKind::kStalled;
  finding.threads = {beat.thread.load(std::memory_order_relaxed)};
  const char* file = beat.file.load(std::memory_order_relaxed);
  Location where{file != nullptr ? file : "", beat.line.load(std::memory_order_relaxed), ""};
  finding.locations.push_back(where);
  finding.message = "stalled outside lockstep's control: t" + std::to_string(finding.threads[0]) +
                    " ran for " +
                    std::to_string(shared.request.options.stall_timeout.count()) +
                    "ms without reaching a scheduling point; its last scheduling point was " +
                    where.short_text() + " (step " +
                    std::to_string(beat.step.load(std::memory_order_relaxed)) + ", execution " +
                    std::to_string(shared.progress.executions()) + ")";
  finding.details =
      "likely causes: a real std::mutex, sleep, I/O or std::thread inside the scenario; a "
      "loop that spins on memory lockstep does not see (use lockstep::Atomic or Shared, or "
      "call lockstep::this_thread::yield() in the loop)";
  Report report;
  report.scenario = name;
  report.strategy = shared.request.options.strategy;
  report.seed = shared.request.options.seed;
  report.findings.push_back(std::move(finding));
  report.stats.executions = shared.progress.executions() + 1;
  report.stats.failing_executions = 1;
  return Result(Verdict::kFailed, std::move(report));
}

void print_progress(const Shared& shared, std::chrono::steady_clock::duration elapsed) {
  const auto seconds = std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count() / 1000.0;
  const auto& options = shared.request.options;
  std::fprintf(stderr, "lockstep: %s: %llu executions in %.1fs (%s, seed %llu)\n",
               shared.request.name.c_str(),
               static_cast<unsigned long long>(shared.progress.executions()),
               seconds, options.strategy.c_str(), static_cast<unsigned long long>(options.seed));
}

Result run_watched(std::shared_ptr<Shared> shared) {
  const Options& options = shared->request.options;
  std::thread worker([shared] {
    Result result;
    try {
      result = run_search(shared->request, shared->progress);
    } catch (const std::exception& error) {
      result = Result(Verdict::kError, Report{}, error.what());
    }
    // Abandoned as stalled, then unstuck: the caller has moved on and reported; never
    // touch the shared state again.
    if (shared->progress.abandoned.load(std::memory_order_relaxed)) {
      for (WorkerProgress& watched : shared->progress.workers) {
        if (watched.heartbeat.abandoned.load(std::memory_order_relaxed)) note_settled(watched.heartbeat);
      }
      for (;;) pause();
    }
    std::lock_guard lock(shared->mutex);
    shared->result = std::move(result);
    shared->done = true;
    shared->done_cv.notify_all();
  });

  const bool progress_on = options.progress == "on";
  const bool progress_auto = options.progress == "auto";
  const auto start = std::chrono::steady_clock::now();
  auto last_print = start;
  // Each worker of the search is watched on its own: one stalled worker is caught even
  // while the others make progress.
  std::array<std::uint64_t, kMaxWorkers> last_beats;
  last_beats.fill(~std::uint64_t{0});
  std::array<std::chrono::steady_clock::time_point, kMaxWorkers> last_change;
  last_change.fill(start);
  const auto tick = std::chrono::milliseconds(50);

  std::unique_lock lock(shared->mutex);
  while (!shared->done_cv.wait_for(lock, tick, [&] { return shared->done; })) {
    const auto now = std::chrono::steady_clock::now();
    const std::size_t active = shared->progress.active.load(std::memory_order_relaxed);
    for (std::size_t w = 0; w < active; ++w) {
      WorkerProgress& watched = shared->progress.workers[w];
      const std::uint64_t beats = watched.heartbeat.beats.load(std::memory_order_relaxed) +
                                  watched.executions.load(std::memory_order_relaxed);
      if (beats != last_beats[w]) {
        last_beats[w] = beats;
        last_change[w] = now;
      } else if (options.stall_timeout.count() != 0 &&
                 watched.heartbeat.in_execution.load(std::memory_order_relaxed) &&
                 now - last_change[w] >= options.stall_timeout) {
        shared->progress.abandoned.store(true, std::memory_order_relaxed);
        note_abandoned(watched.heartbeat);
        lock.unlock();
        worker.detach();
        return stalled_result(*shared, watched.heartbeat, shared->request.name);
      }
    }
    const bool show = progress_on || (progress_auto && now - start >= std::chrono::seconds(2));
    if (show && now - last_print >= std::chrono::seconds(2)) {
      last_print = now;
      print_progress(*shared, now - start);
    }
  }
  lock.unlock();
  worker.join();
  return std::move(shared->result);
}

}  // namespace

std::string reproduce_line(const std::string& name, const std::string& token) {
  if (g_formatter != nullptr) return g_formatter(name, token);
  return "LOCKSTEP_REPLAY=" + token + " " + program_name();
}

}  // namespace internal

void set_reproduce_formatter(ReproduceFormatter formatter) { internal::g_formatter = formatter; }

Result explore_exactly(std::function<void()> body, const Options& given, std::string name) {
  auto shared = std::make_shared<internal::Shared>();
  internal::SearchRequest& request = shared->request;
  request.body = std::move(body);
  request.name = name.empty() ? "-" : std::move(name);
  request.options = given;
  try {
    Options& options = request.options;
    if (!options.replay.empty()) {
      options.strategy = "replay";
      const Schedule schedule = Schedule::parse(options.replay);
      if (schedule.scenario != "-" && request.name != "-" && schedule.scenario != request.name) {
        throw TokenError("replay token is for scenario '" + schedule.scenario + "', not '" +
                         request.name + "'");
      }
      internal::apply_semantics(options, schedule.semantics);
    } else if (options.strategy == "replay") {
      throw OptionError("strategy=replay needs a replay token (option replay or LOCKSTEP_REPLAY)");
    }
    const bool exhaustive = options.strategy == "dfs" || options.strategy == "dpor" ||
                            options.strategy == "preemption-bound" ||
                            options.strategy == "delay-bound";
    if (options.executions == 0 && options.time_budget.count() == 0 &&
        options.strategy != "replay" && !exhaustive) {
      throw OptionError("executions=0 needs a time-budget (otherwise the search never ends)");
    }
    make_strategy(options);  // validates the strategy name before any thread starts
    internal::parse_racy_keys(options.racy_variables);
    internal::check_workers(options);
    request.semantics = internal::semantics_of(options);
  } catch (const std::invalid_argument& error) {
    return Result(Verdict::kError, Report{}, error.what());
  }
  return internal::run_watched(shared);
}

Result explore(std::function<void()> body, const Options& options, std::string name) {
  Options merged;
  try {
    merged = options.with_environment();
  } catch (const OptionError& error) {
    return Result(Verdict::kError, Report{}, error.what());
  }
  return explore_exactly(std::move(body), merged, std::move(name));
}

bool Result::found(FindingKind kind) const {
  for (const Finding& finding : report_.findings) {
    if (finding.kind == kind) return true;
  }
  return false;
}

std::string Result::token() const {
  return report_.schedule ? report_.schedule->token() : std::string();
}

std::string Result::text() const {
  switch (verdict_) {
    case Verdict::kError: return "lockstep error: " + error_ + "\n";
    case Verdict::kPassed:
    case Verdict::kFailed: return format_text(report_);
  }
  return {};
}

std::ostream& operator<<(std::ostream& out, const Result& result) { return out << result.text(); }

}  // namespace lockstep
