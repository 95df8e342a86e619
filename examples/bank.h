// The user's own class under test: an account whose balance is guarded by a mutex.
#pragma once

#include <lockstep/lockstep.h>

#include <mutex>

class Account {
 public:
  explicit Account(int balance) : balance_(balance, "balance") {}

  void deposit(int amount) {
    std::scoped_lock guard(mutex_);
    balance_ += amount;
  }
  int balance() {
    std::scoped_lock guard(mutex_);
    return balance_;
  }

  // Moves money while holding both accounts' locks, always locked in a fixed order
  // (by address) so two opposite transfers cannot deadlock.
  friend void transfer_ordered(Account& from, Account& to, int amount) {
    Account* first = &from < &to ? &from : &to;
    Account* second = &from < &to ? &to : &from;
    std::scoped_lock a(first->mutex_);
    std::scoped_lock b(second->mutex_);
    from.balance_ -= amount;
    to.balance_ += amount;
  }

  // The same, locking `from` first: two opposite transfers can deadlock (ABBA).
  friend void transfer_naive(Account& from, Account& to, int amount) {
    std::scoped_lock a(from.mutex_);
    std::scoped_lock b(to.mutex_);
    from.balance_ -= amount;
    to.balance_ += amount;
  }

 private:
  lockstep::Mutex mutex_{"account"};
  lockstep::Shared<int> balance_;
};
