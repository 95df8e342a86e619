// lockstep_bench: the runtime's costs, measured in one run so they compare as ratios.
//   BM_RawFiberSwitch   one Boost.Context switch (jump_fcontext), the floor
//   BM_SchedulingPoint  a two-thread lock ping-pong; items = scheduling points
//   BM_Counter2x10      two threads × 10 × (lock, ++Shared<int>, unlock); items = executions
//   BM_Catalog/<name>   executions per second of each catalog scenario's fixed variant
//                       (scenarios expected to pass; the bug variants stop at the bug)
#include <benchmark/benchmark.h>
#include <lockstep/lockstep.h>

#include <boost/context/detail/fcontext.hpp>
#include <cstdlib>
#include <mutex>
#include <vector>

namespace {

namespace fctx = boost::context::detail;

fctx::fcontext_t g_main;

void bounce(fctx::transfer_t from) {
  g_main = from.fctx;
  for (;;) g_main = fctx::jump_fcontext(g_main, nullptr).fctx;
}

// Each iteration is one switch away and one back; reported per switch.
void BM_RawFiberSwitch(benchmark::State& state) {
  std::vector<char> stack(64 * 1024);
  fctx::fcontext_t fiber = fctx::make_fcontext(stack.data() + stack.size(), stack.size(), &bounce);
  fiber = fctx::jump_fcontext(fiber, nullptr).fctx;
  for (auto _ : state) fiber = fctx::jump_fcontext(fiber, nullptr).fctx;
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * 2);
}
BENCHMARK(BM_RawFiberSwitch);

lockstep::Options search_options(std::uint64_t executions) {
  lockstep::Options options;
  options.executions = executions;
  options.stall_timeout = lockstep::Millis{0};
  options.progress = "off";
  options.max_steps = 1u << 22;
  return options;
}

// Two threads take turns on one mutex; every lock and unlock is a scheduling point.
void BM_SchedulingPoint(benchmark::State& state) {
  constexpr int kRounds = 10000;
  std::uint64_t points = 0;
  for (auto _ : state) {
    const lockstep::Result result = lockstep::explore_exactly(
        [] {
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
        },
        search_options(1), "ping_pong");
    if (!result) state.SkipWithError("ping-pong failed");
    points += result.report().stats.steps;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(points));
}
BENCHMARK(BM_SchedulingPoint)->Unit(benchmark::kMillisecond)->UseRealTime();

void counter_2x10() {
  lockstep::Mutex m;
  lockstep::Shared<int> counter{0};
  auto work = [&] {
    for (int i = 0; i < 10; ++i) {
      m.lock();
      ++counter;
      m.unlock();
    }
  };
  lockstep::Thread a(work);
  lockstep::Thread b(work);
  a.join();
  b.join();
}

void BM_Counter2x10(benchmark::State& state) {
  constexpr std::uint64_t kExecutions = 20000;
  for (auto _ : state) {
    const lockstep::Result result =
        lockstep::explore_exactly(&counter_2x10, search_options(kExecutions), "counter2x10");
    if (!result) state.SkipWithError("counter scenario failed");
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kExecutions));
}
BENCHMARK(BM_Counter2x10)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_Catalog(benchmark::State& state, const lockstep::ScenarioInfo* scenario) {
  lockstep::Options options = search_options(20000);
  options.apply(scenario->options);
  options.executions = 20000;
  options.stop_on_finding = false;
  std::uint64_t executions = 0;
  for (auto _ : state) {
    const lockstep::Result result = lockstep::explore_exactly(scenario->body, options, scenario->name);
    executions += result.report().stats.executions;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(executions));
}

}  // namespace

int main(int argc, char** argv) {
  for (const lockstep::ScenarioInfo& scenario : lockstep::scenarios()) {
    benchmark::RegisterBenchmark(("BM_Catalog/" + scenario.name).c_str(), BM_Catalog, &scenario)
        ->Unit(benchmark::kMillisecond)->UseRealTime();
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
