// Run under the tsan preset by tests/CMakeLists.txt: lockstep announces its fibers to
// ThreadSanitizer, so TSan checks the real memory accesses of code lockstep does not
// instrument, under lockstep's deterministic schedules.
//   plain_int_race racy    two logical threads increment a plain int: TSan must report it
//   plain_int_race locked  the same under a lockstep::Mutex: TSan must stay silent
#include <lockstep/lockstep.h>

#include <cstdio>
#include <cstring>
#include <mutex>

int main(int argc, char** argv) {
  const bool locked = argc > 1 && std::strcmp(argv[1], "locked") == 0;
  lockstep::Options options;
  options.executions = 20;
  const lockstep::Result result = lockstep::explore_exactly(
      [locked] {
        int plain = 0;  // not a Shared<int>: invisible to lockstep, visible to TSan
        lockstep::Mutex mutex;
        auto increment = [&] {
          if (locked) mutex.lock();
          plain += 1;
          if (locked) mutex.unlock();
        };
        lockstep::Thread other(increment);
        increment();
        other.join();
      },
      options, locked ? "plain_int_locked" : "plain_int_racy");
  std::printf("lockstep verdict: %s\n", result.passed() ? "passed" : "failed");
  return result.passed() ? 0 : 1;
}
