// lockstep_instructions N: runs N executions of Counter2x10 with the default options
// but strategy random (every checker on) and nothing else, for a deterministic
// instruction count under valgrind --tool=callgrind (scripts/instructions runs it twice
// and divides the difference by the difference in executions, so start-up and the
// search's fixed costs cancel out).
#include <lockstep/lockstep.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "counter_2x10.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: lockstep_instructions EXECUTIONS\n");
    return 2;
  }
  char* end = nullptr;
  const unsigned long long executions = std::strtoull(argv[1], &end, 10);
  if (end == argv[1] || *end != '\0' || executions == 0) {
    std::fprintf(stderr, "lockstep_instructions: EXECUTIONS must be a positive integer, not '%s'\n",
                 argv[1]);
    return 2;
  }
  lockstep::Options options;
  options.strategy = "random";
  options.executions = executions;
  options.progress = "off";
  options.stall_timeout = lockstep::Millis{0};  // no watchdog thread in the count
  const lockstep::Result result =
      lockstep::explore_exactly(&lockstep_bench::counter_2x10, options, "counter2x10");
  if (!result) {
    std::fprintf(stderr, "%s\n", result.text().c_str());
    return 1;
  }
  return 0;
}
