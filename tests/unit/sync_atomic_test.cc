// Atomic<T> and ThreadLocal<T>: inside explorations (every atomic operation is a
// scheduling point with its memory order and value in the event; read-modify-writes
// never lose updates where load-then-store does; thread-local values per logical
// thread and per execution) and outside them with real std::threads.
#include <gtest/gtest.h>
#include <lockstep/lockstep.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "runtime/execution.h"
#include "runtime/stack_pool.h"

namespace {

using lockstep::FindingKind;
using lockstep::MemoryOrder;
using lockstep::OpEvent;
using lockstep::OpKind;
using lockstep::Result;

lockstep::Options budget(std::uint64_t executions, std::uint64_t seed = 5) {
  lockstep::Options options;
  options.executions = executions;
  options.seed = seed;
  return options;
}

Result run(const std::function<void()>& body, const lockstep::Options& options,
           const char* name = "atomic") {
  return lockstep::explore_exactly(body, options, name);
}

// The events of one execution of `body`, as checkers see them.
std::vector<OpEvent> events_of(const std::function<void()>& body) {
  const lockstep::Options options = budget(1);
  std::unique_ptr<lockstep::Strategy> strategy = lockstep::make_strategy(options);
  lockstep::internal::StackPool stacks(options.stack_size);
  lockstep::internal::Execution ex(stacks);
  lockstep::internal::ExecutionConfig config;
  config.strategy = strategy.get();
  config.record_trace = true;
  strategy->begin_execution(0);
  ex.run(body, config);
  EXPECT_TRUE(ex.findings().empty());
  return ex.trace();
}

// --- Atomic inside explorations ---------------------------------------------------------

// Three threads each add 1 twice to a counter; `increment` is how.
Result three_incrementers(const std::function<void(lockstep::Atomic<int>&)>& increment,
                          const lockstep::Options& options) {
  return run(
      [&] {
        lockstep::Atomic<int> counter{0};
        auto work = [&] {
          increment(counter);
          increment(counter);
        };
        lockstep::Thread a(work);
        lockstep::Thread b(work);
        work();
        a.join();
        b.join();
        LOCKSTEP_ASSERT(counter.load() == 6);
      },
      options, "counter");
}

TEST(AtomicInside, FetchAddNeverLosesAnUpdate) {
  for (std::uint64_t seed = 1; seed <= 4; ++seed) {
    const Result result = three_incrementers(
        [](auto& c) { c.fetch_add(1, std::memory_order_relaxed); }, budget(300, seed));
    EXPECT_TRUE(result) << "seed " << seed << "\n" << result;
  }
  EXPECT_TRUE(three_incrementers([](auto& c) { ++c; }, budget(300)));
  EXPECT_TRUE(three_incrementers(
      [](auto& c) {
        int seen = c.load(std::memory_order_relaxed);
        while (!c.compare_exchange_weak(seen, seen + 1, std::memory_order_acq_rel,
                                        std::memory_order_relaxed)) {
        }
      },
      budget(300)));
}

TEST(AtomicInside, LoadThenStoreLosesAnUpdateAndTheFailureReplays) {
  const auto load_store = [](lockstep::Atomic<int>& c) { c.store(c.load() + 1); };
  lockstep::Options options = budget(300);
  options.stop_on_finding = false;
  const Result result = three_incrementers(load_store, options);
  ASSERT_TRUE(result.found(FindingKind::kAssertion)) << result;
  // A schedule choice, not a certainty: some executions lose an update, some do not.
  EXPECT_LT(result.report().stats.failing_executions, result.report().stats.executions);

  lockstep::Options replay = options;
  replay.replay = result.token();
  const Result again = three_incrementers(load_store, replay);
  ASSERT_EQ(again.verdict(), lockstep::Verdict::kFailed) << again;
  EXPECT_TRUE(again.report().findings.front().same_failure(result.report().findings.front()))
      << again;
}

TEST(AtomicInside, EveryOperationIsASchedulingPoint) {
  // Publishing data before the flag is correct; the flag first is found, which needs
  // a switch between two atomic operations of one thread.
  const auto publish = [](bool flag_first) {
    return run(
        [flag_first] {
          lockstep::Atomic<int> data{0};
          lockstep::Atomic<bool> flag{false};
          lockstep::Thread reader([&] {
            if (flag.load(std::memory_order_acquire)) LOCKSTEP_ASSERT(data.load() == 1);
          });
          if (flag_first) flag.store(true, std::memory_order_release);
          data.store(1, std::memory_order_relaxed);
          if (!flag_first) flag.store(true, std::memory_order_release);
          reader.join();
        },
        budget(300), "publish");
  };
  EXPECT_TRUE(publish(false)) << publish(false);
  EXPECT_TRUE(publish(true).found(FindingKind::kAssertion));
}

TEST(AtomicInside, EventsRecordKindOrderAndTheValueHeldAfterwards) {
  const std::vector<OpEvent> events = events_of([] {
    lockstep::Atomic<int> a{1};
    (void)a.load(std::memory_order_acquire);
    a.store(5, std::memory_order_release);
    (void)a.fetch_add(2, std::memory_order_relaxed);   // 5 -> 7
    (void)a.exchange(3, std::memory_order_acq_rel);     // 7 -> 3
    int expected = 9;
    (void)a.compare_exchange_strong(expected, 4, std::memory_order_seq_cst,
                                    std::memory_order_acquire);  // fails: holds 3
    (void)a.compare_exchange_strong(expected, 4, std::memory_order_release);  // 3 -> 4
    a -= 10;                                               // 4 -> -6
    lockstep::atomic_thread_fence(std::memory_order_seq_cst);
  });
  struct Expected {
    OpKind op;
    MemoryOrder order;
    bool has_value;
    std::int64_t value;
  };
  const std::vector<Expected> want = {
      {OpKind::kLoad, MemoryOrder::kAcquire, true, 1},
      {OpKind::kStore, MemoryOrder::kRelease, true, 5},
      {OpKind::kReadModifyWrite, MemoryOrder::kRelaxed, true, 7},
      {OpKind::kReadModifyWrite, MemoryOrder::kAcqRel, true, 3},
      {OpKind::kReadModifyWrite, MemoryOrder::kAcquire, true, 3},  // the failure order
      {OpKind::kReadModifyWrite, MemoryOrder::kRelease, true, 4},
      {OpKind::kReadModifyWrite, MemoryOrder::kSeqCst, true, -6},
      {OpKind::kFence, MemoryOrder::kSeqCst, false, 0},
  };
  std::vector<OpEvent> atomic_events;
  for (const OpEvent& event : events) {
    if (event.op == OpKind::kLoad || event.op == OpKind::kStore ||
        event.op == OpKind::kReadModifyWrite || event.op == OpKind::kFence) {
      atomic_events.push_back(event);
    }
  }
  ASSERT_EQ(atomic_events.size(), want.size());
  for (std::size_t i = 0; i < want.size(); ++i) {
    SCOPED_TRACE("event " + std::to_string(i));
    EXPECT_EQ(atomic_events[i].op, want[i].op);
    EXPECT_EQ(atomic_events[i].order, want[i].order);
    EXPECT_EQ(atomic_events[i].has_value, want[i].has_value);
    if (want[i].has_value) {
      EXPECT_EQ(atomic_events[i].value, want[i].value);
    }
    // Every one of them was a scheduling point of its own.
    if (i > 0) {
      EXPECT_GT(atomic_events[i].step, atomic_events[i - 1].step);
    }
  }
  EXPECT_EQ(atomic_events[0].object_kind, lockstep::ObjectKind::kAtomic);
  EXPECT_EQ(atomic_events[7].object, 0u);  // a fence is on no object
}

// --- Atomic under ThreadSanitizer (tsan preset only) -----------------------------------
// The value lives in a real std::atomic operated on with the declared order, so TSan's
// happens-before follows the orders: a relaxed flag does not publish plain data, a
// release/acquire pair does.
#if defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define LOCKSTEP_TEST_UNDER_TSAN 1
#endif
#endif
#if defined(__SANITIZE_THREAD__)
#define LOCKSTEP_TEST_UNDER_TSAN 1
#endif

#if LOCKSTEP_TEST_UNDER_TSAN
}  // namespace

