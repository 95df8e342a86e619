// The same account as scenarios of the user's own binary: linked with lockstep::main,
// `bank_scenarios run --all` explores both and exits 0 when each meets its
// expectation (`list` and `replay TOKEN` work too).
#include <lockstep/scenario.h>

#include "bank.h"

LOCKSTEP_SCENARIO(naive_transfers, deadlock, "opposite transfers lock `from` first (ABBA)") {
  Account a(100), b(100);
  lockstep::Thread t1([&] { transfer_naive(a, b, 10); });
  transfer_naive(b, a, 20);
  t1.join();
}

LOCKSTEP_SCENARIO(ordered_transfers, pass, "opposite transfers lock in address order") {
  Account a(100), b(100);
  lockstep::Thread t1([&] { transfer_ordered(a, b, 10); });
  transfer_ordered(b, a, 20);
  t1.join();
  LOCKSTEP_ASSERT(a.balance() + b.balance() == 200);
}
