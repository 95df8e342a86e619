// Semantics of every primitive, inside explorations (modelled, under many schedules)
// and outside (real threads). Each bug-shaped case must be found; each correct use
// must produce no finding.
#include <gtest/gtest.h>

#include <array>
#include <lockstep/lockstep.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <shared_mutex>
#include <stdexcept>
#include <thread>
#include <vector>

namespace {

using lockstep::FindingKind;
using lockstep::Result;

lockstep::Options small(std::uint64_t executions = 300, const char* text = "") {
  lockstep::Options options;
  options.executions = executions;
  options.seed = 11;
  options.apply(text);
  return options;
}

// Two threads each add 1 to a Shared<int> inside lock()/unlock() of `L`, with every
// Shared access a scheduling point: the sum is 2 in every schedule iff L excludes.
template <typename L, typename Lock, typename Unlock>
Result counter_under(Lock lock, Unlock unlock) {
  return lockstep::explore_exactly(
      [&] {
        L l;
        lockstep::Shared<int> counter{0};
        auto work = [&] {
          lock(l);
          counter += 1;
          unlock(l);
        };
        lockstep::Thread t(work);
        work();
        t.join();
        LOCKSTEP_ASSERT(counter == 2);
      },
      small(300, "shared-points=all"), "counter");
}

TEST(SyncInside, EveryLockTypeExcludes) {
  auto std_lock = [](auto& l) { l.lock(); };
  auto std_unlock = [](auto& l) { l.unlock(); };
  EXPECT_TRUE(counter_under<lockstep::Mutex>(std_lock, std_unlock));
  EXPECT_TRUE(counter_under<lockstep::RecursiveMutex>(std_lock, std_unlock));
  EXPECT_TRUE(counter_under<lockstep::TimedMutex>(std_lock, std_unlock));
  EXPECT_TRUE(counter_under<lockstep::SharedMutex>(std_lock, std_unlock));
  EXPECT_TRUE(counter_under<lockstep::Lock>(std_lock, std_unlock));
  EXPECT_TRUE(counter_under<lockstep::RLock>(std_lock, std_unlock));
  auto acquire = [](auto& l) { l.acquire(); };
  auto release = [](auto& l) { l.release(); };
  EXPECT_TRUE(counter_under<lockstep::Semaphore>(acquire, release));
  EXPECT_TRUE(counter_under<lockstep::BoundedSemaphore>(acquire, release));
}

TEST(SyncInside, WithoutExclusionTheUpdateIsLost) {
  // The control for the test above: the same counter with a lock that excludes nothing.
  struct NoLock {
    void lock() {}
    void unlock() {}
  };
  const Result result = counter_under<NoLock>([](auto& l) { l.lock(); }, [](auto& l) { l.unlock(); });
  EXPECT_TRUE(result.found(FindingKind::kDataRace)) << result;
}

TEST(SyncInside, MutexRelockIsASelfDeadlock) {
  const Result result = lockstep::explore_exactly(
      [] {
        lockstep::Mutex m;
        m.lock();
        m.lock();
      },
      small(10), "relock");
  EXPECT_TRUE(result.found(FindingKind::kSelfDeadlock)) << result;
}

TEST(SyncInside, LockReacquiredWithNobodyToReleaseIsASelfDeadlock) {
  const Result result = lockstep::explore_exactly(
      [] {
        lockstep::Lock l;
        l.acquire();
        l.acquire();
      },
      small(10), "lock_twice");
  EXPECT_TRUE(result.found(FindingKind::kSelfDeadlock)) << result;
}

TEST(SyncInside, RLockIsReentrantAndCountsReleases) {
  const Result result = lockstep::explore_exactly(
      [] {
        lockstep::RLock l;
        lockstep::Thread t([&] {
          l.acquire();
          l.acquire();
          l.release();
          l.release();
        });
        l.acquire();
        l.release();
        t.join();
      },
      small(), "rlock");
  EXPECT_TRUE(result) << result;
}

TEST(SyncInside, PythonReleaseErrorsAreExceptions) {
  const auto run = [](auto body) { return lockstep::explore_exactly(body, small(10), "errors"); };
  EXPECT_TRUE(run([] { lockstep::Lock().release(); }).found(FindingKind::kException));
  EXPECT_TRUE(run([] {
                lockstep::RLock l;
                l.acquire();
                lockstep::Thread t([&] { l.release(); });  // not the owner
                t.join();
              }).found(FindingKind::kException));
  EXPECT_TRUE(run([] { lockstep::BoundedSemaphore(1).release(); }).found(FindingKind::kException));
  EXPECT_TRUE(run([] {
                lockstep::Mutex m;
                lockstep::Thread t([&] { m.unlock(); });
                t.join();
              }).found(FindingKind::kException));
}

TEST(SyncInside, TimedAcquireTimesOutInSomeSchedulesOnly) {
  lockstep::Options options = small(200);
  options.stop_on_finding = false;
  const Result result = lockstep::explore_exactly(
      [] {
        lockstep::Lock l;
        lockstep::Thread holder([&] {
          l.acquire();
          l.release();
        });
        const bool acquired = l.acquire(true, 0.5);
        if (acquired) l.release();
        holder.join();
        LOCKSTEP_ASSERT(acquired);
      },
      options, "timed");
  ASSERT_TRUE(result.found(FindingKind::kAssertion)) << result;
  EXPECT_GT(result.report().stats.failing_executions, 0u);
  EXPECT_LT(result.report().stats.failing_executions, result.report().stats.executions);
}

TEST(SyncInside, NotifyBeforeWaitIsALostWakeupDeadlock) {
  const Result result = lockstep::explore_exactly(
      [] {
        lockstep::Mutex m;
        lockstep::ConditionVariable cv;
        lockstep::Thread waiter([&] {
          std::unique_lock lock(m);
          cv.wait(lock);  // no predicate: a notify that came first is lost
        });
        cv.notify_one();
        waiter.join();
      },
      small(), "lost_wakeup");
  EXPECT_TRUE(result.found(FindingKind::kDeadlock)) << result;
  EXPECT_NE(result.text().find("not notified"), std::string::npos) << result;
}

TEST(SyncInside, ConditionVariableWithPredicateNeverLosesTheWakeup) {
  const Result result = lockstep::explore_exactly(
      [] {
        lockstep::Mutex m;
        lockstep::ConditionVariableAny cv;
        lockstep::Shared<bool> ready{false};
        lockstep::Thread waiter([&] {
          std::unique_lock lock(m);
          cv.wait(lock, [&] { return ready.load(); });
        });
        {
          std::scoped_lock lock(m);
          ready = true;
        }
        cv.notify_all();
        waiter.join();
      },
      small(300, "spurious-wakeups=true"), "predicate");
  EXPECT_TRUE(result) << result;
}

TEST(SyncInside, PythonConditionRestoresTheRLockCount) {
  const Result result = lockstep::explore_exactly(
      [] {
        lockstep::RLock lock;
        lockstep::Condition condition(lock);
        lockstep::Shared<bool> done{false};
        lockstep::Thread waiter([&] {
          lock.acquire();
          lock.acquire();  // held twice: wait must release both levels
          while (!done) condition.wait();
          lock.release();
          lock.release();  // would throw if the count were not restored
        });
        {
          std::scoped_lock guard(condition);
          done = true;
          condition.notify_all();
        }
        waiter.join();
      },
      small(), "condition");
  EXPECT_TRUE(result) << result;
  const Result unheld = lockstep::explore_exactly(
      [] { lockstep::Condition().notify(); }, small(5), "unheld");
  EXPECT_TRUE(unheld.found(FindingKind::kException)) << unheld;
}

TEST(SyncInside, EventBarrierQueueAndSemaphore) {
  const Result result = lockstep::explore_exactly(
      [] {
        lockstep::Event go;
        lockstep::Barrier barrier(3);
        lockstep::Queue<int> queue(1);
        std::array<lockstep::Shared<int>, 2> before;
        std::vector<lockstep::Thread> threads;
        for (int i = 0; i < 2; ++i) {
          threads.emplace_back([&, i] {
            go.wait();
            before[static_cast<std::size_t>(i)] = 1;
            barrier.wait();
            // Everyone's pre-barrier write is visible (and, to the race checker, ordered).
            LOCKSTEP_ASSERT(before[0] + before[1] == 2);
            queue.put(i);
          });
        }
        go.set();
        barrier.wait();
        const int a = queue.get();
        const int b = queue.get();
        LOCKSTEP_ASSERT(a + b == 1);
        for (auto& t : threads) t.join();
      },
      small(), "mix");
  EXPECT_TRUE(result) << result;
  const Result full = lockstep::explore_exactly(
      [] {
        lockstep::Queue<int> queue(1);
        queue.put(1);
        queue.put_nowait(2);
      },
      small(5), "full");
  EXPECT_TRUE(full.found(FindingKind::kException)) << full;
  EXPECT_NE(full.text().find("queue.Full"), std::string::npos) << full;
}

TEST(SyncInside, AtomicRmwNeverLosesButLoadStoreDoes) {
  auto run = [](bool rmw) {
    return lockstep::explore_exactly(
        [rmw] {
          lockstep::Atomic<int> counter{0};
          auto work = [&] {
            if (rmw) {
              counter.fetch_add(1, std::memory_order_relaxed);
            } else {
              counter.store(counter.load() + 1);
            }
          };
          lockstep::Thread t(work);
          work();
          t.join();
          LOCKSTEP_ASSERT(counter.load() == 2);
        },
        small(), "atomic");
  };
  EXPECT_TRUE(run(true)) << run(true);
  EXPECT_TRUE(run(false).found(FindingKind::kAssertion));
}

TEST(SyncInside, SharedMutexReadersNeverOverlapAWriter) {
  const Result result = lockstep::explore_exactly(
      [] {
        lockstep::SharedMutex m;
        lockstep::Shared<int> writers{0};
        lockstep::Thread reader([&] {
          std::shared_lock lock(m);
          LOCKSTEP_ASSERT(writers == 0);
        });
        {
          std::unique_lock lock(m);
          writers = 1;
          writers = 0;
        }
        reader.join();
      },
      small(300, "shared-points=all"), "rw");
  EXPECT_TRUE(result) << result;
}

TEST(SyncInside, ThreadLocalIsPerLogicalThread) {
  const Result result = lockstep::explore_exactly(
      [] {
        lockstep::ThreadLocal<int> mine;
        lockstep::Thread t([&] {
          mine.get() = 7;
          lockstep::this_thread::yield();
          LOCKSTEP_ASSERT(mine.get() == 7);
        });
        mine.get() = 1;
        lockstep::this_thread::yield();
        LOCKSTEP_ASSERT(mine.get() == 1);
        t.join();
      },
      small(), "tls");
  EXPECT_TRUE(result) << result;
}

// --- outside an exploration: the real primitives ---------------------------------------

template <typename L, typename Lock, typename Unlock>
int real_counter(L& l, Lock lock, Unlock unlock) {
  int counter = 0;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 2000; ++i) {
        lock(l);
        ++counter;
        unlock(l);
      }
    });
  }
  for (auto& t : threads) t.join();
  return counter;
}

