// The livelock checker (checkers/livelock/lasso.h) and fair scheduling
// (harness/runtime/fairness.h): each livelock story is flagged with exactly the kind
// livelock, each fix passes a large budget, the lasso shows prefix and cycle, fairness
// is what keeps a busy-wait from starving the thread it waits for (under random, PCT
// and the portfolio alike), and reports are deterministic.
#include <gtest/gtest.h>
#include <lockstep/lockstep.h>
#include <lockstep/scenario.h>

#include <chrono>
#include <memory>
#include <string>

#include "runtime/execution.h"
#include "runtime/stack_pool.h"

namespace {

using lockstep::FindingKind;

lockstep::Result run_scenario(const char* name, const std::string& extra = {}) {
  const lockstep::ScenarioInfo* scenario = lockstep::find_scenario(name);
  EXPECT_NE(scenario, nullptr) << name;
  if (scenario == nullptr) return {};
  lockstep::Options options;
  options.apply(scenario->options);
  options.apply(extra);
  return lockstep::explore_exactly(scenario->body, options, name);
}

// Exactly one finding, of kind livelock.
void expect_livelock(const lockstep::Result& result) {
  ASSERT_EQ(result.verdict(), lockstep::Verdict::kFailed) << result;
  ASSERT_EQ(result.report().findings.size(), 1u) << result;
  EXPECT_EQ(result.report().findings[0].kind, FindingKind::kLivelock) << result;
}

TEST(Livelock, PoliteLockingInLockstepIsALivelock) {
  expect_livelock(run_scenario("polite_livelock"));
}

TEST(Livelock, SpinOnAFlagNobodySetsIsALivelock) {
  expect_livelock(run_scenario("spin_on_unset_flag"));
}

TEST(Livelock, SpinOnTryLockOfAHolderThatWaitsForTheSpinnerIsALivelock) {
  expect_livelock(run_scenario("spin_try_lock_on_waiter"));
}

// The fixes, and the busy-waits that succeed, under a budget ten times the catalog's
// and with hashing from the first operation.
TEST(Livelock, FixesAndSucceedingBusyWaitsAreNotReported) {
  for (const char* name : {"polite_ordered", "spin_on_set_flag", "yield_until_ready",
                           "signal_then_try_lock"}) {
    const lockstep::Result result = run_scenario(name, "executions=20000 livelock-after=0");
    EXPECT_TRUE(result.passed()) << name << "\n" << result;
    EXPECT_EQ(result.report().stats.executions, 20000u) << name;
  }
}

TEST(Livelock, TheLassoShowsItsPrefixAndEveryStepOfTheCycle) {
  const lockstep::Result result = run_scenario("polite_livelock");
  expect_livelock(result);
  const lockstep::Finding& finding = result.report().findings[0];
  EXPECT_EQ(finding.threads, (std::vector<std::uint32_t>{1, 2}));
  EXPECT_NE(finding.message.find("t1 and t2 repeat a cycle of 6 operations without progress"),
            std::string::npos)
      << finding.message;
  EXPECT_NE(finding.details.find("prefix: operations #1 to #"), std::string::npos) << finding.details;
  EXPECT_NE(finding.details.find("cycle: operations #"), std::string::npos) << finding.details;
  // One polite round of each thread: take mine, fail the other, release mine.
  for (const char* step : {"t1  acquire left", "t1  try-acquire right failed", "t1  release left",
                           "t2  acquire right", "t2  try-acquire left failed", "t2  release right"}) {
    EXPECT_NE(finding.details.find(step), std::string::npos) << step << "\n" << finding.details;
  }
  EXPECT_FALSE(finding.locations.empty());
}

// A loop whose progress is invisible (a plain int) but that never yields is not a
// livelock, even though its abstract state repeats at once.
TEST(Livelock, ThreadsThatNeverYieldAreNotReportedWhenTheStateRepeats) {
  lockstep::Options options;
  options.apply("executions=200 livelock-after=0");
  const lockstep::Result result = lockstep::explore_exactly(
      [] {
        lockstep::Lock lock("lock");
        auto work = [&] {
          for (int i = 0; i < 300; ++i) {
            lock.acquire();
            lock.release();
          }
        };
        lockstep::Thread t1(work);
        lockstep::Thread t2(work);
        t1.join();
        t2.join();
      },
      options, "lock_loop");
  EXPECT_TRUE(result.passed()) << result;
}

// A polling loop bounded by a plain int looks like a livelock to the abstraction; a
// progress() mark in it says otherwise.
void bounded_poll(bool mark_progress) {
  lockstep::Atomic<int> flag{0, "flag"};
  lockstep::Thread poller([&] {
    for (int i = 0; i < 50; ++i) {
      (void)flag.load();
      lockstep::this_thread::yield();
      if (mark_progress) lockstep::progress();
    }
  });
  poller.join();
}

TEST(Livelock, ProgressMarksClearTheHistory) {
  lockstep::Options options;
  options.apply("executions=50 livelock-after=0");
  expect_livelock(lockstep::explore_exactly([] { bounded_poll(false); }, options, "poll"));
  const lockstep::Result marked =
      lockstep::explore_exactly([] { bounded_poll(true); }, options, "poll_marked");
  EXPECT_TRUE(marked.passed()) << marked;
}

TEST(Livelock, HashingStartsOnlyAfterLivelockAfterPoints) {
  // The spinner is caught, but not before `livelock-after` scheduling points.
  const lockstep::Result result = run_scenario("spin_on_unset_flag", "livelock-after=300");
  expect_livelock(result);
  EXPECT_GE(result.report().trace.size(), 300u);
  EXPECT_LT(result.report().trace.size(), 400u);
  const lockstep::Result late = run_scenario("spin_on_unset_flag", "livelock-after=3000 max-steps=2000");
  ASSERT_EQ(late.report().findings.size(), 1u) << late;
  EXPECT_EQ(late.report().findings[0].kind, FindingKind::kStepBound) << late;
  EXPECT_EQ(late.report().findings[0].message, "did not terminate within 2000 steps (option max-steps)");
}

TEST(Livelock, SameSeedGivesTheSameReport) {
  for (const char* name : {"polite_livelock", "spin_try_lock_on_waiter"}) {
    for (const char* seed : {"seed=1", "seed=7"}) {
      const lockstep::Result a = run_scenario(name, seed);
      const lockstep::Result b = run_scenario(name, seed);
      ASSERT_FALSE(a.passed()) << name;
      EXPECT_EQ(a.text(), b.text()) << name << " " << seed;
    }
  }
}

TEST(Livelock, AReportReplaysToTheSameLasso) {
  const lockstep::ScenarioInfo* scenario = lockstep::find_scenario("polite_livelock");
  ASSERT_NE(scenario, nullptr);
  const lockstep::Result found = run_scenario("polite_livelock");
  expect_livelock(found);
  lockstep::Options replay;
  replay.replay = found.token();
  const lockstep::Result again = lockstep::explore_exactly(scenario->body, replay, "polite_livelock");
  expect_livelock(again);
  EXPECT_EQ(again.report().findings[0].details, found.report().findings[0].details);
}

// --- fairness -----------------------------------------------------------------------

// The most unfair strategy there is: the running thread keeps running while it can;
// otherwise the lowest id runs.
class Sticky final : public lockstep::Strategy {
 public:
  std::string_view name() const override { return "sticky"; }
  bool begin_execution(std::uint64_t) override { return true; }
  std::uint32_t pick(std::span<const std::uint32_t> runnable, std::uint32_t current,
                     const lockstep::PickContext&) override {
    for (std::uint32_t t : runnable) {
      if (t == current) return t;
    }
    return runnable.front();
  }
  std::uint32_t random(std::uint32_t, const lockstep::PickContext&) override { return 0; }
};

// One execution of `body` under Sticky, with the default checkers.
std::vector<lockstep::Finding> run_sticky(const std::function<void()>& body, bool fair) {
  lockstep::Options options;
  options.max_steps = 2000;
  options.fair = fair;
  Sticky strategy;
  std::vector<std::unique_ptr<lockstep::Checker>> checkers = lockstep::make_default_checkers();
  lockstep::internal::StackPool stacks(options.stack_size);
  lockstep::internal::Execution ex(stacks);
  lockstep::internal::ExecutionConfig config;
  config.strategy = &strategy;
  for (auto& checker : checkers) config.checkers.push_back(checker.get());
  config.max_steps = options.max_steps;
  config.fair = options.fair;
  config.options = &options;
  ex.run(body, config);
  return ex.findings();
}

// The spinner (t1) is the lowest id, so Sticky runs it first and never leaves it.
void busy_wait() {
  lockstep::Atomic<bool> ready{false, "ready"};
  lockstep::Thread waiter([&] {
    while (!ready.load()) {
    }
  });
  lockstep::Thread setter([&] { ready.store(true); });
  waiter.join();
  setter.join();
}

// Main takes the Lock; t1 spins on try-acquire with yields, t2 releases it (a Lock
// has no owner). Sticky picks t1 first and keeps it.
void yield_wait_on_try_lock() {
  lockstep::Lock lock("lock");
  lock.acquire();
  lockstep::Thread spinner([&] {
    while (!lock.acquire(/*blocking=*/false)) lockstep::this_thread::yield();
    lock.release();
  });
  lockstep::Thread releaser([&] { lock.release(); });
  spinner.join();
  releaser.join();
}

TEST(Fairness, OffAnUnfairScheduleStarvesTheSetterIntoTheStepBound) {
  const std::vector<lockstep::Finding> findings = run_sticky(&busy_wait, /*fair=*/false);
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].kind, FindingKind::kStepBound) << findings[0].message;
  EXPECT_EQ(findings[0].message, "did not terminate within 2000 steps (option max-steps)");
}

