// The waiting primitives — ConditionVariable(Any), Condition, Event, Barrier, Queue —
// inside explorations (each bug shape is found, each correct use passes, failures
// replay) and outside them with real std::threads (blocking and real timeouts).
#include <gtest/gtest.h>
#include <lockstep/lockstep.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

namespace {

using lockstep::FindingKind;
using lockstep::Result;
using std::chrono::milliseconds;

lockstep::Options budget(std::uint64_t executions, std::uint64_t seed = 7, const char* text = "") {
  lockstep::Options options;
  options.executions = executions;
  options.seed = seed;
  options.apply(text);
  return options;
}

Result run(const std::function<void()>& body, const lockstep::Options& options,
           const char* name = "wait") {
  return lockstep::explore_exactly(body, options, name);
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// Re-runs `failed`'s token and expects the same first finding.
void expect_replays(const std::function<void()>& body, const lockstep::Options& options,
                    const Result& failed, const char* name) {
  ASSERT_FALSE(failed.token().empty()) << failed;
  lockstep::Options replay = options;
  replay.replay = failed.token();
  const Result again = run(body, replay, name);
  ASSERT_EQ(again.verdict(), lockstep::Verdict::kFailed) << again;
  EXPECT_TRUE(again.report().findings.front().same_failure(failed.report().findings.front()))
      << "first run:\n" << failed << "\nreplay:\n" << again;
}

// --- ConditionVariable: consumers with `while` vs `if` ----------------------------------

// One producer hands `kItems` items to two consumers through a one-slot buffer guarded
// by a Mutex and two condition variables. With `use_while` every wait re-checks its
// condition; with `if` a consumer woken for an item another consumer took proceeds
// on an empty buffer (a stolen wakeup), which the assertion catches.
constexpr int kItems = 2;

void one_slot_buffer(bool use_while) {
  lockstep::Mutex m;
  lockstep::ConditionVariable not_empty;
  lockstep::ConditionVariable not_full;
  lockstep::Shared<int> items{0};
  lockstep::Shared<int> consumed{0};
  auto consume = [&] {
    std::unique_lock lock(m);
    if (use_while) {
      while (items == 0) not_empty.wait(lock);
    } else if (items == 0) {
      not_empty.wait(lock);
    }
    LOCKSTEP_ASSERT(items == 1);
    items = 0;
    consumed += 1;
    not_full.notify_one();
  };
  lockstep::Thread c1(consume);
  lockstep::Thread c2(consume);
  for (int i = 0; i < kItems; ++i) {
    std::unique_lock lock(m);
    while (items == 1) not_full.wait(lock);
    items = 1;
    not_empty.notify_one();
  }
  c1.join();
  c2.join();
  LOCKSTEP_ASSERT(consumed == kItems);
}

TEST(ConditionVariableInside, ProducerConsumerWithWhilePassesUnderManySeeds) {
  for (std::uint64_t seed = 1; seed <= 5; ++seed) {
    const Result result = run([] { one_slot_buffer(true); }, budget(200, seed), "cv_while");
    EXPECT_TRUE(result) << "seed " << seed << "\n" << result;
  }
}

TEST(ConditionVariableInside, IfInsteadOfWhileIsFoundAndReplays) {
  const auto body = [] { one_slot_buffer(false); };
  const lockstep::Options options = budget(2000);
  const Result result = run(body, options, "cv_if");
  ASSERT_TRUE(result.found(FindingKind::kAssertion) || result.found(FindingKind::kDeadlock))
      << result;
  expect_replays(body, options, result, "cv_if");
}

TEST(ConditionVariableInside, NotifyBeforeWaitIsALostWakeupDeadlock) {
  const auto body = [] {
    lockstep::Mutex m;
    lockstep::ConditionVariable cv;
    lockstep::Thread waiter([&] {
      std::unique_lock lock(m);
      cv.wait(lock);  // no predicate: a notify that came first is lost
    });
    cv.notify_one();
    waiter.join();
  };
  const lockstep::Options options = budget(300);
  const Result result = run(body, options, "lost_wakeup");
  ASSERT_TRUE(result.found(FindingKind::kDeadlock)) << result;
  // Nobody holds a condition variable: the report says what it waits for instead.
  EXPECT_TRUE(contains(result.text(), "not notified; 1 waiter")) << result;
  expect_replays(body, options, result, "lost_wakeup");
}

TEST(ConditionVariableInside, WaitAnyWorksWithPythonLocksAndUniqueLock) {
  const Result result = run(
      [] {
        lockstep::Lock lock;
        lockstep::RLock rlock;
        lockstep::ConditionVariableAny cv;
        lockstep::Shared<int> stage{0};
        lockstep::Thread t([&] {
          {
            std::scoped_lock g(lock);
            stage = 1;
          }
          cv.notify_all();
          std::unique_lock g(rlock);
          cv.wait(g, [&] { return stage == 2; });
        });
        {
          lock.acquire();
          cv.wait(lock, [&] { return stage == 1; });
          lock.release();
        }
        {
          std::scoped_lock g(rlock);
          stage = 2;
        }
        cv.notify_all();
        t.join();
      },
      budget(300), "cv_any");
  EXPECT_TRUE(result) << result;
}

// Outcomes of a timed wait that a notify may or may not beat, over many executions.
struct Outcomes {
  int timed_out = 0;
  int woken = 0;
};

template <typename TimedWait>
Outcomes timed_wait_outcomes(TimedWait timed_wait) {
  Outcomes outcomes;
  const Result result = run(
      [&] {
        lockstep::Mutex m;
        lockstep::ConditionVariable cv;
        lockstep::Shared<bool> ready{false};
        lockstep::Thread notifier([&] {
          std::scoped_lock g(m);
          ready = true;
          cv.notify_one();
        });
        bool in_time = false;
        {
          std::unique_lock lock(m);
          in_time = timed_wait(cv, lock, [&] { return ready.load(); });
          // With a predicate the result is exactly whether the condition holds (read
          // under the lock: the notifier may be writing it).
          LOCKSTEP_ASSERT(in_time == ready.load());
        }
        (in_time ? outcomes.woken : outcomes.timed_out) += 1;
        notifier.join();
      },
      budget(300), "timed");
  EXPECT_TRUE(result) << result;
  return outcomes;
}

TEST(ConditionVariableInside, TimedWaitsTimeOutInSomeExecutionsOnly) {
  const Outcomes wait_for = timed_wait_outcomes([](auto& cv, auto& lock, auto pred) {
    return cv.wait_for(lock, milliseconds(10), pred);
  });
  EXPECT_GT(wait_for.timed_out, 0);
  EXPECT_GT(wait_for.woken, 0);
  const Outcomes wait_until = timed_wait_outcomes([](auto& cv, auto& lock, auto pred) {
    return cv.wait_until(lock, std::chrono::steady_clock::now() + milliseconds(10), pred);
  });
  EXPECT_GT(wait_until.timed_out, 0);
  EXPECT_GT(wait_until.woken, 0);
}

TEST(ConditionVariableInside, ATimedWaitNobodyNotifiesAlwaysTimesOut) {
  int timeouts = 0;
  const Result result = run(
      [&] {
        lockstep::Mutex m;
        lockstep::ConditionVariable cv;
        std::unique_lock lock(m);
        const std::cv_status status = cv.wait_for(lock, std::chrono::seconds(5));
        LOCKSTEP_ASSERT(status == std::cv_status::timeout);
        ++timeouts;
      },
      budget(20), "timeout_only");
  EXPECT_TRUE(result) << result;
  EXPECT_EQ(timeouts, 20);
}

// A waiter without a predicate asserts that the flag is set when it wakes: true for
// real notifications, false for spurious ones. The notifier sets the flag only after
// it has seen the waiter registered (under the mutex), so no notify is lost.
void wake_checks_flag() {
  lockstep::Mutex m;
  lockstep::ConditionVariable cv;
  lockstep::Shared<bool> waiting{false};
  lockstep::Shared<bool> flag{false};
  lockstep::Thread waiter([&] {
    std::unique_lock lock(m);
    waiting = true;
    cv.wait(lock);
    LOCKSTEP_ASSERT(flag);
  });
  while (true) {
    std::scoped_lock g(m);
    if (waiting) {
      flag = true;
      cv.notify_one();
      break;
    }
  }
  waiter.join();
}

TEST(ConditionVariableInside, SpuriousWakeupsOnlyWithTheOption) {
  EXPECT_TRUE(run(wake_checks_flag, budget(300), "no_spurious")) << run(wake_checks_flag, budget(300));
  const Result spurious = run(wake_checks_flag, budget(300, 7, "spurious-wakeups=true"), "spurious");
  ASSERT_TRUE(spurious.found(FindingKind::kAssertion)) << spurious;
  EXPECT_TRUE(contains(spurious.text(), "spurious")) << spurious;
}

TEST(ConditionVariableInside, WhichWaiterNotifyOneWakesIsExplored) {
  std::set<int> first_woken;
  const Result result = run(
      [&] {
        lockstep::Mutex m;
        lockstep::ConditionVariable cv;
        lockstep::Shared<int> waiting{0};
        lockstep::Shared<int> tokens{0};
        lockstep::Shared<int> first{0};
        auto waiter = [&](int id) {
          std::unique_lock lock(m);
          waiting += 1;
          cv.wait(lock, [&] { return tokens > 0; });
          tokens -= 1;
          if (first == 0) first = id;
        };
        // Waiter 1 is always registered first, so a first-come wakeup policy would
        // always pick it.
        const auto until_waiting = [&](int n) {
          while (true) {
            std::scoped_lock g(m);
            if (waiting == n) return;
          }
        };
        lockstep::Thread a([&] { waiter(1); });
        until_waiting(1);
        lockstep::Thread b([&] { waiter(2); });
        until_waiting(2);
        {
          std::scoped_lock g(m);
          tokens = 1;
          cv.notify_one();
        }
        while (true) {  // only the notified waiter can take the token (no spurious wakeups)
          std::scoped_lock g(m);
          if (tokens == 0) {
            tokens = 1;
            break;
          }
        }
        cv.notify_all();
        a.join();
        b.join();
        first_woken.insert(first);
      },
      budget(200), "notify_one_choice");
  EXPECT_TRUE(result) << result;
  EXPECT_EQ(first_woken, (std::set<int>{1, 2}));
}

// A wait with a lock the caller does not hold is a misuse, throws (std::unique_lock::
// unlock's std::system_error) and must leave no waiter behind: a stale one would be a candidate
// for notify_one, which could then pick it instead of the real waiter (a wakeup the
// harness, not the code under test, lost).
TEST(ConditionVariableInside, AWaitThatThrowsLeavesNoWaiterBehind) {
  const Result result = run(
      [] {
        lockstep::Mutex m;
        lockstep::ConditionVariable cv;
        lockstep::Shared<bool> ready{false};
        lockstep::Thread misuser([&] {
          std::unique_lock lock(m, std::defer_lock);  // not locked
          bool thrown = false;
          try {
            cv.wait(lock);
          } catch (const std::system_error&) {
            thrown = true;
          }
          LOCKSTEP_ASSERT(thrown);
        });
        misuser.join();
        lockstep::Thread waiter([&] {
          std::unique_lock lock(m);
          cv.wait(lock, [&] { return ready.load(); });
        });
        {
          std::scoped_lock g(m);
          ready = true;
        }
        cv.notify_one();
        waiter.join();
      },
      budget(300), "cv_wait_throws");
  // The wait without the lock is the only finding: no stale waiter, so no lost wakeup.
  ASSERT_EQ(result.report().findings.size(), 1u) << result;
  EXPECT_EQ(result.report().findings.front().kind, lockstep::FindingKind::kMisuse) << result;
  EXPECT_EQ(result.report().findings.front().message,
            "t1 waits on ConditionVariable#2 without holding its lock")
      << result;
}

// --- Python Condition ---------------------------------------------------------------

TEST(ConditionInside, WaitReleasesAnRLockHeldTwiceAndRestoresTheCount) {
  const Result result = run(
      [] {
        lockstep::RLock lock;
        lockstep::Condition condition(lock);
        lockstep::Shared<bool> done{false};
        lockstep::Thread waiter([&] {
          lock.acquire();
          lock.acquire();
          while (!done) condition.wait();  // the notifier can only get in if both levels go
          LOCKSTEP_ASSERT(lock.is_owned());
          lock.release();
          LOCKSTEP_ASSERT(lock.is_owned());  // still held once: the count was restored
          lock.release();
          LOCKSTEP_ASSERT(!lock.is_owned());
        });
        {
          std::scoped_lock guard(condition);
          done = true;
          condition.notify();
        }
        waiter.join();
      },
      budget(300), "condition_rlock");
  EXPECT_TRUE(result) << result;
}

// Python's Condition.wait returns only when notified or timed out (its waiter lock is
// released by notify alone), so the option spurious-wakeups, which models std's
// condition variables, must not reach it.
TEST(ConditionInside, PythonWaitsNeverWakeSpuriously) {
  const auto body = [] {
    lockstep::Condition condition;
    lockstep::Shared<bool> waiting{false};
    lockstep::Shared<bool> flag{false};
    lockstep::Thread waiter([&] {
      std::scoped_lock g(condition);
      waiting = true;
      LOCKSTEP_ASSERT(condition.wait());  // untimed: true, and only after the notify
      LOCKSTEP_ASSERT(flag);
    });
    while (true) {
      std::scoped_lock g(condition);
      if (waiting) {
        flag = true;
        condition.notify();
        break;
      }
    }
    waiter.join();
  };
  const Result result = run(body, budget(300, 7, "spurious-wakeups=true"), "condition_spurious");
  EXPECT_TRUE(result) << result;
}

TEST(ConditionInside, OverALockAndWithItsOwnRLock) {
  const auto producer_consumer = [](lockstep::Condition& condition) {
    lockstep::Shared<int> value{0};
    lockstep::Thread consumer([&] {
      std::scoped_lock guard(condition);
      LOCKSTEP_ASSERT(condition.wait_for([&] { return value == 1; }));
    });
    {
      std::scoped_lock guard(condition);
      value = 1;
      condition.notify_all();
    }
    consumer.join();
  };
  EXPECT_TRUE(run(
      [&] {
        lockstep::Lock lock;
        lockstep::Condition condition(lock);
        producer_consumer(condition);
      },
      budget(200), "condition_lock"));
  EXPECT_TRUE(run(
      [&] {
        lockstep::Condition condition;
        producer_consumer(condition);
      },
      budget(200), "condition_own"));
}

TEST(ConditionInside, TimedWaitTimesOutInSomeExecutionsOnly) {
  Outcomes outcomes;
  const Result result = run(
      [&] {
        lockstep::Condition condition;
        lockstep::Shared<bool> ready{false};
        lockstep::Thread notifier([&] {
          std::scoped_lock guard(condition);
          ready = true;
          condition.notify();
        });
        bool in_time = false;
        {
          std::scoped_lock guard(condition);
          in_time = condition.wait_for([&] { return ready.load(); }, 0.01);
        }
        (in_time ? outcomes.woken : outcomes.timed_out) += 1;
        notifier.join();
      },
      budget(300), "condition_timed");
  EXPECT_TRUE(result) << result;
  EXPECT_GT(outcomes.timed_out, 0);
  EXPECT_GT(outcomes.woken, 0);
}

TEST(ConditionInside, WaitOrNotifyWithoutTheLockIsPythonsRuntimeError) {
  const Result wait = run([] { lockstep::Condition().wait(); }, budget(5), "unheld_wait");
  EXPECT_TRUE(wait.found(FindingKind::kException)) << wait;
  EXPECT_TRUE(contains(wait.text(), "un-acquired lock")) << wait;
  const Result notify = run(
      [] {
        lockstep::Lock lock;
        lockstep::Condition(lock).notify_all();
      },
      budget(5), "unheld_notify");
  EXPECT_TRUE(notify.found(FindingKind::kException)) << notify;
  // Held by another thread is not held by the caller (RLock has an owner).
  const Result other = run(
      [] {
        lockstep::RLock lock;
        lockstep::Condition condition(lock);
        lock.acquire();
        lockstep::Thread t([&] { condition.notify(); });
        t.join();
        lock.release();
      },
      budget(5), "other_owner");
  EXPECT_TRUE(other.found(FindingKind::kException)) << other;
}

TEST(ConditionInside, NotifyNReleasesAtMostNWaiters) {
  const Result result = run(
      [] {
        lockstep::Condition condition;
        lockstep::Shared<int> registered{0};
        lockstep::Shared<int> woken{0};
        std::vector<lockstep::Thread> waiters;
        for (int i = 0; i < 3; ++i) {
          waiters.emplace_back([&] {
            std::scoped_lock guard(condition);
            registered += 1;
            condition.wait();
            woken += 1;
          });
        }
        while (true) {
          std::scoped_lock guard(condition);
          if (registered == 3) {
            condition.notify(2);
            break;
          }
        }
        // Exactly one waiter is left: wake it, then all three have run.
        while (true) {
          std::scoped_lock guard(condition);
          LOCKSTEP_ASSERT(woken <= 2);
          if (woken == 2) {
            condition.notify();
            break;
          }
        }
        for (auto& t : waiters) t.join();
        LOCKSTEP_ASSERT(woken == 3);
      },
      budget(300), "notify_n");
  EXPECT_TRUE(result) << result;
}

// --- Event --------------------------------------------------------------------------

TEST(EventInside, SetWakesEveryWaiterAndClearResets) {
  const Result result = run(
      [] {
        lockstep::Event go;
        lockstep::Shared<int> data{0};
        std::vector<lockstep::Thread> waiters;
        for (int i = 0; i < 2; ++i) {
          waiters.emplace_back([&] {
            LOCKSTEP_ASSERT(go.wait());
            LOCKSTEP_ASSERT(data == 42);  // written before set
          });
        }
        data = 42;
        go.set();
        LOCKSTEP_ASSERT(go.is_set());
        for (auto& t : waiters) t.join();
        go.clear();
        LOCKSTEP_ASSERT(!go.is_set());
      },
      budget(300, 7, "shared-points=all"), "event");
  EXPECT_TRUE(result) << result;
}

TEST(EventInside, WaitingForAnEventNobodySetsIsADeadlock) {
  const Result result = run(
      [] {
        lockstep::Event never;
        lockstep::Thread t([&] { never.wait(); });
        t.join();
      },
      budget(10), "event_deadlock");
  ASSERT_TRUE(result.found(FindingKind::kDeadlock)) << result;
  EXPECT_TRUE(contains(result.text(), "not set")) << result;
}

TEST(EventInside, TimedWaitTimesOutInSomeExecutionsOnly) {
  Outcomes outcomes;
  const Result result = run(
      [&] {
        lockstep::Event ready;
        lockstep::Thread setter([&] { ready.set(); });
        (ready.wait(0.5) ? outcomes.woken : outcomes.timed_out) += 1;
        setter.join();
      },
      budget(200), "event_timed");
  EXPECT_TRUE(result) << result;
  EXPECT_GT(outcomes.timed_out, 0);
  EXPECT_GT(outcomes.woken, 0);
}

// --- Barrier ------------------------------------------------------------------------

TEST(BarrierInside, EveryoneArrivesBeforeAnyonePassesAndIndicesAreDistinct) {
  const Result result = run(
      [] {
        lockstep::Barrier barrier(3);
        lockstep::Atomic<int> arrived{0};
        lockstep::Atomic<int> index_sum{0};
        auto party = [&] {
          for (int round = 1; round <= 2; ++round) {  // two generations
            arrived += 1;
            index_sum += static_cast<int>(barrier.wait());
            LOCKSTEP_ASSERT(arrived >= 3 * round);
            barrier.wait();  // nobody starts the next round before everyone checked
          }
        };
        lockstep::Thread a(party);
        lockstep::Thread b(party);
        party();
        a.join();
        b.join();
        LOCKSTEP_ASSERT(index_sum == 2 * (0 + 1 + 2));
      },
      budget(300), "barrier");
  EXPECT_TRUE(result) << result;
}

TEST(BarrierInside, TooFewPartiesIsADeadlock) {
  const Result result = run(
      [] {
        lockstep::Barrier barrier(3);
        lockstep::Thread t([&] { barrier.wait(); });
        barrier.wait();
        t.join();
      },
      budget(10), "barrier_deadlock");
  ASSERT_TRUE(result.found(FindingKind::kDeadlock)) << result;
  EXPECT_TRUE(contains(result.text(), "2 of 3 arrived")) << result;
}

// --- Queue --------------------------------------------------------------------------

// A producer puts 4 items into a queue of 2; the consumer takes `taken` of them.
void bounded_queue(int taken) {
  lockstep::Queue<int> queue(2);
  lockstep::Thread consumer([&] {
    for (int expected = 0; expected < taken; ++expected) {
      LOCKSTEP_ASSERT(queue.get() == expected);  // FIFO
    }
  });
  for (int i = 0; i < 4; ++i) queue.put(i);
  consumer.join();
}

TEST(QueueInside, AConsumerThatStopsEarlyLeavesTheProducerBlockedOnAFullQueue) {
  const auto body = [] { bounded_queue(1); };
  const lockstep::Options options = budget(100);
  const Result result = run(body, options, "queue_stops");
  ASSERT_TRUE(result.found(FindingKind::kDeadlock)) << result;
  EXPECT_TRUE(contains(result.text(), "full")) << result;
  expect_replays(body, options, result, "queue_stops");
}

TEST(QueueInside, AConsumerThatDrainsTheQueuePasses) {
  EXPECT_TRUE(run([] { bounded_queue(4); }, budget(300), "queue_drains"));
}

TEST(QueueInside, NonBlockingAndTimedOperationsThrowPythonsFullAndEmpty) {
  Outcomes outcomes;
  const Result result = run(
      [&] {
        lockstep::Queue<int> queue(1);
        bool empty_thrown = false;
        try {
          queue.get_nowait();
        } catch (const lockstep::QueueEmpty&) {
          empty_thrown = true;
        }
        LOCKSTEP_ASSERT(empty_thrown);
        queue.put_nowait(1);
        LOCKSTEP_ASSERT(queue.full() && queue.qsize() == 1);
        bool full_thrown = false;
        try {
          queue.put(2, false);
        } catch (const lockstep::QueueFull&) {
          full_thrown = true;
        }
        LOCKSTEP_ASSERT(full_thrown);
        lockstep::Thread getter([&] { LOCKSTEP_ASSERT(queue.get() == 1); });
        try {
          queue.put(3, true, 0.5);  // in time only if the getter made room first
          outcomes.woken += 1;
        } catch (const lockstep::QueueFull&) {
          outcomes.timed_out += 1;
        }
        getter.join();
      },
      budget(200), "queue_nowait");
  EXPECT_TRUE(result) << result;
  EXPECT_GT(outcomes.timed_out, 0);
  EXPECT_GT(outcomes.woken, 0);
}

// A put or get that gives up is an event in the report (result failed or timeout),
// and a timeout that is neither -1 nor >= 0 is Python's ValueError, inside and out.
TEST(QueueInside, GivingUpIsAnEventAndBadTimeoutsAreErrors) {
  const auto bad_timeouts_throw = [](lockstep::Queue<int>& queue) {
    int thrown = 0;
    try {
      queue.put(1, true, -2);
    } catch (const std::invalid_argument&) {
      ++thrown;
    }
    try {
      queue.get(true, -0.5);
    } catch (const std::invalid_argument&) {
      ++thrown;
    }
    return thrown == 2;
  };
  const Result result = run(
      [&] {
        lockstep::Queue<int> queue(1, "q");
        LOCKSTEP_ASSERT(bad_timeouts_throw(queue));
        try {
          queue.get_nowait();
        } catch (const lockstep::QueueEmpty&) {
        }
        queue.put(7);
        try {
          queue.put(8, true, 0);  // nobody else runs: the strategy can only time it out
        } catch (const lockstep::QueueFull&) {
        }
        LOCKSTEP_ASSERT(queue.qsize() == 2);  // fails: the report shows the trace
      },
      budget(1), "queue_give_up");
  ASSERT_TRUE(result.found(FindingKind::kAssertion)) << result;
  EXPECT_TRUE(contains(result.text(), "get q failed")) << result;
  EXPECT_TRUE(contains(result.text(), "put q = 7")) << result;
  EXPECT_TRUE(contains(result.text(), "put q timeout = 8")) << result;
  lockstep::Queue<int> outside(1);
  EXPECT_TRUE(bad_timeouts_throw(outside));
  EXPECT_EQ(outside.qsize(), 0u);
}

TEST(QueueInside, UnboundedQueueNeverBlocksAPut) {
  const Result result = run(
      [] {
        lockstep::Queue<std::string> queue;  // maxsize 0: unbounded
        lockstep::Thread producer([&] {
          for (int i = 0; i < 5; ++i) queue.put(std::to_string(i));
        });
        producer.join();
        LOCKSTEP_ASSERT(queue.qsize() == 5 && !queue.full());
        for (int i = 0; i < 5; ++i) LOCKSTEP_ASSERT(queue.get() == std::to_string(i));
        LOCKSTEP_ASSERT(queue.empty());
      },
      budget(50), "queue_unbounded");
  EXPECT_TRUE(result) << result;
}

// --- outside an exploration: real threads, real time ---------------------------------

// How long `action` took.
template <typename Action>
milliseconds time_of(Action action) {
  const auto start = std::chrono::steady_clock::now();
  action();
  return std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() - start);
}

TEST(ConditionVariableOutside, WaitBlocksUntilNotifiedAndTimedWaitsTimeOut) {
  lockstep::Mutex m;
  lockstep::ConditionVariable cv;
  bool ready = false;
  std::atomic<bool> woke{false};
  std::thread waiter([&] {
    std::unique_lock lock(m);
    cv.wait(lock, [&] { return ready; });
    woke = true;
  });
  std::this_thread::sleep_for(milliseconds(30));
  EXPECT_FALSE(woke.load());  // still blocked: nobody notified
  {
    std::scoped_lock lock(m);
    ready = true;
  }
  cv.notify_one();
  waiter.join();
  EXPECT_TRUE(woke.load());

  std::unique_lock lock(m);
  std::cv_status status = std::cv_status::no_timeout;
  EXPECT_GE(time_of([&] { status = cv.wait_for(lock, milliseconds(20)); }), milliseconds(19));
  EXPECT_EQ(status, std::cv_status::timeout);
  bool satisfied = true;
  EXPECT_GE(time_of([&] {
              satisfied = cv.wait_until(lock, std::chrono::steady_clock::now() + milliseconds(20),
                                        [] { return false; });
            }),
            milliseconds(19));
  EXPECT_FALSE(satisfied);
}

TEST(ConditionVariableOutside, AnyWorksWithAPythonLock) {
  lockstep::Lock lock;
  lockstep::ConditionVariableAny cv;
  int stage = 0;
  std::thread t([&] {
    std::scoped_lock g(lock);
    stage = 1;
    cv.notify_all();
  });
  {
    std::unique_lock g(lock);
    cv.wait(g, [&] { return stage == 1; });
  }
  t.join();
  EXPECT_EQ(stage, 1);
}

TEST(ConditionOutside, WaitRestoresTheRLockCountAndTimesOut) {
  lockstep::RLock lock;
  lockstep::Condition condition(lock);
  lock.acquire();
  lock.acquire();
  bool notified = true;
  EXPECT_GE(time_of([&] { notified = condition.wait(0.02); }), milliseconds(19));
  EXPECT_FALSE(notified);
  lock.release();
  lock.release();  // both levels were restored
  EXPECT_THROW(lock.release(), std::runtime_error);
  EXPECT_THROW(condition.wait(0.01), std::runtime_error);  // not held

  lockstep::Lock plain;
  lockstep::Condition over_lock(plain);
  EXPECT_THROW(over_lock.notify(), std::runtime_error);
}

// Python checks ownership of an RLock (held by another thread is not held) and only
// lockedness of a Lock, which has no owner; the real Condition does the same.
TEST(ConditionOutside, WaitOrNotifyWithoutOwningTheRLockIsPythonsRuntimeError) {
  lockstep::Condition condition;  // its own RLock
  EXPECT_THROW(condition.notify(), std::runtime_error);
  std::scoped_lock guard(condition);
  condition.notify_all();  // held: nobody waits, nothing happens
  std::thread other([&] {
    EXPECT_THROW(condition.notify(), std::runtime_error);  // held, but not by this thread
    EXPECT_THROW(condition.wait(0.01), std::runtime_error);
  });
  other.join();
}

TEST(ConditionOutside, NotifyWakesAWaiterWhileTheLockIsReleased) {
  lockstep::Condition condition;
  bool done = false;
  std::thread waiter([&] {
    std::scoped_lock guard(condition);
    EXPECT_TRUE(condition.wait_for([&] { return done; }, 5.0));
  });
  std::this_thread::sleep_for(milliseconds(10));
  {
    std::scoped_lock guard(condition);  // possible only because wait released it
    done = true;
    condition.notify_all();
  }
  waiter.join();
}

TEST(EventOutside, WaitBlocksUntilSetAndTimesOut) {
  lockstep::Event event;
  bool result = true;
  EXPECT_GE(time_of([&] { result = event.wait(0.02); }), milliseconds(19));
  EXPECT_FALSE(result);
  const auto before_setter = std::chrono::steady_clock::now();  // the setter's sleep starts after
  std::thread setter([&] {
    std::this_thread::sleep_for(milliseconds(20));
    event.set();
  });
  result = event.wait();
  EXPECT_GE(std::chrono::steady_clock::now() - before_setter, milliseconds(19));
  EXPECT_TRUE(result);
  setter.join();
  EXPECT_TRUE(event.is_set());
  event.clear();
  EXPECT_FALSE(event.is_set());
}

TEST(BarrierOutside, BlocksUntilAllPartiesArriveWithDistinctIndices) {
  lockstep::Barrier barrier(3);
  std::atomic<int> passed{0};
  std::vector<std::uint32_t> indices(3);
  std::vector<std::thread> early;
  for (int i = 0; i < 2; ++i) {
    early.emplace_back([&, i] {
      indices[i] = barrier.wait();
      ++passed;
    });
  }
  std::this_thread::sleep_for(milliseconds(30));
  EXPECT_EQ(passed.load(), 0);  // two of three arrived: nobody passes
  indices[2] = barrier.wait();
  for (auto& t : early) t.join();
  EXPECT_EQ(passed.load(), 2);
  EXPECT_EQ(std::set<std::uint32_t>(indices.begin(), indices.end()),
            (std::set<std::uint32_t>{0, 1, 2}));
}

TEST(QueueOutside, BlockingPutAndGetWaitForEachOther) {
  lockstep::Queue<int> queue(1);
  queue.put(1);
  std::atomic<bool> second_put_done{false};
  std::thread producer([&] {
    queue.put(2);  // blocks: the queue is full
    second_put_done = true;
  });
  std::this_thread::sleep_for(milliseconds(30));
  EXPECT_FALSE(second_put_done.load());
  EXPECT_EQ(queue.get(), 1);
  producer.join();
  EXPECT_EQ(queue.get(), 2);

  const auto before_late = std::chrono::steady_clock::now();  // the put comes 20ms after
  std::thread late([&] {
    std::this_thread::sleep_for(milliseconds(20));
    queue.put(3);
  });
  const int got = queue.get();  // blocked while empty
  EXPECT_GE(std::chrono::steady_clock::now() - before_late, milliseconds(19));
  EXPECT_EQ(got, 3);
  late.join();

  EXPECT_GE(time_of([&] { EXPECT_THROW(queue.get(true, 0.02), lockstep::QueueEmpty); }),
            milliseconds(19));
  queue.put(4);
  EXPECT_GE(time_of([&] { EXPECT_THROW(queue.put(5, true, 0.02), lockstep::QueueFull); }),
            milliseconds(19));
  EXPECT_THROW(queue.put_nowait(5), lockstep::QueueFull);
  EXPECT_EQ(queue.get_nowait(), 4);
  EXPECT_THROW(queue.get_nowait(), lockstep::QueueEmpty);
}

}  // namespace