TEST(SyncOutside, RealMutualExclusion) {
  auto std_lock = [](auto& l) { l.lock(); };
  auto std_unlock = [](auto& l) { l.unlock(); };
  lockstep::Mutex m;
  EXPECT_EQ(real_counter(m, std_lock, std_unlock), 8000);
  lockstep::RecursiveMutex r;
  EXPECT_EQ(real_counter(r, std_lock, std_unlock), 8000);
  lockstep::SharedMutex s;
  EXPECT_EQ(real_counter(s, std_lock, std_unlock), 8000);
  lockstep::Lock l;
  EXPECT_EQ(real_counter(l, std_lock, std_unlock), 8000);
  lockstep::RLock rl;
  EXPECT_EQ(real_counter(rl, std_lock, std_unlock), 8000);
  lockstep::Semaphore sem(1);
  EXPECT_EQ(real_counter(sem, [](auto& x) { x.acquire(); }, [](auto& x) { x.release(); }), 8000);
}

TEST(SyncOutside, RealTimeoutsAndPythonErrors) {
  lockstep::Lock l;
  l.acquire();
  const auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(l.acquire(true, 0.05));
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(45));
  EXPECT_FALSE(l.acquire(false));
  l.release();
  EXPECT_THROW(l.release(), std::runtime_error);
  lockstep::RLock r;
  EXPECT_THROW(r.release(), std::runtime_error);
  lockstep::BoundedSemaphore b(1);
  EXPECT_THROW(b.release(), std::invalid_argument);
  lockstep::Event e;
  EXPECT_FALSE(e.wait(0.01));
  std::thread setter([&] { e.set(); });
  EXPECT_TRUE(e.wait());
  setter.join();
  lockstep::Queue<int> q(1);
  EXPECT_THROW(q.get(true, 0.01), lockstep::QueueEmpty);
  q.put(5);
  EXPECT_THROW(q.put_nowait(6), lockstep::QueueFull);
  EXPECT_EQ(q.get(), 5);
  lockstep::TimedMutex tm;
  tm.lock();
  std::thread other([&] { EXPECT_FALSE(tm.try_lock_for(std::chrono::milliseconds(10))); });
  other.join();
  tm.unlock();
}

