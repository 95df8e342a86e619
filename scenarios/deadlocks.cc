// Deadlocks beyond ABBA (issue 3): each story a bug and its fix.
//
//   partial_deadlock           two threads deadlock while a third keeps working: reported
//                              the moment the cycle closes, not when everything stops
//   single_step_inversion      a lock-order inversion whose deadlock window is one step:
//                              random search rarely hits it, the lock-order graph sees the
//                              cycle and steering a schedule into it confirms it
//   bank_transfer              transfer(a, b) and transfer(b, a) lock source then target
//   join_holding_lock          joining a thread while holding the lock it needs
//   queue_full_no_consumer     a producer fills a bounded queue nobody drains
//   semaphore_deadlock         two semaphores taken in opposite orders
//   gate_lock                  opposite orders, but always under one gate lock: no deadlock
//                              (and no potential deadlock either)
//   single_thread_inversion    one thread takes a->b and later b->a: no deadlock
#include <lockstep/lockstep.h>

#include <mutex>

namespace {

// --- partial deadlock ---------------------------------------------------------------

void partial(bool ordered) {
  lockstep::Mutex a("a"), b("b");
  lockstep::Atomic<int> work{0};
  lockstep::Thread worker([&] {
    for (int i = 0; i < 20; ++i) work.fetch_add(1);
  });
  lockstep::Thread t1([&] {
    std::scoped_lock first(a);
    std::scoped_lock second(b);
  });
  lockstep::Thread t2([&] {
    lockstep::Mutex& x = ordered ? a : b;
    lockstep::Mutex& y = ordered ? b : a;
    std::scoped_lock first(x);
    std::scoped_lock second(y);
  });
  worker.join();
  LOCKSTEP_ASSERT(work.load() == 20);
  t1.join();
  t2.join();
}

// --- single-step inversion ----------------------------------------------------------

// t1 takes a then b right away; t2 first does a long stretch of other work, then takes
// b then a. The two only deadlock if t1 sits between its two acquisitions exactly when
// t2 has taken b: a window of one step, which a random walk almost never hits because
// t1 is long done by the time t2 gets there.
void single_step(bool ordered) {
  lockstep::Mutex a("a"), b("b");
  lockstep::Thread t1([&] {
    a.lock();
    b.lock();
    b.unlock();
    a.unlock();
  });
  lockstep::Thread t2([&] {
    for (int i = 0; i < 60; ++i) lockstep::this_thread::yield();
    lockstep::Mutex& x = ordered ? a : b;
    lockstep::Mutex& y = ordered ? b : a;
    x.lock();
    y.lock();
    y.unlock();
    x.unlock();
  });
  t1.join();
  t2.join();
}

// --- bank transfer ------------------------------------------------------------------

struct Account {
  Account(int account_id, const char* name, int initial) : id(account_id), mu(name), balance(initial) {}
  int id;
  lockstep::Mutex mu;
  lockstep::Shared<int> balance;
};

void transfer(Account& from, Account& to, int amount, bool ordered) {
  Account& first = !ordered || from.id < to.id ? from : to;
  Account& second = &first == &from ? to : from;
  std::scoped_lock hold_first(first.mu);
  std::scoped_lock hold_second(second.mu);
  from.balance -= amount;
  to.balance += amount;
}

void bank(bool ordered) {
  Account alice(1, "alice", 100), bob(2, "bob", 100);
  lockstep::Thread t1([&] { transfer(alice, bob, 10, ordered); });
  lockstep::Thread t2([&] { transfer(bob, alice, 20, ordered); });
  t1.join();
  t2.join();
  LOCKSTEP_ASSERT(alice.balance + bob.balance == 200);
}

// --- join while holding a lock ------------------------------------------------------

void join_holding(bool release_first) {
  lockstep::Mutex m("m");
  lockstep::Shared<int> result{0, "result"};
  std::unique_lock hold(m);
  lockstep::Thread child([&] {
    std::scoped_lock g(m);
    result = 1;
  });
  if (release_first) hold.unlock();
  child.join();  // the child needs m: holding it here waits for ever
  if (!release_first) hold.unlock();
  std::scoped_lock g(m);
  LOCKSTEP_ASSERT(result == 1);
}

// --- queue full, no consumer --------------------------------------------------------

void producer_alone(bool with_consumer) {
  lockstep::Queue<int> queue(2, "queue");
  lockstep::Thread producer([&] {
    for (int i = 0; i < 3; ++i) queue.put(i);
  });
  if (with_consumer) {
    lockstep::Thread consumer([&] {
      for (int i = 0; i < 3; ++i) queue.get();
    });
    consumer.join();
  }
  producer.join();
}

// --- semaphores taken in opposite orders --------------------------------------------

void semaphores(bool ordered) {
  lockstep::Semaphore printer(1, "printer"), scanner(1, "scanner");
  lockstep::Thread t1([&] {
    printer.acquire();
    scanner.acquire();
    scanner.release();
    printer.release();
  });
  lockstep::Thread t2([&] {
    lockstep::Semaphore& x = ordered ? printer : scanner;
    lockstep::Semaphore& y = ordered ? scanner : printer;
    x.acquire();
    y.acquire();
    y.release();
    x.release();
  });
  t1.join();
  t2.join();
}

}  // namespace

