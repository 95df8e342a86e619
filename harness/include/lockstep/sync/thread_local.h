// lockstep/sync/thread_local.h — per-logical-thread storage.
//
// All logical threads of an execution are fibers on one OS thread, so they share every
// C++ `thread_local` variable. ThreadLocal<T> gives each logical thread its own T
// (default-constructed on first use), and outside an exploration each OS thread its own.
//
//   lockstep::ThreadLocal<int> depth;
//   ++depth.get();                   // this logical thread's counter
//
// Values of one execution are never seen by another. Cost: a small map lookup.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <thread>
#include <utility>

#include "lockstep/internal/runtime.h"
#include "lockstep/sync/thread.h"

namespace lockstep {

namespace internal {
// The running execution's epoch (distinct for every execution in the process).
std::uint64_t execution_epoch(const Execution& ex);
}  // namespace internal

template <typename T>
class ThreadLocal {
 public:
  T& get() {
    if (internal::Execution* ex = internal::current_execution()) {
      const internal::ModelAccess access;
      const std::uint64_t epoch = internal::execution_epoch(*ex);
      if (epoch != epoch_) {  // values of earlier executions are gone
        logical_.clear();
        epoch_ = epoch;
      }
      return logical_[internal::current_thread(*ex)];
    }
    std::lock_guard lock(mutex_);
    return real_[std::this_thread::get_id()];
  }
  T* operator->() { return &get(); }
  T& operator*() { return get(); }

 private:
  std::uint64_t epoch_ = 0;
  std::map<std::uint32_t, T> logical_;
  std::mutex mutex_;
  std::map<std::thread::id, T> real_;
};

}  // namespace lockstep
