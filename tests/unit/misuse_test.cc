// The lock-misuse checkers (checkers/misuse): every misuse of DESIGN.md §4's table is
// reported as the *first* finding, kind misuse, with its message and the line of the
// misuse (and of the acquisition where it matters); every legal counterpart passes;
// strict mode adds the Lock uses Python allows.
#include <gtest/gtest.h>
#include <lockstep/lockstep.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <system_error>

namespace {

using lockstep::FindingKind;
using lockstep::Result;

Result run(const std::function<void()>& body, const char* options = "") {
  lockstep::Options o;
  o.executions = 200;
  o.seed = 5;
  o.apply(options);
  return lockstep::explore_exactly(body, o, "misuse");
}

// The first finding is a misuse with `message`, located first at `line` of this file
// (and second at `second_line` when given).
void expect_misuse(const Result& result, const std::string& message, int line, int second_line = 0) {
  ASSERT_FALSE(result.report().findings.empty()) << result;
  const lockstep::Finding& first = result.report().findings.front();
  EXPECT_EQ(first.kind, FindingKind::kMisuse) << result;
  EXPECT_EQ(first.severity, lockstep::Severity::kError) << result;
  EXPECT_EQ(first.message, message) << result;
  ASSERT_FALSE(first.locations.empty()) << result;
  EXPECT_EQ(first.locations[0].line, static_cast<std::uint32_t>(line)) << result;
  EXPECT_NE(first.locations[0].file.find("misuse_test.cc"), std::string::npos) << result;
  if (second_line != 0) {
    ASSERT_GE(first.locations.size(), 2u) << result;
    EXPECT_EQ(first.locations[1].line, static_cast<std::uint32_t>(second_line)) << result;
  }
}

template <typename F>
void swallow(F f) {
  try {
    f();
  } catch (const std::exception&) {
  }
}

TEST(LockMisuse, RLockReleasedByANonOwner) {
  int acquire_line = 0, release_line = 0;
  const Result result = run([&] {
    lockstep::RLock r("r");
    acquire_line = __LINE__ + 1;
    r.acquire();
    lockstep::Thread t([&] {
      release_line = __LINE__ + 1;
      swallow([&] { r.release(); });
    });
    t.join();
    r.release();
  });
  expect_misuse(result, "t1 releases r owned by t0", release_line, acquire_line);
}

TEST(LockMisuse, ReleaseOfAFreeLockOrRLock) {
  int line = 0;
  const Result lock = run([&] {
    lockstep::Lock l("l");
    line = __LINE__ + 1;
    swallow([&] { l.release(); });
  });
  expect_misuse(lock, "t0 releases l, which is not held", line);
  const Result rlock = run([&] {
    lockstep::RLock r("r");
    line = __LINE__ + 1;
    swallow([&] { r.release(); });
  });
  expect_misuse(rlock, "t0 releases r, which is not held", line);
}

TEST(LockMisuse, MutexUnlockedByANonOwner) {
  int line = 0;
  const Result result = run([&] {
    lockstep::Mutex m("m");
    m.lock();
    lockstep::Thread t([&] {
      line = __LINE__ + 1;
      swallow([&] { m.unlock(); });
    });
    t.join();
    m.unlock();
  });
  expect_misuse(result, "t1 releases m owned by t0", line);
}

TEST(LockMisuse, SharedUnlockWithoutASharedHold) {
  int line = 0;
  const Result result = run([&] {
    lockstep::SharedMutex m("m");
    line = __LINE__ + 1;
    swallow([&] { m.unlock_shared(); });
  });
  expect_misuse(result, "t0 releases m shared, which it does not hold shared", line);
}

TEST(LockMisuse, TryRelockOfANonRecursiveMutexByItsOwner) {
  int line = 0, acquire_line = 0;
  const Result result = run([&] {
    lockstep::TimedMutex m("m");
    acquire_line = __LINE__ + 1;
    m.lock();
    line = __LINE__ + 1;
    LOCKSTEP_ASSERT(!m.try_lock());
    m.unlock();
  });
  expect_misuse(result, "t0 tries to lock m, which it already holds (undefined for a non-recursive std mutex)",
                line, acquire_line);
}

TEST(LockMisuse, BlockingRelockStaysASelfDeadlock) {
  const Result result = run([] {
    lockstep::Mutex m("m");
    m.lock();
    m.lock();
  });
  ASSERT_FALSE(result.report().findings.empty()) << result;
  EXPECT_EQ(result.report().findings.front().kind, FindingKind::kSelfDeadlock) << result;
}

TEST(LockMisuse, HeldAtThreadExitNamesTheAcquisition) {
  int line = 0;
  const Result result = run([&] {
    lockstep::RecursiveMutex m("m");
    lockstep::Thread t([&] {
      line = __LINE__ + 1;
      m.lock();
      m.lock();
      m.unlock();
    });
    t.join();
  });
  expect_misuse(result,
                "t1 exits holding m (held once, acquired at unit/misuse_test.cc:" + std::to_string(line) + ")",
                line);
}

TEST(LockMisuse, LockStillHeldWhenTheScenarioEnds) {
  int line = 0;
  std::optional<lockstep::Lock> outlives;  // outlives the body: never destroyed held
  const Result result = run([&] {
    outlives.emplace("gate");
    lockstep::Thread t([&] {
      line = __LINE__ + 1;
      outlives->acquire();
    });
  });
  expect_misuse(result,
                "gate is still held when the scenario ends (acquired by t1 at unit/misuse_test.cc:" +
                    std::to_string(line) + ")",
                line);
}

TEST(LockMisuse, DestroyedWhileHeld) {
  int line = 0;
  const Result result = run([&] {
    auto m = std::make_unique<lockstep::Mutex>("m");
    line = __LINE__ + 1;
    m->lock();
    m.reset();
  });
  expect_misuse(result,
                "m is destroyed while held by t0 (acquired at unit/misuse_test.cc:" + std::to_string(line) + ")",
                line);
}

TEST(LockMisuse, ConditionWaitAndNotifyWithoutTheLock) {
  int line = 0;
  const Result wait = run([&] {
    lockstep::Condition c("c");
    line = __LINE__ + 1;
    swallow([&] { c.wait(); });
  });
  expect_misuse(wait, "t0 waits on c without holding its lock", line);
  const Result notify = run([&] {
    lockstep::Condition c("c");
    line = __LINE__ + 1;
    swallow([&] { c.notify_all(); });
  });
  expect_misuse(notify, "t0 notifies c without holding its lock", line);
}

TEST(LockMisuse, StdWaitWithoutTheLockIsOneFinding) {
  const Result result = run([] {
    lockstep::Mutex m("m");
    lockstep::ConditionVariableAny cv("cv");
    swallow([&] { cv.wait(m); });  // m's unlock is refused: one misuse, not two
  });
  ASSERT_EQ(result.report().findings.size(), 1u) << result;
  EXPECT_EQ(result.report().findings.front().message, "t0 releases m, which is not held") << result;
}

TEST(LockMisuse, StdWaitOverAReentrantLockHeldTwice) {
  int line = 0;
  const Result result = run([&] {
    lockstep::RLock r("r");
    lockstep::ConditionVariableAny cv("cv");
    lockstep::Thread t([&] {
      std::scoped_lock g(r);
      cv.notify_all();
    });
    r.acquire();
    r.acquire();
    line = __LINE__ + 1;
    cv.wait(r);
    r.release();
    r.release();
    t.join();
  });
  ASSERT_FALSE(result.report().findings.empty()) << result;
  const lockstep::Finding& first = result.report().findings.front();
  EXPECT_EQ(first.kind, FindingKind::kMisuse) << result;
  EXPECT_EQ(first.message,
            "t0 waits on cv with r held 2 times: a std-style wait releases one level, so the lock "
            "stays held while it waits")
      << result;
}

TEST(LockMisuse, BoundedSemaphoreOverRelease) {
  int line = 0;
  const Result result = run([&] {
    lockstep::BoundedSemaphore s(1, "s");
    line = __LINE__ + 1;
    swallow([&] { s.release(); });
  });
  expect_misuse(result, "t0 releases s more times than it was acquired (its value would exceed its initial value 1)",
                line);
}

TEST(ThreadMisuse, JoinOfItselfTwiceAndOfNoThread) {
  int line = 0;
  const Result self = run([&] {
    std::optional<lockstep::Thread> t;
    lockstep::Mutex m;
    m.lock();
    t.emplace([&] {
      std::scoped_lock g(m);
      line = __LINE__ + 1;
      swallow([&] { t->join(); });
    });
    m.unlock();
    t->join();
  });
  expect_misuse(self, "t1 joins itself", line);
  int first = 0;
  const Result twice = run([&] {
    lockstep::Thread t([] {});
    first = __LINE__ + 1;
    t.join();
    line = __LINE__ + 1;
    swallow([&] { t.join(); });
  });
  expect_misuse(twice, "t0 joins t1, which was joined already", line, first);
  const Result detached = run([&] {
    lockstep::Thread t([] {});
    t.detach();
    line = __LINE__ + 1;
    swallow([&] { t.join(); });
  });
  expect_misuse(detached, "t0 joins t1, which was detached already", line);
  const Result none = run([&] {
    lockstep::Thread t;
    line = __LINE__ + 1;
    swallow([&] { t.join(); });
  });
  expect_misuse(none, "t0 joins a Thread that is not a thread (default-constructed or moved from)", line);
}

TEST(ThreadMisuse, AThreadThatOutlivesTheScenarioIsNeverJoined) {
  int line = 0;
  std::optional<lockstep::Thread> outlives;
  const Result result = run([&] {
    line = __LINE__ + 1;
    outlives = lockstep::Thread([] {});
  });
  expect_misuse(result,
                "t1 is never joined: its Thread outlives the scenario (spawned at unit/misuse_test.cc:" +
                    std::to_string(line) + "; join it, or detach it on purpose)",
                line);
}

// --- legal uses: nothing reported ----------------------------------------------------

TEST(LegalUses, AreNotReported) {
  const std::function<void()> bodies[] = {
      [] {  // a Lock handed to another thread (Python semantics)
        lockstep::Lock l;
        l.acquire();
        lockstep::Thread t([&] { l.release(); });
        t.join();
      },
      [] {  // an RLock taken twice, released twice; a Lock try-acquired by its holder
        lockstep::RLock r;
        r.acquire();
        r.acquire();
        r.release();
        r.release();
        lockstep::Lock l;
        l.acquire();
        LOCKSTEP_ASSERT(!l.acquire(false));
        l.release();
      },
      [] {  // Condition wait over an RLock held twice: Python releases and restores both
        lockstep::RLock r;
        lockstep::Condition c(r);
        lockstep::Shared<bool> done{false};
        lockstep::Thread t([&] {
          std::scoped_lock g(c);
          done = true;
          c.notify_all();
        });
        {
          std::scoped_lock a(r);
          std::scoped_lock b(r);
          c.wait_for([&] { return bool(done); });
        }
        t.join();
      },
      [] {  // condition_variable_any over a RecursiveMutex held once
        lockstep::RecursiveMutex m;
        lockstep::ConditionVariableAny cv;
        lockstep::Shared<bool> done{false};
        lockstep::Thread t([&] {
          std::scoped_lock g(m);
          done = true;
          cv.notify_one();
        });
        std::unique_lock lock(m);
        cv.wait(lock, [&] { return bool(done); });
        lock.unlock();
        t.join();
      },
      [] {  // a detached thread, a Thread destroyed joinable (joined as std::jthread)
        lockstep::Thread detached([] {});
        detached.detach();
        lockstep::Thread raii([] {});
        lockstep::BoundedSemaphore s(1);
        s.acquire();
        s.release();
      },
  };
  for (const auto& body : bodies) {
    const Result result = run(body);
    EXPECT_TRUE(result) << result;
  }
}

// --- strict mode -------------------------------------------------------------------------

TEST(StrictMode, ReportsALockReleasedByAnotherThreadAndHeldAtExit) {
  int acquire_line = 0, release_line = 0;
  const auto handoff = [&] {
    lockstep::Lock l("l");
    acquire_line = __LINE__ + 1;
    l.acquire();
    lockstep::Thread t([&] {
      release_line = __LINE__ + 1;
      l.release();
    });
    t.join();
  };
  EXPECT_TRUE(run(handoff));
  expect_misuse(run(handoff, "strict=true"),
                "t1 releases l acquired by t0 (legal for a Python Lock; reported in strict mode)",
                release_line, acquire_line);
  int line = 0;
  const auto held_at_exit = [&] {
    lockstep::Lock l("l");
    lockstep::Thread t([&] {
      line = __LINE__ + 1;
      l.acquire();
    });
    t.join();
    l.release();
  };
  EXPECT_TRUE(run(held_at_exit));
  expect_misuse(run(held_at_exit, "strict=true"),
                "t1 exits holding l (acquired at unit/misuse_test.cc:" + std::to_string(line) + ")", line);
}

}  // namespace
