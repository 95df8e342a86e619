// The lock family — Lock, RLock, Mutex, RecursiveMutex, TimedMutex, SharedMutex,
// Semaphore, BoundedSemaphore — inside explorations (exclusion under many schedules,
// blocking/try/timed acquires, misuse findings, the events and report texts they
// produce) and outside them with real std::threads (exclusion, real timeouts, errors).
// Every bug-shaped case must be found; every correct use must pass.
#include <gtest/gtest.h>
#include <lockstep/lockstep.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <shared_mutex>
#include <stdexcept>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

namespace {

using lockstep::FindingKind;
using lockstep::Result;
using std::chrono::milliseconds;
using std::chrono::steady_clock;

lockstep::Options budget(std::uint64_t executions = 200, const char* text = "") {
  lockstep::Options options;
  options.executions = executions;
  options.seed = 23;
  options.apply(text);
  return options;
}

Result run(const std::function<void()>& body, const lockstep::Options& options = budget()) {
  return lockstep::explore_exactly(body, options, "locks");
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// The first finding's message and details, for checking what a report says.
std::string finding_text(const Result& result) {
  if (result.report().findings.empty()) return {};
  const lockstep::Finding& finding = result.report().findings.front();
  return finding.message + "\n" + finding.details;
}

// A refused operation is a misuse finding first, then the primitive throws as the real
// one does: the uncaught exception, with the real message, is the last finding.
bool misuse_then_exception(const Result& result, const std::string& exception_text) {
  const std::vector<lockstep::Finding>& findings = result.report().findings;
  return findings.size() == 2 && findings.front().kind == FindingKind::kMisuse &&
         findings.back().kind == FindingKind::kException &&
         contains(findings.back().message, exception_text);
}

// The operations on `object` in the failing execution, as "t0 acquire" or
// "t1 try-acquire failed".
std::vector<std::string> operations_on(const Result& result, const std::string& object) {
  std::vector<std::string> out;
  for (const lockstep::TraceStep& step : result.report().trace) {
    if (step.object != object) continue;
    std::string text = "t" + std::to_string(step.thread) + " " + step.operation;
    if (!step.detail.empty()) text += " " + step.detail;
    out.push_back(text);
  }
  return out;
}

// Runs a single-threaded `body` once and fails it at the end, so the report carries
// its whole event stream.
Result trace_of(const std::function<void()>& body) {
  return run(
      [&] {
        body();
        LOCKSTEP_ASSERT(false);
      },
      budget(1));
}

// ---------------------------------------------------------------------------------------
// What every exclusive lock shares, as a typed suite.
// ---------------------------------------------------------------------------------------

template <typename L>
class ExclusiveLock : public ::testing::Test {};
using ExclusiveLocks = ::testing::Types<lockstep::Mutex, lockstep::RecursiveMutex,
                                        lockstep::TimedMutex, lockstep::SharedMutex,
                                        lockstep::Lock, lockstep::RLock>;
TYPED_TEST_SUITE(ExclusiveLock, ExclusiveLocks);

// Two threads each add 1 twice to a Shared<int> under `L`, every Shared access a
// scheduling point: the total is 4 in every schedule iff L excludes.
template <typename L>
Result counter_under() {
  return run(
      [] {
        L l;
        lockstep::Shared<int> counter{0};
        auto work = [&] {
          for (int i = 0; i < 2; ++i) {
            std::scoped_lock lock(l);
            counter += 1;
          }
        };
        lockstep::Thread t(work);
        work();
        t.join();
        LOCKSTEP_ASSERT(counter == 4);
      },
      budget(200, "shared-points=all"));
}

TYPED_TEST(ExclusiveLock, CounterNeverLosesAnUpdate) {
  const Result result = counter_under<TypeParam>();
  EXPECT_TRUE(result) << result;
  EXPECT_EQ(result.report().stats.executions, 200u);
}

TEST(ExclusiveLockControl, CounterWithoutALockLosesAnUpdate) {
  // Shows the counter above can fail: the same scenario with a lock that excludes nothing.
  struct NoLock {
    void lock() {}
    void unlock() {}
  };
  const Result result = counter_under<NoLock>();
  EXPECT_TRUE(result.found(FindingKind::kAssertion)) << result;
}

TYPED_TEST(ExclusiveLock, TryLockFailsInSomeSchedulesAndNeverOverlapsAHolder) {
  std::atomic<int> succeeded{0};
  std::atomic<int> failed{0};
  const Result result = run(
      [&] {
        TypeParam l;
        lockstep::Shared<bool> inside{false};
        lockstep::Thread trier([&] {
          if (l.try_lock()) {
            LOCKSTEP_ASSERT(!inside);
            l.unlock();
            succeeded.fetch_add(1, std::memory_order_relaxed);
          } else {
            failed.fetch_add(1, std::memory_order_relaxed);
          }
        });
        {
          std::scoped_lock lock(l);
          inside = true;
          lockstep::this_thread::yield();
          inside = false;
        }
        trier.join();
      },
      budget(200, "shared-points=all"));
  EXPECT_TRUE(result) << result;
  EXPECT_GT(succeeded.load(), 0);
  EXPECT_GT(failed.load(), 0);
}

TYPED_TEST(ExclusiveLock, RealThreadsExclude) {
  TypeParam l;
  int counter = 0;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 2000; ++i) {
        std::scoped_lock lock(l);
        ++counter;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(counter, 8000);
}

TYPED_TEST(ExclusiveLock, RealTryLockFailsWhileAnotherThreadHolds) {
  TypeParam l;
  std::unique_lock lock(l);
  bool acquired = true;
  std::thread other([&] {
    acquired = l.try_lock();
    if (acquired) l.unlock();
  });
  other.join();
  EXPECT_FALSE(acquired);
  lock.unlock();
  std::thread after([&] {
    acquired = l.try_lock();
    if (acquired) l.unlock();
  });
  after.join();
  EXPECT_TRUE(acquired);
}

// ---------------------------------------------------------------------------------------
// Lock (Python threading.Lock)
// ---------------------------------------------------------------------------------------

TEST(LockInside, HandoffToAnotherThreadIsLegal) {
  const Result result = run([] {
    lockstep::Lock l;
    l.acquire();
    lockstep::Thread releaser([&] { l.release(); });  // not the acquirer: legal
    l.acquire();  // blocks until the releaser hands the lock back
    LOCKSTEP_ASSERT(l.locked());
    l.release();
    releaser.join();
    LOCKSTEP_ASSERT(!l.locked());
  });
  EXPECT_TRUE(result) << result;
}

TEST(LockInside, ReacquireWithNobodyToReleaseIsASelfDeadlock) {
  const Result result = run([] {
    lockstep::Lock l("L");
    l.acquire();
    l.acquire();
  });
  ASSERT_TRUE(result.found(FindingKind::kSelfDeadlock)) << result;
  EXPECT_TRUE(contains(finding_text(result), "L")) << result;
  EXPECT_TRUE(contains(finding_text(result), "acquired by t0")) << result;
}

TEST(LockInside, ReacquireIsASelfDeadlockEvenWithOthersWaiting) {
  // t1 waits for L as well, but only t0 could release it: the cycle is t0 -> t0.
  const Result result = run([] {
    lockstep::Lock l;
    l.acquire();
    lockstep::Thread waiter([&] {
      l.acquire();
      l.release();
    });
    l.acquire();
    waiter.join();
  });
  EXPECT_TRUE(result.found(FindingKind::kSelfDeadlock)) << result;
  EXPECT_EQ(result.report().findings.front().threads, std::vector<std::uint32_t>{0}) << result;
}

TEST(LockInside, ReleaseWhenUnlockedIsAMisuseThenAnException) {
  const Result result = run([] {
    lockstep::Lock l;
    l.acquire();
    l.release();
    l.release();
  });
  EXPECT_TRUE(misuse_then_exception(result, "release unlocked lock")) << result;
}

TEST(LockInside, NonBlockingAcquireFailsWhileHeldByAnyone) {
  const Result result = run([] {
    lockstep::Lock l;
    LOCKSTEP_ASSERT(l.acquire(false));
    LOCKSTEP_ASSERT(!l.acquire(false));  // not reentrant, even for the acquirer
    lockstep::Thread other([&] { LOCKSTEP_ASSERT(!l.acquire(false)); });
    other.join();
    l.release();
    LOCKSTEP_ASSERT(l.acquire(false));
    l.release();
  });
  EXPECT_TRUE(result) << result;
}

TEST(LockInside, TimedAcquireTimesOutInSomeExecutionsAndSucceedsInOthers) {
  std::atomic<int> acquired{0};
  std::atomic<int> timed_out{0};
  const Result result = run([&] {
    lockstep::Lock l;
    lockstep::Thread holder([&] {
      l.acquire();
      l.release();
    });
    if (l.acquire(true, 0.5)) {
      l.release();
      acquired.fetch_add(1, std::memory_order_relaxed);
    } else {
      timed_out.fetch_add(1, std::memory_order_relaxed);
    }
    holder.join();
  });
  EXPECT_TRUE(result) << result;
  EXPECT_GT(acquired.load(), 0);
  EXPECT_GT(timed_out.load(), 0);
}

TEST(LockInside, TimedReacquireByTheAcquirerTimesOutInsteadOfDeadlocking) {
  const Result result = run([] {
    lockstep::Lock l;
    l.acquire();
    LOCKSTEP_ASSERT(!l.acquire(true, 1.0));
    l.release();
  });
  EXPECT_TRUE(result) << result;
}

TEST(LockInside, EachOperationIsOneEvent) {
  const Result result = trace_of([] {
    lockstep::Lock l("L");
    l.acquire();
    l.acquire(true, 0.1);
    l.acquire(false);
    l.release();
  });
  const std::vector<std::string> expected = {"t0 acquire", "t0 acquire timeout",
                                             "t0 try-acquire failed", "t0 release"};
  EXPECT_EQ(operations_on(result, "L"), expected) << result;
}

TEST(LockInside, ReleaseSaveFreesTheLockAndAcquireRestoreTakesItBack) {
  const Result result = run([] {
    lockstep::Lock l;
    l.acquire();
    LOCKSTEP_ASSERT(l.release_save() == 1);
    LOCKSTEP_ASSERT(!l.locked());
    lockstep::Thread other([&] {
      l.acquire();
      l.release();
    });
    l.acquire_restore(1);  // waits while the other thread holds it
    LOCKSTEP_ASSERT(l.locked());
    l.release();
    other.join();
  });
  EXPECT_TRUE(result) << result;
}

TEST(LockInside, PythonArgumentErrorsAreExceptions) {
  const Result no_timeout = run([] { lockstep::Lock().acquire(false, 1.0); });
  ASSERT_TRUE(no_timeout.found(FindingKind::kException)) << no_timeout;
  EXPECT_TRUE(contains(finding_text(no_timeout), "non-blocking")) << no_timeout;
  const Result negative = run([] { lockstep::Lock().acquire(true, -2.0); });
  ASSERT_TRUE(negative.found(FindingKind::kException)) << negative;
  EXPECT_TRUE(contains(finding_text(negative), "non-negative")) << negative;
}

TEST(LockOutside, HandoffAndReleaseErrors) {
  lockstep::Lock l;
  EXPECT_FALSE(l.locked());
  std::thread acquirer([&] { EXPECT_TRUE(l.acquire()); });
  acquirer.join();
  EXPECT_TRUE(l.locked());
  l.release();  // by a thread that did not acquire it: legal
  EXPECT_FALSE(l.locked());
  EXPECT_THROW(l.release(), std::runtime_error);
  EXPECT_THROW(l.acquire(false, 1.0), std::invalid_argument);
  EXPECT_THROW(l.acquire(true, -0.5), std::invalid_argument);
  EXPECT_FALSE(l.locked());
}

TEST(LockOutside, TimeoutsReallyWaitAndReleasesEndTheWait) {
  lockstep::Lock l;
  l.acquire();
  const auto start = steady_clock::now();
  EXPECT_FALSE(l.acquire(true, 0.05));  // by the holder too: not reentrant
  EXPECT_GE(steady_clock::now() - start, milliseconds(45));
  EXPECT_FALSE(l.acquire(false));

  std::thread releaser([&] {
    std::this_thread::sleep_for(milliseconds(10));
    l.release();
  });
  const auto wait_start = steady_clock::now();
  EXPECT_TRUE(l.acquire(true, 10.0));
  EXPECT_LT(steady_clock::now() - wait_start, std::chrono::seconds(5));
  releaser.join();
  l.release();
}

TEST(LockOutside, ReleaseSaveAndAcquireRestore) {
  lockstep::Lock l;
  l.acquire();
  EXPECT_EQ(l.release_save(), 1u);
  EXPECT_FALSE(l.locked());
  l.acquire_restore(1);
  EXPECT_TRUE(l.locked());
  l.release();
  EXPECT_THROW(l.release_save(), std::runtime_error);
}

// ---------------------------------------------------------------------------------------
// RLock (Python threading.RLock)
// ---------------------------------------------------------------------------------------

// The RLock story: public methods that take the object's lock and call each other.
template <typename L>
struct Account {
  L lock;
  int balance = 0;
  void deposit(int n) {
    std::scoped_lock guard(lock);
    balance += n;
  }
  void deposit_twice(int n) {
    std::scoped_lock guard(lock);
    deposit(n);
    deposit(n);
  }
};

TEST(RLockInside, ReentrantCallsAreFineWhereALockDeadlocks) {
  auto story = [](auto& account) {
    lockstep::Thread t([&] { account.deposit_twice(1); });
    account.deposit(1);
    t.join();
    LOCKSTEP_ASSERT(account.balance == 3);
  };
  const Result with_rlock = run([&] {
    Account<lockstep::RLock> account;
    story(account);
  });
  EXPECT_TRUE(with_rlock) << with_rlock;
  const Result with_lock = run([&] {
    Account<lockstep::Lock> account;
    story(account);
  });
  EXPECT_TRUE(with_lock.found(FindingKind::kSelfDeadlock)) << with_lock;
}

TEST(RLockInside, OthersWaitUntilEveryLevelIsReleased) {
  const Result result = run([] {
    lockstep::RLock r;
    r.acquire();
    r.acquire();
    r.release();
    lockstep::Thread other([&] { LOCKSTEP_ASSERT(!r.acquire(false)); });  // count is still 1
    other.join();
    r.release();
    lockstep::Thread after([&] {
      LOCKSTEP_ASSERT(r.acquire(false));
      r.release();
    });
    after.join();
  });
  EXPECT_TRUE(result) << result;
}

TEST(RLockInside, ReleaseByANonOwnerOrWhenFreeIsAMisuseThenAnException) {
  const Result by_other = run([] {
    lockstep::RLock r;
    r.acquire();
    lockstep::Thread other([&] { r.release(); });
    other.join();
  });
  EXPECT_TRUE(misuse_then_exception(by_other, "cannot release un-acquired lock")) << by_other;
  const Result when_free = run([] { lockstep::RLock().release(); });
  EXPECT_TRUE(misuse_then_exception(when_free, "cannot release un-acquired lock")) << when_free;
}

TEST(RLockInside, DeadlockReportShowsOwnerAndCount) {
  const Result result = run([] {
    lockstep::RLock r("R");
    r.acquire();
    r.acquire();
    lockstep::Thread t([&] {
      r.acquire();
      r.release();
    });
    t.join();  // t waits for R, which this thread holds: a cycle through the join
  });
  ASSERT_TRUE(result.found(FindingKind::kDeadlock)) << result;
  EXPECT_TRUE(contains(finding_text(result), "owned by t0 (count 2)")) << result;
  EXPECT_EQ(result.report().findings.front().threads.size(), 2u) << result;
}

TEST(RLockInside, TimedAcquireByAnotherThreadTimesOutInSomeExecutions) {
  std::atomic<int> acquired{0};
  std::atomic<int> timed_out{0};
  const Result result = run([&] {
    lockstep::RLock r;
    lockstep::Thread other([&] {
      if (r.acquire(true, 0.5)) {
        r.release();
        acquired.fetch_add(1, std::memory_order_relaxed);
      } else {
        timed_out.fetch_add(1, std::memory_order_relaxed);
      }
    });
    r.acquire();
    LOCKSTEP_ASSERT(r.acquire(true, 0.5));  // the owner's timed acquire never waits
    r.release();
    r.release();
    other.join();
  });
  EXPECT_TRUE(result) << result;
  EXPECT_GT(acquired.load(), 0);
  EXPECT_GT(timed_out.load(), 0);
}

TEST(RLockInside, ReleaseSaveReturnsTheCountAndAcquireRestoreRestoresIt) {
  const Result result = run([] {
    lockstep::RLock r;
    for (int i = 0; i < 3; ++i) r.acquire();
    const std::uint32_t count = r.release_save();
    LOCKSTEP_ASSERT(count == 3);
    LOCKSTEP_ASSERT(!r.is_owned());
    lockstep::Thread other([&] {
      r.acquire();
      r.release();
    });
    r.acquire_restore(count);
    LOCKSTEP_ASSERT(r.is_owned());
    r.release();
    r.release();
    LOCKSTEP_ASSERT(r.is_owned());  // one level left
    r.release();
    LOCKSTEP_ASSERT(!r.is_owned());
    other.join();
  });
  EXPECT_TRUE(result) << result;
  const Result not_owner = run([] { lockstep::RLock().release_save(); });
  EXPECT_TRUE(not_owner.found(FindingKind::kException)) << not_owner;
}

TEST(RLockInside, EachOperationIsOneEvent) {
  const Result result = trace_of([] {
    lockstep::RLock r("R");
    r.acquire();
    r.acquire(false);
    r.release();
    r.release();
  });
  const std::vector<std::string> expected = {"t0 acquire", "t0 try-acquire", "t0 release",
                                             "t0 release"};
  EXPECT_EQ(operations_on(result, "R"), expected) << result;
}

TEST(RLockOutside, ReentrancyOwnershipAndErrors) {
  lockstep::RLock r;
  EXPECT_TRUE(r.acquire());
  EXPECT_TRUE(r.acquire(false));
  EXPECT_TRUE(r.is_owned());
  bool other_owns = true;
  bool other_acquired = true;
  std::thread other([&] {
    other_owns = r.is_owned();
    other_acquired = r.acquire(true, 0.05);
    EXPECT_THROW(r.release(), std::runtime_error);  // not the owner
  });
  other.join();
  EXPECT_FALSE(other_owns);
  EXPECT_FALSE(other_acquired);
  r.release();
  r.release();
  EXPECT_FALSE(r.is_owned());
  EXPECT_THROW(r.release(), std::runtime_error);
  EXPECT_THROW(r.acquire(false, 1.0), std::invalid_argument);
}

TEST(RLockOutside, ReleaseSaveAndAcquireRestore) {
  lockstep::RLock r;
  r.acquire();
  r.acquire();
  const std::uint32_t count = r.release_save();
  EXPECT_EQ(count, 2u);
  bool other_acquired = false;
  std::thread other([&] {
    other_acquired = r.acquire(false);
    if (other_acquired) r.release();
  });
  other.join();
  EXPECT_TRUE(other_acquired);
  r.acquire_restore(count);
  r.release();
  EXPECT_TRUE(r.is_owned());
  r.release();
  EXPECT_FALSE(r.is_owned());
  EXPECT_THROW(r.release_save(), std::runtime_error);
}

// ---------------------------------------------------------------------------------------
// The std mutexes
// ---------------------------------------------------------------------------------------

template <typename M>
class StdMutex : public ::testing::Test {};
using StdMutexes = ::testing::Types<lockstep::Mutex, lockstep::RecursiveMutex,
                                    lockstep::TimedMutex, lockstep::SharedMutex>;
TYPED_TEST_SUITE(StdMutex, StdMutexes);

TYPED_TEST(StdMutex, UnlockByANonOwnerIsAMisuseThenAnException) {
  const Result result = run([] {
    TypeParam m;
    m.lock();
    lockstep::Thread other([&] { m.unlock(); });
    other.join();
    m.unlock();
  });
  EXPECT_TRUE(misuse_then_exception(result, "does not own it")) << result;
}

TYPED_TEST(StdMutex, UnlockWhenFreeIsAMisuseThenAnException) {
  const Result result = run([] { TypeParam().unlock(); });
  EXPECT_TRUE(misuse_then_exception(result, "does not own it")) << result;
}

TEST(StdMutexInside, NonRecursiveRelockIsReportedAtOnce) {
  // Reported at the second lock(), while another thread could still run.
  auto relock = [](auto& m) {
    lockstep::Thread other([] { lockstep::this_thread::yield(); });
    m.lock();
    m.lock();
    other.join();
  };
  const Result mutex = run([&] {
    lockstep::Mutex m("M");
    relock(m);
  });
  ASSERT_TRUE(mutex.found(FindingKind::kSelfDeadlock)) << mutex;
  EXPECT_TRUE(contains(finding_text(mutex), "M, which it already holds")) << mutex;
  const Result timed = run([&] {
    lockstep::TimedMutex m;
    relock(m);
  });
  EXPECT_TRUE(timed.found(FindingKind::kSelfDeadlock)) << timed;
  const Result shared = run([] {
    lockstep::SharedMutex m;
    m.lock_shared();
    m.lock();  // a reader asking for exclusive access waits for itself
  });
  EXPECT_TRUE(shared.found(FindingKind::kSelfDeadlock)) << shared;
}

TEST(StdMutexInside, RecursiveMutexCountsItsLevels) {
  const Result result = run([] {
    lockstep::RecursiveMutex m;
    m.lock();
    LOCKSTEP_ASSERT(m.try_lock());
    m.unlock();
    lockstep::Thread other([&] { LOCKSTEP_ASSERT(!m.try_lock()); });  // one level left
    other.join();
    m.unlock();
    lockstep::Thread after([&] {
      std::scoped_lock lock(m);
    });
    after.join();
  });
  EXPECT_TRUE(result) << result;
}

TEST(StdMutexInside, TimedMutexTimesOutInSomeExecutionsAndSucceedsInOthers) {
  std::atomic<int> acquired{0};
  std::atomic<int> timed_out{0};
  const Result result = run([&] {
    lockstep::TimedMutex m;
    lockstep::Thread holder([&] { std::scoped_lock lock(m); });
    const bool got = acquired.load() % 2 == 0
                         ? m.try_lock_for(milliseconds(5))
                         : m.try_lock_until(steady_clock::now() + milliseconds(5));
    if (got) {
      m.unlock();
      acquired.fetch_add(1, std::memory_order_relaxed);
    } else {
      timed_out.fetch_add(1, std::memory_order_relaxed);
    }
    holder.join();
  });
  EXPECT_TRUE(result) << result;
  EXPECT_GT(acquired.load(), 0);
  EXPECT_GT(timed_out.load(), 0);
}

TEST(StdMutexInside, TimedMutexTimeoutIsOneEvent) {
  const Result result = trace_of([] {
    lockstep::TimedMutex m("TM");
    m.lock();
    lockstep::Thread other([&] { m.try_lock_for(std::chrono::hours(1)); });
    other.join();
    m.unlock();
  });
  const std::vector<std::string> expected = {"t0 acquire", "t1 acquire timeout", "t0 release"};
  EXPECT_EQ(operations_on(result, "TM"), expected) << result;
}

TEST(SharedMutexInside, ReadersShareAndWritersExclude) {
  std::atomic<int> most_readers{0};
  const Result result = run(
      [&] {
        lockstep::SharedMutex m;
        lockstep::Atomic<int> readers{0};
        lockstep::Shared<int> value{0};
        auto read = [&] {
          std::shared_lock lock(m);
          const int now = ++readers;
          if (now > most_readers.load()) most_readers.store(now);
          LOCKSTEP_ASSERT(value == 0 || value == 2);  // never a half-done write
          --readers;
        };
        lockstep::Thread r1(read);
        lockstep::Thread r2(read);
        {
          std::unique_lock lock(m);
          LOCKSTEP_ASSERT(readers == 0);
          value = 1;
          value = 2;
        }
        r1.join();
        r2.join();
      },
      budget(200, "shared-points=all"));
  EXPECT_TRUE(result) << result;
  EXPECT_EQ(most_readers.load(), 2);  // two readers did hold it at once
}

TEST(SharedMutexInside, TryVariantsAndSharedMisuse) {
  const Result result = run([] {
    lockstep::SharedMutex m;
    LOCKSTEP_ASSERT(m.try_lock_shared());
    lockstep::Thread other([&] {
      LOCKSTEP_ASSERT(!m.try_lock());        // readers block a writer
      LOCKSTEP_ASSERT(m.try_lock_shared());  // but not another reader
      m.unlock_shared();
    });
    other.join();
    m.unlock_shared();
    m.lock();
    lockstep::Thread reader([&] { LOCKSTEP_ASSERT(!m.try_lock_shared()); });
    reader.join();
    m.unlock();
  });
  EXPECT_TRUE(result) << result;
  const Result unlock_shared = run([] {
    lockstep::SharedMutex m;
    m.lock_shared();
    lockstep::Thread other([&] { m.unlock_shared(); });  // holds no shared lock
    other.join();
  });
  EXPECT_TRUE(misuse_then_exception(unlock_shared, "does not own it")) << unlock_shared;
}

TEST(SharedMutexInside, AWriterWaitsForEveryReader) {
  const Result result = run([] {
    lockstep::SharedMutex m("SM");
    lockstep::Semaphore never(0);
    m.lock_shared();
    lockstep::Thread reader([&] {
      std::shared_lock lock(m);
      never.acquire();
    });
    lockstep::Thread writer([&] { std::scoped_lock lock(m); });
    writer.join();
  });
  ASSERT_TRUE(result.found(FindingKind::kDeadlock)) << result;
  EXPECT_TRUE(contains(finding_text(result), "SM (held shared by t0, t1)")) << result;
}

TEST(SharedMutexInside, EachOperationIsOneEvent) {
  const Result result = trace_of([] {
    lockstep::SharedMutex m("SM");
    m.lock_shared();
    m.try_lock();
    m.unlock_shared();
    m.lock();
    m.try_lock_shared();
    m.unlock();
  });
  const std::vector<std::string> expected = {
      "t0 acquire-shared", "t0 try-acquire failed", "t0 release-shared",
      "t0 acquire",        "t0 try-acquire-shared failed", "t0 release"};
  EXPECT_EQ(operations_on(result, "SM"), expected) << result;
}

TEST(StdMutexOutside, TimedMutexReallyWaits) {
  lockstep::TimedMutex m;
  m.lock();
  bool acquired = true;
  std::chrono::nanoseconds waited{};
  std::thread other([&] {
    const auto start = steady_clock::now();
    acquired = m.try_lock_for(milliseconds(50));
    waited = steady_clock::now() - start;
  });
  other.join();
  EXPECT_FALSE(acquired);
  EXPECT_GE(waited, milliseconds(45));
  m.unlock();
  std::thread after([&] {
    acquired = m.try_lock_until(steady_clock::now() + milliseconds(50));
    if (acquired) m.unlock();
  });
  after.join();
  EXPECT_TRUE(acquired);
}

TEST(StdMutexOutside, RecursiveMutexIsReentrant) {
  lockstep::RecursiveMutex m;
  m.lock();
  EXPECT_TRUE(m.try_lock());
  m.unlock();
  bool acquired = true;
  std::thread other([&] { acquired = m.try_lock(); });
  other.join();
  EXPECT_FALSE(acquired);
  m.unlock();
}

TEST(StdMutexOutside, SharedMutexLetsReadersIn) {
  lockstep::SharedMutex m;
  std::shared_lock reading(m);
  bool shared = false;
  bool exclusive = true;
  std::thread other([&] {
    shared = m.try_lock_shared();
    if (shared) m.unlock_shared();
    exclusive = m.try_lock();
    if (exclusive) m.unlock();
  });
  other.join();
  EXPECT_TRUE(shared);
  EXPECT_FALSE(exclusive);
}

// ---------------------------------------------------------------------------------------
// Semaphore and BoundedSemaphore (Python threading)
// ---------------------------------------------------------------------------------------

TEST(SemaphoreInside, AdmitsAtMostItsValue) {
  std::atomic<int> most_inside{0};
  const Result result = run([&] {
    lockstep::Semaphore s(2);
    lockstep::Atomic<int> inside{0};
    auto work = [&] {
      s.acquire();
      const int now = ++inside;
      LOCKSTEP_ASSERT(now <= 2);
      if (now > most_inside.load()) most_inside.store(now);
      --inside;
      s.release();
    };
    lockstep::Thread a(work);
    lockstep::Thread b(work);
    work();
    a.join();
    b.join();
  });
  EXPECT_TRUE(result) << result;
  EXPECT_EQ(most_inside.load(), 2);
}

TEST(SemaphoreInside, ReleaseOfNLetsNWaitersThrough) {
  const Result result = run([] {
    lockstep::Semaphore s(0);
    lockstep::Thread a([&] { s.acquire(); });
    lockstep::Thread b([&] { s.acquire(); });
    s.release(2);
    a.join();
    b.join();
    LOCKSTEP_ASSERT(!s.acquire(false));
  });
  EXPECT_TRUE(result) << result;
  const Result one_short = run([] {
    lockstep::Semaphore s(0, "S");
    lockstep::Thread a([&] { s.acquire(); });
    lockstep::Thread b([&] { s.acquire(); });
    s.release(1);
    a.join();
    b.join();
  });
  ASSERT_TRUE(one_short.found(FindingKind::kDeadlock)) << one_short;
  EXPECT_TRUE(contains(finding_text(one_short), "S (value 0)")) << one_short;
}

TEST(SemaphoreInside, TimedAcquireTimesOutInSomeExecutionsAndSucceedsInOthers) {
  std::atomic<int> acquired{0};
  std::atomic<int> timed_out{0};
  const Result result = run([&] {
    lockstep::Semaphore s(0);
    lockstep::Thread releaser([&] { s.release(); });
    (s.acquire(true, 0.5) ? acquired : timed_out).fetch_add(1, std::memory_order_relaxed);
    releaser.join();
  });
  EXPECT_TRUE(result) << result;
  EXPECT_GT(acquired.load(), 0);
  EXPECT_GT(timed_out.load(), 0);
}

TEST(SemaphoreInside, BoundedOverReleaseIsAMisuseThenAnException) {
  const Result within = run([] {
    lockstep::BoundedSemaphore s(2);
    s.acquire();
    s.acquire();
    s.release(2);
  });
  EXPECT_TRUE(within) << within;
  const Result over = run([] {
    lockstep::BoundedSemaphore s(2);
    s.acquire();
    s.release(2);
  });
  EXPECT_TRUE(misuse_then_exception(over, "released too many times")) << over;
  const Result zero = run([] { lockstep::BoundedSemaphore(0).release(); });
  EXPECT_TRUE(misuse_then_exception(zero, "released too many times")) << zero;
  const Result unbounded = run([] { lockstep::Semaphore(0).release(5); });
  EXPECT_TRUE(unbounded) << unbounded;
}

TEST(SemaphoreInside, EachOperationIsOneEvent) {
  const Result result = trace_of([] {
    lockstep::Semaphore s(1, "S");
    s.acquire();
    s.acquire(false);
    s.acquire(true, 1.0);
    s.release(2);
  });
  const std::vector<std::string> expected = {"t0 acquire", "t0 try-acquire failed",
                                             "t0 acquire timeout", "t0 release"};
  EXPECT_EQ(operations_on(result, "S"), expected) << result;
}

TEST(SemaphoreOutside, RealCountingAndTimeouts) {
  lockstep::Semaphore s(2);
  EXPECT_TRUE(s.acquire());
  EXPECT_TRUE(s.acquire(false));
  EXPECT_FALSE(s.acquire(false));
  const auto start = steady_clock::now();
  EXPECT_FALSE(s.acquire(true, 0.05));
  EXPECT_GE(steady_clock::now() - start, milliseconds(45));
  std::thread releaser([&] {
    std::this_thread::sleep_for(milliseconds(10));
    s.release(2);
  });
  EXPECT_TRUE(s.acquire(true, 10.0));
  releaser.join();
  EXPECT_TRUE(s.acquire(false));
  EXPECT_FALSE(s.acquire(false));
  EXPECT_THROW(s.release(0), std::invalid_argument);
  EXPECT_THROW(s.acquire(false, 1.0), std::invalid_argument);
}

TEST(SemaphoreOutside, BoundedOverReleaseThrowsAndChangesNothing) {
  lockstep::BoundedSemaphore s(2);
  s.acquire();
  EXPECT_THROW(s.release(2), std::invalid_argument);
  s.release();
  EXPECT_THROW(s.release(), std::invalid_argument);
  EXPECT_TRUE(s.acquire(false));
  EXPECT_TRUE(s.acquire(false));
  EXPECT_FALSE(s.acquire(false));  // the failed releases added nothing
  EXPECT_THROW(lockstep::BoundedSemaphore(0).release(), std::invalid_argument);
}

TEST(SemaphoreOutside, ConcurrentOverReleasesAreRefusedExactly) {
  // One unit is out; two threads give one back each: exactly one must be refused.
  for (int round = 0; round < 200; ++round) {
    lockstep::BoundedSemaphore s(1);
    s.acquire();
    std::atomic<int> refused{0};
    auto give_back = [&] {
      try {
        s.release();
      } catch (const std::invalid_argument&) {
        refused.fetch_add(1);
      }
    };
    std::thread a(give_back);
    std::thread b(give_back);
    a.join();
    b.join();
    ASSERT_EQ(refused.load(), 1) << "round " << round;
  }
}

}  // namespace
