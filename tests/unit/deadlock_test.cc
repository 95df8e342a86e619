// The deadlock checkers (checkers/deadlock): partial deadlocks reported while other
// threads still run, the cycle drawn as text and DOT, potential deadlocks from the
// lock-order graph (warning when unconfirmed, a replayable deadlock when steering
// confirms it), and the filters that keep correct programs quiet.
#include <gtest/gtest.h>
#include <lockstep/lockstep.h>

#include <mutex>
#include <string>

namespace {

using lockstep::FindingKind;
using lockstep::Options;
using lockstep::Result;
using lockstep::Severity;

Result run(const std::function<void()>& body, const std::string& extra = "") {
  Options options;
  options.apply("executions=2000 seed=3 " + extra);
  return lockstep::explore_exactly(body, options, "deadlock_test");
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// t1 and t2 deadlock on a and b; t3 keeps working for a long time after.
void abba_with_worker() {
  lockstep::Mutex a("a"), b("b");
  lockstep::Atomic<int> work{0};
  lockstep::Thread t1([&] {
    std::scoped_lock first(a);
    std::scoped_lock second(b);
  });
  lockstep::Thread t2([&] {
    std::scoped_lock first(b);
    std::scoped_lock second(a);
  });
  lockstep::Thread t3([&] {
    for (int i = 0; i < 200; ++i) work.fetch_add(1);
  });
  t3.join();
  t1.join();
  t2.join();
}

TEST(PartialDeadlock, ReportedWhileAThirdThreadStillRunsNamingExactlyTheCycle) {
  const Result result = run(abba_with_worker);
  ASSERT_TRUE(result.found(FindingKind::kDeadlock)) << result;
  const lockstep::Finding& finding = result.report().findings.front();
  std::vector<std::uint32_t> threads = finding.threads;
  std::sort(threads.begin(), threads.end());
  EXPECT_EQ(threads, (std::vector<std::uint32_t>{1, 2})) << result;
  EXPECT_TRUE(contains(finding.message, "partial deadlock")) << result;
  // t3 had 200 operations to do: the report came before it finished.
  EXPECT_TRUE(contains(finding.message, "t3")) << result;
  bool t3_ended = false;
  for (const lockstep::TraceStep& step : result.report().trace) {
    t3_ended = t3_ended || (step.thread == 3 && step.operation == "end");
  }
  EXPECT_FALSE(t3_ended) << result;
}

TEST(PartialDeadlock, ReplaysToTheSameFinding) {
  const Result result = run(abba_with_worker);
  ASSERT_TRUE(result.found(FindingKind::kDeadlock)) << result;
  Options replay;
  replay.replay = result.token();
  const Result again = lockstep::explore_exactly(abba_with_worker, replay, "deadlock_test");
  ASSERT_TRUE(again.found(FindingKind::kDeadlock)) << again;
  EXPECT_TRUE(again.report().findings.front().same_failure(result.report().findings.front()));
}

TEST(PartialDeadlock, CycleIsDrawnAsTextAndDot) {
  const Result result = run(abba_with_worker);
  ASSERT_TRUE(result.found(FindingKind::kDeadlock)) << result;
  const lockstep::Finding& finding = result.report().findings.front();
  EXPECT_TRUE(contains(finding.details, "wait-for cycle:")) << finding.details;
  EXPECT_TRUE(contains(finding.details, "(held by t")) << finding.details;
  const std::string& dot = finding.dot;
  EXPECT_EQ(dot.rfind("digraph wait_for {\n", 0), 0u) << dot;
  EXPECT_EQ(dot.substr(dot.size() - 2), "}\n") << dot;
  // Both threads and both locks are nodes; each thread points at its lock, each lock at
  // the thread holding it.
  EXPECT_TRUE(contains(dot, "t1 -> o")) << dot;
  EXPECT_TRUE(contains(dot, "t2 -> o")) << dot;
  EXPECT_TRUE(contains(dot, "label=\"a\\nheld by t1\"")) << dot;
  EXPECT_TRUE(contains(dot, "label=\"b\\nheld by t2\"")) << dot;
  EXPECT_TRUE(contains(dot, "-> t1 [label=\"waits for\"]")) << dot;
  EXPECT_TRUE(contains(dot, "-> t2 [label=\"waits for\"]")) << dot;
}

TEST(PartialDeadlock, NotReportedWhileAnotherThreadCouldStillWakeTheCycle) {
  // t1 waits on a semaphore t3 releases late; t2 waits for a lock t1 holds; t1's wait
  // can be ended by anyone: no deadlock, however it is scheduled.
  const Result result = run([] {
    lockstep::Mutex m("m");
    lockstep::Semaphore go(0, "go");
    lockstep::Thread t1([&] {
      std::scoped_lock hold(m);
      go.acquire();
    });
    lockstep::Thread t2([&] { std::scoped_lock hold(m); });
    lockstep::Thread t3([&] {
      for (int i = 0; i < 5; ++i) lockstep::this_thread::yield();
      go.release();
    });
    t1.join();
    t2.join();
    t3.join();
  });
  EXPECT_TRUE(result.passed()) << result;
}

TEST(PartialDeadlock, PythonLockCycleWaitsForTheGlobalDeadlock) {
  // Any thread may release a Lock, so t1/t2's cycle is not certain while t3 runs; it is
  // reported (as a global deadlock) once every thread is stuck.
  const Result result = run([] {
    lockstep::Lock a("a"), b("b");
    lockstep::Thread t1([&] {
      a.acquire();
      b.acquire();
    });
    lockstep::Thread t2([&] {
      b.acquire();
      a.acquire();
    });
    t1.join();
    t2.join();
  });
  ASSERT_TRUE(result.found(FindingKind::kDeadlock)) << result;
  EXPECT_FALSE(contains(result.report().findings.front().message, "partial")) << result;
}

// --- potential deadlocks -------------------------------------------------------------

// The one-step window: random search does not hit it within the budget.
void single_step_inversion() {
  lockstep::Mutex a("a"), b("b");
  lockstep::Thread t1([&] {
    a.lock();
    b.lock();
    b.unlock();
    a.unlock();
  });
  lockstep::Thread t2([&] {
    for (int i = 0; i < 60; ++i) lockstep::this_thread::yield();
    b.lock();
    a.lock();
    a.unlock();
    b.unlock();
  });
  t1.join();
  t2.join();
}

TEST(PotentialDeadlock, UnsteeredCycleIsOneWarningAndTheSearchPasses) {
  const Result result = run(single_step_inversion, "executions=200 steer-executions=0");
  ASSERT_TRUE(result.passed()) << result;
  ASSERT_EQ(result.report().warnings.size(), 1u) << result;
  const lockstep::Finding& warning = result.report().warnings.front();
  EXPECT_EQ(warning.kind, FindingKind::kPotentialDeadlock);
  EXPECT_EQ(warning.severity, Severity::kWarning);
  EXPECT_TRUE(contains(warning.message, "a -> b -> a")) << result;
  EXPECT_EQ(warning.locations.size(), 4u) << result;  // both acquisitions of both edges
  for (const lockstep::Location& location : warning.locations) {
    EXPECT_TRUE(contains(location.file, "deadlock_test.cc")) << location.short_text();
  }
  EXPECT_EQ(warning.dot.rfind("digraph lock_order {", 0), 0u) << warning.dot;
  EXPECT_TRUE(contains(warning.dot, "\"a\" -> \"b\"")) << warning.dot;
  EXPECT_TRUE(contains(warning.dot, "\"b\" -> \"a\"")) << warning.dot;
  EXPECT_TRUE(contains(result.text(), "1 warning")) << result;
}

TEST(PotentialDeadlock, SeverityErrorFailsTheSearchWithoutASchedule) {
  const Result result = run(single_step_inversion, "executions=200 steer-executions=0 potential-deadlocks=error");
  ASSERT_EQ(result.verdict(), lockstep::Verdict::kFailed) << result;
  EXPECT_TRUE(result.found(FindingKind::kPotentialDeadlock)) << result;
  EXPECT_EQ(result.token(), "");
  EXPECT_TRUE(contains(result.text(), "found across")) << result;
}

TEST(PotentialDeadlock, OffReportsNothing) {
  const Result result = run(single_step_inversion, "executions=200 potential-deadlocks=off");
  EXPECT_TRUE(result.passed()) << result;
  EXPECT_TRUE(result.report().warnings.empty()) << result;
}

TEST(PotentialDeadlock, SteeringConfirmsItWithATokenThatReplaysToTheDeadlock) {
  const Result result = run(single_step_inversion, "executions=200");
  ASSERT_TRUE(result.found(FindingKind::kDeadlock)) << result;
  EXPECT_GT(result.report().failing_execution, 199u) << "found by the main search, not by steering";
  ASSERT_NE(result.token(), "");
  Options replay;
  replay.replay = result.token();
  const Result again = lockstep::explore_exactly(single_step_inversion, replay, "deadlock_test");
  ASSERT_TRUE(again.found(FindingKind::kDeadlock)) << again;
  EXPECT_TRUE(again.report().findings.front().same_failure(result.report().findings.front()));
}

TEST(PotentialDeadlock, SameOptionsGiveTheSameReport) {
  const Result first = run(single_step_inversion, "executions=200");
  const Result second = run(single_step_inversion, "executions=200");
  EXPECT_EQ(first.text(), second.text());
  const Result warned = run(single_step_inversion, "executions=200 steer-executions=0");
  EXPECT_EQ(warned.text(), run(single_step_inversion, "executions=200 steer-executions=0").text());
}

TEST(PotentialDeadlock, OrderedByAnEventItCannotBeConfirmedAndStaysAWarning) {
  // t2 takes b then a only after t1 is done with a -> b: the lock-order graph has a
  // cycle, but no schedule deadlocks. Steering fails; the cycle is one warning.
  const Result result = run([] {
    lockstep::Mutex a("a"), b("b");
    lockstep::Event done("done");
    lockstep::Thread t1([&] {
      {
        std::scoped_lock first(a);
        std::scoped_lock second(b);
      }
      done.set();
    });
    lockstep::Thread t2([&] {
      done.wait();
      std::scoped_lock first(b);
      std::scoped_lock second(a);
    });
    t1.join();
    t2.join();
  }, "executions=300");
  ASSERT_TRUE(result.passed()) << result;
  ASSERT_EQ(result.report().warnings.size(), 1u) << result;
  EXPECT_TRUE(contains(result.report().warnings.front().message, "did not deadlock")) << result;
}

TEST(PotentialDeadlock, GateLockCycleIsNotReported) {
  const Result result = run([] {
    lockstep::Mutex gate("gate"), a("a"), b("b");
    lockstep::Thread t1([&] {
      std::scoped_lock g(gate);
      std::scoped_lock first(a);
      std::scoped_lock second(b);
    });
    lockstep::Thread t2([&] {
      std::scoped_lock g(gate);
      std::scoped_lock first(b);
      std::scoped_lock second(a);
    });
    t1.join();
    t2.join();
  }, "steer-executions=0");
  EXPECT_TRUE(result.passed()) << result;
  EXPECT_TRUE(result.report().warnings.empty()) << result;
}

TEST(PotentialDeadlock, GateMustGuardEveryOccurrence) {
  // Once t2 takes b -> a without the gate, the gate no longer protects the cycle.
  const Result result = run([] {
    lockstep::Mutex gate("gate"), a("a"), b("b");
    lockstep::Event done("done");
    lockstep::Thread t1([&] {
      {
        std::scoped_lock g(gate);
        std::scoped_lock first(a);
        std::scoped_lock second(b);
      }
      done.set();
    });
    lockstep::Thread t2([&] {
      done.wait();
      std::scoped_lock first(b);
      std::scoped_lock second(a);
    });
    t1.join();
    t2.join();
  }, "steer-executions=0");
  ASSERT_EQ(result.report().warnings.size(), 1u) << result;
}

TEST(PotentialDeadlock, SingleThreadCycleIsNotReported) {
  const Result result = run([] {
    lockstep::Mutex a("a"), b("b");
    lockstep::Thread t1([&] {
      {
        std::scoped_lock first(a);
        std::scoped_lock second(b);
      }
      std::scoped_lock first(b);
      std::scoped_lock second(a);
    });
    lockstep::Thread t2([&] { std::scoped_lock only(b); });
    t1.join();
    t2.join();
  }, "steer-executions=0");
  EXPECT_TRUE(result.passed()) << result;
  EXPECT_TRUE(result.report().warnings.empty()) << result;
}

TEST(PotentialDeadlock, EachCycleIsReportedOnce) {
  // Three locks, three pairwise inversions ordered by events: each 2-cycle once, and
  // the 3-cycle a -> b -> c -> a once, however many executions saw them.
  const Result result = run([] {
    lockstep::Mutex a("a"), b("b"), c("c");
    lockstep::Event step("step");
    lockstep::Thread t1([&] {
      {
        std::scoped_lock x(a);
        std::scoped_lock y(b);
      }
      {
        std::scoped_lock x(b);
        std::scoped_lock y(c);
      }
      step.set();
    });
    lockstep::Thread t2([&] {
      step.wait();
      std::scoped_lock x(c);
      std::scoped_lock y(a);
    });
    t1.join();
    t2.join();
  }, "executions=500 steer-executions=0");
  ASSERT_TRUE(result.passed()) << result;
  ASSERT_EQ(result.report().warnings.size(), 1u) << result;
  EXPECT_TRUE(contains(result.report().warnings.front().message, "a -> b -> c -> a")) << result;
}

}  // namespace