TEST(Fairness, OnTheSpinnerGivesWayAndTheBusyWaitSucceeds) {
  const std::vector<lockstep::Finding> findings = run_sticky(&busy_wait, /*fair=*/true);
  EXPECT_TRUE(findings.empty()) << findings[0].message;
}

TEST(Fairness, FailedTryLocksAndYieldsGiveWayToo) {
  const std::vector<lockstep::Finding> unfair = run_sticky(&yield_wait_on_try_lock, /*fair=*/false);
  ASSERT_EQ(unfair.size(), 1u);
  EXPECT_EQ(unfair[0].kind, FindingKind::kStepBound);
  EXPECT_TRUE(run_sticky(&yield_wait_on_try_lock, /*fair=*/true).empty());
}

TEST(Fairness, IsOnByDefaultAndCarriedByReplayTokensWhenOff) {
  EXPECT_TRUE(lockstep::Options{}.fair);
  const lockstep::Result result = run_scenario("spin_on_unset_flag", "fair=false");
  expect_livelock(result);  // alone, the spinner is a lasso with or without fairness
  EXPECT_NE(result.token().find("fair=false"), std::string::npos) << result.token();
}

// --- busy-waits that succeed, under every randomized strategy ------------------------

// Two spinners wait for one setter: whoever has the higher priority under PCT, the
// setter must still get to run.
void two_spinners_one_setter() {
  lockstep::Atomic<bool> ready{false, "ready"};
  auto spin = [&] {
    while (!ready.load()) lockstep::this_thread::yield();
  };
  lockstep::Thread a(spin);
  lockstep::Thread b(spin);
  lockstep::Thread setter([&] { ready.store(true); });
  a.join();
  b.join();
  setter.join();
}

