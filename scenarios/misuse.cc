// Lock misuse, one story per row of DESIGN.md §4's table: each bug variant (expect
// `misuse`) next to its fix (expect `pass`). The primitives keep their real behaviour
// (Python's RuntimeError, std's system_error ...), but the misuse is the first finding.
#include <lockstep/lockstep.h>

#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <system_error>

namespace {

// A cache whose refresh() may be called by any worker; only the thread that started a
// refresh may finish it. The bug: a helper thread finishes (releases) it instead.
void refresh_story(bool helper_releases) {
  lockstep::RLock refreshing("refreshing");
  lockstep::Shared<int> generation{0, "generation"};
  refreshing.acquire();
  generation = generation + 1;
  lockstep::Thread helper([&] {
    if (!helper_releases) return;
    try {
      refreshing.release();  // RuntimeError in Python: not the owner
    } catch (const std::runtime_error&) {
    }
  });
  helper.join();
  if (!helper_releases) refreshing.release();
}

}  // namespace

LOCKSTEP_SCENARIO(misuse_rlock_foreign_release, misuse,
                  "a helper thread releases an RLock its caller owns") {
  refresh_story(/*helper_releases=*/true);
}

LOCKSTEP_SCENARIO(misuse_rlock_owner_release, pass, "the fix: the owner releases its RLock") {
  refresh_story(/*helper_releases=*/false);
}

// An error path that releases the lock once more: the caller's guard releases it too.
LOCKSTEP_SCENARIO(misuse_double_release, misuse, "an error path releases a Lock twice") {
  lockstep::Lock lock("lock");
  lockstep::Thread worker([&] {
    lock.acquire();
    lock.release();  // "on error": released early ...
    try {
      lock.release();  // ... and again on the normal path
    } catch (const std::runtime_error&) {
    }
  });
  worker.join();
}

LOCKSTEP_SCENARIO(misuse_single_release, pass, "the fix: a guard releases the Lock once") {
  lockstep::Lock lock("lock");
  lockstep::Thread worker([&] { std::scoped_lock guard(lock); });
  worker.join();
}

// A std::mutex unlocked by a thread that does not own it: undefined behaviour in std.
LOCKSTEP_SCENARIO(misuse_mutex_foreign_unlock, misuse, "a thread unlocks a Mutex another one locked") {
  lockstep::Mutex m("m");
  m.lock();
  lockstep::Thread other([&] {
    try {
      m.unlock();
    } catch (const std::system_error&) {
    }
  });
  other.join();
  m.unlock();
}

LOCKSTEP_SCENARIO(misuse_mutex_own_unlock, pass, "the fix: each thread unlocks what it locked") {
  lockstep::Mutex m("m");
  lockstep::Thread other([&] { std::scoped_lock guard(m); });
  { std::scoped_lock guard(m); }
  other.join();
}

// try_lock by the owner of a non-recursive mutex: undefined behaviour in std.
LOCKSTEP_SCENARIO(misuse_mutex_try_relock, misuse, "the owner of a Mutex try_locks it again") {
  lockstep::Mutex m("m");
  std::scoped_lock guard(m);
  if (m.try_lock()) m.unlock();
}

LOCKSTEP_SCENARIO(misuse_recursive_try_relock, pass,
                  "the fix: a RecursiveMutex may be try_locked by its owner") {
  lockstep::RecursiveMutex m("m");
  std::scoped_lock guard(m);
  if (m.try_lock()) m.unlock();
}

// A worker that returns early on one path without releasing its lock.
void early_return_story(bool release_on_every_path) {
  lockstep::RLock lock("lock");
  lockstep::Shared<int> items{0, "items"};
  lockstep::Thread worker([&] {
    lock.acquire();
    if (items == 0 && !release_on_every_path) return;  // the early return forgets release()
    items = items + 1;
    lock.release();
  });
  worker.join();
}

LOCKSTEP_SCENARIO(misuse_held_at_exit, misuse, "a thread returns early still holding an RLock") {
  early_return_story(/*release_on_every_path=*/false);
}

LOCKSTEP_SCENARIO(misuse_released_before_exit, pass, "the fix: every path releases the RLock") {
  early_return_story(/*release_on_every_path=*/true);
}

// A Lock acquired and never released: when every thread is done nobody can release it.
LOCKSTEP_SCENARIO(misuse_held_at_end, misuse, "a Lock is still held when the scenario ends") {
  // Outlives the body, so it is not destroyed held. Per OS thread: with workers=N the
  // bodies of different workers run at the same time, and one static would be shared.
  static thread_local std::optional<lockstep::Lock> registry;
  registry.emplace("registry");
  lockstep::Thread worker([&] { registry->acquire(); });
  worker.join();
}

LOCKSTEP_SCENARIO(misuse_released_at_end, pass, "the fix: the Lock is released before the end") {
  static thread_local std::optional<lockstep::Lock> registry;  // as above
  registry.emplace("registry");
  lockstep::Thread worker([&] {
    registry->acquire();
    registry->release();
  });
  worker.join();
}

