// The data-race checker: the happens-before engine against a brute-force computation
// on random traces, the racy-variable feedback of shared-points=racy, and its replay.
#include <gtest/gtest.h>
#include <lockstep/lockstep.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <mutex>
#include <set>
#include <utility>
#include <vector>

#include "race/happens_before.h"
#include "runtime/execution.h"

namespace {

using lockstep::checkers::HappensBefore;

// One step of a random trace over up to 9 threads (each started by thread 0), 2 locks
// and 2 variables. Locks here are plain release/acquire objects: the engine is fed any
// order of them, not only well-nested ones.
struct Step {
  int thread = 0;
  int kind = 0;  // 0 read, 1 write, 2 acquire, 3 release
  int target = 0;
};

// Brute force: happens-before as the transitive closure of program order, spawn
// (thread 0's first step orders the others' starts), and release -> later acquire of
// the same lock. Two accesses race when they are by different threads, touch the same
// variable, one writes, and neither reaches the other.
std::set<std::pair<int, int>> brute_force_races(const std::vector<Step>& trace) {
  const int n = static_cast<int>(trace.size());
  std::vector<std::vector<bool>> hb(n, std::vector<bool>(n, false));
  for (int i = 0; i < n; ++i) {
    for (int j = i + 1; j < n; ++j) {
      const bool program_order = trace[i].thread == trace[j].thread;
      const bool sync = trace[i].kind == 3 && trace[j].kind == 2 && trace[i].target == trace[j].target;
      if (program_order || sync) hb[i][j] = true;
    }
  }
  for (int k = 0; k < n; ++k) {
    for (int i = 0; i < n; ++i) {
      for (int j = 0; j < n; ++j) {
        if (hb[i][k] && hb[k][j]) hb[i][j] = true;
      }
    }
  }
  std::set<std::pair<int, int>> races;
  for (int j = 0; j < n; ++j) {
    for (int i = 0; i < j; ++i) {
      const Step& a = trace[i];
      const Step& b = trace[j];
      if (a.kind > 1 || b.kind > 1 || a.target != b.target || a.thread == b.thread) continue;
      if (a.kind == 0 && b.kind == 0) continue;
      if (!hb[i][j]) races.insert({i, j});
    }
  }
  return races;
}

// Feeds `trace` to `engine`, spawning each thread from thread 0 right before its first
// step (so threads beyond the clocks' width appear while the tables hold state, and
// the engine re-lays them out); returns, per step, whether the engine flagged it. The
// brute-force view of the same trace, with each spawn as a release/acquire pair, goes
// to `with_spawns`, and `index[j]` is step j's position there.
std::vector<bool> feed(HappensBefore& engine, const std::vector<Step>& trace,
                       std::vector<Step>& with_spawns, std::vector<int>& index) {
  engine.reset();
  std::set<int> started{0};
  std::vector<bool> flagged;
  for (const Step& step : trace) {
    if (started.insert(step.thread).second) {
      engine.spawn(0, static_cast<std::uint32_t>(step.thread));
      with_spawns.push_back(Step{0, 3, 100 + step.thread});
      with_spawns.push_back(Step{step.thread, 2, 100 + step.thread});
    }
    index.push_back(static_cast<int>(with_spawns.size()));
    with_spawns.push_back(step);
    const auto thread = static_cast<std::uint32_t>(step.thread);
    const auto target = static_cast<std::uint32_t>(step.target);
    bool found = false;
    switch (step.kind) {
      case 0: found = engine.read(thread, 10 + target).found; break;
      case 1: found = engine.write(thread, 10 + target).found; break;
      case 2: engine.acquire(thread, 20 + target); break;
      case 3: engine.release(thread, 20 + target, /*accumulate=*/true); break;
    }
    flagged.push_back(found);
  }
  return flagged;
}

TEST(HappensBefore, AgreesWithBruteForceOnRandomTraces) {
  // One engine for every trace: reset() must forget everything, whatever width an
  // earlier trace left. Up to 9 threads: the clocks widen from 4 entries to 8 and 16.
  HappensBefore engine;
  const bool ok = rc::check("the engine flags an access iff it races with an earlier one", [&] {
    const auto threads = *rc::gen::inRange(2, 10);
    const auto length = *rc::gen::inRange(1, 24);
    std::vector<Step> trace;
    for (int i = 0; i < length; ++i) {
      Step step;
      step.thread = *rc::gen::inRange(0, threads);
      step.kind = *rc::gen::inRange(0, 4);
      step.target = *rc::gen::inRange(0, 2);
      trace.push_back(step);
    }
    std::vector<Step> with_spawns;
    std::vector<int> index;
    const std::vector<bool> flagged = feed(engine, trace, with_spawns, index);
    const std::set<std::pair<int, int>> races = brute_force_races(with_spawns);
    bool flagged_any = false;
    for (int j = 0; j < length; ++j) {
      bool races_with_earlier = false;
      for (const auto& [earlier, later] : races) races_with_earlier |= later == index[static_cast<std::size_t>(j)];
      // FastTrack reports an access that races with the last write or a read since;
      // an access racing only with an older, already-superseded access can be
      // reported at that access instead. So: every flag is a real race, and every
      // trace with a race gets at least one flag.
      if (flagged[static_cast<std::size_t>(j)]) RC_ASSERT(races_with_earlier);
      flagged_any |= flagged[static_cast<std::size_t>(j)];
    }
    RC_ASSERT(flagged_any == !races.empty());
  });
  EXPECT_TRUE(ok);
}

TEST(HappensBefore, AThreadBeyondTheClockWidthKeepsEveryEdgeSoFar) {
  HappensBefore engine;
  engine.reset();
  engine.spawn(0, 1);
  engine.spawn(0, 2);
  EXPECT_FALSE(engine.write(1, 10).found);
  engine.release(1, 20, /*accumulate=*/false);  // publishes the write of 10
  EXPECT_FALSE(engine.read(1, 11).found);
  EXPECT_FALSE(engine.read(2, 11).found);  // concurrent reads: a read clock
  engine.spawn(0, 6);                      // widens every clock from 4 entries to 8
  engine.acquire(2, 20);
  EXPECT_FALSE(engine.write(2, 10).found) << "the lock's clock survived the widening";
  const HappensBefore::Conflict conflict = engine.write(6, 11);
  EXPECT_TRUE(conflict.found) << "the read clock survived the widening";
  EXPECT_FALSE(conflict.was_write);
  EXPECT_TRUE(engine.read(6, 10).found) << "t6 never synchronised with t2's write";
}

TEST(HappensBefore, ARelaxedFlagDoesNotPublishButReleaseAcquireDoes) {
  for (const bool ordered : {false, true}) {
    HappensBefore engine;
    engine.reset();
    engine.spawn(0, 1);
    engine.spawn(0, 2);
    EXPECT_FALSE(engine.write(1, 5).found);
    engine.atomic_store(1, 6, /*release=*/ordered);
    engine.atomic_load(2, 6, /*acquire=*/ordered);
    EXPECT_EQ(engine.read(2, 5).found, !ordered) << "ordered=" << ordered;
  }
}

TEST(HappensBefore, ARelaxedStoreEndsTheReleaseSequenceAnRmwContinuesIt) {
  for (const bool rmw : {false, true}) {
    HappensBefore engine;
    engine.reset();
    for (std::uint32_t t = 1; t <= 3; ++t) engine.spawn(0, t);
    engine.write(1, 5);
    engine.atomic_store(1, 6, /*release=*/true);
    if (rmw) {
      engine.atomic_rmw(2, 6, /*acquire=*/false, /*release=*/false);
    } else {
      engine.atomic_store(2, 6, /*release=*/false);
    }
    engine.atomic_load(3, 6, /*acquire=*/true);
    EXPECT_EQ(engine.read(3, 5).found, !rmw) << "rmw=" << rmw;
  }
}

// A variable found racy becomes a scheduling point: with it racy from the start, the
// lost update itself (the assertion) is found too, and the token records the set.
TEST(RacyVariables, ARacyVariableIsASchedulingPointAndItsTokenReplays) {
  int line = 0;
  auto body = [&line] {
    lockstep::Shared<int> counter{0, "counter"};
    line = __LINE__ - 1;
    lockstep::Thread t([&] { counter += 1; });
    counter += 1;
    t.join();
    LOCKSTEP_ASSERT(counter == 2);
  };
  body();  // outside an exploration: learns the line
  lockstep::Options options;
  options.executions = 300;
  options.stop_on_finding = true;
  const lockstep::Result plain = lockstep::explore_exactly(body, options, "racy");
  ASSERT_TRUE(plain.found(lockstep::FindingKind::kDataRace)) << plain;
  EXPECT_FALSE(plain.found(lockstep::FindingKind::kAssertion)) << plain;

  char key[16];
  std::snprintf(key, sizeof(key), "%08x",
                lockstep::internal::variable_key(__FILE__, static_cast<std::uint32_t>(line), "counter"));
  options.racy_variables = key;
  options.seed = 3;
  const lockstep::Result racy = lockstep::explore_exactly(body, options, "racy");
  ASSERT_TRUE(racy.found(lockstep::FindingKind::kAssertion)) << racy;
  EXPECT_NE(racy.token().find(std::string("racy-variables=") + key), std::string::npos)
      << racy.token();

  lockstep::Options replay;
  replay.replay = racy.token();
  const lockstep::Result again = lockstep::explore_exactly(body, replay, "racy");
  ASSERT_TRUE(again.found(lockstep::FindingKind::kAssertion)) << again;
  EXPECT_EQ(again.report().findings.size(), racy.report().findings.size());
}

TEST(RacyVariables, AMalformedKeyIsAClearError) {
  lockstep::Options options;
  options.racy_variables = "12.zz";
  const lockstep::Result result = lockstep::explore_exactly([] {}, options, "bad");
  ASSERT_EQ(result.verdict(), lockstep::Verdict::kError);
  EXPECT_NE(result.error().find("racy-variables"), std::string::npos) << result.error();
}

}  // namespace