// The spinner polls two flags in turn: no single read repeats back to back.
void spin_on_either_flag() {
  lockstep::Atomic<bool> first{false, "first"};
  lockstep::Atomic<bool> second{false, "second"};
  lockstep::Thread waiter([&] {
    while (!first.load() && !second.load()) {
    }
  });
  lockstep::Thread setter([&] { second.store(true); });
  waiter.join();
  setter.join();
}

// A predicate wait that may wake spuriously; the notifier needs the mutex first.
void spurious_wait_with_predicate() {
  lockstep::Mutex m;
  lockstep::ConditionVariable cv;
  lockstep::Shared<bool> ready{false, "ready"};
  lockstep::Thread waiter([&] {
    std::unique_lock lock(m);
    cv.wait(lock, [&] { return ready.load(); });
  });
  {
    std::scoped_lock lock(m);
    ready = true;
  }
  cv.notify_one();
  waiter.join();
}

// Timed waits in a loop until a flag is set.
void timed_wait_loop() {
  lockstep::Mutex m;
  lockstep::ConditionVariable cv;
  lockstep::Shared<bool> done{false, "done"};
  lockstep::Thread waiter([&] {
    std::unique_lock lock(m);
    while (!done) cv.wait_for(lock, std::chrono::milliseconds(1));
  });
  lockstep::Thread setter([&] {
    std::scoped_lock lock(m);
    done = true;
  });
  waiter.join();
  setter.join();
}

