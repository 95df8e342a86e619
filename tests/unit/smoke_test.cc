#include <lockstep/gtest.h>
#include <lockstep/lockstep.h>

#include <mutex>

TEST(Smoke, CounterUnderMutexPasses) {
  lockstep::Options options;
  options.executions = 200;
  auto result = lockstep::explore([] {
    lockstep::Mutex m;
    lockstep::Shared<int> x{0};
    lockstep::Thread t([&] {
      std::scoped_lock g(m);
      x += 1;
    });
    {
      std::scoped_lock g(m);
      x += 1;
    }
    t.join();
    LOCKSTEP_ASSERT(x == 2);
  }, options, "Smoke.Counter");
  EXPECT_TRUE(result) << result;
}

TEST(Smoke, AbbaDeadlockIsFound) {
  auto result = lockstep::explore([] {
    lockstep::Mutex a("a"), b("b");
    lockstep::Thread t([&] {
      std::scoped_lock g(a);
      std::scoped_lock h(b);
    });
    {
      std::lock_guard g(b);
      std::lock_guard h(a);
    }
    t.join();
  }, {}, "Smoke.Abba");
  EXPECT_TRUE(result.found(lockstep::FindingKind::kDeadlock)) << result;
  std::cout << result;
}

TEST(Smoke, LostUpdateWithSharedPoints) {
  lockstep::Options options;
  options.shared_points = "all";
  auto result = lockstep::explore([] {
    lockstep::Shared<int> x{0, "x"};
    lockstep::Thread t([&] { x += 1; });
    x += 1;
    t.join();
    LOCKSTEP_ASSERT(x == 2);
  }, options, "Smoke.LostUpdate");
  EXPECT_TRUE(result.found(lockstep::FindingKind::kAssertion)) << result;
  std::cout << result;
}
