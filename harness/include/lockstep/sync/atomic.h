// lockstep/sync/atomic.h — std::atomic<T> whose every operation lockstep sees.
//
//   lockstep::Atomic<int> hits{0};
//   hits.fetch_add(1, std::memory_order_relaxed);
//   if (ready.load(std::memory_order_acquire)) { ... }
//
// The std::atomic API with memory-order arguments (default seq_cst):
//
//   operation                                   | event             | event value
//   load, operator T                            | load              | the value read
//   store, operator=                            | store             | the value written
//   exchange, compare_exchange_strong/weak,     | rmw               | the value held after it
//   fetch_add/sub/and/or/xor (integral T),      |                   | (a failed compare-exchange:
//   ++, --, +=, -=, &=, |=, ^= (integral T)     |                   | the value it read)
//   lockstep::atomic_thread_fence(order)        | fence             | —
//
// Values are recorded for integral and enum T. Inside an exploration every operation
// is a scheduling point (never blocking) and records its memory order (OpEvent::order;
// the race checker derives happens-before from it, so a relaxed flag guarding plain
// data is a race). Execution is sequentially consistent: every load sees the latest
// store, and compare_exchange_weak never fails spuriously. The value always lives in a
// real std::atomic<T>, operated on with the order given: outside an exploration this
// *is* std::atomic<T>, and under ThreadSanitizer the user's translation unit calls
// TSan's atomic entry points, so TSan's happens-before follows the declared orders
// exactly (release-or-stronger writes publish, acquire-or-stronger reads synchronise,
// relaxed ones do neither) with no separate annotation.
// Cost inside: one scheduling point per operation.
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
// std's rule for the failure order of a one-order compare_exchange.
constexpr std::memory_order failure_order_of(std::memory_order order) {
  if (order == std::memory_order_acq_rel) return std::memory_order_acquire;
  if (order == std::memory_order_release) return std::memory_order_relaxed;
  return order;
}
// The scheduling point before an atomic operation (a no-op outside explorations).
void atomic_point(ModelObject* object, OpKind op, const SourceLocation& location);
// The event after it (a no-op outside explorations and while tearing down).
void atomic_event(ModelObject* object, OpKind op, std::memory_order order, bool has_value,
                  std::int64_t value, const SourceLocation& location);
}  // namespace internal

template <typename T>
class Atomic : private internal::ModelObject {
  static_assert(std::is_trivially_copyable_v<T>, "Atomic<T> needs a trivially copyable T");
  // The arithmetic and bitwise operations exist for integral T other than bool, as in std.
  static constexpr bool kIntegral = std::is_integral_v<T> && !std::is_same_v<T, bool>;

 public:
  Atomic(T value = T{}, const char* name = nullptr,  // NOLINT(google-explicit-constructor)
         SourceLocation declared = SourceLocation::current())
      : ModelObject(ObjectKind::kAtomic, name, declared), value_(value) {}
  Atomic(const Atomic&) = delete;
  Atomic& operator=(const Atomic&) = delete;

  T load(std::memory_order order = std::memory_order_seq_cst,
         SourceLocation location = SourceLocation::current()) const {
    auto* self = const_cast<Atomic*>(this);  // the model binds itself on first use
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
    return rmw([&] { return value_.exchange(value, order); }, [&](T) { return value; }, order,
               location);
  }

  bool compare_exchange_strong(T& expected, T desired, std::memory_order success,
                               std::memory_order failure,
                               SourceLocation location = SourceLocation::current()) {
    before(OpKind::kReadModifyWrite, location);
    const bool done = value_.compare_exchange_strong(expected, desired, success, failure);
    // On failure `expected` now holds the value read, which is also the value held.
    after(OpKind::kReadModifyWrite, done ? success : failure, done ? desired : expected, location);
    return done;
  }
  bool compare_exchange_strong(T& expected, T desired,
                               std::memory_order order = std::memory_order_seq_cst,
                               SourceLocation location = SourceLocation::current()) {
    return compare_exchange_strong(expected, desired, order, internal::failure_order_of(order),
                                   location);
  }
  // Sequentially consistent execution never fails spuriously: weak behaves as strong.
  bool compare_exchange_weak(T& expected, T desired, std::memory_order success,
                             std::memory_order failure,
                             SourceLocation location = SourceLocation::current()) {
    return compare_exchange_strong(expected, desired, success, failure, location);
  }
  bool compare_exchange_weak(T& expected, T desired,
                             std::memory_order order = std::memory_order_seq_cst,
                             SourceLocation location = SourceLocation::current()) {
    return compare_exchange_strong(expected, desired, order, location);
  }

