// Run under the tsan preset by tests/CMakeLists.txt: lockstep announces its fibers to
// ThreadSanitizer, so TSan checks the real memory accesses of code lockstep does not
// instrument, under lockstep's deterministic schedules.
//   plain_int_race <case>   explores one row of kCases; tests/CMakeLists.txt expects a
//                           TSan data race report exactly for the racy ones
#include <lockstep/lockstep.h>

#include <cstdio>
#include <cstring>
#include <mutex>

namespace {

int plain = 0;  // not a Shared<int>: invisible to lockstep, visible to TSan
lockstep::Mutex mutex;

void increment() { plain += 1; }
void locked_increment() {
  std::scoped_lock guard(mutex);
  plain += 1;
}

struct Case {
  const char* name;
  void (*body)();
};

const Case kCases[] = {
    {"racy",  // the main thread and a child increment it
     [] {
       lockstep::Thread child(increment);
       increment();
       child.join();
     }},
    {"racy_children",  // two children, each running start to end in one step
     [] {
       lockstep::Thread first(increment);
       lockstep::Thread second(increment);
       first.join();
       second.join();
     }},
    {"locked",  // race-free: the same under a lockstep::Mutex
     [] {
       lockstep::Thread child(locked_increment);
       locked_increment();
       child.join();
     }},
    {"joined",  // race-free: the main thread reads it after joining the writer
     [] {
       lockstep::Thread child(increment);
       child.join();
       increment();
     }},
};

}  // namespace

int main(int argc, char** argv) {
  for (const Case& c : kCases) {
    if (argc != 2 || std::strcmp(argv[1], c.name) != 0) continue;
    lockstep::Options options;
    options.executions = 20;
    const lockstep::Result result = lockstep::explore_exactly(c.body, options, c.name);
    std::printf("%s: lockstep verdict %s\n", c.name, result.passed() ? "passed" : "failed");
    return result.passed() ? 0 : 1;
  }
  std::fprintf(stderr, "usage: plain_int_race racy|racy_children|locked|joined\n");
  return 2;
}
