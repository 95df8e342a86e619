// Golden reports: the text report of one scenario per finding kind, compared byte for
// byte with tests/golden/<scenario>.txt. A report is the user interface of a finding,
// so any change to one must be deliberate. After an intended change, regenerate with
//
//   LOCKSTEP_REGENERATE_GOLDEN=1 build/default/tests/lockstep_golden_test
//
// and review the diff of tests/golden/ before committing it.
#include <gtest/gtest.h>
#include <lockstep/lockstep.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

namespace {

// Kinds the catalog does not show (the catalog holds bug/fix pairs of real bugs).
LOCKSTEP_SCENARIO(golden_exception, exception,
                  "a logical thread lets an exception escape when it sees the other's write") {
  lockstep::Atomic<int> stage{0, "stage"};
  lockstep::Thread worker([&] {
    if (stage.load() == 1) throw std::runtime_error("stage 1 is not ready for workers");
  });
  stage.store(1);
  worker.join();
}

int g_runs = 0;  // deliberately outside the body: not rebuilt per execution
LOCKSTEP_SCENARIO(golden_nondeterminism, nondeterminism,
                  "the body depends on a global that survives from one execution to the next") {
  lockstep::Mutex m("m");
  m.lock();
  m.unlock();
  ++g_runs;
  LOCKSTEP_ASSERT(g_runs % 2 == 1);
}

// Two locks taken in opposite orders, but never by two threads at once: the steered
// executions are switched off, so the cycle stays a potential deadlock (a warning).
LOCKSTEP_SCENARIO(golden_potential_deadlock, potential_deadlock,
                  "locks taken in both orders by threads that never overlap",
                  "steer-executions=0") {
  lockstep::Mutex a("a"), b("b");
  lockstep::Thread first([&] {
    a.lock();
    b.lock();
    b.unlock();
    a.unlock();
  });
  first.join();
  lockstep::Thread second([&] {
    b.lock();
    a.lock();
    a.unlock();
    b.unlock();
  });
  second.join();
}

LOCKSTEP_SCENARIO(golden_step_bound, step_bound, "a thread that yields forever",
                  "max-steps=40") {
  lockstep::Atomic<bool> stop{false, "stop"};
  while (!stop.load()) lockstep::this_thread::yield();
}

struct Case {
  const char* scenario;
  lockstep::FindingKind kind;
};

void PrintTo(const Case& c, std::ostream* out) { *out << c.scenario; }

// One scenario per finding kind.
const Case kCases[] = {
    {"abba_deadlock", lockstep::FindingKind::kDeadlock},
    {"rlock_story_lock", lockstep::FindingKind::kSelfDeadlock},
    {"bounded_queue_consumer_stops", lockstep::FindingKind::kDeadlock},
    {"lost_update", lockstep::FindingKind::kDataRace},
    {"lost_wakeup_if", lockstep::FindingKind::kAssertion},
    {"golden_exception", lockstep::FindingKind::kException},
    {"golden_nondeterminism", lockstep::FindingKind::kNondeterminism},
    {"golden_step_bound", lockstep::FindingKind::kStepBound},
    {"check_then_act", lockstep::FindingKind::kDataRace},
    {"partial_deadlock", lockstep::FindingKind::kDeadlock},
    {"polite_livelock", lockstep::FindingKind::kLivelock},
    {"misuse_rlock_foreign_release", lockstep::FindingKind::kMisuse},
    {"golden_potential_deadlock", lockstep::FindingKind::kPotentialDeadlock},
};

std::string golden_path(const std::string& scenario) {
  return std::string(LOCKSTEP_SOURCE_DIR) + "/tests/golden/" + scenario + ".txt";
}

std::string report_of(const lockstep::ScenarioInfo& scenario) {
  lockstep::Options options;
  options.apply(scenario.options);
  options.seed = 1;
  lockstep::set_reproduce_formatter(
      [](const std::string&, const std::string& token) { return "lockstep replay " + token; });
  const lockstep::Result result = lockstep::explore_exactly(scenario.body, options, scenario.name);
  lockstep::set_reproduce_formatter(nullptr);
  return result.text();
}

class Golden : public ::testing::TestWithParam<Case> {};

TEST_P(Golden, ReportMatchesTheCommittedText) {
  const Case& c = GetParam();
  const lockstep::ScenarioInfo* scenario = lockstep::find_scenario(c.scenario);
  ASSERT_NE(scenario, nullptr) << c.scenario;
  ASSERT_TRUE(scenario->expected.includes(c.kind)) << c.scenario;
  const std::string text = report_of(*scenario);
  // The report shows the kind it stands for (the golden files must not go stale on a
  // scenario that stopped failing).
  EXPECT_NE(text.find("  " + std::string(lockstep::finding_kind_name(c.kind))), std::string::npos)
      << text;
  const std::string path = golden_path(c.scenario);
#if defined(__clang__)
  // The committed reports are the g++ build's (the default preset): clang names
  // functions and places lambdas' source locations differently. The clang presets
  // still check the report's kind above and its determinism below.
  GTEST_SKIP() << "golden reports are compared in the g++ build";
#endif
  if (const char* regenerate = std::getenv("LOCKSTEP_REGENERATE_GOLDEN");
      regenerate != nullptr && std::string(regenerate) == "1") {
    std::ofstream(path) << text;
    GTEST_SKIP() << "regenerated " << path;
  }
  std::ifstream file(path);
  ASSERT_TRUE(file) << "missing " << path
                    << " (regenerate: LOCKSTEP_REGENERATE_GOLDEN=1 lockstep_golden_test)";
  std::stringstream golden;
  golden << file.rdbuf();
  EXPECT_EQ(text, golden.str()) << "the report of " << c.scenario << " changed; if intended, "
                                << "regenerate with LOCKSTEP_REGENERATE_GOLDEN=1 and review the diff";
}

TEST_P(Golden, ReportIsByteIdenticalWhenRunAgain) {
  const lockstep::ScenarioInfo* scenario = lockstep::find_scenario(GetParam().scenario);
  ASSERT_NE(scenario, nullptr);
  g_runs = 0;
  const std::string first = report_of(*scenario);
  g_runs = 0;
  EXPECT_EQ(first, report_of(*scenario));
}

INSTANTIATE_TEST_SUITE_P(Kinds, Golden, ::testing::ValuesIn(kCases),
                         [](const auto& param) { return std::string(param.param.scenario); });

}  // namespace