TEST(SyncOutside, RealWaitingPrimitives) {
  lockstep::Mutex m;
  lockstep::ConditionVariable cv;
  bool ready = false;
  lockstep::Thread waiter([&] {
    std::unique_lock lock(m);
    cv.wait(lock, [&] { return ready; });
  });
  {
    std::scoped_lock lock(m);
    ready = true;
  }
  cv.notify_all();
  waiter.join();

  lockstep::Condition condition;
  bool done = false;
  std::thread python([&] {
    std::scoped_lock lock(condition);
    while (!done) condition.wait();
  });
  while (true) {
    std::scoped_lock lock(condition);
    done = true;
    condition.notify_all();
    break;
  }
  python.join();

  lockstep::Barrier barrier(3);
  std::atomic<int> passed{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 3; ++i) threads.emplace_back([&] {
    barrier.wait();
    ++passed;
  });
  for (auto& t : threads) t.join();
  EXPECT_EQ(passed.load(), 3);

  lockstep::ThreadLocal<int> local;
  local.get() = 1;
  std::thread t([&] { EXPECT_EQ(local.get(), 0); });
  t.join();
  EXPECT_EQ(local.get(), 1);

  lockstep::Atomic<int> atomic{0};
  std::thread a([&] { for (int i = 0; i < 1000; ++i) atomic.fetch_add(1); });
  for (int i = 0; i < 1000; ++i) ++atomic;
  a.join();
  EXPECT_EQ(atomic.load(), 2000);
}

}  // namespace
