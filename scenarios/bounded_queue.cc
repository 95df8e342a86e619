// A bounded queue between a producer of five items and a consumer. When the consumer
// stops early (after three items), the producer blocks forever on the full queue: a
// deadlock of the producer with the main thread joining it. The fix has the consumer
// drain every item the producer sends (here: until a sentinel).
#include <lockstep/lockstep.h>

namespace {

constexpr int kItems = 5;
constexpr int kSentinel = -1;

void pipeline(bool drain) {
  lockstep::Queue<int> queue(2, "queue");
  lockstep::Shared<int> consumed{0, "consumed"};
  lockstep::Thread producer([&] {
    for (int i = 0; i < kItems; ++i) queue.put(i);
    queue.put(kSentinel);
  });
  lockstep::Thread consumer([&] {
    if (drain) {
      while (queue.get() != kSentinel) consumed += 1;
    } else {
      for (int i = 0; i < 3; ++i) {
        queue.get();
        consumed += 1;
      }
    }
  });
  producer.join();
  consumer.join();
  LOCKSTEP_ASSERT(!drain || consumed == kItems);
}

}  // namespace

LOCKSTEP_SCENARIO(bounded_queue_consumer_stops, deadlock,
                  "the consumer stops after 3 of 5 items; the producer blocks on the full queue") {
  pipeline(/*drain=*/false);
}

LOCKSTEP_SCENARIO(bounded_queue_drained, pass, "the fix: the consumer drains until a sentinel") {
  pipeline(/*drain=*/true);
}
