// lockstep/gtest.h — GoogleTest integration (target lockstep::gtest).
//
//   LOCKSTEP_TEST(Bank, TransfersKeepTheTotal) { ...scenario body... }
//   LOCKSTEP_TEST_F(QueueTest, DrainsEverything) { ...uses the fixture's members... }
//   LOCKSTEP_TEST_WITH(Bank, Longer, "executions=5000") { ... }
//
// Each is a GoogleTest test that explores the body's schedules; a finding fails the
// test with the report (findings, interleaving, the line that reproduces it) as the
// failure message. EXPECT_*/ASSERT_* inside the body are findings too: they fail
// the execution they happen in (ASSERT_* ends it), with its schedule.
// LOCKSTEP_TEST_F builds a fresh fixture (constructor, SetUp, body, TearDown) for
// every execution, so state is never carried from one execution to the next.
// Options: the test's own, then LOCKSTEP_OPTIONS, then LOCKSTEP_REPLAY.
//
// Sharding: a binary that uses these macros takes GoogleTest's sharding environment
// (GTEST_SHARD_INDEX=i, GTEST_TOTAL_SHARDS=n, as set by CI runners and distributed test
// executors) over before main and removes it, so GoogleTest runs every test in every
// shard; each exploration then runs only its shard i/n of the execution indices
// (option shard; a shard other than 0/1 in the test's options, or one in
// LOCKSTEP_OPTIONS, wins). The
// shards together explore exactly what one unsharded run would. Plain TESTs in the
// same binary run in every shard.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <optional>
#include <string>

#include "lockstep/explore.h"
#include "lockstep/lockstep.h"

namespace lockstep::testing {

// Explores `body` under `options` (+ environment) as the current GoogleTest test and
// fails the test with the report when something is found. Returns the result.
Result run_as_test(std::function<void()> body, const Options& options = {});
// Same, with options given as "key=value ..." text (a bad text fails the test).
Result run_as_test(std::function<void()> body, const char* options_text);

// The shard taken from GTEST_SHARD_INDEX / GTEST_TOTAL_SHARDS, if they were set.
std::optional<Shard> gtest_shard();

// "Suite.Name" of the running GoogleTest test, or "" outside one.
std::string current_test_name();

// GoogleTest failures inside an exploration become findings while one of these is
// alive (run_as_test installs one; install your own around lockstep::explore calls
// in a TEST if you use EXPECT_* inside the body).
class ScopedFailureCapture {
 public:
  ScopedFailureCapture();
  ~ScopedFailureCapture();
  ScopedFailureCapture(const ScopedFailureCapture&) = delete;
  ScopedFailureCapture& operator=(const ScopedFailureCapture&) = delete;

 private:
  struct Impl;
  Impl* impl_;
};

}  // namespace lockstep::testing

#define LOCKSTEP_INTERNAL_BODY_(suite, name) LockstepBody_##suite##_##name##_

#define LOCKSTEP_TEST_WITH(suite, name, options_text)                          \
  static void LOCKSTEP_INTERNAL_BODY_(suite, name)();                          \
  TEST(suite, name) {                                                          \
    ::lockstep::testing::run_as_test(&LOCKSTEP_INTERNAL_BODY_(suite, name),    \
                                     options_text);                            \
  }                                                                            \
  static void LOCKSTEP_INTERNAL_BODY_(suite, name)()

#define LOCKSTEP_TEST(suite, name) LOCKSTEP_TEST_WITH(suite, name, "")

#define LOCKSTEP_TEST_F(fixture, name)                                         \
  class LockstepFixture_##fixture##_##name##_ : public fixture {               \
   public:                                                                     \
    void LockstepRun() {                                                       \
      this->SetUp();                                                           \
      if (!::testing::Test::HasFatalFailure()) LockstepBody();                 \
      this->TearDown();                                                        \
    }                                                                          \
    void LockstepBody();                                                       \
                                                                               \
   private:                                                                    \
    void TestBody() override {}                                                \
  };                                                                           \
  TEST_F(fixture, name) {                                                      \
    ::lockstep::testing::run_as_test(                                          \
        [] {                                                                   \
          LockstepFixture_##fixture##_##name##_ instance;                      \
          instance.LockstepRun();                                              \
        },                                                                     \
        "");                                                                   \
  }                                                                            \
  void LockstepFixture_##fixture##_##name##_::LockstepBody()
