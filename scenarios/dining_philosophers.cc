// Five dining philosophers: philosopher i takes fork i, then fork i+1 (mod 5). When
// all five hold their left fork, nobody can take a right one: a five-thread cycle.
// The fix breaks the symmetry: everyone takes the lower-numbered fork first, so the
// last philosopher reaches for fork 0 before fork 4 and no cycle can close.
#include <lockstep/lockstep.h>

#include <array>
#include <mutex>
#include <vector>

namespace {

constexpr int kPhilosophers = 5;

void dine(bool ordered) {
  std::array<lockstep::Mutex, kPhilosophers> forks;
  // One meal counter per philosopher: a shared one would be raced on (philosophers
  // hold different forks), as lockstep's race checker pointed out in an earlier version.
  std::array<lockstep::Shared<int>, kPhilosophers> meals;
  std::vector<lockstep::Thread> philosophers;
  for (int i = 0; i < kPhilosophers; ++i) {
    philosophers.emplace_back([&, i] {
      int first = i;
      int second = (i + 1) % kPhilosophers;
      if (ordered && first > second) std::swap(first, second);
      std::scoped_lock left(forks[static_cast<std::size_t>(first)]);
      std::scoped_lock right(forks[static_cast<std::size_t>(second)]);
      meals[static_cast<std::size_t>(i)] += 1;
    });
  }
  for (lockstep::Thread& philosopher : philosophers) philosopher.join();
  for (lockstep::Shared<int>& eaten : meals) LOCKSTEP_ASSERT(eaten == 1);
}

}  // namespace

LOCKSTEP_SCENARIO(dining_philosophers, deadlock,
                  "five philosophers each take the left fork, then the right", "executions=5000") {
  dine(/*ordered=*/false);
}

LOCKSTEP_SCENARIO(dining_philosophers_ordered, pass,
                  "the fix: every philosopher takes the lower-numbered fork first") {
  dine(/*ordered=*/true);
}
