// lockstep/sync/shared.h — plain (non-atomic) shared data the harness can see.
//
// Shared<T> holds a T; every read and write through it is an event for the checkers
// (the data-race checker of a later issue), with natural syntax:
//
//   lockstep::Shared<int> balance{0, "balance"};
//   balance += 10;            // a read, then a write (not atomic: a lost update is possible)
//   int b = balance;          // a read
//   balance = b - 1;          // a write
//
// Whether an access is also a scheduling point is the option shared-points
// (none | racy | all; DESIGN.md §3). Outside an exploration it is a plain T.
// Cost inside: one event per access, plus a scheduling point when it is one.
#pragma once

#include "lockstep/source_location.h"
#include <type_traits>
#include <utility>

#include "lockstep/internal/runtime.h"

namespace lockstep {

template <typename T>
class Shared : private internal::ModelObject {
 public:
  Shared(T value = T{}, const char* name = nullptr,  // NOLINT(google-explicit-constructor)
         SourceLocation declared = SourceLocation::current())
      : ModelObject(ObjectKind::kShared, name, declared), value_(std::move(value)) {}
  Shared(const Shared&) = delete;
  Shared& operator=(const Shared&) = delete;

  // Reads the value (one read event).
  LOCKSTEP_NO_TSAN T load(SourceLocation location = SourceLocation::current()) const {
    access(OpKind::kRead, value_, location);
    return value_;
  }
  // Writes the value (one write event).
  LOCKSTEP_NO_TSAN void store(T value, SourceLocation location = SourceLocation::current()) {
    access(OpKind::kWrite, value, location);
    value_ = std::move(value);
  }

  operator T() const { return load(); }  // NOLINT(google-explicit-constructor)
  Shared& operator=(T value) {
    store(std::move(value));
    return *this;
  }

  // Compound assignments: a read, then a write.
  template <typename U>
  Shared& operator+=(const U& rhs) { return update([&](T v) { return v + rhs; }); }
  template <typename U>
  Shared& operator-=(const U& rhs) { return update([&](T v) { return v - rhs; }); }
  template <typename U>
  Shared& operator*=(const U& rhs) { return update([&](T v) { return v * rhs; }); }
  template <typename U>
  Shared& operator/=(const U& rhs) { return update([&](T v) { return v / rhs; }); }
  template <typename U>
  Shared& operator|=(const U& rhs) { return update([&](T v) { return v | rhs; }); }
  template <typename U>
  Shared& operator&=(const U& rhs) { return update([&](T v) { return v & rhs; }); }
  template <typename U>
  Shared& operator^=(const U& rhs) { return update([&](T v) { return v ^ rhs; }); }
  Shared& operator++() { return update([](T v) { return ++v; }); }
  Shared& operator--() { return update([](T v) { return --v; }); }
  T operator++(int) {
    T old = load();
    store(old + 1);
    return old;
  }
  T operator--(int) {
    T old = load();
    store(old - 1);
    return old;
  }

  // Direct access to the value with no event: for setup before threads start and
  // checks after they are joined, where no other thread can race.
  T& unsafe_ref() { return value_; }

 private:
  template <typename F>
  Shared& update(F f) {
    store(f(load()));
    return *this;
  }

  void access(OpKind op, const T& value, const SourceLocation& location) const {
    internal::Execution* ex = internal::current_execution();
    if (ex == nullptr) return;
    if constexpr (std::is_integral_v<T> || std::is_enum_v<T>) {
      internal::shared_access(*ex, const_cast<Shared*>(this), op, true,
                              static_cast<std::int64_t>(value), location);
    } else {
      internal::shared_access(*ex, const_cast<Shared*>(this), op, false, 0, location);
    }
  }

  T value_;
};

}  // namespace lockstep
