#include "targets_reporter.h"

#include <cstdio>
#include <ostream>

namespace lockstep::bench {
namespace {

constexpr double kMaxSwitchesPerPoint = 15;  // issue 3, every checker on (issue 2: 10)
constexpr double kMinCounterExecutionsPerSecond = 400'000;

const char* verdict(bool met) { return met ? "met" : "MISSED"; }

}  // namespace

void TargetsReporter::ReportRuns(const std::vector<Run>& runs) {
  for (const Run& run : runs) {
    if (run.run_type != Run::RT_Iteration || run.error_occurred) continue;
    const auto rate = run.counters.find("items_per_second");
    if (rate == run.counters.end()) continue;
    // Every lockstep_bench benchmark is timed in real (or manual) time, so the rate is
    // per real second.
    Totals& totals = totals_[run.run_name.function_name];
    totals.items += rate->second.value * run.real_accumulated_time;
    totals.real_seconds += run.real_accumulated_time;
    totals.cpu_seconds += run.cpu_accumulated_time;
  }
  ConsoleReporter::ReportRuns(runs);
}

void TargetsReporter::Finalize() {
  const auto find = [&](const char* name) -> const Totals* {
    const auto it = totals_.find(name);
    return it == totals_.end() || it->second.items == 0 ? nullptr : &it->second;
  };
  const Totals* raw = find("BM_RawFiberSwitch");
  const Totals* point = find("BM_SchedulingPoint");
  const Totals* counter = find("BM_Counter2x10");
  if ((raw == nullptr || point == nullptr) && counter == nullptr) return;

  std::ostream& out = GetOutputStream();
  char line[200];
  out << "\nTargets (issue 3: every checker on)       wall clock      CPU time        target\n";
  if (raw != nullptr && point != nullptr) {
    const double raw_real = raw->real_seconds / raw->items * 1e9;
    const double raw_cpu = raw->cpu_seconds / raw->items * 1e9;
    const double point_real = point->real_seconds / point->items * 1e9;
    const double point_cpu = point->cpu_seconds / point->items * 1e9;
    std::snprintf(line, sizeof line, "  raw fiber switch (ns)                    %-15.2f %-15.2f\n",
                  raw_real, raw_cpu);
    out << line;
    std::snprintf(line, sizeof line, "  scheduling point (ns)                    %-15.2f %-15.2f\n",
                  point_real, point_cpu);
    out << line;
    const double ratio_real = point_real / raw_real;
    const double ratio_cpu = point_cpu / raw_cpu;
    std::snprintf(line, sizeof line,
                  "  scheduling point / raw switch            %-15.2f %-15.2f <= %.0f: %s\n",
                  ratio_real, ratio_cpu, kMaxSwitchesPerPoint,
                  verdict(ratio_real <= kMaxSwitchesPerPoint));
    out << line;
  }
  if (counter != nullptr) {
    const double real_rate = counter->items / counter->real_seconds;
    const double cpu_rate = counter->items / counter->cpu_seconds;
    std::snprintf(line, sizeof line,
                  "  Counter2x10 executions per second        %-15.0f %-15.0f >= %.0f: %s\n",
                  real_rate, cpu_rate, kMinCounterExecutionsPerSecond,
                  verdict(real_rate >= kMinCounterExecutionsPerSecond));
    out << line;
  }
  out << "  (the verdict is on wall-clock time; on a loaded machine compare the CPU column)\n";
  out.flush();
}

}  // namespace lockstep::bench