// A mutex destroyed while a thread still holds it (a member of an object freed early).
LOCKSTEP_SCENARIO(misuse_destroyed_held, misuse, "a Mutex is destroyed while locked") {
  auto m = std::make_unique<lockstep::Mutex>("m");
  m->lock();
  m.reset();
}

LOCKSTEP_SCENARIO(misuse_destroyed_free, pass, "the fix: unlock before destroying") {
  auto m = std::make_unique<lockstep::Mutex>("m");
  m->lock();
  m->unlock();
  m.reset();
}

// Python: Condition.notify() without holding the condition's lock raises RuntimeError.
void notify_story(bool hold_lock) {
  lockstep::Condition ready("ready");
  lockstep::Shared<bool> done{false, "done"};
  lockstep::Thread waiter([&] {
    std::scoped_lock guard(ready);
    ready.wait_for([&] { return bool(done); });
  });
  {
    std::scoped_lock guard(ready);
    done = true;
  }
  try {
    if (hold_lock) {
      std::scoped_lock guard(ready);
      ready.notify();
    } else {
      ready.notify();
    }
  } catch (const std::runtime_error&) {
  }
  waiter.join();
}

LOCKSTEP_SCENARIO(misuse_notify_unheld, misuse | deadlock,
                  "Condition.notify without holding its lock (refused, so the waiter never wakes)") {
  notify_story(/*hold_lock=*/false);
}

LOCKSTEP_SCENARIO(misuse_notify_held, pass, "the fix: notify while holding the lock") {
  notify_story(/*hold_lock=*/true);
}

// std-style wait over a RecursiveMutex locked twice: the wait releases one level only,
// so the notifier can never lock it.
void nested_wait_story(bool nested) {
  lockstep::RecursiveMutex m("m");
  lockstep::ConditionVariableAny cv("cv");
  lockstep::Shared<bool> done{false, "done"};
  lockstep::Thread notifier([&] {
    std::scoped_lock guard(m);
    done = true;
    cv.notify_all();
  });
  {
    std::scoped_lock outer(m);
    std::optional<std::scoped_lock<lockstep::RecursiveMutex>> inner;
    if (nested) inner.emplace(m);  // a helper that locks again
    std::unique_lock<lockstep::RecursiveMutex> lock(m, std::adopt_lock);
    cv.wait(lock, [&] { return bool(done); });
    lock.release();
  }
  notifier.join();
}

LOCKSTEP_SCENARIO(misuse_wait_nested, misuse | deadlock,
                  "condition_variable_any wait over a RecursiveMutex held twice") {
  nested_wait_story(/*nested=*/true);
}

LOCKSTEP_SCENARIO(misuse_wait_once, pass,
                  "the fix: wait with the RecursiveMutex held once") {
  nested_wait_story(/*nested=*/false);
}

// BoundedSemaphore: a release without a matching acquire on one path.
void pool_story(bool extra_release) {
  lockstep::BoundedSemaphore slots(1, "slots");
  lockstep::Thread user([&] {
    slots.acquire();
    slots.release();
    if (extra_release) {
      try {
        slots.release();  // ValueError in Python
      } catch (const std::invalid_argument&) {
      }
    }
  });
  user.join();
}

LOCKSTEP_SCENARIO(misuse_semaphore_over_release, misuse, "a BoundedSemaphore released twice") {
  pool_story(/*extra_release=*/true);
}

LOCKSTEP_SCENARIO(misuse_semaphore_balanced, pass, "the fix: one release per acquire") {
  pool_story(/*extra_release=*/false);
}

// Threads: join twice; a thread kept in a static and never joined.
LOCKSTEP_SCENARIO(misuse_double_join, misuse, "a Thread joined twice") {
  lockstep::Thread worker([] {});
  worker.join();
  try {
    worker.join();
  } catch (const std::system_error&) {
  }
}

LOCKSTEP_SCENARIO(misuse_single_join, pass, "the fix: join once (or let the Thread's end join it)") {
  lockstep::Thread worker([] {});
  if (worker.joinable()) worker.join();
  lockstep::Thread raii([] {});  // joined as std::jthread is
  lockstep::Thread daemon([] {});
  daemon.detach();
}

LOCKSTEP_SCENARIO(misuse_never_joined, misuse, "a background Thread kept in a static, never joined") {
  static thread_local std::optional<lockstep::Thread> background;  // per worker, as above
  background = lockstep::Thread([] {});
}

LOCKSTEP_SCENARIO(misuse_joined_at_end, pass, "the fix: the static Thread is joined at the end") {
  static thread_local std::optional<lockstep::Thread> background;
  background = lockstep::Thread([] {});
  background->join();
}

// A Lock is an ownerless baton in Python: a release by another thread is legal, and
// reported only in strict mode.
void baton_story() {
  lockstep::Lock baton("baton");
  baton.acquire();
  lockstep::Thread worker([&] { baton.release(); });
  baton.acquire();
  baton.release();
  worker.join();
}

LOCKSTEP_SCENARIO(misuse_lock_handoff, pass, "a Lock released by another thread (legal in Python)") {
  baton_story();
}

LOCKSTEP_SCENARIO(misuse_lock_handoff_strict, misuse,
                  "the same handoff under strict=true: reported", "strict=true") {
  baton_story();
}
