// Lost wakeup: a consumer waits on a condition variable with `if (!ready) wait` instead
// of `while (!ready) wait`. With two consumers and one item, the second consumer can
// wake (notify_all, or a wakeup meant for the other) and take an item that the first
// already took; an `if` does not re-check, so it proceeds on an empty buffer and the
// assertion fails. The fix re-checks the condition in a `while` loop (and the second
// consumer then waits for the second item).
#include <lockstep/lockstep.h>

#include <mutex>

namespace {

void consume_with(bool recheck) {
  lockstep::Mutex mutex("mutex");
  lockstep::ConditionVariable available("available");
  lockstep::Shared<int> items{0, "items"};
  auto consumer = [&] {
    std::unique_lock lock(mutex);
    if (recheck) {
      while (items == 0) available.wait(lock);
    } else if (items == 0) {
      available.wait(lock);
    }
    LOCKSTEP_ASSERT(items > 0);
    items -= 1;
  };
  lockstep::Thread first(consumer);
  lockstep::Thread second(consumer);
  for (int i = 0; i < 2; ++i) {
    std::scoped_lock lock(mutex);
    items += 1;
    available.notify_all();
  }
  first.join();
  second.join();
}

}  // namespace

LOCKSTEP_SCENARIO(lost_wakeup_if, assertion,
                  "consumers wait with `if` instead of `while`: one proceeds on an empty buffer") {
  consume_with(/*recheck=*/false);
}

LOCKSTEP_SCENARIO(lost_wakeup_while, pass, "the fix: consumers re-check the condition in a loop") {
  consume_with(/*recheck=*/true);
}
