#include "runtime/search.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <memory>
#include <optional>
#include <set>

#include "deadlock/lock_order.h"
#include "deadlock/steer_into_cycle.h"
#include "deadlock/lock_order.h"
#include "deadlock/steer_into_cycle.h"
#include "lockstep/checker.h"
#include "lockstep/schedule.h"
#include "report/symbolizer.h"
#include "runtime/check.h"
#include "runtime/parallel_search.h"
#include "runtime/shrink.h"
#include "strategies/replay.h"

namespace lockstep::internal {
namespace {

// The options a replay token carries because they change what an execution does.
constexpr std::string_view kSemanticKeys[] = {"shared-points", "racy-variables", "spurious-wakeups",
                                              "max-steps", "strict", "fair",
                                              "livelock-after"};

std::string format_racy_keys(const std::vector<std::uint32_t>& keys) {
  std::string text;
  char buffer[9];
  for (std::uint32_t key : keys) {
    std::snprintf(buffer, sizeof(buffer), "%08x", key);
    if (!text.empty()) text += '.';
    text += buffer;
  }
  return text;
}

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
    case OpResult::kRefused: text = "refused (misuse)"; break;
  }
  if (event.op == OpKind::kSpawn || event.op == OpKind::kJoin || event.op == OpKind::kWake) {
    // A join names its target as the object (t2); a wake names the woken thread
    // unless it is the waker itself.
    const bool named = event.op == OpKind::kJoin && event.object != 0;
    if (!named && (event.op != OpKind::kWake || event.other != event.thread)) {
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
  // The execution found the scenario nondeterministic itself (a primitive used by two
  // workers' executions at once, Execution::report_shared_object): that finding says
  // more than the re-run, which runs alone and cannot see it again.
  if (!first.empty() && first[0].kind == FindingKind::kNondeterminism) return first[0];
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

// Shrinks the failing `schedule` (see runtime/shrink.h) and re-runs the result with
// `traced` so `ex` holds its trace for the report. `untraced` are the findings of the
// failing execution. Returns the traced run's findings; fills in the report's schedule
// fields (steps, preemptions, shrink statistics).
std::vector<Finding> shrink_failure(const SearchRequest& request, Execution& ex,
                                    const ExecutionConfig& traced,
                                    const std::vector<Finding>& untraced, Schedule& schedule,
                                    Report& sizes) {
  ExecutionConfig quiet = traced;
  quiet.record_trace = false;
  // A candidate that runs on past the failing run's length is not smaller: end it early
  // (unless the failure is the step bound itself, whose message names the bound).
  const bool step_bound = !untraced.empty() && untraced[0].kind == FindingKind::kStepBound;
  if (!step_bound) quiet.max_steps = std::min(quiet.max_steps, 2 * ex.steps() + 64);
  ShrinkResult shrunk = shrink_schedule(ex, request.body, quiet, untraced, schedule.choices,
                                        request.options.shrink_runs);
  auto run_traced = [&](const std::vector<std::uint32_t>& choices) {
    Replay replay(choices);
    PreemptionCounter counted(replay);
    ExecutionConfig rerun = traced;
    rerun.strategy = &counted;
    counted.begin_execution(0);
    ex.run(request.body, rerun);
    sizes.steps = ex.steps();
    sizes.preemptions = counted.preemptions();
    return ex.replay_error().empty() && same_failures(untraced, ex.findings());
  };
  // A scenario that is nondeterministic only now and then may not reproduce the shrunk
  // schedule: the report then shows the original one (whose re-run just succeeded).
  if (!shrunk.reproduced || !run_traced(shrunk.choices)) {
    run_traced(schedule.choices);
  } else {
    schedule.choices = std::move(shrunk.choices);
    schedule.threads = ex.threads_created();
    sizes.shrink_runs = shrunk.runs;
    sizes.unshrunk_preemptions = shrunk.original_preemptions;
    sizes.unshrunk_steps = shrunk.original_steps;
  }
  return ex.findings();
}

}  // namespace

std::vector<std::uint32_t> parse_racy_keys(const std::string& text) {
  std::vector<std::uint32_t> keys;
  std::size_t at = 0;
  while (at < text.size()) {
    std::size_t end = text.find('.', at);
    if (end == std::string::npos) end = text.size();
    const std::string_view part(text.data() + at, end - at);
    std::uint32_t key = 0;
    const auto [last, error] = std::from_chars(part.data(), part.data() + part.size(), key, 16);
    if (part.empty() || part.size() > 8 || error != std::errc{} || last != part.data() + part.size()) {
      throw OptionError("option racy-variables: invalid key '" + std::string(part) +
                        "' (expected up to 8 hex digits, keys separated by '.')");
    }
    keys.push_back(key);
    at = end + 1;
  }
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  return keys;
}

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

std::string semantics_with_racy(const SearchRequest& request, const std::vector<std::uint32_t>& racy) {
  if (shared_points_of(request.options) != SharedPoints::kRacy ||
      racy == parse_racy_keys(request.options.racy_variables)) {
    return request.semantics;
  }
  Options with_racy = request.options;
  with_racy.racy_variables = format_racy_keys(racy);
  return semantics_of(with_racy);
}

void learn_racy(std::vector<std::uint32_t>& racy, const std::vector<std::uint32_t>& found) {
  if (found.empty()) return;
  racy.insert(racy.end(), found.begin(), found.end());
  std::sort(racy.begin(), racy.end());
  racy.erase(std::unique(racy.begin(), racy.end()), racy.end());
}

Report failure_report(const SearchRequest& request, Execution& ex, const ExecutionConfig& config,
                      std::uint64_t index) {
  const std::string semantics =
      config.racy != nullptr ? semantics_with_racy(request, *config.racy) : request.semantics;
  Schedule schedule{request.name, ex.threads_created(), semantics, ex.choices()};
  std::vector<Finding> findings = ex.findings();
  Replay replay(schedule.choices);
  PreemptionCounter counted(replay);
  ExecutionConfig rerun = config;
  rerun.strategy = &counted;
  rerun.record_trace = true;
  counted.begin_execution(0);
  ex.run(request.body, rerun);
  Report sizes;
  sizes.steps = ex.steps();
  sizes.preemptions = counted.preemptions();
  if (!ex.replay_error().empty() || !same_failures(findings, ex.findings())) {
    findings = {nondeterminism_finding(findings, ex)};
  } else if (request.options.shrink) {
    findings = shrink_failure(request, ex, rerun, findings, schedule, sizes);
  } else {
    findings = ex.findings();  // the traced re-run's: their locations carry call stacks
  }
  Report report = make_report(request, ex, std::move(findings), std::move(schedule), index);
  report.steps = sizes.steps;
  report.preemptions = sizes.preemptions;
  report.shrink_runs = sizes.shrink_runs;
  report.unshrunk_preemptions = sizes.unshrunk_preemptions;
  report.unshrunk_steps = sizes.unshrunk_steps;
  return report;
}

Report passed_report(const SearchRequest& request, const Statistics& stats) {
  Report report;
  report.scenario = request.name;
  report.strategy = request.options.strategy;
  report.seed = request.options.seed;
  report.stats = stats;
  return report;
}

// Re-runs the schedule of a replay token once (the search proper is run_workers).
Result run_search(const SearchRequest& request, SearchProgress& progress) {
  const Options& options = request.options;
  if (options.strategy != "replay") return run_workers(request, progress);
  std::unique_ptr<Strategy> strategy = make_strategy(options);
  StackPool stacks(options.stack_size);
  Execution ex(stacks);
  std::vector<std::unique_ptr<Checker>> checkers = make_default_checkers();

  ExecutionConfig config = execution_config(options);
  const std::vector<std::uint32_t> racy = parse_racy_keys(options.racy_variables);
  config.racy = &racy;
  PreemptionCounter counted_replay(*strategy);
  config.strategy = &counted_replay;
  for (auto& checker : checkers) config.checkers.push_back(checker.get());
  config.record_trace = true;
  config.heartbeat = &progress.workers[0].heartbeat;

  Statistics stats;
  counted_replay.begin_execution(0);
  ex.run(request.body, config);
  strategy->end_execution(ex.steps());
  stats.executions = 1;
  stats.steps = ex.steps();
  progress.workers[0].executions.store(1, std::memory_order_relaxed);

  const Schedule schedule{request.name, ex.threads_created(), request.semantics, ex.choices()};
  const Schedule recorded = Schedule::parse(options.replay);
  std::string error = ex.replay_error();
  if (error.empty() && schedule.threads != recorded.threads) {
    error = "replay token was recorded with " + std::to_string(recorded.threads) +
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
  Report report = make_report(request, ex, ex.findings(), schedule, 0);
  report.stats = stats;
  report.steps = ex.steps();
  report.preemptions = counted_replay.preemptions();
  const bool failed = report.failed();
  return Result(failed ? Verdict::kFailed : Verdict::kPassed, std::move(report));
}

ExecutionConfig execution_config(const Options& options) {
  ExecutionConfig config;
  config.max_steps = options.max_steps;
  config.shared_points = shared_points_of(options);
  config.spurious_wakeups = options.spurious_wakeups;
  config.strict = options.strict;
  config.fair = options.fair;
  config.fair_from = options.livelock_after;
  config.options = &options;
  return config;
}

// Potential deadlocks (checkers/deadlock/lock_order.h), after a main search that found
// nothing: each lock-order cycle the search saw is steered into for steer-executions
// executions (checkers/deadlock/steer_into_cycle.h). The first steered execution that
// fails becomes the search's failure, reported as any other (re-run, traced, with its
// replay token: the token holds the steered picks, so plain replay reproduces it). The
// cycles left are reported once each, with the severity potential-deadlocks says.
PotentialDeadlocks check_potential_deadlocks(const SearchRequest& request, Execution& ex,
                                             const ExecutionConfig& config,
                                             const std::vector<std::unique_ptr<Checker>>& checkers,
                                             Statistics& stats, std::set<std::string>& tried) {
  PotentialDeadlocks out;
  const Options& options = request.options;
  if (options.potential_deadlocks == "off") return out;
  checkers::LockOrder* order = nullptr;
  for (const auto& checker : checkers) {
    if (auto* found = dynamic_cast<checkers::LockOrder*>(checker.get())) order = found;
  }
  if (order == nullptr) return out;
  const std::vector<checkers::LockOrder::Cycle> cycles = order->candidates();
  order->capture_stacks(true);
  std::vector<bool> fresh(cycles.size());
  for (std::size_t k = 0; k < cycles.size(); ++k) {
    // Lanes see the same cycles, maybe from another edge (a lane whose executions
    // take b -> a first): each is steered into and reported once per search.
    fresh[k] = tried.insert(order->cycle_key(cycles[k])).second;
  }
  for (std::size_t k = 0; k < cycles.size(); ++k) {
    if (!fresh[k]) continue;
    checkers::SteerIntoCycle steer(*order, cycles[k], options.seed ^ ((k + 1) * 0xd1b54a32d192ed03ULL));
    ExecutionConfig steered = config;
    steered.strategy = &steer;
    for (std::uint64_t i = 0; i < options.steer_executions; ++i) {
      steer.begin_execution(i);
      steered.index = stats.executions;
      ex.run(request.body, steered);
      ++stats.executions;
      stats.steps += ex.steps();
      if (ex.findings().empty()) continue;
      ++stats.failing_executions;
      out.confirmed = failure_report(request, ex, steered, steered.index);
      order->capture_stacks(false);
      return out;
    }
  }
  order->capture_stacks(false);
  order->resolve_locations();
  for (std::size_t k = 0; k < cycles.size(); ++k) {
    if (!fresh[k]) continue;
    Finding finding = order->finding(
        cycles[k], options.potential_deadlocks == "error" ? Severity::kError : Severity::kWarning);
    finding.message += options.steer_executions == 0
                           ? " (not steered: steer-executions=0)"
                           : " (" + std::to_string(options.steer_executions) +
                                 " executions steered into it did not deadlock)";
    out.unconfirmed.push_back(std::move(finding));
  }
  return out;
}

}  // namespace lockstep::internal
