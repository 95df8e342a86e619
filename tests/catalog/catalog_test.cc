// The catalog verdict matrix: every registered scenario, explored with the default
// strategy and its documented budget (its own options), meets its expected verdict —
// each bug variant is found, each fix finds nothing.
#include <gtest/gtest.h>
#include <lockstep/lockstep.h>

#include <fstream>
#include <sstream>

namespace {

class Catalog : public ::testing::TestWithParam<const lockstep::ScenarioInfo*> {};

TEST_P(Catalog, MeetsItsExpectedVerdict) {
  const lockstep::ScenarioInfo& scenario = *GetParam();
  lockstep::Options options;
  options.apply(scenario.options);
  const lockstep::Result result = lockstep::explore_exactly(scenario.body, options, scenario.name);
  ASSERT_NE(result.verdict(), lockstep::Verdict::kError) << result.error();
  // Exactly the expected finding kinds: a fix reports nothing (no warning either), a
  // bug reports the kinds it documents and no other.
  EXPECT_TRUE(scenario.expected.met_by(result.report().findings))
      << "expected " << scenario.expected.name() << "\n" << result;
  if (scenario.expected.pass()) {
    EXPECT_TRUE(result.passed()) << result;
    // A fix carries no warning either (a potential deadlock nobody could confirm).
    EXPECT_TRUE(result.report().warnings.empty()) << result;
  } else {
    // Every reported failure replays to the same report.
    lockstep::Options replay = options;
    replay.replay = result.token();
    const lockstep::Result again = lockstep::explore_exactly(scenario.body, replay, scenario.name);
    ASSERT_EQ(again.verdict(), lockstep::Verdict::kFailed) << again;
    ASSERT_EQ(again.report().findings.size(), result.report().findings.size()) << again;
    EXPECT_TRUE(again.report().findings.front().same_failure(result.report().findings.front()))
        << again;
  }
}

std::vector<const lockstep::ScenarioInfo*> all_scenarios() {
  std::vector<const lockstep::ScenarioInfo*> out;
  for (const lockstep::ScenarioInfo& s : lockstep::scenarios()) out.push_back(&s);
  return out;
}

INSTANTIATE_TEST_SUITE_P(Scenarios, Catalog, ::testing::ValuesIn(all_scenarios()),
                         [](const auto& param) { return param.param->name; });

// shared-points=racy (the default) makes Shared accesses scheduling points only after a
// race on them was found; the race itself must still be found, whatever the
// scenario's own options say.
TEST(Catalog, EveryRaceIsFoundUnderTheDefaultOptions) {
  int races = 0;
  for (const lockstep::ScenarioInfo& scenario : lockstep::scenarios()) {
    if (!scenario.expected.includes(lockstep::FindingKind::kDataRace)) continue;
    ++races;
    lockstep::Options options;
    options.executions = 200;
    const lockstep::Result result = lockstep::explore_exactly(scenario.body, options, scenario.name);
    EXPECT_TRUE(result.found(lockstep::FindingKind::kDataRace)) << scenario.name << "\n" << result;
  }
  EXPECT_GE(races, 5);
}

TEST(Catalog, HasEveryStoryOfIssue2WithBugAndFix) {
  for (const char* name : {"abba_deadlock", "abba_ordered", "dining_philosophers",
                           "dining_philosophers_ordered", "lost_update", "lost_update_locked",
                           "rlock_story_lock", "rlock_story_rlock", "lost_wakeup_if",
                           "lost_wakeup_while", "bounded_queue_consumer_stops",
                           "bounded_queue_drained", "lock_handoff"}) {
    EXPECT_NE(lockstep::find_scenario(name), nullptr) << name;
  }
}

TEST(Catalog, HasEveryDeadlockStoryOfIssue3WithBugAndFix) {
  for (const char* name : {"partial_deadlock", "partial_deadlock_ordered", "single_step_inversion",
                           "single_step_inversion_ordered", "bank_transfer", "bank_transfer_ordered",
                           "join_holding_lock", "join_holding_lock_released", "queue_full_no_consumer",
                           "queue_full_with_consumer", "semaphore_deadlock", "semaphore_ordered",
                           "gate_lock", "single_thread_inversion"}) {
    EXPECT_NE(lockstep::find_scenario(name), nullptr) << name;
  }
}

TEST(OptionsReference, CommittedDocMatchesTheTable) {
  std::ifstream file(LOCKSTEP_SOURCE_DIR "/docs/reference/options.md");
  std::stringstream text;
  text << file.rdbuf();
  EXPECT_EQ(text.str(), lockstep::options_reference_markdown())
      << "regenerate: lockstep options --markdown > docs/reference/options.md";
}

}  // namespace

namespace {

lockstep::Finding finding_of(lockstep::FindingKind kind) {
  lockstep::Finding finding;
  finding.kind = kind;
  return finding;
}

TEST(Expectation, IsMetByExactlyItsKinds) {
  using lockstep::FindingKind;
  namespace expect = lockstep::expect;
  const lockstep::Expectation both = expect::data_race | expect::assertion;
  EXPECT_EQ(both.name(), "assertion+data-race");
  EXPECT_TRUE(both.met_by({finding_of(FindingKind::kDataRace), finding_of(FindingKind::kAssertion)}));
  EXPECT_TRUE(both.met_by({finding_of(FindingKind::kAssertion), finding_of(FindingKind::kDataRace),
                           finding_of(FindingKind::kDataRace)}));
  EXPECT_FALSE(both.met_by({finding_of(FindingKind::kDataRace)}));
  EXPECT_FALSE(both.met_by({finding_of(FindingKind::kDataRace), finding_of(FindingKind::kAssertion),
                            finding_of(FindingKind::kMisuse)}));
  EXPECT_TRUE(expect::deadlock.met_by({finding_of(FindingKind::kDeadlock)}));
  EXPECT_FALSE(expect::deadlock.met_by({}));
  EXPECT_TRUE(expect::pass.met_by({}));
  EXPECT_FALSE(expect::pass.met_by({finding_of(FindingKind::kPotentialDeadlock)}));
  EXPECT_EQ(expect::pass.name(), "pass");
}

}  // namespace
