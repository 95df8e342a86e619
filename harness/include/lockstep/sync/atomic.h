// lockstep/sync/atomic.h — std::atomic<T> whose every operation lockstep sees.
//
// The std::atomic API (load, store, exchange, compare_exchange_weak/strong,
// fetch_add/sub/and/or/xor for integral T, and the operators) with memory-order
// arguments. Inside an exploration every operation is a scheduling point and its
// memory order is recorded in the event (the race checker of a later issue derives
// happens-before from it: a relaxed flag guarding plain data is a race). Execution is
// sequentially consistent. The value always lives in a real std::atomic<T>, operated
// on with the order given, so ThreadSanitizer sees exactly the declared semantics.
// atomic_thread_fence(order) is a fence event. Cost inside: one scheduling point per
// operation.
#pragma once

#include <atomic>
#include <cstdint>
#include <type_traits>

#include "lockstep/internal/runtime.h"
#include "lockstep/source_location.h"

namespace lockstep {

namespace internal {
constexpr MemoryOrder to_order(std::memory_order order) {
  switch (order) {
    case std::memory_order_relaxed: return MemoryOrder::kRelaxed;
    case std::memory_order_consume: return MemoryOrder::kConsume;
    case std::memory_order_acquire: return MemoryOrder::kAcquire;
    case std::memory_order_release: return MemoryOrder::kRelease;
    case std::memory_order_acq_rel: return MemoryOrder::kAcqRel;
    case std::memory_order_seq_cst: return MemoryOrder::kSeqCst;
  }
  return MemoryOrder::kSeqCst;
}
// A scheduling point before an atomic operation; false while tearing down.
bool atomic_point(ModelObject* object, OpKind op, const SourceLocation& location);
void atomic_event(ModelObject* object, OpKind op, std::memory_order order, bool has_value,
                  std::int64_t value, const SourceLocation& location);
}  // namespace internal

template <typename T>
class Atomic : private internal::ModelObject {
  static_assert(std::is_trivially_copyable_v<T>, "Atomic<T> needs a trivially copyable T");

 public:
  Atomic(T value = T{}, const char* name = nullptr,  // NOLINT(google-explicit-constructor)
         SourceLocation declared = SourceLocation::current())
      : ModelObject(ObjectKind::kAtomic, name, declared), value_(value) {}
  Atomic(const Atomic&) = delete;
  Atomic& operator=(const Atomic&) = delete;

  T load(std::memory_order order = std::memory_order_seq_cst,
         SourceLocation location = SourceLocation::current()) const {
    auto* self = const_cast<Atomic*>(this);
    self->before(OpKind::kLoad, location);
    const T value = value_.load(order);
    self->after(OpKind::kLoad, order, value, location);
    return value;
  }
  void store(T value, std::memory_order order = std::memory_order_seq_cst,
             SourceLocation location = SourceLocation::current()) {
    before(OpKind::kStore, location);
    value_.store(value, order);
    after(OpKind::kStore, order, value, location);
  }
  T exchange(T value, std::memory_order order = std::memory_order_seq_cst,
             SourceLocation location = SourceLocation::current()) {
    before(OpKind::kReadModifyWrite, location);
    const T old = value_.exchange(value, order);
    after(OpKind::kReadModifyWrite, order, value, location);
    return old;
  }
  bool compare_exchange_strong(T& expected, T desired,
                               std::memory_order order = std::memory_order_seq_cst,
                               SourceLocation location = SourceLocation::current()) {
    before(OpKind::kReadModifyWrite, location);
    const bool done = value_.compare_exchange_strong(expected, desired, order);
    after(OpKind::kReadModifyWrite, order, done ? desired : expected, location);
    return done;
  }
  // Sequentially consistent execution never fails spuriously: weak behaves as strong.
  bool compare_exchange_weak(T& expected, T desired,
                             std::memory_order order = std::memory_order_seq_cst,
                             SourceLocation location = SourceLocation::current()) {
    return compare_exchange_strong(expected, desired, order, location);
  }

  T fetch_add(T arg, std::memory_order order = std::memory_order_seq_cst,
              SourceLocation location = SourceLocation::current()) {
    return rmw([&] { return value_.fetch_add(arg, order); }, order, location);
  }
  T fetch_sub(T arg, std::memory_order order = std::memory_order_seq_cst,
              SourceLocation location = SourceLocation::current()) {
    return rmw([&] { return value_.fetch_sub(arg, order); }, order, location);
  }
  T fetch_and(T arg, std::memory_order order = std::memory_order_seq_cst,
              SourceLocation location = SourceLocation::current()) {
    return rmw([&] { return value_.fetch_and(arg, order); }, order, location);
  }
  T fetch_or(T arg, std::memory_order order = std::memory_order_seq_cst,
             SourceLocation location = SourceLocation::current()) {
    return rmw([&] { return value_.fetch_or(arg, order); }, order, location);
  }
  T fetch_xor(T arg, std::memory_order order = std::memory_order_seq_cst,
              SourceLocation location = SourceLocation::current()) {
    return rmw([&] { return value_.fetch_xor(arg, order); }, order, location);
  }

  operator T() const { return load(); }  // NOLINT(google-explicit-constructor)
  T operator=(T value) {
    store(value);
    return value;
  }
  T operator++() { return fetch_add(1) + 1; }
  T operator++(int) { return fetch_add(1); }
  T operator--() { return fetch_sub(1) - 1; }
  T operator--(int) { return fetch_sub(1); }
  T operator+=(T arg) { return fetch_add(arg) + arg; }
  T operator-=(T arg) { return fetch_sub(arg) - arg; }

 private:
  void before(OpKind op, const SourceLocation& location) {
    if (internal::current_execution() != nullptr) internal::atomic_point(this, op, location);
  }
  void after(OpKind op, std::memory_order order, T value, const SourceLocation& location) {
    if (internal::current_execution() == nullptr) return;
    if constexpr (std::is_integral_v<T> || std::is_enum_v<T>) {
      internal::atomic_event(this, op, order, true, static_cast<std::int64_t>(value), location);
    } else {
      internal::atomic_event(this, op, order, false, 0, location);
    }
  }
  template <typename F>
  T rmw(F operation, std::memory_order order, const SourceLocation& location) {
    before(OpKind::kReadModifyWrite, location);
    const T old = operation();
    after(OpKind::kReadModifyWrite, order, old, location);
    return old;
  }

  std::atomic<T> value_;
};

// std::atomic_thread_fence, recorded as a fence event.
void atomic_thread_fence(std::memory_order order,
                         SourceLocation location = SourceLocation::current());

}  // namespace lockstep
