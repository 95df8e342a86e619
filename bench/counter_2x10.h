// The Counter2x10 scenario of issues 2 and 3, shared by lockstep_bench (BM_Counter2x10)
// and lockstep_instructions (scripts/instructions): two threads, each 10 times lock a
// Mutex, ++ a Shared<int>, unlock.
#pragma once

#include <lockstep/lockstep.h>

namespace lockstep_bench {

inline void counter_2x10() {
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

}  // namespace lockstep_bench