LOCKSTEP_SCENARIO(partial_deadlock, deadlock,
                  "t1 and t2 deadlock on a and b while a worker thread keeps running") {
  partial(/*ordered=*/false);
}
LOCKSTEP_SCENARIO(partial_deadlock_ordered, pass,
                  "the partial deadlock's fix: both threads take a before b",
                  "executions=3000") {
  partial(/*ordered=*/true);
}

LOCKSTEP_SCENARIO(single_step_inversion, deadlock,
                  "a lock-order inversion with a one-step window: found as a potential "
                  "deadlock and confirmed by steering a schedule into it",
                  "executions=200") {
  single_step(/*ordered=*/false);
}
LOCKSTEP_SCENARIO(single_step_inversion_ordered, pass,
                  "the single-step inversion's fix: both threads take a before b",
                  "executions=3000") {
  single_step(/*ordered=*/true);
}

LOCKSTEP_SCENARIO(bank_transfer, deadlock,
                  "transfer(alice, bob) and transfer(bob, alice) lock source, then target") {
  bank(/*ordered=*/false);
}
LOCKSTEP_SCENARIO(bank_transfer_ordered, pass,
                  "the bank transfer's fix: lock the account with the lower id first",
                  "executions=3000") {
  bank(/*ordered=*/true);
}

LOCKSTEP_SCENARIO(join_holding_lock, deadlock,
                  "main joins a thread while holding the lock that thread needs") {
  join_holding(/*release_first=*/false);
}
LOCKSTEP_SCENARIO(join_holding_lock_released, pass,
                  "the fix: release the lock before joining", "executions=3000") {
  join_holding(/*release_first=*/true);
}

LOCKSTEP_SCENARIO(queue_full_no_consumer, deadlock,
                  "a producer puts 3 items into a queue of 2 that nobody drains") {
  producer_alone(/*with_consumer=*/false);
}
LOCKSTEP_SCENARIO(queue_full_with_consumer, pass,
                  "the fix: a consumer takes every item", "executions=3000") {
  producer_alone(/*with_consumer=*/true);
}

LOCKSTEP_SCENARIO(semaphore_deadlock, deadlock,
                  "two threads take semaphores printer and scanner in opposite orders") {
  semaphores(/*ordered=*/false);
}
LOCKSTEP_SCENARIO(semaphore_ordered, pass,
                  "the fix: both threads take printer before scanner", "executions=3000") {
  semaphores(/*ordered=*/true);
}

LOCKSTEP_SCENARIO(gate_lock, pass,
                  "a and b in opposite orders, but always under the gate lock g: no "
                  "deadlock, and the lock-order cycle is filtered as gated",
                  "executions=3000") {
  lockstep::Mutex g("g"), a("a"), b("b");
  lockstep::Thread t1([&] {
    std::scoped_lock gate(g);
    std::scoped_lock first(a);
    std::scoped_lock second(b);
  });
  lockstep::Thread t2([&] {
    std::scoped_lock gate(g);
    std::scoped_lock first(b);
    std::scoped_lock second(a);
  });
  t1.join();
  t2.join();
}

LOCKSTEP_SCENARIO(single_thread_inversion, pass,
                  "one thread takes a then b, later b then a; another takes only a: no "
                  "deadlock, and the single-thread cycle is filtered",
                  "executions=3000") {
  lockstep::Mutex a("a"), b("b");
  lockstep::Thread t1([&] {
    {
      std::scoped_lock first(a);
      std::scoped_lock second(b);
    }
    std::scoped_lock first(b);
    std::scoped_lock second(a);
  });
  lockstep::Thread t2([&] { std::scoped_lock only(a); });
  t1.join();
  t2.join();
}
