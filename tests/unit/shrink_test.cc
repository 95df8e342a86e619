// Schedule shrinking: the ABBA deadlock shrinks to its one necessary preemption; the
// result is deterministic, replays to the same finding, and for every catalog bug is
// never larger than the schedule the search found.
#include <gtest/gtest.h>
#include <lockstep/lockstep.h>
#include <lockstep/scenario.h>

namespace {

lockstep::Result run(const lockstep::ScenarioInfo& scenario, const std::string& extra) {
  lockstep::Options options;
  options.apply(scenario.options);
  options.apply(extra);
  return lockstep::explore_exactly(scenario.body, options, scenario.name);
}

const lockstep::ScenarioInfo& abba() {
  const lockstep::ScenarioInfo* scenario = lockstep::find_scenario("abba_deadlock");
  EXPECT_NE(scenario, nullptr);
  return *scenario;
}

TEST(Shrink, AbbaDeadlockShrinksToOnePreemption) {
  // Seeds whose first deadlock needed more than one preemption, so shrinking has work.
  int shrunk_seeds = 0;
  for (int seed = 1; seed <= 12; ++seed) {
    const std::string seed_text = "seed=" + std::to_string(seed);
    const lockstep::Result unshrunk = run(abba(), seed_text + " shrink=false");
    const lockstep::Result shrunk = run(abba(), seed_text);
    ASSERT_TRUE(shrunk.found(lockstep::FindingKind::kDeadlock)) << shrunk;
    EXPECT_EQ(shrunk.report().preemptions, 1u) << shrunk;
    EXPECT_EQ(shrunk.report().unshrunk_preemptions, unshrunk.report().preemptions);
    EXPECT_LE(shrunk.report().steps, unshrunk.report().steps);
    EXPECT_NE(shrunk.text().find("preemptions: 1"), std::string::npos) << shrunk;
    if (unshrunk.report().preemptions > 1) ++shrunk_seeds;
  }
  EXPECT_GT(shrunk_seeds, 0) << "no seed found a deadlock with more than one preemption";
}

TEST(Shrink, IsDeterministic) {
  for (const char* strategy : {"random", "pct", "portfolio"}) {
    const std::string options = std::string("strategy=") + strategy + " seed=9";
    EXPECT_EQ(run(abba(), options).text(), run(abba(), options).text()) << strategy;
  }
}

TEST(Shrink, ShrunkTokenReplaysToTheSameFinding) {
  const lockstep::Result shrunk = run(abba(), "seed=3");
  ASSERT_GT(shrunk.report().shrink_runs, 0u);
  const lockstep::Result again = run(abba(), "replay=" + shrunk.token());
  ASSERT_EQ(again.verdict(), lockstep::Verdict::kFailed) << again;
  ASSERT_EQ(again.report().findings.size(), shrunk.report().findings.size());
  EXPECT_TRUE(again.report().findings.front().same_failure(shrunk.report().findings.front()));
  EXPECT_EQ(again.report().preemptions, 1u);
  EXPECT_EQ(again.report().trace.size(), shrunk.report().trace.size());
}

TEST(Shrink, OffKeepsTheFoundSchedule) {
  const lockstep::Result found = run(abba(), "seed=5 shrink=false");
  EXPECT_EQ(found.report().shrink_runs, 0u);
  EXPECT_NE(found.text().find("preemptions: "), std::string::npos);
  EXPECT_EQ(found.text().find("shrunk"), std::string::npos);
}

TEST(Shrink, RespectsItsRunBudget) {
  const lockstep::Result capped = run(abba(), "seed=3 shrink-runs=2");
  EXPECT_LE(capped.report().shrink_runs, 2u);
  EXPECT_TRUE(capped.found(lockstep::FindingKind::kDeadlock));
}

TEST(Shrink, EveryCatalogBugShrinksToNoLargerScheduleThatReplays) {
  for (const lockstep::ScenarioInfo& scenario : lockstep::scenarios()) {
    if (scenario.expected.pass()) continue;
    const lockstep::Result unshrunk = run(scenario, "shrink=false");
    const lockstep::Result shrunk = run(scenario, "");
    ASSERT_TRUE(scenario.expected.any_in(shrunk.report().findings)) << shrunk;
    EXPECT_LE(shrunk.report().preemptions, unshrunk.report().preemptions) << scenario.name;
    if (shrunk.report().preemptions == unshrunk.report().preemptions) {
      EXPECT_LE(shrunk.report().steps, unshrunk.report().steps) << scenario.name;
    }
    const lockstep::Result again = run(scenario, "replay=" + shrunk.token());
    ASSERT_EQ(again.verdict(), lockstep::Verdict::kFailed) << scenario.name << "\n" << again;
    EXPECT_TRUE(again.report().findings.front().same_failure(shrunk.report().findings.front()))
        << scenario.name;
  }
}

}  // namespace
