// Lost update: two threads do `counter += 1` on plain shared data. `+=` is a read and
// then a write; if both read before either writes, one increment is lost. The race
// checker flags the unsynchronised accesses in the very first execution, whatever the
// interleaving. With shared-points=all the accesses are also scheduling points, so the
// interleaving that loses the update is explored and the assertion fails in the same
// execution as the race. The fix holds a mutex around the increment.
#include <lockstep/lockstep.h>

#include <mutex>

namespace {

void increment_unlocked() {
  lockstep::Shared<int> counter{0, "counter"};
  lockstep::Thread t1([&] { counter += 1; });
  lockstep::Thread t2([&] { counter += 1; });
  t1.join();
  t2.join();
  LOCKSTEP_ASSERT(counter == 2);
}

}  // namespace

LOCKSTEP_SCENARIO(lost_update, data_race, "two threads increment a Shared<int> without a lock") {
  increment_unlocked();
}

LOCKSTEP_SCENARIO(lost_update_consequence, data_race | assertion,
                  "the lost update itself: Shared accesses are scheduling points",
                  "shared-points=all") {
  increment_unlocked();
}

LOCKSTEP_SCENARIO(lost_update_locked, pass, "the fix: the increments hold a mutex",
                  "shared-points=all executions=2000") {
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
