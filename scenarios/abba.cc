// ABBA: two threads take the same two locks in opposite orders. If each takes its
// first lock before the other takes its second, both wait forever. The fix is a
// global lock order: every thread takes `a` before `b`.
#include <lockstep/lockstep.h>

#include <mutex>

LOCKSTEP_SCENARIO(abba_deadlock, deadlock,
                  "two threads take locks a and b in opposite orders (ABBA)") {
  lockstep::Mutex a("a"), b("b");
  lockstep::Thread t1([&] {
    std::scoped_lock first(a);
    std::scoped_lock second(b);
  });
  lockstep::Thread t2([&] {
    std::scoped_lock first(b);
    std::scoped_lock second(a);
  });
  t1.join();
  t2.join();
}

LOCKSTEP_SCENARIO(abba_ordered, pass, "the ABBA fix: both threads take a before b") {
  lockstep::Mutex a("a"), b("b");
  lockstep::Thread t1([&] {
    std::scoped_lock first(a);
    std::scoped_lock second(b);
  });
  lockstep::Thread t2([&] {
    std::scoped_lock first(a);
    std::scoped_lock second(b);
  });
  t1.join();
  t2.join();
}
