#include <lockstep/gtest.h>
#include <lockstep/rapidcheck.h>

#include "bank.h"

// Passes: deposits from two threads under the account's lock never get lost, and
// ordered transfers never deadlock.
LOCKSTEP_TEST(Bank, OrderedTransfersKeepTheTotal) {
  Account a(100), b(100);
  lockstep::Thread t1([&] { transfer_ordered(a, b, 10); });
  lockstep::Thread t2([&] { transfer_ordered(b, a, 20); });
  a.deposit(5);
  t1.join();
  t2.join();
  LOCKSTEP_ASSERT(a.balance() + b.balance() == 205);
}

// lockstep finds the ABBA deadlock of naive transfers.
TEST(Bank, NaiveTransfersDeadlock) {
  lockstep::Result result = lockstep::explore(
      [] {
        Account a(100), b(100);
        lockstep::Thread t1([&] { transfer_naive(a, b, 10); });
        lockstep::Thread t2([&] { transfer_naive(b, a, 20); });
        t1.join();
        t2.join();
      },
      {}, "Bank.NaiveTransfersDeadlock");
  EXPECT_TRUE(result.found(lockstep::FindingKind::kDeadlock)) << result;
}

// A rapidcheck property over the amounts, each case explored under lockstep.
TEST(Bank, ConcurrentDepositsAddUpForAnyAmounts) {
  lockstep::Options options;
  options.executions = 20;
  EXPECT_TRUE(rc::check("two concurrent deposits add up", [&options] {
    const int x = *rc::gen::inRange(0, 1000);
    const int y = *rc::gen::inRange(0, 1000);
    lockstep::rc::explore_property(
        [x, y] {
          Account account(0);
          lockstep::Thread t([&] { account.deposit(x); });
          account.deposit(y);
          t.join();
          LOCKSTEP_ASSERT(account.balance() == x + y);
        },
        options, "Bank.ConcurrentDepositsAddUpForAnyAmounts");
  }));
}
