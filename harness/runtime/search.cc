#include "runtime/search.h"

#include <chrono>
#include <memory>
#include <optional>

#include "lockstep/checker.h"
#include "lockstep/schedule.h"
#include "report/symbolizer.h"
#include "runtime/check.h"
#include "strategies/replay.h"

namespace lockstep::internal {
namespace {

// The options a replay token carries because they change what an execution does.
constexpr std::string_view kSemanticKeys[] = {"shared-points", "spurious-wakeups", "max-steps"};

std::string option_value(const Options& options, std::string_view key) {
  const std::string all = options.to_string();
  const std::string prefix = std::string(key) + "=";
  std::size_t at = 0;
  while (at < all.size()) {
    std::size_t end = all.find(' ', at);
    if (end == std::string::npos) end = all.size();
    if (all.compare(at, prefix.size(), prefix) == 0) {
      return all.substr(at + prefix.size(), end - at - prefix.size());
    }
    at = end + 1;
  }
  return {};
}

SharedPoints shared_points_of(const Options& options) {
  if (options.shared_points == "all") return SharedPoints::kAll;
  if (options.shared_points == "none") return SharedPoints::kNone;
  return SharedPoints::kRacy;
}

std::string detail_of(const OpEvent& event) {
  std::string text;
  switch (event.result) {
    case OpResult::kOk: break;
    case OpResult::kFailed: text = "failed"; break;
    case OpResult::kTimeout: text = "timeout"; break;
    case OpResult::kSpurious: text = "spurious"; break;
  }
  if (event.op == OpKind::kSpawn || event.op == OpKind::kJoin || event.op == OpKind::kWake) {
    if (event.op != OpKind::kWake || event.other != event.thread) {
      text += (text.empty() ? "t" : " t") + std::to_string(event.other);
    }
    if (event.op == OpKind::kJoin && event.value == 1) text += " (implicit, end of body)";
  }
  if (event.has_value) text += (text.empty() ? "= " : " = ") + std::to_string(event.value);
  return text;
}

Report make_report(const SearchRequest& request, const Execution& ex,
                   std::vector<Finding> findings, Schedule schedule, std::uint64_t failing) {
  Report report;
  report.scenario = request.name;
  report.strategy = request.options.strategy;
  report.seed = request.options.seed;
  report.findings = std::move(findings);
  report.threads = ex.threads_created();
  report.failing_execution = failing;
  for (std::size_t i = 0; i < ex.trace().size(); ++i) {
    const OpEvent& event = ex.trace()[i];
    TraceStep row;
    row.step = event.step;
    row.thread = event.thread;
    row.operation = std::string(op_kind_name(event.op));
    if (event.object != 0) row.object = ex.object_name(event.object);
    row.detail = detail_of(event);
    row.location = Location::from(event.location);
    row.location.stack = ex.trace_stacks()[i];
    report.trace.push_back(std::move(row));
  }
  std::vector<Location*> locations;
  for (Finding& finding : report.findings) {
    for (Location& location : finding.locations) locations.push_back(&location);
  }
  for (TraceStep& row : report.trace) locations.push_back(&row.location);
  resolve_locations(locations);
  report.reproduce = reproduce_line(request.name, schedule.token());
  report.schedule = std::move(schedule);
  return report;
}

bool same_failures(const std::vector<Finding>& a, const std::vector<Finding>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (!a[i].same_failure(b[i])) return false;
  }
  return true;
}

Finding nondeterminism_finding(const std::vector<Finding>& first, const Execution& rerun) {
  Finding finding;
  finding.kind = FindingKind::kNondeterminism;
  std::string what = first.empty() ? "no finding" : std::string(finding_kind_name(first[0].kind));
  std::string again = !rerun.replay_error().empty() ? "a different path (" + rerun.replay_error() + ")"
                      : rerun.findings().empty()    ? "no finding"
                                                    : std::string(finding_kind_name(rerun.findings()[0].kind));
  finding.message = "the scenario is nondeterministic: an execution found " + what +
                    ", re-running its schedule found " + again;
  finding.details =
      "likely causes: state that is not rebuilt in each execution (statics, globals, "
      "objects captured from outside the body); shared data that is not a lockstep type; "
      "real time, rand() or I/O; real std::thread/std::mutex inside the scenario";
  if (!first.empty()) finding.locations = first[0].locations;
  return finding;
}

}  // namespace

std::string semantics_of(const Options& options) {
  const Options defaults;
  std::string text;
  for (std::string_view key : kSemanticKeys) {
    const std::string value = option_value(options, key);
    if (value == option_value(defaults, key)) continue;
    if (!text.empty()) text += ',';
    text += std::string(key) + "=" + value;
  }
  return text.empty() ? "-" : text;
}

