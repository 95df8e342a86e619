// Data races and their fixes. A race is two accesses to one Shared variable by two
// threads, at least one a write, with no happens-before between them (lockstep's race
// checker: checkers/race). The fixes order the accesses through a primitive; the clean
// publication scenarios show each primitive's happens-before edge, so a false positive
// on any of them would be a checker bug.
#include <lockstep/lockstep.h>

#include <array>
#include <mutex>
#include <shared_mutex>

namespace {

// Check-then-act: both threads may see `initialised` false and both initialise.
void initialise_once(bool locked) {
  lockstep::Mutex m("m");
  lockstep::Shared<bool> initialised{false, "initialised"};
  lockstep::Shared<int> initialisations{0, "initialisations"};
  auto init = [&] {
    std::unique_lock guard(m, std::defer_lock);
    if (locked) guard.lock();
    if (!initialised) {
      initialised = true;
      initialisations += 1;
    }
  };
  lockstep::Thread t1(init);
  lockstep::Thread t2(init);
  t1.join();
  t2.join();
  LOCKSTEP_ASSERT(initialisations == 1);
}

}  // namespace

LOCKSTEP_SCENARIO(check_then_act, data_race,
                  "two threads test a plain flag, then set it: both may initialise") {
  initialise_once(/*locked=*/false);
}

LOCKSTEP_SCENARIO(check_then_act_locked, pass,
                  "the fix: test and set under one lock", "executions=2000") {
  initialise_once(/*locked=*/true);
}

// Double-checked initialisation: the unlocked first check reads `ready` while the
// initialiser writes it under the lock. With a plain flag that is a race (and the
// compiler or CPU may reorder `value` past `ready`); with an atomic flag stored with
// release and loaded with acquire, `value` is published safely.
LOCKSTEP_SCENARIO(double_checked_init_plain, data_race,
                  "double-checked initialisation with a plain flag") {
  lockstep::Mutex m("m");
  lockstep::Shared<bool> ready{false, "ready"};
  lockstep::Shared<int> value{0, "value"};
  auto get = [&] {
    if (!ready) {
      std::scoped_lock guard(m);
      if (!ready) {
        value = 42;
        ready = true;
      }
    }
    LOCKSTEP_ASSERT(value == 42);
  };
  lockstep::Thread t1(get);
  lockstep::Thread t2(get);
  t1.join();
  t2.join();
}

LOCKSTEP_SCENARIO(double_checked_init_atomic, pass,
                  "the fix: an atomic flag with release/acquire", "executions=2000") {
  lockstep::Mutex m("m");
  lockstep::Atomic<bool> ready{false, "ready"};
  lockstep::Shared<int> value{0, "value"};
  auto get = [&] {
    if (!ready.load(std::memory_order_acquire)) {
      std::scoped_lock guard(m);
      if (!ready.load(std::memory_order_relaxed)) {
        value = 42;
        ready.store(true, std::memory_order_release);
      }
    }
    LOCKSTEP_ASSERT(value == 42);
  };
  lockstep::Thread t1(get);
  lockstep::Thread t2(get);
  t1.join();
  t2.join();
}

namespace {

// Message passing: the writer fills `data`, then raises `flag`; a reader that sees
// the flag reads the data.
enum class Publish { kRelaxed, kReleaseAcquire, kFences };

void message_passing(Publish how) {
  lockstep::Shared<int> data{0, "data"};
  lockstep::Atomic<bool> flag{false, "flag"};
  lockstep::Thread writer([&] {
    data = 1;
    switch (how) {
      case Publish::kRelaxed: flag.store(true, std::memory_order_relaxed); break;
      case Publish::kReleaseAcquire: flag.store(true, std::memory_order_release); break;
      case Publish::kFences:
        lockstep::atomic_thread_fence(std::memory_order_release);
        flag.store(true, std::memory_order_relaxed);
        break;
    }
  });
  lockstep::Thread reader([&] {
    bool seen = false;
    switch (how) {
      case Publish::kRelaxed: seen = flag.load(std::memory_order_relaxed); break;
      case Publish::kReleaseAcquire: seen = flag.load(std::memory_order_acquire); break;
      case Publish::kFences:
        seen = flag.load(std::memory_order_relaxed);
        lockstep::atomic_thread_fence(std::memory_order_acquire);
        break;
    }
    if (seen) LOCKSTEP_ASSERT(data == 1);
  });
  writer.join();
  reader.join();
}

}  // namespace

LOCKSTEP_SCENARIO(message_passing_relaxed, data_race,
                  "a relaxed atomic flag does not publish the data written before it") {
  message_passing(Publish::kRelaxed);
}

LOCKSTEP_SCENARIO(message_passing_release_acquire, pass,
                  "the fix: store the flag with release, load it with acquire", "executions=2000") {
  message_passing(Publish::kReleaseAcquire);
}

LOCKSTEP_SCENARIO(message_passing_fences, pass,
                  "also correct: relaxed flag between a release and an acquire fence",
                  "executions=2000") {
  message_passing(Publish::kFences);
}

namespace {

// Wrong lock: each thread locks, but not the same lock.
void deposit_twice(bool same_lock) {
  lockstep::Mutex accounts("accounts"), audit("audit");
  lockstep::Shared<int> balance{0, "balance"};
  lockstep::Thread teller([&] {
    std::scoped_lock guard(accounts);
    balance += 10;
  });
  lockstep::Thread auditor([&] {
    std::scoped_lock guard(same_lock ? accounts : audit);
    balance += 1;
  });
  teller.join();
  auditor.join();
  LOCKSTEP_ASSERT(balance == 11);
}

}  // namespace

