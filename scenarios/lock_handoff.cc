// A threading.Lock has no owner: one thread may acquire it and another release it.
// Here the main thread takes the lock and a worker releases it when its part is done,
// handing the "baton" back; main then acquires it again. Legal in Python's semantics:
// lockstep must report nothing (a std::mutex used like this would be undefined).
#include <lockstep/lockstep.h>

LOCKSTEP_SCENARIO(lock_handoff, pass, "a Lock acquired by one thread and released by another") {
  lockstep::Lock baton("baton");
  lockstep::Shared<int> work{0, "work"};
  baton.acquire();
  lockstep::Thread worker([&] {
    work = 42;
    baton.release();  // hand the baton back to main
  });
  baton.acquire();  // waits for the worker's release
  LOCKSTEP_ASSERT(work == 42);
  baton.release();
  worker.join();
}