  T fetch_add(T arg, std::memory_order order = std::memory_order_seq_cst,
              SourceLocation location = SourceLocation::current())
    requires kIntegral
  {
    return rmw([&] { return value_.fetch_add(arg, order); },
               [&](T old) { return wrap(static_cast<Bits>(old) + static_cast<Bits>(arg)); },
               order, location);
  }
  T fetch_sub(T arg, std::memory_order order = std::memory_order_seq_cst,
              SourceLocation location = SourceLocation::current())
    requires kIntegral
  {
    return rmw([&] { return value_.fetch_sub(arg, order); },
               [&](T old) { return wrap(static_cast<Bits>(old) - static_cast<Bits>(arg)); },
               order, location);
  }
  T fetch_and(T arg, std::memory_order order = std::memory_order_seq_cst,
              SourceLocation location = SourceLocation::current())
    requires kIntegral
  {
    return rmw([&] { return value_.fetch_and(arg, order); },
               [&](T old) { return static_cast<T>(old & arg); }, order, location);
  }
  T fetch_or(T arg, std::memory_order order = std::memory_order_seq_cst,
             SourceLocation location = SourceLocation::current())
    requires kIntegral
  {
    return rmw([&] { return value_.fetch_or(arg, order); },
               [&](T old) { return static_cast<T>(old | arg); }, order, location);
  }
  T fetch_xor(T arg, std::memory_order order = std::memory_order_seq_cst,
              SourceLocation location = SourceLocation::current())
    requires kIntegral
  {
    return rmw([&] { return value_.fetch_xor(arg, order); },
               [&](T old) { return static_cast<T>(old ^ arg); }, order, location);
  }

  operator T() const { return load(); }  // NOLINT(google-explicit-constructor)
  T operator=(T value) {
    store(value);
    return value;
  }
  // As in std: the compound operators return the new value, postfix ones the old.
  T operator++() requires kIntegral { return wrap(static_cast<Bits>(fetch_add(1)) + 1); }
  T operator++(int) requires kIntegral { return fetch_add(1); }
  T operator--() requires kIntegral { return wrap(static_cast<Bits>(fetch_sub(1)) - 1); }
  T operator--(int) requires kIntegral { return fetch_sub(1); }
  T operator+=(T arg) requires kIntegral {
    return wrap(static_cast<Bits>(fetch_add(arg)) + static_cast<Bits>(arg));
  }
  T operator-=(T arg) requires kIntegral {
    return wrap(static_cast<Bits>(fetch_sub(arg)) - static_cast<Bits>(arg));
  }
  T operator&=(T arg) requires kIntegral { return static_cast<T>(fetch_and(arg) & arg); }
  T operator|=(T arg) requires kIntegral { return static_cast<T>(fetch_or(arg) | arg); }
  T operator^=(T arg) requires kIntegral { return static_cast<T>(fetch_xor(arg) ^ arg); }

 private:
  // Arithmetic in the unsigned type wraps as std::atomic's does (no signed overflow).
  using Bits = std::make_unsigned_t<std::conditional_t<kIntegral, T, unsigned>>;
  static T wrap(Bits bits) { return static_cast<T>(bits); }

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
  // A read-modify-write: `operation` performs it and returns the old value; `next`
  // computes the value it left from the old one (for the event).
  template <typename Operation, typename Next>
  T rmw(Operation operation, Next next, std::memory_order order,
        const SourceLocation& location) {
    before(OpKind::kReadModifyWrite, location);
    const T old = operation();
    after(OpKind::kReadModifyWrite, order, next(old), location);
    return old;
  }

  std::atomic<T> value_;
};

// std::atomic_thread_fence, recorded as a fence event (a scheduling point inside an
// exploration). ThreadSanitizer does not model stand-alone fences.
void atomic_thread_fence(std::memory_order order,
                         SourceLocation location = SourceLocation::current());

}  // namespace lockstep