LOCKSTEP_SCENARIO(wrong_lock, data_race, "two threads guard one variable with different locks") {
  deposit_twice(/*same_lock=*/false);
}

LOCKSTEP_SCENARIO(wrong_lock_fixed, pass, "the fix: one lock guards the variable",
                  "executions=2000") {
  deposit_twice(/*same_lock=*/true);
}

namespace {

// Atomicity violation: every access is under the lock (no data race), but the check
// and the update are two critical sections, so two withdrawals can both pass the check.
void withdraw_twice(bool one_section) {
  lockstep::Mutex m("m");
  lockstep::Shared<int> balance{100, "balance"};
  auto withdraw = [&] {
    if (one_section) {
      std::scoped_lock guard(m);
      if (balance >= 60) balance -= 60;
      return;
    }
    bool enough = false;
    {
      std::scoped_lock guard(m);
      enough = balance >= 60;
    }
    if (enough) {
      std::scoped_lock guard(m);
      balance -= 60;
    }
  };
  lockstep::Thread t1(withdraw);
  lockstep::Thread t2(withdraw);
  t1.join();
  t2.join();
  LOCKSTEP_ASSERT(balance >= 0);
}

}  // namespace

LOCKSTEP_SCENARIO(atomicity_violation, assertion,
                  "check and update in two critical sections: both withdrawals pass the check") {
  withdraw_twice(/*one_section=*/false);
}

LOCKSTEP_SCENARIO(atomicity_violation_fixed, pass, "the fix: check and update in one section",
                  "executions=2000") {
  withdraw_twice(/*one_section=*/true);
}

// Clean publication through each primitive: a writes `data` before the primitive's
// release, b reads it after the matching acquire. None may be reported.
LOCKSTEP_SCENARIO(publish_through_event, pass, "data published by Event.set, read after wait",
                  "executions=1000") {
  lockstep::Shared<int> data{0, "data"};
  lockstep::Event done("done");
  lockstep::Thread a([&] {
    data = 1;
    done.set();
  });
  lockstep::Thread b([&] {
    done.wait();
    LOCKSTEP_ASSERT(data == 1);
  });
  a.join();
  b.join();
}

LOCKSTEP_SCENARIO(publish_through_queue, pass, "data published by Queue.put, read after get",
                  "executions=1000") {
  lockstep::Shared<int> data{0, "data"};
  lockstep::Queue<int> queue(1, "queue");
  lockstep::Thread a([&] {
    data = 1;
    queue.put(7);
  });
  lockstep::Thread b([&] {
    LOCKSTEP_ASSERT(queue.get() == 7);
    LOCKSTEP_ASSERT(data == 1);
  });
  a.join();
  b.join();
}

LOCKSTEP_SCENARIO(publish_through_barrier, pass, "writes before a barrier, reads after it",
                  "executions=1000") {
  std::array<lockstep::Shared<int>, 2> data;
  lockstep::Barrier barrier(2, "barrier");
  auto party = [&](std::size_t me) {
    data[me] = 1;
    barrier.wait();
    LOCKSTEP_ASSERT(data[1 - me] == 1);
  };
  lockstep::Thread a([&] { party(0); });
  lockstep::Thread b([&] { party(1); });
  a.join();
  b.join();
}

LOCKSTEP_SCENARIO(publish_through_semaphore, pass,
                  "data published by Semaphore.release, read after acquire", "executions=1000") {
  lockstep::Shared<int> data{0, "data"};
  lockstep::Semaphore ready(0, "ready");
  lockstep::Thread a([&] {
    data = 1;
    ready.release();
  });
  lockstep::Thread b([&] {
    ready.acquire();
    LOCKSTEP_ASSERT(data == 1);
  });
  a.join();
  b.join();
}

LOCKSTEP_SCENARIO(publish_through_join, pass, "a thread's writes are visible after join",
                  "executions=200") {
  lockstep::Shared<int> data{0, "data"};
  lockstep::Thread a([&] { data = 1; });
  a.join();
  LOCKSTEP_ASSERT(data == 1);
  lockstep::Thread b([&] { LOCKSTEP_ASSERT(data == 1); });  // spawn orders it too
  b.join();
}

LOCKSTEP_SCENARIO(publish_through_condition_variable, pass,
                  "a flag set and notified under a mutex, waited for with a predicate",
                  "executions=1000") {
  lockstep::Mutex m("m");
  lockstep::ConditionVariable cv("cv");
  lockstep::Shared<bool> ready{false, "ready"};
  lockstep::Shared<int> data{0, "data"};
  lockstep::Thread a([&] {
    data = 1;
    std::scoped_lock guard(m);
    ready = true;
    cv.notify_one();
  });
  lockstep::Thread b([&] {
    std::unique_lock lock(m);
    cv.wait(lock, [&] { return ready.load(); });
    LOCKSTEP_ASSERT(data == 1);
  });
  a.join();
  b.join();
}

LOCKSTEP_SCENARIO(readers_share_a_shared_mutex, pass,
                  "readers under shared locks, a writer under the exclusive lock",
                  "executions=1000") {
  lockstep::SharedMutex m("m");
  lockstep::Shared<int> data{0, "data"};
  auto reader = [&] {
    std::shared_lock guard(m);
    LOCKSTEP_ASSERT(data == 0 || data == 1);
  };
  lockstep::Thread r1(reader);
  lockstep::Thread r2(reader);
  lockstep::Thread w([&] {
    std::unique_lock guard(m);
    data = 1;
  });
  r1.join();
  r2.join();
  w.join();
}
