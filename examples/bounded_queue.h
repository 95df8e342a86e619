// A user's bounded blocking queue, with a seeded bug: `Checked = false` waits with `if`
// instead of `while`, so a consumer woken by notify_all takes from a queue another
// consumer already emptied.
#pragma once

#include <lockstep/lockstep.h>

#include <array>
#include <mutex>

template <bool Checked>
class BoundedQueue {
 public:
  static constexpr int kCapacity = 2;

  void put(int value) {
    std::unique_lock lock(mu_);
    if constexpr (Checked) {
      while (count_ == kCapacity) not_full_.wait(lock);
    } else {
      if (count_ == kCapacity) not_full_.wait(lock);
    }
    slots_[slot(head_ + count_)] = value;
    count_ = count_ + 1;
    not_empty_.notify_all();
  }

  int take() {
    std::unique_lock lock(mu_);
    if constexpr (Checked) {
      while (count_ == 0) not_empty_.wait(lock);
    } else {
      if (count_ == 0) not_empty_.wait(lock);
    }
    const int value = slots_[slot(head_)];
    head_ = (head_ + 1) % kCapacity;
    count_ = count_ - 1;
    not_full_.notify_all();
    return value;
  }

 private:
  // In range even when the bug has driven count_ below zero.
  static std::size_t slot(int position) {
    return static_cast<std::size_t>(((position % kCapacity) + kCapacity) % kCapacity);
  }

  lockstep::Mutex mu_;
  lockstep::ConditionVariableAny not_full_;
  lockstep::ConditionVariableAny not_empty_;
  std::array<lockstep::Shared<int>, kCapacity> slots_{};
  lockstep::Shared<int> head_{0};
  lockstep::Shared<int> count_{0};
};