// Ten handoffs, each a busy-wait of one thread for the other.
void ping_pong() {
  lockstep::Atomic<int> turn{0, "turn"};
  auto player = [&](int me) {
    for (int round = 0; round < 10; ++round) {
      while (turn.load() % 2 != me) lockstep::this_thread::yield();
      turn.store(turn.load() + 1);
    }
  };
  lockstep::Thread a([&] { player(0); });
  lockstep::Thread b([&] { player(1); });
  a.join();
  b.join();
}

// try_lock spin on a Mutex another thread holds for a while.
void try_lock_spin() {
  lockstep::Mutex m;
  lockstep::Shared<int> work{0, "work"};
  lockstep::Thread holder([&] {
    std::scoped_lock lock(m);
    for (int i = 0; i < 5; ++i) lockstep::this_thread::yield();
    work = 1;
  });
  lockstep::Thread spinner([&] {
    while (!m.try_lock()) {
    }
    m.unlock();
  });
  holder.join();
  spinner.join();
}

// Under PCT alone the spinner, when it has the higher priority, starves the thread it
// waits for until fair scheduling starts at livelock-after: the execution runs into
// the step bound (a spin fairness cannot see) or, with progress the state abstraction
// cannot see (a plain-int loop), into a livelock report. Neither may happen to a
// busy-wait that succeeds, under any randomized strategy (strategies/pct.h).
class SucceedingBusyWait : public ::testing::TestWithParam<const char*> {};

TEST_P(SucceedingBusyWait, TerminatesWithoutAFinding) {
  struct Body {
    const char* name;
    void (*body)();
    const char* options;
  };
  const Body bodies[] = {
      {"two_spinners_one_setter", &two_spinners_one_setter, ""},
      {"spin_on_either_flag", &spin_on_either_flag, ""},
      {"spurious_wait_with_predicate", &spurious_wait_with_predicate, "spurious-wakeups=true"},
      {"timed_wait_loop", &timed_wait_loop, ""},
      {"ping_pong", &ping_pong, ""},
      {"try_lock_spin", &try_lock_spin, ""},
  };
  const std::string strategy = std::string("executions=300 strategy=") + GetParam();
  for (const char* seed : {" seed=1", " seed=2"}) {
    for (const char* name : {"spin_on_set_flag", "yield_until_ready", "signal_then_try_lock"}) {
      const lockstep::Result result = run_scenario(name, strategy + seed);
      EXPECT_TRUE(result.passed()) << name << seed << "\n" << result;
    }
    for (const Body& body : bodies) {
      lockstep::Options options;
      options.apply(strategy + seed);
      options.apply(body.options);
      const lockstep::Result result = lockstep::explore_exactly(body.body, options, body.name);
      EXPECT_TRUE(result.passed()) << body.name << seed << "\n" << result;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Strategies, SucceedingBusyWait,
                         ::testing::Values("random", "pct", "portfolio"));

}  // namespace
