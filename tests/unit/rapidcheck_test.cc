// Schedules as rapidcheck-generated choice lists (lockstep/rapidcheck.h): the lenient
// ChoiceList strategy, shrinking of a failing schedule to a locally minimal one, and
// the replay token of the shrunk failure.
#include <gtest/gtest.h>

#include <mutex>
#include <lockstep/lockstep.h>
#include <lockstep/rapidcheck.h>

#include <optional>
#include <vector>

#include "strategies/choice_list.h"

namespace {

using lockstep::FindingKind;
using lockstep::Options;
using lockstep::Result;
using lockstep::internal::ChoiceList;

TEST(ChoiceList, ZeroKeepsTheCurrentThreadAndValuesWrap) {
  ChoiceList strategy({0, 1, 2, 5, 0});
  const lockstep::PickContext context;
  const std::vector<std::uint32_t> runnable = {0, 2, 3};
  ASSERT_TRUE(strategy.begin_execution(0));
  EXPECT_EQ(strategy.pick(runnable, 2, context), 2u);  // 0: no switch
  EXPECT_EQ(strategy.pick(runnable, 2, context), 3u);  // 1: the next thread
  EXPECT_EQ(strategy.pick(runnable, 2, context), 0u);  // 2: wraps around
  EXPECT_EQ(strategy.pick(runnable, 1, context), 0u);  // t1 blocked: from t2, 5 % 3 = 2 on
  EXPECT_EQ(strategy.random(3, context), 0u);
  EXPECT_EQ(strategy.pick(runnable, 3, context), 3u);  // the list ran out: no switch
  EXPECT_EQ(strategy.random(7, context), 0u);
  EXPECT_FALSE(strategy.begin_execution(1)) << "one execution per list";
}

TEST(ChoiceList, ParsesCommaSeparatedChoicesStrictly) {
  EXPECT_EQ(ChoiceList::parse("3,0,12"), (std::vector<std::uint32_t>{3, 0, 12}));
  EXPECT_TRUE(ChoiceList::parse("").empty());
  for (const char* bad : {"1,,2", "a", "1,", "-1", "1 2"}) {
    EXPECT_THROW(ChoiceList::parse(bad), lockstep::OptionError) << bad;
  }
}

// Two increments whose read and write are separate critical sections (race-free, so
// only the assertion can fail): the update is lost only when a thread is preempted
// between its read and its write.
void lost_update() {
  lockstep::Mutex m;
  lockstep::Shared<int> counter{0};
  auto work = [&] {
    int seen = 0;
    {
      std::scoped_lock guard(m);
      seen = counter;
    }
    std::scoped_lock guard(m);
    counter = seen + 1;
  };
  lockstep::Thread t(work);
  work();
  t.join();
  LOCKSTEP_ASSERT(counter == 2);
}

Options all_points() {
  Options options;
  options.shared_points = "all";
  return options;
}

Result run_choices(const std::vector<std::uint32_t>& choices) {
  Options options = all_points();
  options.strategy = "choices";
  options.choices = lockstep::rc::choices_text(choices);
  options.executions = 1;
  options.progress = "off";
  return lockstep::explore_exactly(&lost_update, options, "lost_update");
}

TEST(ScheduleGenerator, ShrinksAFailingScheduleToALocallyMinimalOne) {
  std::optional<std::vector<std::uint32_t>> first_failing;
  std::vector<std::uint32_t> last_failing;
  std::string last_token;
  const auto property = [&] {
    const std::vector<std::uint32_t> choices = *lockstep::rc::schedule();
    const Result result = run_choices(choices);
    if (!result) {
      if (!first_failing) first_failing = choices;
      last_failing = choices;  // shrinking's last accepted candidate is the minimal one
      last_token = result.token();
    }
    RC_ASSERT(static_cast<bool>(result));
  };
  rc::detail::TestParams params;
  params.seed = 42;
  const rc::detail::TestResult outcome =
      rc::detail::checkTestable(property, rc::detail::TestMetadata{}, params);
  ASSERT_TRUE(outcome.is<rc::detail::FailureResult>()) << "rapidcheck must find the lost update";
  ASSERT_TRUE(first_failing.has_value());
  EXPECT_LE(last_failing.size(), first_failing->size());
  EXPECT_LE(last_failing.size(), 3u) << lockstep::rc::choices_text(last_failing);

  // The shrunk list still fails, and is locally minimal: without any one of its
  // choices, or with any of them set to 0, the schedule passes.
  EXPECT_FALSE(run_choices(last_failing));
  for (std::size_t i = 0; i < last_failing.size(); ++i) {
    std::vector<std::uint32_t> shorter = last_failing;
    shorter.erase(shorter.begin() + static_cast<std::ptrdiff_t>(i));
    EXPECT_TRUE(run_choices(shorter)) << "without choice " << i;
    if (last_failing[i] != 0) {
      std::vector<std::uint32_t> zeroed = last_failing;
      zeroed[i] = 0;
      EXPECT_TRUE(run_choices(zeroed)) << "choice " << i << " set to 0";
    }
  }

  // The printed token replays the shrunk failure with the ordinary replay strategy.
  Options replay = all_points();
  replay.replay = last_token;
  replay.strategy = "replay";
  const Result again = lockstep::explore_exactly(&lost_update, replay, "lost_update");
  EXPECT_TRUE(again.found(FindingKind::kAssertion)) << again;
}

TEST(ScheduleGenerator, ExploreScheduleFailsThePropertyWithTheToken) {
  // The first list of 0s and 1s (shortest first) that loses the update.
  std::vector<std::uint32_t> failing;
  for (std::size_t length = 1; length <= 8 && failing.empty(); ++length) {
    for (std::uint32_t bits = 0; bits < (1u << length) && failing.empty(); ++bits) {
      std::vector<std::uint32_t> list;
      for (std::size_t i = 0; i < length; ++i) list.push_back((bits >> i) & 1u);
      if (!run_choices(list)) failing = list;
    }
  }
  ASSERT_FALSE(failing.empty()) << "some short list must lose the update";
  const rc::detail::TestResult outcome = rc::detail::checkTestable(
      [&] { lockstep::rc::explore_schedule(&lost_update, failing, all_points(), "lost_update"); });
  ASSERT_TRUE(outcome.is<rc::detail::FailureResult>());
  const std::string description = outcome.get<rc::detail::FailureResult>().description;
  EXPECT_NE(description.find("LOCKSTEP_REPLAY=ls1:lost_update:"), std::string::npos) << description;
}

TEST(OperationsGenerator, OneSequencePerThread) {
  const rc::detail::TestResult outcome = rc::detail::checkTestable([] {
    const auto ops = *lockstep::rc::thread_operations(3, rc::gen::inRange(0, 10));
    RC_ASSERT(ops.size() == 3u);
    for (const auto& sequence : ops) {
      for (int op : sequence) RC_ASSERT(op >= 0 && op < 10);
    }
  });
  EXPECT_TRUE(outcome.is<rc::detail::SuccessResult>());
}

}  // namespace
