// rapidcheck generates what two producers put and the schedule they run under (as a
// list of choices, so rapidcheck shrinks both); lockstep runs that schedule. The fixed
// queue keeps every item; the seeded bug (bounded_queue.h) is found, and its failure
// prints RC_PARAMS="reproduce=..." and the LOCKSTEP_REPLAY token.
#include <gtest/gtest.h>
#include <lockstep/gtest.h>
#include <lockstep/rapidcheck.h>

#include <algorithm>
#include <vector>

#include "bounded_queue.h"

namespace {

// Two producers put their generated items; two consumers take half of them each.
template <bool Checked>
void items_are_kept() {
  const auto items = *lockstep::rc::thread_operations(2, rc::gen::inRange(0, 100));
  const std::vector<std::uint32_t> schedule = *lockstep::rc::schedule();
  lockstep::rc::explore_schedule(
      [&items] {
        BoundedQueue<Checked> queue;
        const std::size_t total = items[0].size() + items[1].size();
        std::vector<int> taken[2];
        auto produce = [&](const std::vector<int>& mine) {
          for (int item : mine) queue.put(item);
        };
        auto consume = [&](std::vector<int>& out, std::size_t count) {
          for (std::size_t i = 0; i < count; ++i) out.push_back(queue.take());
        };
        lockstep::Thread p0([&] { produce(items[0]); });
        lockstep::Thread p1([&] { produce(items[1]); });
        lockstep::Thread c0([&] { consume(taken[0], total / 2); });
        consume(taken[1], total - total / 2);
        p0.join();
        p1.join();
        c0.join();
        std::vector<int> put = items[0];
        put.insert(put.end(), items[1].begin(), items[1].end());
        std::vector<int> got = taken[0];
        got.insert(got.end(), taken[1].begin(), taken[1].end());
        std::sort(put.begin(), put.end());
        std::sort(got.begin(), got.end());
        LOCKSTEP_ASSERT(put == got);
      },
      schedule, {}, "BoundedQueue.items_are_kept");
}

TEST(BoundedQueue, KeepsEveryItemUnderGeneratedSchedules) {
  EXPECT_TRUE(rc::check("the fixed queue keeps every item", &items_are_kept<true>));
}

// The bug variant must fail: this asserts that the property finds it.
TEST(BoundedQueue, SeededBugIsFound) {
  EXPECT_FALSE(rc::check("the queue with the seeded bug loses items", &items_are_kept<false>));
}

}  // namespace
