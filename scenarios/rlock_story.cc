// The RLock story: a class whose public methods f, g and h each take the object's lock
// and call each other (f calls g, g calls h). With a non-reentrant threading.Lock the
// first nested call waits for a lock its own thread holds: a self-deadlock. With an
// RLock, reentrant acquisition by the owner just counts up, and the class is correct.
#include <lockstep/lockstep.h>

#include <mutex>

namespace {

template <typename LockType>
class Ledger {
 public:
  void f() {
    std::scoped_lock guard(lock_);
    entries_ += 1;
    g();
  }
  void g() {
    std::scoped_lock guard(lock_);
    entries_ += 1;
    h();
  }
  void h() {
    std::scoped_lock guard(lock_);
    entries_ += 1;
  }
  int entries() {
    std::scoped_lock guard(lock_);
    return entries_;
  }

 private:
  LockType lock_{"ledger"};
  lockstep::Shared<int> entries_{0, "entries"};
};

template <typename LockType>
void use_ledger() {
  Ledger<LockType> ledger;
  lockstep::Thread worker([&] { ledger.f(); });
  ledger.h();
  worker.join();
  LOCKSTEP_ASSERT(ledger.entries() == 4);
}

}  // namespace

LOCKSTEP_SCENARIO(rlock_story_lock, self_deadlock,
                  "methods f, g, h take a threading.Lock and call each other") {
  use_ledger<lockstep::Lock>();
}

LOCKSTEP_SCENARIO(rlock_story_rlock, pass, "the same methods with an RLock: reentrant, correct") {
  use_ledger<lockstep::RLock>();
}
