// lockstep/sync/thread_local.h — per-logical-thread storage.
//
// Why it exists: all logical threads of an execution are fibers on one OS thread, so
// they share every C++ `thread_local` variable (and std::this_thread::get_id()). A
// `thread_local int depth;` in code under test is therefore one variable for all of
// them, and lockstep would explore a program other than the one that runs in
// production. ThreadLocal<T> restores the production meaning:
//
//   lockstep::ThreadLocal<int> depth;   // instead of `thread_local int depth;`
//   ++depth.get();                      // this thread's counter (or ++*depth)
//
//   where                   | get() returns the T of
//   inside an exploration   | (this execution, this logical thread)
//   outside                 | this OS thread
//
// Each T is default-constructed on first use. Values of one execution are never seen
// by another (nor by code outside explorations): they are dropped at the first get()
// of a later execution. Storage is kept per OS thread, so explorations running on
// several workers never share a value, and a new OS thread never inherits one. A
// value lives until its OS thread exits or the ThreadLocal is destroyed on that
// thread (values on other threads then stay until those threads exit).
// Cost: two hash/map lookups per get(); no scheduling point (nothing is shared).
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <unordered_map>

#include "lockstep/internal/runtime.h"

namespace lockstep {

namespace internal {
// The running execution's epoch (distinct for every execution in the process).
std::uint64_t execution_epoch(const Execution& ex);

// A process-wide serial for each ThreadLocal object: its key in the per-OS-thread
// storage (addresses are reused; serials are not).
inline std::uint64_t next_thread_local_serial() {
  static std::atomic<std::uint64_t> next{1};
  return next.fetch_add(1, std::memory_order_relaxed);
}
}  // namespace internal

template <typename T>
class ThreadLocal {
 public:
  ThreadLocal() = default;
  ThreadLocal(const ThreadLocal&) = delete;
  ThreadLocal& operator=(const ThreadLocal&) = delete;
  ~ThreadLocal() {
    std::optional<internal::ModelAccess> access;
    if (internal::current_execution() != nullptr) access.emplace();  // see get()
    if (Storage* storage = Storage::of_this_thread()) storage->slots.erase(serial_);
  }

  T& get() {
    internal::Execution* ex = internal::current_execution();
    // The fibers of one OS thread share its storage and switch without synchronising:
    // inside an exploration its bookkeeping (the thread_local's guard included) is
    // kept away from ThreadSanitizer (see internal/runtime.h).
    std::optional<internal::ModelAccess> access;
    if (ex != nullptr) access.emplace();
    Storage* storage = Storage::of_this_thread();
    if (storage == nullptr) {
      throw std::logic_error("lockstep::ThreadLocal used after its thread's storage was destroyed");
    }
    Slot& slot = storage->slots[serial_];
    if (ex == nullptr) {
      if (!slot.real) slot.real.emplace();
      return *slot.real;
    }
    const std::uint64_t epoch = internal::execution_epoch(*ex);
    if (slot.epoch != epoch) {  // values of earlier executions are gone
      slot.logical.clear();
      slot.epoch = epoch;
    }
    return slot.logical[internal::current_thread(*ex)];
  }
  T* operator->() { return &get(); }
  T& operator*() { return get(); }

 private:
  struct Slot {
    std::optional<T> real;                // outside explorations
    std::uint64_t epoch = 0;              // the execution `logical` belongs to
    std::map<std::uint32_t, T> logical;   // by logical thread id
  };
  // This OS thread's values of every ThreadLocal<T>, by serial.
  struct Storage {
    std::unordered_map<std::uint64_t, Slot> slots;
    // nullptr once this thread's storage was destroyed (a ThreadLocal destroyed after
    // its thread's thread_local objects, e.g. a global one at exit).
    static Storage* of_this_thread() {
      static thread_local bool destroyed = false;
      if (destroyed) return nullptr;
      static thread_local Holder holder{&destroyed};
      return &holder.storage;
    }
  };
  struct Holder {
    explicit Holder(bool* destroyed_flag) : destroyed(destroyed_flag) {}
    ~Holder() { *destroyed = true; }
    Holder(const Holder&) = delete;
    Holder& operator=(const Holder&) = delete;
    bool* destroyed;
    Storage storage;
  };

  const std::uint64_t serial_ = internal::next_thread_local_serial();
};

}  // namespace lockstep