void apply_semantics(Options& options, const std::string& semantics) {
  if (semantics == "-") return;
  std::size_t at = 0;
  while (at <= semantics.size()) {
    std::size_t end = semantics.find(',', at);
    if (end == std::string::npos) end = semantics.size();
    const std::string pair = semantics.substr(at, end - at);
    const std::size_t eq = pair.find('=');
    const std::string key = pair.substr(0, eq);
    bool known = false;
    for (std::string_view semantic : kSemanticKeys) known = known || semantic == key;
    if (eq == std::string::npos || !known) {
      throw TokenError("malformed replay token: unknown semantics '" + pair + "'");
    }
    try {
      options.set(key, pair.substr(eq + 1));
    } catch (const OptionError& error) {
      throw TokenError(std::string("malformed replay token: ") + error.what());
    }
    at = end + 1;
  }
}

Result run_search(const SearchRequest& request, SearchProgress& progress) {
  const Options& options = request.options;
  const bool replaying = options.strategy == "replay";
  std::unique_ptr<Strategy> strategy = make_strategy(options);
  StackPool stacks(options.stack_size);
  Execution ex(stacks);
  std::vector<std::unique_ptr<Checker>> checkers = make_default_checkers();

  ExecutionConfig config;
  config.strategy = strategy.get();
  for (auto& checker : checkers) config.checkers.push_back(checker.get());
  config.max_steps = options.max_steps;
  config.shared_points = shared_points_of(options);
  config.spurious_wakeups = options.spurious_wakeups;
  config.record_trace = replaying;
  config.heartbeat = &progress.heartbeat;

  Statistics stats;
  std::optional<Report> first;
  const auto start = std::chrono::steady_clock::now();
  for (std::uint64_t i = 0;; ++i) {
    if (options.executions != 0 && i >= options.executions) break;
    if (options.time_budget.count() != 0 &&
        std::chrono::steady_clock::now() - start >= options.time_budget) {
      break;
    }
    if (!strategy->begin_execution(i)) {
      stats.exhausted = true;
      stats.scope = strategy->scope();
      break;
    }
    config.index = i;
    ex.run(request.body, config);
    strategy->end_execution(ex.steps());
    if (!strategy->execution_in_shard()) continue;
    ++stats.executions;
    stats.steps += ex.steps();
    progress.executions.store(stats.executions, std::memory_order_relaxed);

    // Built only for the executions that need it: copying the choices of every passing
    // execution would cost an allocation per execution.
    auto schedule_of_run = [&] {
      return Schedule{request.name, ex.threads_created(), request.semantics, ex.choices()};
    };
    if (replaying) {
      const Schedule schedule = schedule_of_run();
      std::string error = ex.replay_error();
      if (error.empty() && schedule.threads != Schedule::parse(options.replay).threads) {
        error = "replay token was recorded with " +
                std::to_string(Schedule::parse(options.replay).threads) +
                " threads, but this execution created " + std::to_string(schedule.threads);
      }
      if (error.empty()) {
        try {
          static_cast<Replay&>(*strategy).check_consumed();
        } catch (const TokenError& e) {
          error = e.what();
        }
      }
      if (!error.empty()) return Result(Verdict::kError, Report{}, error);
      Report report = make_report(request, ex, ex.findings(), schedule, i);
      report.stats = stats;
      const bool failed = report.failed();
      return Result(failed ? Verdict::kFailed : Verdict::kPassed, std::move(report));
    }
    if (ex.findings().empty()) continue;
    ++stats.failing_executions;
    if (first) continue;  // only the first failure gets a report

    // Re-run the failing schedule: the determinism check, and the recorded trace.
    Schedule schedule = schedule_of_run();
    std::vector<Finding> findings = ex.findings();
    Replay replay(schedule.choices);
    ExecutionConfig rerun = config;
    rerun.strategy = &replay;
    rerun.record_trace = true;
    replay.begin_execution(0);
    ex.run(request.body, rerun);
    if (!ex.replay_error().empty() || !same_failures(findings, ex.findings())) {
      findings = {nondeterminism_finding(findings, ex)};
    } else {
      findings = ex.findings();  // the traced re-run's: their locations carry call stacks
    }
    first = make_report(request, ex, std::move(findings), std::move(schedule), i);
    if (options.stop_on_finding) break;
  }
  if (first) {
    first->stats = stats;
    return Result(Verdict::kFailed, std::move(*first));
  }
  Report report;
  report.scenario = request.name;
  report.strategy = options.strategy;
  report.seed = options.seed;
  report.stats = stats;
  return Result(Verdict::kPassed, std::move(report));
}

}  // namespace lockstep::internal