// A report ends the process (unless TSAN_OPTIONS says otherwise), so the death test
// sees it and a report anywhere else fails the run.
extern "C" const char* __tsan_default_options() { return "halt_on_error=1"; }

namespace {

// Explores a writer publishing a plain int (invisible to lockstep, visible to TSan)
// through a flag stored and loaded with the given orders.
Result publish_plain_int(std::memory_order store_order, std::memory_order load_order) {
  return run(
      [=] {
        int data = 0;
        lockstep::Atomic<bool> flag{false};
        lockstep::Thread writer([&] {
          data = 1;
          flag.store(true, store_order);
        });
        if (flag.load(load_order)) {
          const int seen = data;
          LOCKSTEP_ASSERT(seen == 1);
        }
        writer.join();
      },
      budget(50), "publish_plain");
}

TEST(AtomicTsanDeathTest, ARelaxedFlagGuardingPlainDataIsARaceForTsan) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(publish_plain_int(std::memory_order_relaxed, std::memory_order_relaxed),
               "data race");
}

TEST(AtomicTsan, AReleaseAcquireFlagPublishesPlainData) {
  // A TSan report here would end (and fail) the test.
  EXPECT_TRUE(publish_plain_int(std::memory_order_release, std::memory_order_acquire));
}
#endif

// --- Atomic outside: the real std::atomic ----------------------------------------------

TEST(AtomicOutside, RealThreadsNeverLoseAnUpdate) {
  lockstep::Atomic<long> counter{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 20000; ++i) counter.fetch_add(1, std::memory_order_relaxed);
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(counter.load(), 80000);
}

