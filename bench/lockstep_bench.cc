// lockstep_bench: the runtime's costs, measured in one run so they compare as ratios.
//   BM_RawFiberSwitch   one Boost.Context switch (jump_fcontext), the floor of any fiber
//                       runtime; items = switches
//   BM_SchedulingPoint  two threads take turns on one Mutex; items = scheduling points
//   BM_Counter2x10      two threads x 10 x (lock, ++Shared<int>, unlock), random
//                       strategy; items = executions
//   BM_Catalog/<name>   each registered catalog scenario (its own options, all
//                       executions run: stop-on-finding=false, random strategy);
//                       items = executions
//   BM_Workers/<name>/N the same with option workers=N (1 and 2): the speed-up of
//                       parallel workers is the ratio of the two rates
// The explorations run on a worker OS thread, so every benchmark is timed in real time
// and reports the process's CPU time beside it. At the end the console output shows
// the performance targets computed from this run (targets_reporter.h). docs/performance.md
// has the numbers and how to reproduce them. Every search names strategy random (the
// default was random when the numbers were taken; it is the cheapest per step, so the
// runtime's cost is what is measured).
#include <benchmark/benchmark.h>
#include <lockstep/lockstep.h>
#include <lockstep/scenario.h>

#include <boost/context/detail/fcontext.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <unistd.h>

#include "classic_programs.h"
#include "counter_2x10.h"
#include "targets_reporter.h"

namespace {

namespace fctx = boost::context::detail;

// The fiber of BM_RawFiberSwitch: switches straight back, forever.
void bounce(fctx::transfer_t from) {
  fctx::fcontext_t caller = from.fctx;
  for (;;) caller = fctx::jump_fcontext(caller, nullptr).fctx;
}

// Each iteration is one switch to the fiber and one back: two items.
void BM_RawFiberSwitch(benchmark::State& state) {
  std::vector<char> stack(64 * 1024);
  fctx::fcontext_t fiber = fctx::make_fcontext(stack.data() + stack.size(), stack.size(), &bounce);
  fiber = fctx::jump_fcontext(fiber, nullptr).fctx;
  for (auto _ : state) fiber = fctx::jump_fcontext(fiber, nullptr).fctx;
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * 2);
}
BENCHMARK(BM_RawFiberSwitch)->MeasureProcessCPUTime()->UseRealTime();

// Default options but for the budget and the strategy; no progress lines on stderr.
lockstep::Options search_options(std::uint64_t executions) {
  lockstep::Options options;
  options.strategy = "random";
  options.executions = executions;
  options.progress = "off";
  return options;
}

// 100 executions of two threads x 1,000 rounds of lock+unlock on one Mutex: ~4,000
// scheduling points each, so per-execution and per-search costs are negligible.
void ping_pong() {
  constexpr int kRounds = 1000;
  lockstep::Mutex m;
  auto ping = [&] {
    for (int i = 0; i < kRounds; ++i) {
      m.lock();
      m.unlock();
    }
  };
  lockstep::Thread other(ping);
  ping();
  other.join();
}

void BM_SchedulingPoint(benchmark::State& state) {
  std::uint64_t points = 0;
  for (auto _ : state) {
    const lockstep::Result result = lockstep::explore_exactly(&ping_pong, search_options(100), "ping_pong");
    if (!result) state.SkipWithError("the ping-pong scenario failed");
    points += result.report().stats.steps;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(points));
}
BENCHMARK(BM_SchedulingPoint)->Unit(benchmark::kMillisecond)->MeasureProcessCPUTime()->UseRealTime();

void BM_Counter2x10(benchmark::State& state) {
  constexpr std::uint64_t kExecutions = 20000;
  for (auto _ : state) {
    const lockstep::Result result =
        lockstep::explore_exactly(&lockstep_bench::counter_2x10, search_options(kExecutions), "counter2x10");
    if (!result) state.SkipWithError("the counter scenario failed");
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kExecutions));
}
BENCHMARK(BM_Counter2x10)->Unit(benchmark::kMillisecond)->MeasureProcessCPUTime()->UseRealTime();

// The DPOR variant of a BM_Dpor* benchmark: state.range(i) is 0 for dpor=optimal, 1 for
// dpor=source.
const char* dpor_variant(const benchmark::State& state, int i) {
  return state.range(i) == 0 ? " dpor=optimal" : " dpor=source";
}

// Exhaustive DPOR of the same scenario: one execution per order of the 20 critical
// sections, C(20, 10) = 184,756 (checked: a different count is an error); argument
// source: 0 optimal, 1 source sets.
void BM_DporCounter2x10(benchmark::State& state) {
  lockstep::Options options;
  options.apply(std::string("strategy=dpor executions=0 progress=off") + dpor_variant(state, 0));
  std::uint64_t executions = 0;
  for (auto _ : state) {
    const lockstep::Result result = lockstep::explore_exactly(&lockstep_bench::counter_2x10, options, "counter2x10");
    executions = result.report().stats.executions;
    if (!result.covered_all() || executions != 184756) state.SkipWithError("not 184,756 executions");
  }
  state.counters["executions"] = static_cast<double>(executions);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * executions));
}
BENCHMARK(BM_DporCounter2x10)->ArgName("source")->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->MeasureProcessCPUTime()->UseRealTime();

