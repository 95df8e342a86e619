// Search strategies: PCT's guarantees that do not depend on luck (at most d-1 priority
// changes per execution, deterministic per seed, k learned from earlier executions,
// spinners go last, random once fair scheduling is enforced), bounded-random's bound,
// the portfolio's split by execution index (and that it is indexed), and every catalog
// bug found and replayed under each.
#include <gtest/gtest.h>

#include <string>
#include <lockstep/lockstep.h>
#include <lockstep/scenario.h>

#include <set>
#include <vector>

#include "strategies/bounded_random.h"
#include "strategies/pct.h"
#include "strategies/portfolio.h"

namespace {

using lockstep::PendingInfo;
using lockstep::PickContext;
using lockstep::internal::BoundedRandom;
using lockstep::internal::Pct;
using lockstep::internal::Portfolio;

// Runs one synthetic execution of `steps` picks among threads 0..threads-1, all always
// runnable, and returns the picks.
std::vector<std::uint32_t> run_fixed(Pct& pct, std::uint64_t execution, std::uint32_t threads,
                                     std::uint64_t steps) {
  std::vector<PendingInfo> pending(threads);
  std::vector<std::uint32_t> runnable;
  for (std::uint32_t t = 0; t < threads; ++t) runnable.push_back(t);
  std::vector<std::uint32_t> picks;
  EXPECT_TRUE(pct.begin_execution(execution));
  std::uint32_t current = 0;
  for (std::uint64_t step = 0; step < steps; ++step) {
    current = pct.pick(runnable, current, PickContext{execution, step, pending});
    picks.push_back(current);
  }
  pct.end_execution(steps);
  return picks;
}

std::size_t switches(const std::vector<std::uint32_t>& picks) {
  std::size_t n = 0;
  for (std::size_t i = 1; i < picks.size(); ++i) n += picks[i] != picks[i - 1] ? 1 : 0;
  return n;
}

TEST(Pct, ChangesPrioritiesAtMostDepthMinusOneTimes) {
  for (std::uint32_t depth : {1u, 2u, 3u, 5u}) {
    Pct pct(7, depth);
    std::size_t most = 0;
    for (std::uint64_t e = 0; e < 300; ++e) {
      const std::size_t n = switches(run_fixed(pct, e, 4, 40));
      EXPECT_LE(n, depth - 1) << "depth " << depth << " execution " << e;
      most = std::max(most, n);
    }
    // The change points do fire: some execution uses every one of them.
    EXPECT_EQ(most, depth - 1) << "depth " << depth;
  }
}

TEST(Pct, EveryThreadCanHaveTheHighestPriority) {
  Pct pct(3, 1);
  std::set<std::uint32_t> first;
  for (std::uint64_t e = 0; e < 200; ++e) first.insert(run_fixed(pct, e, 3, 1)[0]);
  EXPECT_EQ(first, (std::set<std::uint32_t>{0, 1, 2}));
}

TEST(Pct, SameSeedSameChoicesAndDifferentSeedsDiffer) {
  Pct a(11, 3), b(11, 3), c(12, 3);
  std::size_t differ = 0;
  for (std::uint64_t e = 0; e < 50; ++e) {
    const auto picks = run_fixed(a, e, 3, 30);
    EXPECT_EQ(picks, run_fixed(b, e, 3, 30));
    differ += picks != run_fixed(c, e, 3, 30) ? 1 : 0;
  }
  EXPECT_GT(differ, 0u);
}

TEST(Pct, LearnsTheStepCountFromEarlierExecutions) {
  Pct pct(1, 3);
  EXPECT_EQ(pct.estimated_steps(), Pct::kInitialSteps);
  pct.end_execution(10);
  EXPECT_EQ(pct.estimated_steps(), 10u);  // the first execution replaces the guess
  pct.end_execution(500);
  pct.end_execution(20);
  EXPECT_EQ(pct.estimated_steps(), 500u);  // then the largest seen
}

TEST(Pct, NewThreadsGetPrioritiesWhenTheyAppear) {
  // Thread 2 appears at step 5; from then on it must be picked whenever it has the
  // highest priority, and in some executions it does.
  Pct pct(5, 1);
  std::size_t newcomer_first = 0;
  for (std::uint64_t e = 0; e < 100; ++e) {
    ASSERT_TRUE(pct.begin_execution(e));
    std::vector<PendingInfo> pending(2);
    std::vector<std::uint32_t> runnable{0, 1};
    std::uint32_t before = pct.pick(runnable, 0, PickContext{e, 0, pending});
    pending.resize(3);
    runnable.push_back(2);
    const std::uint32_t after = pct.pick(runnable, before, PickContext{e, 5, pending});
    EXPECT_TRUE(after == before || after == 2);  // a fixed order: only the newcomer can win
    newcomer_first += after == 2 ? 1 : 0;
    pct.end_execution(6);
  }
  EXPECT_GT(newcomer_first, 10u);
  EXPECT_LT(newcomer_first, 90u);
}

TEST(Pct, AThreadThatKeepsPollingInVainGoesBelowEveryOther) {
  // Depth 1: a fixed priority order, so without spins one thread runs throughout.
  std::vector<PendingInfo> pending(3);
  const std::vector<std::uint32_t> runnable{0, 1, 2};
  const PickContext polled{0, 2, pending, /*yielded=*/true, /*polled=*/true};
  const PickContext yielded{0, 2, pending, /*yielded=*/true, /*polled=*/false};
  for (std::uint64_t e = 0; e < 50; ++e) {
    Pct pct(9, 1);
    ASSERT_TRUE(pct.begin_execution(e));
    const std::uint32_t first = pct.pick(runnable, 0, PickContext{e, 0, pending});
    // this_thread::yield() waits for nobody: any number of them are run through.
    for (int y = 0; y < 100; ++y) ASSERT_EQ(pct.pick(runnable, first, yielded), first);
    // Fewer than kSpinPolls polls in a row are run through too, as plain PCT would.
    for (std::uint32_t y = 1; y < Pct::kSpinPolls; ++y) {
      ASSERT_EQ(pct.pick(runnable, first, polled), first) << "poll " << y;
    }
    // The kSpinPolls-th drops the spinner to the bottom; the next spinner goes below
    // it, so the three take turns.
    const std::uint32_t second = pct.pick(runnable, first, polled);
    EXPECT_NE(second, first);
    for (std::uint32_t y = 1; y < Pct::kSpinPolls; ++y) ASSERT_EQ(pct.pick(runnable, second, polled), second);
    const std::uint32_t third = pct.pick(runnable, second, polled);
    EXPECT_NE(third, first);
    EXPECT_NE(third, second);
    for (std::uint32_t y = 1; y < Pct::kSpinPolls; ++y) ASSERT_EQ(pct.pick(runnable, third, polled), third);
    EXPECT_EQ(pct.pick(runnable, third, polled), first);
    // Without polls the order stays.
    EXPECT_EQ(pct.pick(runnable, first, PickContext{e, 3, pending}), first);
  }
}

TEST(Pct, PicksAtRandomOnceFairSchedulingIsEnforced) {
  std::vector<PendingInfo> pending(3);
  const std::vector<std::uint32_t> runnable{0, 1, 2};
  Pct pct(4, 3);
  ASSERT_TRUE(pct.begin_execution(0));
  std::set<std::uint32_t> picked;
  for (std::uint64_t step = 0; step < 60; ++step) {
    picked.insert(pct.pick(runnable, 0, PickContext{0, step, pending, false, false, /*fair_enforced=*/true}));
  }
  EXPECT_EQ(picked, (std::set<std::uint32_t>{0, 1, 2}));
}

TEST(Pct, DepthZeroIsAnOptionError) {
  lockstep::Options options;
  options.apply("strategy=pct pct-depth=0");
  EXPECT_THROW(lockstep::make_strategy(options), lockstep::OptionError);
}

// A member that offers `left` executions, then is exhausted; not indexed.
class Finite final : public lockstep::Strategy {
 public:
  explicit Finite(int left) : left_(left) {}
  std::string_view name() const override { return "finite"; }
  bool begin_execution(std::uint64_t) override { return left_-- > 0; }
  std::uint32_t pick(std::span<const std::uint32_t> runnable, std::uint32_t,
                     const PickContext&) override {
    return runnable[0];
  }
  std::uint32_t random(std::uint32_t, const PickContext&) override { return 0; }