TEST(AtomicOutside, ASpinLockOfExchangeAndReleaseStoreExcludes) {
  lockstep::Atomic<bool> locked{false};
  long plain = 0;  // protected by the spin lock only
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 20000; ++i) {
        while (locked.exchange(true, std::memory_order_acquire)) std::this_thread::yield();
        ++plain;
        locked.store(false, std::memory_order_release);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(plain, 80000);
}

TEST(AtomicOutside, OperatorsReturnWhatStdReturns) {
  lockstep::Atomic<std::uint8_t> small{250};
  EXPECT_EQ(small += 10, 4);  // wraps as std::atomic does
  EXPECT_EQ(small++, 4);
  EXPECT_EQ(++small, 6);
  EXPECT_EQ(small--, 6);
  EXPECT_EQ(--small, 4);
  EXPECT_EQ(small -= 5, 255);
  EXPECT_EQ(small &= 0x0f, 0x0f);
  EXPECT_EQ(small |= 0x30, 0x3f);
  EXPECT_EQ(small ^= 0x01, 0x3e);
  EXPECT_EQ(small = 9, 9);
  EXPECT_EQ(static_cast<int>(small), 9);

  lockstep::Atomic<int> value{1};
  int expected = 2;
  EXPECT_FALSE(value.compare_exchange_strong(expected, 3));
  EXPECT_EQ(expected, 1);  // a failed compare-exchange reports what it found
  EXPECT_TRUE(value.compare_exchange_weak(expected, 3));
  EXPECT_EQ(value.exchange(8), 3);
  EXPECT_EQ(value.load(), 8);

  enum class Color : std::uint8_t { kRed, kGreen };
  lockstep::Atomic<Color> color{Color::kRed};
  color = Color::kGreen;
  EXPECT_EQ(color.load(), Color::kGreen);
  int target = 0;
  lockstep::Atomic<int*> pointer{nullptr};
  pointer.store(&target);
  EXPECT_EQ(pointer.load(), &target);
}

// --- ThreadLocal ------------------------------------------------------------------------

TEST(ThreadLocalInside, EachLogicalThreadHasItsOwnValue) {
  const Result result = run(
      [] {
        lockstep::ThreadLocal<int> mine;
        auto body = [&](int id) {
          *mine = id;
          lockstep::this_thread::yield();  // let the others write theirs
          LOCKSTEP_ASSERT(mine.get() == id);
        };
        lockstep::Thread a([&] { body(1); });
        lockstep::Thread b([&] { body(2); });
        body(3);
        a.join();
        b.join();
      },
      budget(200), "thread_local");
  EXPECT_TRUE(result) << result;
}

TEST(ThreadLocalInside, AValueNeverOutlivesItsExecution) {
  // The object outlives every execution; each execution must start from T{}.
  lockstep::ThreadLocal<std::string> trail;
  const Result result = run(
      [&] {
        lockstep::Thread t([&] {
          LOCKSTEP_ASSERT(trail->empty());
          *trail += "t1";
        });
        LOCKSTEP_ASSERT(trail->empty());
        *trail += "t0";
        t.join();
      },
      budget(50), "tls_epoch");
  EXPECT_TRUE(result) << result;
  EXPECT_TRUE(trail->empty());  // and explorations leave nothing for code outside
}

TEST(ThreadLocalInside, ConcurrentExplorationsShareNoValue) {
  // One ThreadLocal (as a global would be) used by explorations on two OS threads at
  // once: each logical thread must only ever see its own increments.
  lockstep::ThreadLocal<int> shared_object;
  constexpr int kSteps = 200;
  std::vector<Result> results(2);
  std::vector<std::thread> explorers;
  for (int e = 0; e < 2; ++e) {
    explorers.emplace_back([&, e] {
      results[e] = run(
          [&] {
            lockstep::Thread t([&] {
              for (int i = 1; i <= kSteps; ++i) {
                *shared_object += 1;
                lockstep::this_thread::yield();
                LOCKSTEP_ASSERT(*shared_object == i);
              }
            });
            for (int i = 1; i <= kSteps; ++i) {
              *shared_object += 2;
              lockstep::this_thread::yield();
              LOCKSTEP_ASSERT(*shared_object == 2 * i);
            }
            t.join();
          },
          budget(100, 1 + e), "tls_concurrent");
    });
  }
  for (auto& t : explorers) t.join();
  EXPECT_TRUE(results[0]) << results[0];
  EXPECT_TRUE(results[1]) << results[1];
}

TEST(ThreadLocalOutside, EachOsThreadHasItsOwnAndANewThreadStartsFresh) {
  lockstep::ThreadLocal<int> local;
  *local = -1;
  // Sequential threads often get the id of one that ended; none may see its value.
  for (int i = 1; i <= 50; ++i) {
    std::thread t([&, i] {
      EXPECT_EQ(local.get(), 0) << "thread " << i;
      local.get() = i;
    });
    t.join();
  }
  EXPECT_EQ(local.get(), -1);
}

}  // namespace
