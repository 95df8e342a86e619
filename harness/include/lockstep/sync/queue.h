// lockstep/sync/queue.h — Python's queue.Queue: a FIFO, bounded when maxsize > 0.
//
//   Queue<int> q(2);          // at most two items (0: unbounded)
//   q.put(1);                 // blocks while full
//   int x = q.get();          // blocks while empty
//   q.put(3, false);          // non-blocking: throws lockstep::QueueFull when full
//   q.get(true, 0.5);         // timeout: throws lockstep::QueueEmpty when it expires
//
//   operation                       | queue can take / give an item | it cannot
//   put(item), get()                | done                          | blocks until a get / a put
//   put(item, true, t), get(true, t)| done                          | waits; QueueFull / QueueEmpty
//                                   |                               | when the timeout expires
//   put_nowait, put(item, false)    | done                          | throws QueueFull
//   get_nowait, get(false)          | done                          | throws QueueEmpty
//   qsize(), empty(), full()        | the current state (not scheduling points)
//
// A timeout other than -1 (none) or >= 0 on a blocking call throws
// std::invalid_argument (Python's ValueError).
// Inside an exploration put and get are scheduling points; a blocked put waits for a
// get and vice versa (a producer left with a full queue and no consumer is a deadlock,
// "full, 1 item"); whether a timed put/get times out is a strategy choice in logical
// time. put happens-before the get that takes its item. Events put/get carry the
// item for integral T; a put/get that gives up emits its event with result timeout
// (timed) or failed (non-blocking) before it throws. Outside an exploration it is a real blocking queue with real
// timeouts (seconds). Cost inside: one scheduling point per put/get.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <stdexcept>
#include <string>
#include <type_traits>

#include "lockstep/internal/runtime.h"
#include "lockstep/source_location.h"

namespace lockstep {

class QueueFull : public std::runtime_error {
 public:
  QueueFull() : std::runtime_error("queue.Full: the queue is full") {}
};
class QueueEmpty : public std::runtime_error {
 public:
  QueueEmpty() : std::runtime_error("queue.Empty: the queue is empty") {}
};

template <typename T>
class Queue : private internal::ModelObject {
 public:
  explicit Queue(std::size_t maxsize = 0, const char* name = nullptr,
                 SourceLocation declared = SourceLocation::current())
      : ModelObject(ObjectKind::kQueue, name, declared), maxsize_(maxsize) {}

  void put(T item, bool block = true, double timeout = -1,
           SourceLocation location = SourceLocation::current()) {
    check_timeout(block, timeout);
    internal::Execution* ex = internal::current_execution();
    if (ex == nullptr) {
      real_put(std::move(item), block, timeout);
      return;
    }
    const bool can = internal::wait_point(*ex, this, OpKind::kPut, block, timeout >= 0, location);
    if (internal::tearing_down(*ex)) return;
    OpEvent event = event_of(OpKind::kPut, item, location);
    if (!can) {
      event.result = block ? OpResult::kTimeout : OpResult::kFailed;
      internal::emit(*ex, event, this);
      throw QueueFull();
    }
    {
      const internal::ModelAccess access;
      items_.push_back(std::move(item));
    }
    internal::announce_release(this);
    internal::emit(*ex, event, this);
  }

  T get(bool block = true, double timeout = -1,
        SourceLocation location = SourceLocation::current()) {
    check_timeout(block, timeout);
    internal::Execution* ex = internal::current_execution();
    if (ex == nullptr) return real_get(block, timeout);
    const bool can = internal::wait_point(*ex, this, OpKind::kGet, block, timeout >= 0, location);
    if (internal::tearing_down(*ex)) {
      // Already unwinding (a destructor's get): throwing again would terminate.
      if constexpr (std::is_default_constructible_v<T>) return T{};
      throw QueueEmpty();
    }
    if (!can) {
      OpEvent event;
      event.op = OpKind::kGet;
      event.result = block ? OpResult::kTimeout : OpResult::kFailed;
      event.location = location;
      internal::emit(*ex, event, this);
      throw QueueEmpty();
    }
    internal::announce_acquire(this);
    T item = [&] {
      const internal::ModelAccess access;
      T front = std::move(items_.front());
      items_.pop_front();
      return front;
    }();
    OpEvent event = event_of(OpKind::kGet, item, location);
    internal::emit(*ex, event, this);
    return item;
  }

  void put_nowait(T item, SourceLocation location = SourceLocation::current()) {
    put(std::move(item), false, -1, location);
  }
  T get_nowait(SourceLocation location = SourceLocation::current()) {
    return get(false, -1, location);
  }

  std::size_t qsize() const {
    if (internal::current_execution() != nullptr) return items_.size();
    std::lock_guard lock(mutex_);
    return items_.size();
  }
  bool empty() const { return qsize() == 0; }
  bool full() const { return maxsize_ != 0 && qsize() >= maxsize_; }
  std::size_t maxsize() const { return maxsize_; }

 private:
  bool ready(std::uint32_t, OpKind op) const override {
    return op == OpKind::kPut ? maxsize_ == 0 || items_.size() < maxsize_ : !items_.empty();
  }
  std::string state_text() const override {
    if (items_.empty()) return "empty";
    return (maxsize_ != 0 && items_.size() >= maxsize_ ? "full, " : "") +
           std::to_string(items_.size()) + " item" + (items_.size() == 1 ? "" : "s");
  }
  void reset_model() override {
    const internal::ModelAccess access;
    items_.clear();
  }

  // Python's check (ValueError there): a blocking call's timeout is -1 (none) or >= 0.
  // A non-blocking call ignores its timeout, as in Python.
  static void check_timeout(bool block, double timeout) {
    if (block && timeout < 0 && timeout != -1) {
      throw std::invalid_argument("'timeout' must be a non-negative number (or -1: none)");
    }
  }

  static OpEvent event_of(OpKind op, const T& item, const SourceLocation& location) {
    OpEvent event;
    event.op = op;
    event.location = location;
    if constexpr (std::is_integral_v<T>) {
      event.has_value = true;
      event.value = static_cast<std::int64_t>(item);
    }
    return event;
  }

  template <typename Ready>
  bool real_wait(std::unique_lock<std::mutex>& lock, std::condition_variable& cv, bool block,
                 double timeout, Ready ready) {
    if (ready()) return true;
    if (!block) return false;
    if (timeout < 0) {
      cv.wait(lock, ready);
      return true;
    }
    return cv.wait_for(lock, std::chrono::duration<double>(timeout), ready);
  }
  void real_put(T item, bool block, double timeout) {
    std::unique_lock lock(mutex_);
    if (!real_wait(lock, not_full_, block, timeout,
                   [&] { return maxsize_ == 0 || items_.size() < maxsize_; })) {
      throw QueueFull();
    }
    items_.push_back(std::move(item));
    not_empty_.notify_one();
  }
  T real_get(bool block, double timeout) {
    std::unique_lock lock(mutex_);
    if (!real_wait(lock, not_empty_, block, timeout, [&] { return !items_.empty(); })) {
      throw QueueEmpty();
    }
    T item = std::move(items_.front());
    items_.pop_front();
    not_full_.notify_one();
    return item;
  }

  std::size_t maxsize_;
  std::deque<T> items_;
  mutable std::mutex mutex_;
  std::condition_variable not_full_;
  std::condition_variable not_empty_;
};

}  // namespace lockstep
