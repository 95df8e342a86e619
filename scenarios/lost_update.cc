// Lost update: two threads do `counter += 1` on plain shared data. `+=` is a read and
// then a write; if both read before either writes, one increment is lost. With
// shared-points=all the accesses are scheduling points, so the interleaving that
// loses the update is explored and the assertion catches it (the race checker of the
// checkers issue flags it under the default too). The fix holds a mutex around it.
#include <lockstep/lockstep.h>

#include <mutex>

LOCKSTEP_SCENARIO(lost_update, assertion, "two threads increment a Shared<int> without a lock",
                  "shared-points=all") {
  lockstep::Shared<int> counter{0, "counter"};
  lockstep::Thread t1([&] { counter += 1; });
  lockstep::Thread t2([&] { counter += 1; });
  t1.join();
  t2.join();
  LOCKSTEP_ASSERT(counter == 2);
}

LOCKSTEP_SCENARIO(lost_update_locked, pass, "the fix: the increments hold a mutex",
                  "shared-points=all") {
  lockstep::Mutex mutex("mutex");
  lockstep::Shared<int> counter{0, "counter"};
  auto increment = [&] {
    std::scoped_lock guard(mutex);
    counter += 1;
  };
  lockstep::Thread t1(increment);
  lockstep::Thread t2(increment);
  t1.join();
  t2.join();
  LOCKSTEP_ASSERT(counter == 2);
}
