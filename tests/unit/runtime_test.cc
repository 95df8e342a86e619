// The core runtime: replay tokens (round trip as a property; strict parsing), options
// errors, determinism and replay, every finding kind of the runtime, fiber stack
// reuse, and the GoogleTest integration.
#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>
#include <lockstep/gtest.h>
#include <lockstep/lockstep.h>
#include <rapidcheck/gtest.h>

#include <atomic>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <set>
#include <stdexcept>

namespace {

using lockstep::FindingKind;
using lockstep::Result;
using lockstep::Schedule;
using lockstep::TokenError;
using lockstep::Verdict;

// --- replay tokens --------------------------------------------------------------------

rc::Gen<std::string> scenario_names() {
  return rc::gen::nonEmpty(rc::gen::container<std::string>(
      rc::gen::elementOf(std::string("abcXYZ019_./-"))));
}

RC_GTEST_PROP(ScheduleToken, RoundTrips, ()) {
  Schedule schedule;
  schedule.scenario = *scenario_names();
  schedule.threads = *rc::gen::inRange<std::uint32_t>(1, 5000);
  schedule.semantics = *rc::gen::element<std::string>("-", "shared-points=all",
                                                      "shared-points=all,max-steps=50");
  schedule.choices = *rc::gen::container<std::vector<std::uint32_t>>(rc::gen::oneOf(
      rc::gen::inRange<std::uint32_t>(0, 4), rc::gen::arbitrary<std::uint32_t>()));
  RC_ASSERT(Schedule::parse(schedule.token()) == schedule);
}

TEST(ScheduleToken, EveryTruncationAndEveryChangedCharacterIsRefused) {
  Schedule schedule{"Suite.Name", 3, "shared-points=all", {0, 1, 1, 1, 2, 30, 0, 0}};
  const std::string token = schedule.token();
  for (std::size_t length = 0; length < token.size(); ++length) {
    EXPECT_THROW(Schedule::parse(token.substr(0, length)), TokenError) << length;
  }
  for (std::size_t i = 0; i < token.size(); ++i) {
    for (char c : std::string("a0_:Zz9-")) {
      if (token[i] == c) continue;
      std::string changed = token;
      changed[i] = c;
      EXPECT_THROW(Schedule::parse(changed), TokenError) << changed;
    }
  }
}

TEST(ScheduleToken, ErrorsNameTheProblem) {
  const auto message = [](const std::string& token) {
    try {
      Schedule::parse(token);
    } catch (const TokenError& error) {
      return std::string(error.what());
    }
    return std::string("accepted");
  };
  EXPECT_NE(message("").find("empty"), std::string::npos);
  EXPECT_NE(message("ls9:x:1:-:a:00000000").find("version"), std::string::npos);
  EXPECT_NE(message("hello").find("ls1:"), std::string::npos);
  std::string token = Schedule{"x", 1, "-", {1, 2}}.token();
  token.back() = token.back() == '0' ? '1' : '0';
  EXPECT_NE(message(token).find("checksum"), std::string::npos);
}

RC_GTEST_PROP(ScheduleToken, ArbitraryTextNeverCrashesTheParser, (const std::string& text)) {
  try {
    const Schedule schedule = Schedule::parse("ls1:" + text);
    RC_ASSERT(Schedule::parse(schedule.token()) == schedule);
  } catch (const TokenError&) {
  }
}

// --- options ----------------------------------------------------------------------------

TEST(Options, EveryDefaultParsesAndBadInputIsAClearError) {
  lockstep::Options options;
  for (const lockstep::OptionInfo& info : lockstep::option_table()) {
    if (!info.default_text.empty()) {
      EXPECT_NO_THROW(options.set(info.key, info.default_text)) << info.key;
    }
  }
  try {
    options.apply("seeed=3");
    FAIL() << "accepted an unknown key";
  } catch (const lockstep::OptionError& error) {
    EXPECT_NE(std::string(error.what()).find("valid: strategy, seed"), std::string::npos) << error.what();
  }
  EXPECT_THROW(options.apply("seed=-1"), lockstep::OptionError);
  EXPECT_THROW(options.apply("stop-on-finding=maybe"), lockstep::OptionError);
  EXPECT_THROW(options.apply("shared-points=some"), lockstep::OptionError);
  EXPECT_THROW(options.apply("time-budget=5h"), lockstep::OptionError);
  EXPECT_THROW(options.apply("stack-size=1k"), lockstep::OptionError);
  EXPECT_THROW(options.apply("seed"), lockstep::OptionError);
  options.apply("time-budget=2s stack-size=1m");
  EXPECT_EQ(options.time_budget, lockstep::Millis{2000});
  EXPECT_EQ(options.stack_size, 1024u * 1024u);
}

TEST(Options, EnvironmentComesAfterCodeAndReplayLast) {
  lockstep::Options code;
  code.seed = 5;
  code.executions = 10;
  setenv("LOCKSTEP_OPTIONS", "seed=9", 1);
  setenv("LOCKSTEP_REPLAY", "ls1:x:1:-::6aa1b1f0", 1);
  const lockstep::Options merged = code.with_environment();
  unsetenv("LOCKSTEP_OPTIONS");
  unsetenv("LOCKSTEP_REPLAY");
  EXPECT_EQ(merged.seed, 9u);
  EXPECT_EQ(merged.executions, 10u);
  EXPECT_EQ(merged.strategy, "replay");
  EXPECT_EQ(merged.replay, "ls1:x:1:-::6aa1b1f0");
}

TEST(Options, ExploreReportsBadOptionsAsErrorsNeverThrows) {
  setenv("LOCKSTEP_OPTIONS", "executions=ten", 1);
  const Result result = lockstep::explore([] {});
  unsetenv("LOCKSTEP_OPTIONS");
  EXPECT_EQ(result.verdict(), Verdict::kError);
  EXPECT_NE(result.error().find("executions"), std::string::npos) << result.error();
  lockstep::Options no_budget;
  no_budget.executions = 0;
  EXPECT_EQ(lockstep::explore_exactly([] {}, no_budget, "x").verdict(), Verdict::kError);
}

// --- determinism and replay ---------------------------------------------------------------

void abba() {
  lockstep::Mutex a("a"), b("b");
  lockstep::Thread t([&] {
    std::scoped_lock first(a);
    std::scoped_lock second(b);
  });
  {
    std::scoped_lock first(b);
    std::scoped_lock second(a);
  }
  t.join();
}

void lost_update() {
  lockstep::Shared<int> x{0, "x"};
  lockstep::Thread t([&] { x += 1; });
  lockstep::Thread u([&] { x += 1; });
  t.join();
  u.join();
  LOCKSTEP_ASSERT(x == 2);
}

lockstep::Options seeded(std::uint64_t seed, const char* text = "") {
  lockstep::Options options;
  options.seed = seed;
  options.apply(text);
  return options;
}

TEST(Determinism, SameSeedGivesByteIdenticalReportsAndTheTokenReplaysThem) {
  for (auto [body, text] : {std::pair{&abba, ""}, std::pair{&lost_update, "shared-points=all"}}) {
    const Result first = lockstep::explore_exactly(body, seeded(3, text), "Determinism.Case");
    const Result second = lockstep::explore_exactly(body, seeded(3, text), "Determinism.Case");
    ASSERT_EQ(first.verdict(), Verdict::kFailed) << first;
    EXPECT_EQ(first.text(), second.text());
    lockstep::Options replay = seeded(3);
    replay.replay = first.token();
    const Result replayed = lockstep::explore_exactly(body, replay, "Determinism.Case");
    ASSERT_EQ(replayed.verdict(), Verdict::kFailed) << replayed;
    // The same findings, interleaving and token; only the header names the strategy.
    EXPECT_EQ(replayed.report().trace.size(), first.report().trace.size());
    EXPECT_EQ(replayed.token(), first.token());
    EXPECT_TRUE(replayed.report().findings[0].same_failure(first.report().findings[0]));
  }
}

TEST(Determinism, DifferentSeedsExploreDifferentSchedules) {
  std::set<std::string> tokens;
  for (std::uint64_t seed = 1; seed <= 8; ++seed) {
    // shrink=false: shrinking leads different seeds to the same minimal schedule.
    tokens.insert(lockstep::explore_exactly(
                      &lost_update, seeded(seed, "shared-points=all shrink=false"), "x")
                      .token());
  }
  EXPECT_GT(tokens.size(), 1u);
}

TEST(Determinism, MismatchedTokensAreErrorsThatSayWhy) {
  const Result found = lockstep::explore_exactly(&abba, seeded(1), "Mine");
  ASSERT_FALSE(found.token().empty());
  lockstep::Options other = seeded(1);
  other.replay = found.token();
  const Result wrong_name = lockstep::explore_exactly(&abba, other, "Other");
  EXPECT_EQ(wrong_name.verdict(), Verdict::kError);
  EXPECT_NE(wrong_name.error().find("scenario 'Mine'"), std::string::npos) << wrong_name.error();

  Schedule schedule = Schedule::parse(found.token());
  schedule.choices.assign(schedule.choices.size(), 7);  // t7 does not exist
  other.replay = schedule.token();
  const Result not_runnable = lockstep::explore_exactly(&abba, other, "Mine");
  EXPECT_EQ(not_runnable.verdict(), Verdict::kError);
  EXPECT_NE(not_runnable.error().find("not runnable"), std::string::npos) << not_runnable.error();

  schedule = Schedule::parse(found.token());
  schedule.threads = 5;
  other.replay = schedule.token();
  const Result threads = lockstep::explore_exactly(&abba, other, "Mine");
  EXPECT_EQ(threads.verdict(), Verdict::kError);
  EXPECT_NE(threads.error().find("threads"), std::string::npos) << threads.error();
}

// --- findings -----------------------------------------------------------------------------

TEST(Findings, DeadlockNamesItsCycle) {
  const Result result = lockstep::explore_exactly(&abba, seeded(1), "abba");
  ASSERT_TRUE(result.found(FindingKind::kDeadlock)) << result;
  EXPECT_NE(result.report().findings[0].message.find("cycle t"), std::string::npos) << result;
  EXPECT_NE(result.text().find("reproduce: "), std::string::npos);
}

TEST(Findings, ExceptionInAChildThreadNamesIt) {
  const Result result = lockstep::explore_exactly(
      [] {
        lockstep::Thread t([] { throw std::out_of_range("index 7 of 3"); });
        t.join();
      },
      seeded(1), "throws");
  ASSERT_TRUE(result.found(FindingKind::kException)) << result;
  EXPECT_NE(result.report().findings[0].message.find("index 7 of 3"), std::string::npos) << result;
  EXPECT_NE(result.report().findings[0].message.find("t1"), std::string::npos) << result;
}

TEST(Findings, ANonTerminatingExecutionHitsTheStepBound) {
  const Result result = lockstep::explore_exactly(
      [] {
        for (;;) lockstep::this_thread::yield();
      },
      seeded(1, "max-steps=500 executions=3"), "spins");
  EXPECT_TRUE(result.found(FindingKind::kStepBound)) << result;
}

TEST(Findings, StateCarriedBetweenExecutionsIsNondeterminism) {
  static int executions = 0;  // not rebuilt per execution: the bug this finds
  executions = 0;
  const Result result = lockstep::explore_exactly(
      [] {
        ++executions;
        LOCKSTEP_ASSERT(executions % 2 == 1);  // fails on the 2nd, passes on its re-run
      },
      seeded(1, "executions=10"), "static_state");
  ASSERT_TRUE(result.found(FindingKind::kNondeterminism)) << result;
  EXPECT_NE(result.text().find("likely causes"), std::string::npos);
}

TEST(Findings, SpinningOutsideLockstepIsReportedAsStalled) {
  static std::atomic<bool> flag{false};  // not a lockstep type: no scheduling points
  flag = false;
  const Result result = lockstep::explore_exactly(
      [] {
        while (!flag.load(std::memory_order_relaxed)) {
        }
      },
      seeded(1, "stall-timeout=300ms executions=1"), "stalls");
  flag = true;  // lets the abandoned worker reach a scheduling point, where it parks
  ASSERT_TRUE(result.found(FindingKind::kStalled)) << result;
  EXPECT_NE(result.report().findings[0].message.find("stalled outside lockstep's control"),
            std::string::npos);
}

TEST(Findings, UnjoinedThreadsAreJoinedAtTheEndOfTheBody) {
  const Result result = lockstep::explore_exactly(
      [] {
        // Outlives the body's locals: the implicit join runs after they are gone.
        struct Box {
          lockstep::Shared<int> value{0};
        };
        auto box = std::make_shared<Box>();
        lockstep::Thread t([box] { box->value = 1; });
        (void)t;  // never joined: the body's end joins it
      },
      seeded(1, "executions=50"), "unjoined");
  EXPECT_TRUE(result) << result;
}

TEST(Findings, StopOnFindingFalseCountsFailingExecutions) {
  const Result result = lockstep::explore_exactly(
      &lost_update, seeded(1, "shared-points=all stop-on-finding=false executions=200"), "count");
  ASSERT_EQ(result.verdict(), Verdict::kFailed);
  EXPECT_EQ(result.report().stats.executions, 200u);
  EXPECT_GT(result.report().stats.failing_executions, 1u);
}

// --- fibers -------------------------------------------------------------------------------

TEST(Fibers, StacksAreReusedAcrossExecutionsAndIdsFollowSpawnOrder) {
  static std::set<std::uintptr_t> stacks;
  stacks.clear();
  const Result result = lockstep::explore_exactly(
      [] {
        std::vector<lockstep::Thread> threads;
        lockstep::Mutex mutex;  // the set is shared by the logical threads (TSan checks it)
        for (std::uint32_t i = 1; i <= 8; ++i) {
          threads.emplace_back([i, &mutex] {
            int local = 0;
            std::scoped_lock guard(mutex);
            stacks.insert(reinterpret_cast<std::uintptr_t>(&local) >> 16);
            LOCKSTEP_ASSERT(lockstep::this_thread::id() == i);
          });
        }
        LOCKSTEP_ASSERT(lockstep::this_thread::id() == 0);
        for (lockstep::Thread& t : threads) t.join();  // before `mutex` goes out of scope
      },
      seeded(1, "executions=500"), "fibers");
  EXPECT_TRUE(result) << result;
  EXPECT_LE(stacks.size(), 9u);  // 8 pooled stacks, however many executions
}

int recurse(int depth) {
  volatile char pad[512];
  pad[0] = static_cast<char>(depth);
  return depth == 0 ? pad[0] : recurse(depth - 1) + 1;
}

TEST(Fibers, DeepRecursionWithinTheStackSizeWorks) {
  const Result result = lockstep::explore_exactly(
      [] { LOCKSTEP_ASSERT(recurse(800) == 800); }, seeded(1, "stack-size=1m executions=3"), "deep");
  EXPECT_TRUE(result) << result;
}

// --- GoogleTest integration -----------------------------------------------------------------

TEST(GoogleTest, ExpectInsideAScenarioIsAFindingNotATestFailure) {
  Result result;
  {
    lockstep::testing::ScopedFailureCapture capture;
    result = lockstep::explore_exactly(
        [] {
          lockstep::Shared<int> x{0};
          lockstep::Thread t([&] { x += 1; });
          x += 1;
          t.join();
          EXPECT_EQ(x.load(), 2);
        },
        seeded(1, "shared-points=all"), "expect");
  }
  EXPECT_FALSE(::testing::Test::HasFailure());
  EXPECT_TRUE(result.found(FindingKind::kAssertion)) << result;
}

TEST(GoogleTest, AFailingExplorationFailsTheTestWithTheReport) {
  EXPECT_NONFATAL_FAILURE(lockstep::testing::run_as_test(&abba, ""), "deadlock");
}

LOCKSTEP_TEST_WITH(GoogleTest, LockstepTestPasses, "executions=100") {
  lockstep::Mutex m;
  lockstep::Thread t([&] { std::scoped_lock g(m); });
  {
    std::scoped_lock g(m);  // released before the join (holding it there deadlocks)
  }
  t.join();
}

class Fixture : public ::testing::Test {
 protected:
  Fixture() { ++constructed; }
  static inline int constructed = 0;
  lockstep::Shared<int> value_{0};
};

LOCKSTEP_TEST_F(Fixture, IsFreshInEveryExecution) {
  value_ += 1;  // would accumulate if the fixture were shared between executions
  LOCKSTEP_ASSERT(value_ == 1);
  LOCKSTEP_ASSERT(constructed >= 1);
}

}  // namespace
