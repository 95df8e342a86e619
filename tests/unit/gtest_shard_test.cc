// Run by CTest with GTEST_SHARD_INDEX=1 GTEST_TOTAL_SHARDS=3 (tests/CMakeLists.txt):
// lockstep takes GoogleTest's sharding over, so this test runs in every shard and its
// exploration runs only shard 1/3 of the execution indices.
#include <lockstep/gtest.h>

#include <cstdlib>

TEST(GtestShard, TheEnvironmentBecomesTheExplorationsShard) {
  ASSERT_EQ(lockstep::testing::gtest_shard(), (lockstep::Shard{1, 3}))
      << "run this binary with GTEST_SHARD_INDEX=1 GTEST_TOTAL_SHARDS=3";
  // Removed before GoogleTest read it: GoogleTest itself does not shard the tests.
  EXPECT_EQ(std::getenv("GTEST_TOTAL_SHARDS"), nullptr);
  EXPECT_EQ(std::getenv("GTEST_SHARD_INDEX"), nullptr);

  // Indices 1, 4, ..., 28 of 30.
  const lockstep::Result sharded = lockstep::testing::run_as_test(
      [] {
        lockstep::Mutex m;
        lockstep::Thread t([&] { m.lock(); m.unlock(); });
        t.join();
      },
      "executions=30 progress=off");
  EXPECT_EQ(sharded.report().stats.executions, 10u) << sharded;

  // A shard in the test's own options wins over the environment: indices 0, 2, ..., 28.
  const lockstep::Result own = lockstep::testing::run_as_test([] {}, "executions=30 shard=0/2");
  EXPECT_EQ(own.report().stats.executions, 15u) << own;
}
