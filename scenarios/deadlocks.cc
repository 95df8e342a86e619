// Deadlocks and their fixes, beyond ABBA and the philosophers: a partial deadlock
// (two threads stuck while a third works on), bank transfers in opposite directions,
// a join under a lock the joined thread needs, a full queue nobody drains, and a
// semaphore handshake in the wrong order.
#include <lockstep/lockstep.h>

#include <array>
#include <mutex>

namespace {

// t1 and t2 take a and b in opposite orders (or the same order, fixed); t3 works on
// its own lock meanwhile and finishes. The cycle is reported as soon as it closes,
// while t3 can still run.
void two_stuck_one_working(bool ordered) {
  lockstep::Mutex a("a"), b("b"), own("own");
  lockstep::Shared<int> work{0, "work"};
  lockstep::Thread worker([&] {
    for (int i = 0; i < 20; ++i) {
      std::scoped_lock guard(own);
      work += 1;
    }
  });
  lockstep::Thread t1([&] {
    std::scoped_lock first(a);
    std::scoped_lock second(b);
  });
  lockstep::Thread t2([&] {
    std::scoped_lock first(ordered ? a : b);
    std::scoped_lock second(ordered ? b : a);
  });
  t1.join();
  t2.join();
  worker.join();
}

}  // namespace

LOCKSTEP_SCENARIO(partial_deadlock, deadlock,
                  "two threads deadlock on a and b while a third keeps working") {
  two_stuck_one_working(/*ordered=*/false);
}

LOCKSTEP_SCENARIO(partial_deadlock_ordered, pass, "the fix: a and b in one order",
                  "executions=2000") {
  two_stuck_one_working(/*ordered=*/true);
}

namespace {

struct Account {
  explicit Account(int id_) : id(id_) {}
  int id;
  lockstep::Mutex lock{"account"};
  lockstep::Shared<int> balance{100, "balance"};
};

// transfer(from, to) locks the source, then the destination: two opposite transfers
// can each hold one account. The fix locks the lower id first.
void transfer(Account& from, Account& to, int amount, bool by_id) {
  Account& first = by_id && to.id < from.id ? to : from;
  Account& second = &first == &from ? to : from;
  std::scoped_lock lock_first(first.lock);
  std::scoped_lock lock_second(second.lock);
  from.balance -= amount;
  to.balance += amount;
}

void opposite_transfers(bool by_id) {
  Account alice(1), bob(2);
  lockstep::Thread t1([&] { transfer(alice, bob, 10, by_id); });
  lockstep::Thread t2([&] { transfer(bob, alice, 20, by_id); });
  t1.join();
  t2.join();
  LOCKSTEP_ASSERT(alice.balance + bob.balance == 200);
}

}  // namespace

LOCKSTEP_SCENARIO(bank_transfer, deadlock,
                  "transfer(a, b) and transfer(b, a) lock source, then destination") {
  opposite_transfers(/*by_id=*/false);
}

LOCKSTEP_SCENARIO(bank_transfer_by_id, pass, "the fix: lock the lower account id first",
                  "executions=2000") {
  opposite_transfers(/*by_id=*/true);
}

namespace {

// The main thread joins a worker while holding the lock the worker needs to finish.
void join_under_lock(bool release_first) {
  lockstep::Mutex m("m");
  lockstep::Shared<int> result{0, "result"};
  std::unique_lock guard(m);
  lockstep::Thread worker([&] {
    std::scoped_lock lock(m);
    result = 1;
  });
  if (release_first) guard.unlock();
  worker.join();
  if (guard.owns_lock()) guard.unlock();
  std::scoped_lock lock(m);
  LOCKSTEP_ASSERT(result == 1);
}

}  // namespace

LOCKSTEP_SCENARIO(join_while_holding_lock, deadlock,
                  "join a thread while holding the lock it needs") {
  join_under_lock(/*release_first=*/false);
}

LOCKSTEP_SCENARIO(join_after_unlock, pass, "the fix: release the lock before joining",
                  "executions=500") {
  join_under_lock(/*release_first=*/true);
}

namespace {

// A producer fills a bounded queue; the consumer stops after two items (bug) or drains
// all of them (fix).
void producer_consumer(int consumed) {
  lockstep::Queue<int> queue(2, "queue");
  lockstep::Thread producer([&] {
    for (int i = 0; i < 5; ++i) queue.put(i);
  });
  lockstep::Thread consumer([&] {
    for (int i = 0; i < consumed; ++i) queue.get();
  });
  producer.join();
  consumer.join();
}

}  // namespace

LOCKSTEP_SCENARIO(queue_full_no_consumer, deadlock,
                  "a producer blocks on a full queue after its consumer stopped") {
  producer_consumer(/*consumed=*/2);
}

LOCKSTEP_SCENARIO(queue_drained, pass, "the fix: the consumer takes every item",
                  "executions=1000") {
  producer_consumer(/*consumed=*/5);
}

namespace {

// A two-semaphore handshake: each side waits for the other's signal before giving its
// own (bug), or signals first (fix).
void handshake(bool signal_first) {
  lockstep::Semaphore ping(0, "ping"), pong(0, "pong");
  lockstep::Thread left([&] {
    if (signal_first) ping.release();
    pong.acquire();
    if (!signal_first) ping.release();
  });
  lockstep::Thread right([&] {
    if (signal_first) pong.release();
    ping.acquire();
    if (!signal_first) pong.release();
  });
  left.join();
  right.join();
}

}  // namespace

LOCKSTEP_SCENARIO(semaphore_deadlock, deadlock,
                  "each side acquires the other's semaphore before releasing its own") {
  handshake(/*signal_first=*/false);
}

LOCKSTEP_SCENARIO(semaphore_handshake, pass, "the fix: release your own, then acquire",
                  "executions=1000") {
  handshake(/*signal_first=*/true);
}