 private:
  int left_;
};

// One synthetic execution of `steps` picks among `threads` always-runnable threads, the
// thread that ran yielding every fifth step.
std::vector<std::uint32_t> run_synthetic(lockstep::Strategy& strategy, std::uint64_t execution,
                                         std::uint32_t threads, std::uint64_t steps) {
  std::vector<PendingInfo> pending(threads);
  std::vector<std::uint32_t> runnable;
  for (std::uint32_t t = 0; t < threads; ++t) runnable.push_back(t);
  std::vector<std::uint32_t> picks;
  EXPECT_TRUE(strategy.begin_execution(execution));
  std::uint32_t current = 0;
  for (std::uint64_t step = 0; step < steps; ++step) {
    current = strategy.pick(runnable, current, PickContext{execution, step, pending, step % 5 == 4});
    picks.push_back(current);
  }
  strategy.end_execution(steps);
  return picks;
}

TEST(Portfolio, ExecutionIGoesToMemberIModMAsItsExecutionIDivM) {
  lockstep::Options options;
  options.pct_depth = 4;
  Portfolio portfolio(Portfolio::default_members(options));
  const std::vector<std::string> cycle{"random", "pct(depth=1)", "pct(depth=2)", "pct(depth=4)",
                                       "bounded-random(bound=2)"};
  for (std::uint64_t e = 0; e < 10; ++e) {
    ASSERT_TRUE(portfolio.begin_execution(e));
    EXPECT_EQ(portfolio.active_label(), cycle[e % 5]) << e;
  }
  // Out of order too: the member depends on the index alone.
  for (std::uint64_t e : {23u, 7u, 1000u, 3u}) {
    ASSERT_TRUE(portfolio.begin_execution(e));
    EXPECT_EQ(portfolio.active_label(), cycle[e % 5]) << e;
  }
  // Without a depth above 2 there is no third PCT member.
  options.pct_depth = 2;
  Portfolio four(Portfolio::default_members(options));
  ASSERT_TRUE(four.begin_execution(3));
  EXPECT_EQ(four.active_label(), "bounded-random(bound=2)");
}

TEST(Portfolio, IsIndexedWhenEveryMemberIs) {
  EXPECT_TRUE(Portfolio(Portfolio::default_members(lockstep::Options{})).indexed());
  std::vector<Portfolio::Member> members = Portfolio::default_members(lockstep::Options{});
  ASSERT_EQ(members.size(), 5u);  // random, pct at depths 1, 2 and 3, bounded-random
  members.push_back({"finite", std::make_unique<Finite>(1)});
  Portfolio with_finite(std::move(members));
  EXPECT_FALSE(with_finite.indexed());
  // The member due decides: a refusal ends the portfolio.
  ASSERT_TRUE(with_finite.begin_execution(5));
  EXPECT_EQ(with_finite.active_label(), "finite");
  EXPECT_FALSE(with_finite.begin_execution(11));
}

TEST(Portfolio, AnExecutionDependsOnlyOnItsIndex) {
  // Two instances given the indices in opposite orders make the same picks for each.
  lockstep::Options options;
  options.seed = 17;
  options.pct_depth = 3;
  Portfolio forward(Portfolio::default_members(options));
  Portfolio backward(Portfolio::default_members(options));
  std::vector<std::vector<std::uint32_t>> picks(40);
  for (std::uint64_t e = 0; e < 40; ++e) picks[e] = run_synthetic(forward, e, 3, 60);
  std::set<std::vector<std::uint32_t>> distinct;
  for (std::uint64_t e = 40; e-- > 0;) {
    EXPECT_EQ(run_synthetic(backward, e, 3, 60), picks[e]) << e;
    distinct.insert(picks[e]);
  }
  EXPECT_GT(distinct.size(), 20u) << "the members must actually vary their schedules";
}

TEST(BoundedRandom, PreemptsAtMostBoundTimesAndSwitchesFreelyAtYields) {
  for (std::uint32_t bound : {0u, 1u, 2u, 3u}) {
    BoundedRandom strategy(5, bound, 64);
    std::size_t most = 0;
    for (std::uint64_t e = 0; e < 300; ++e) {
      // Every thread always runnable, no yields: every switch is a preemption.
      std::vector<PendingInfo> pending(3);
      const std::vector<std::uint32_t> runnable{0, 1, 2};
      ASSERT_TRUE(strategy.begin_execution(e));
      std::uint32_t current = 0;
      std::size_t preemptions = 0;
      for (std::uint64_t step = 0; step < 64; ++step) {
        const std::uint32_t next = strategy.pick(runnable, current, PickContext{e, step, pending});
        preemptions += next != current ? 1 : 0;
        current = next;
      }
      EXPECT_LE(preemptions, bound) << "bound " << bound << " execution " << e;
      most = std::max(most, preemptions);
    }
    EXPECT_EQ(most, bound) << "some execution uses every preemption, bound " << bound;
  }
  // At a yield (and where the current thread cannot run) the switch is free.
  BoundedRandom strategy(5, 0, 64);
  std::vector<PendingInfo> pending(3);
  std::set<std::uint32_t> after_yield;
  for (std::uint64_t e = 0; e < 100; ++e) {
    ASSERT_TRUE(strategy.begin_execution(e));
    after_yield.insert(strategy.pick(std::vector<std::uint32_t>{0, 1, 2}, 0,
                                     PickContext{e, 3, pending, /*yielded=*/true}));
    const std::uint32_t unblocked = strategy.pick(std::vector<std::uint32_t>{1, 2}, 0, PickContext{e, 4, pending});
    EXPECT_TRUE(unblocked == 1 || unblocked == 2);
  }
  EXPECT_EQ(after_yield, (std::set<std::uint32_t>{0, 1, 2}));
}

// --- every catalog bug, under each strategy ---------------------------------------------

class EveryStrategy : public ::testing::TestWithParam<const char*> {};

TEST_P(EveryStrategy, FindsEveryCatalogBugAndItsTokenReplays) {
  for (const lockstep::ScenarioInfo& scenario : lockstep::scenarios()) {
    if (scenario.expected.pass()) continue;
    lockstep::Options options;
    options.apply(scenario.options);
    options.apply(GetParam());
    if (options.executions < 5000) options.executions = 5000;
    const lockstep::Result result = lockstep::explore_exactly(scenario.body, options, scenario.name);
    ASSERT_TRUE(scenario.expected.any_in(result.report().findings)) << scenario.name << "\n" << result;
    lockstep::Options replay = options;
    replay.strategy = "replay";
    replay.replay = result.token();
    const lockstep::Result again = lockstep::explore_exactly(scenario.body, replay, scenario.name);
    ASSERT_EQ(again.verdict(), lockstep::Verdict::kFailed) << scenario.name << "\n" << again;
    EXPECT_TRUE(again.report().findings.front().same_failure(result.report().findings.front()))
        << scenario.name;
    EXPECT_EQ(again.report().preemptions, result.report().preemptions) << scenario.name;
  }
}

// DPOR too (both variants): it must not say "all schedules covered" where a bug is.
// (dfs and the bounded strategies need more than 5,000 executions for
// dining_philosophers; SystematicSearch below checks they never claim coverage falsely.)
INSTANTIATE_TEST_SUITE_P(Strategies, EveryStrategy,
                         ::testing::Values("strategy=random", "strategy=pct", "strategy=portfolio",
                                           "strategy=dpor dpor=optimal", "strategy=dpor dpor=source"));

// An exhaustive search that ends says "all N schedules covered" only where there is no
// bug: on every catalog bug scenario dfs either finds it or runs out of budget.
TEST(SystematicSearch, DfsNeverCoversABugScenarioWithoutFindingIt) {
  for (const lockstep::ScenarioInfo& scenario : lockstep::scenarios()) {
    if (scenario.expected.pass()) continue;
    lockstep::Options options;
    options.apply(scenario.options);
    options.apply("strategy=dfs executions=2000");
    const lockstep::Result result = lockstep::explore_exactly(scenario.body, options, scenario.name);
    if (!scenario.expected.any_in(result.report().findings)) {
      EXPECT_FALSE(result.covered_all()) << scenario.name << "\n" << result;
    }
  }
}

}  // namespace
