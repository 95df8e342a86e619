// Livelocks: threads keep running and never get anywhere. Each story has its fix.
//
// polite_livelock        two threads each take one Lock and try the other; on failure
//                        they release and retry. In lockstep, they fail forever.
// polite_ordered         the fix: both take the locks in one order, blocking.
// spin_on_unset_flag     a thread spins on an Atomic flag nobody ever sets.
// spin_on_set_flag       the same busy-wait, but another thread sets the flag: under
//                        fair scheduling the spinner cannot starve the setter.
// yield_until_ready      a yield loop waits for data another thread publishes.
// spin_try_lock_on_waiter a thread spins on try-acquire of a Lock whose holder waits
//                        for the spinner's signal: neither can ever move on.
// signal_then_try_lock   the fix: signal first, then spin on the lock.
#include <lockstep/lockstep.h>

namespace {

// Python's "polite" locking: take mine, try the other, back off on failure.
void take_both_politely(lockstep::Lock& mine, lockstep::Lock& other, lockstep::Shared<int>& done) {
  while (true) {
    mine.acquire();
    if (other.acquire(/*blocking=*/false)) {
      done += 1;
      other.release();
      mine.release();
      return;
    }
    mine.release();
  }
}

}  // namespace

// livelock-after=0: the lockstep rounds are brief under a random walk, so hashing
// starts at once (the default waits 5000 scheduling points).
LOCKSTEP_SCENARIO(polite_livelock, livelock,
                  "two threads take one Lock each, try the other, back off and retry in lockstep",
                  "livelock-after=0 executions=2000") {
  lockstep::Lock left("left"), right("right");
  lockstep::Shared<int> done{0, "done"};
  lockstep::Thread t1([&] { take_both_politely(left, right, done); });
  lockstep::Thread t2([&] { take_both_politely(right, left, done); });
  t1.join();
  t2.join();
}

LOCKSTEP_SCENARIO(polite_ordered, pass, "the polite-livelock fix: both take left, then right",
                  "livelock-after=0 executions=2000") {
  lockstep::Lock left("left"), right("right");
  lockstep::Shared<int> done{0, "done"};
  auto work = [&] {
    left.acquire();
    right.acquire();
    done += 1;
    right.release();
    left.release();
  };
  lockstep::Thread t1(work);
  lockstep::Thread t2(work);
  t1.join();
  t2.join();
  LOCKSTEP_ASSERT(done == 2);
}

LOCKSTEP_SCENARIO(spin_on_unset_flag, livelock, "a thread spins on an Atomic flag nobody sets",
                  "executions=100") {
  lockstep::Atomic<bool> ready{false, "ready"};
  lockstep::Thread waiter([&] {
    while (!ready.load()) {
    }
  });
  waiter.join();
}

LOCKSTEP_SCENARIO(spin_on_set_flag, pass,
                  "a thread spins on an Atomic flag another thread sets (fair: no starvation)",
                  "executions=2000") {
  lockstep::Atomic<bool> ready{false, "ready"};
  lockstep::Thread waiter([&] {
    while (!ready.load()) {
    }
  });
  lockstep::Thread setter([&] { ready.store(true); });
  waiter.join();
  setter.join();
}

LOCKSTEP_SCENARIO(yield_until_ready, pass,
                  "a yield loop waits for data another thread publishes through an Atomic flag",
                  "executions=2000") {
  lockstep::Shared<int> data{0, "data"};
  lockstep::Atomic<bool> ready{false, "ready"};
  lockstep::Thread consumer([&] {
    while (!ready.load(std::memory_order_acquire)) lockstep::this_thread::yield();
    LOCKSTEP_ASSERT(data == 42);
  });
  lockstep::Thread producer([&] {
    data = 42;
    ready.store(true, std::memory_order_release);
  });
  consumer.join();
  producer.join();
}

LOCKSTEP_SCENARIO(spin_try_lock_on_waiter, livelock,
                  "a thread spins on try-acquire of a Lock whose holder waits for that thread",
                  "executions=200") {
  lockstep::Lock lock("lock");
  lockstep::Atomic<bool> go{false, "go"};
  lockstep::Thread holder([&] {
    lock.acquire();
    while (!go.load()) lockstep::this_thread::yield();
    lock.release();
  });
  lockstep::Thread spinner([&] {
    while (!lock.acquire(/*blocking=*/false)) lockstep::this_thread::yield();
    go.store(true);
    lock.release();
  });
  holder.join();
  spinner.join();
}

LOCKSTEP_SCENARIO(signal_then_try_lock, pass,
                  "the fix: the spinner signals first, then spins on the Lock until it is free",
                  "executions=2000") {
  lockstep::Lock lock("lock");
  lockstep::Atomic<bool> go{false, "go"};
  lockstep::Thread holder([&] {
    lock.acquire();
    while (!go.load()) lockstep::this_thread::yield();
    lock.release();
  });
  lockstep::Thread spinner([&] {
    go.store(true);
    while (!lock.acquire(/*blocking=*/false)) lockstep::this_thread::yield();
    lock.release();
  });
  holder.join();
  spinner.join();
}