// DPOR on the classic benchmarks of Flanagan & Godefroid (POPL 2005;
// classic_programs.h), for growing N: one exhaustive search per iteration; counters
// "executions" (of one search) and the time per search; second argument source: 0
// optimal, 1 source sets. lastzero races by design, so
// its accesses are all scheduling points (shared-points=all) and its race findings do
// not stop the search (stop-on-finding=false); the search must still cover everything.
void run_classic_dpor(benchmark::State& state, const std::function<void()>& body, const char* name) {
  lockstep::Options options;
  options.apply(std::string("strategy=dpor executions=0 shared-points=all stop-on-finding=false progress=off") +
                dpor_variant(state, 1));
  std::uint64_t executions = 0;
  for (auto _ : state) {
    const lockstep::Result result = lockstep::explore_exactly(body, options, name);
    executions = result.report().stats.executions;
    if (!result.report().stats.exhausted) state.SkipWithError("the search did not cover every schedule");
  }
  state.counters["executions"] = static_cast<double>(executions);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * executions));
}
void BM_DporLastzero(benchmark::State& state) {
  run_classic_dpor(state, lockstep_bench::lastzero(static_cast<int>(state.range(0))), "lastzero");
}
void BM_DporIndexer(benchmark::State& state) {
  run_classic_dpor(state, lockstep_bench::indexer(static_cast<int>(state.range(0))), "indexer");
}
void BM_DporFilesystem(benchmark::State& state) {
  run_classic_dpor(state, lockstep_bench::filesystem(static_cast<int>(state.range(0))), "filesystem");
}
BENCHMARK(BM_DporLastzero)
    ->ArgNames({"n", "source"})
    ->ArgsProduct({benchmark::CreateDenseRange(2, 10, 1), {0, 1}})
    ->Unit(benchmark::kMillisecond)->MeasureProcessCPUTime()->UseRealTime();
BENCHMARK(BM_DporIndexer)
    ->ArgNames({"n", "source"})
    ->ArgsProduct({benchmark::CreateDenseRange(11, 16, 1), {0, 1}})
    ->Unit(benchmark::kMillisecond)->MeasureProcessCPUTime()->UseRealTime();
BENCHMARK(BM_DporFilesystem)
    ->ArgNames({"n", "source"})
    ->ArgsProduct({benchmark::CreateDenseRange(12, 22, 2), {0, 1}})
    ->Unit(benchmark::kMillisecond)->MeasureProcessCPUTime()->UseRealTime();

// Steady-state executions per second of a catalog scenario. A search also has one-time
// costs: starting its worker thread and, for a bug variant, re-running the first failure
// and symbolising its report (tens of milliseconds, an addr2line process). Each iteration
// therefore runs the same seeded search twice, with kBase and kBase + kExtra executions,
// and is timed as the difference: the one-time costs cancel, kExtra executions remain.
void BM_Catalog(benchmark::State& state, const lockstep::ScenarioInfo* scenario) {
  constexpr std::uint64_t kBase = 1000;
  constexpr std::uint64_t kExtra = 20000;
  lockstep::Options options;
  options.apply(scenario->options);
  options.strategy = "random";
  options.progress = "off";
  options.stop_on_finding = false;
  const auto search = [&](std::uint64_t executions) {
    options.executions = executions;
    const auto start = std::chrono::steady_clock::now();
    lockstep::explore_exactly(scenario->body, options, scenario->name);
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  for (auto _ : state) {
    const double base = search(kBase);
    state.SetIterationTime(search(kBase + kExtra) - base);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kExtra));
}

// As BM_Catalog, with the search's executions spread over state.range(0) workers.
void BM_Workers(benchmark::State& state, const lockstep::ScenarioInfo* scenario) {
  constexpr std::uint64_t kBase = 2000;
  constexpr std::uint64_t kExtra = 40000;
  lockstep::Options options;
  options.apply(scenario->options);
  options.strategy = "random";
  options.progress = "off";
  options.stop_on_finding = false;
  options.workers = static_cast<std::uint64_t>(state.range(0));
  const auto search = [&](std::uint64_t executions) {
    options.executions = executions;
    const auto start = std::chrono::steady_clock::now();
    lockstep::explore_exactly(scenario->body, options, scenario->name);
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  for (auto _ : state) {
    const double base = search(kBase);
    state.SetIterationTime(search(kBase + kExtra) - base);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kExtra));
}

}  // namespace

int main(int argc, char** argv) {
  for (const lockstep::ScenarioInfo& scenario : lockstep::scenarios()) {
    benchmark::RegisterBenchmark(("BM_Catalog/" + scenario.name).c_str(), BM_Catalog, &scenario)
        ->Unit(benchmark::kMillisecond)
        ->UseManualTime();
    benchmark::RegisterBenchmark(("BM_Workers/" + scenario.name).c_str(), BM_Workers, &scenario)
        ->ArgName("workers")
        ->Arg(1)
        ->Arg(2)
        ->Unit(benchmark::kMillisecond)
        ->UseManualTime();
  }
  // The targets summary belongs to the console format; json and csv stay the library's.
  bool console = true;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg.starts_with("--benchmark_format=")) console = arg == "--benchmark_format=console";
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  if (!console) {
    benchmark::RunSpecifiedBenchmarks();
  } else {
    // Colours as the library's own default: only on a terminal.
    lockstep::bench::TargetsReporter reporter(isatty(STDOUT_FILENO) != 0
                                                  ? benchmark::ConsoleReporter::OO_ColorTabular
                                                  : benchmark::ConsoleReporter::OO_Tabular);
    benchmark::RunSpecifiedBenchmarks(&reporter);
  }
  benchmark::Shutdown();
  return 0;
}
