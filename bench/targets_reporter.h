// The console reporter of lockstep_bench, plus the performance targets computed from
// the same run (issue 3's, with every checker on, the default; issue 2 asked for 10
// switches with no checker but global deadlock):
//   - a scheduling point costs at most 15 raw fiber switches
//     (BM_SchedulingPoint's time per item / BM_RawFiberSwitch's time per item);
//   - BM_Counter2x10 runs at least 400,000 executions per second.
// Each is shown in wall-clock time and in CPU time: on a loaded machine wall-clock time
// also counts other processes' turns, CPU time only this process's work. A target
// whose benchmarks were filtered out is not shown. Being the display reporter, it takes
// the place of --benchmark_format=console (lockstep_bench.cc leaves other formats to
// the library).
#pragma once

#include <benchmark/benchmark.h>

#include <map>
#include <string>
#include <vector>

namespace lockstep::bench {

class TargetsReporter : public benchmark::ConsoleReporter {
 public:
  explicit TargetsReporter(OutputOptions options) : ConsoleReporter(options) {}
  void ReportRuns(const std::vector<Run>& runs) override;
  void Finalize() override;

 private:
  // Items and times summed over a benchmark's runs (repetitions included).
  struct Totals {
    double items = 0;
    double real_seconds = 0;
    double cpu_seconds = 0;
  };
  std::map<std::string, Totals> totals_;  // by benchmark family name
};

}  // namespace lockstep::bench
