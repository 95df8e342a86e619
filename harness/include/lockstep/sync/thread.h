// lockstep/sync/thread.h — logical threads.
//
// Thread        spawn/join/detach. Inside an exploration a Thread is a logical thread
//               (a fiber scheduled by lockstep, ids 1, 2, ... in spawn order; the
//               scenario body is thread 0). Outside, it is a real std::thread.
//               Unlike std::thread, destroying a joinable Thread joins it (as
//               std::jthread does) instead of terminating; inside an exploration the
//               body's end joins every thread it did not join.
// this_thread   yield() (a scheduling point and a fairness hint), id() (the logical id;
//               std::this_thread::get_id() is the same for every logical thread of an
//               execution, because they share one OS thread).
// progress()    an explicit "this thread made progress" mark for the livelock checker.
#pragma once

#include <cstdint>
#include <functional>
#include "lockstep/source_location.h"
#include <thread>

namespace lockstep {

namespace internal {
class Execution;
}

class Thread {
 public:
  Thread() noexcept = default;
  explicit Thread(std::function<void()> body,
                  SourceLocation location = SourceLocation::current());
  Thread(Thread&& other) noexcept;
  Thread& operator=(Thread&& other) noexcept;
  Thread(const Thread&) = delete;
  Thread& operator=(const Thread&) = delete;
  ~Thread();

  bool joinable() const noexcept;
  // Waits for the thread to finish (a scheduling point that blocks until it has).
  // Throws std::system_error like std::thread for a non-joinable thread or self-join.
  void join(SourceLocation location = SourceLocation::current());
  void detach(SourceLocation location = SourceLocation::current());
  // The logical thread id inside an exploration; 0 outside or when not joinable.
  std::uint32_t id() const noexcept { return logical_; }

 private:
  internal::Execution* execution_ = nullptr;  // set while it is a logical thread
  std::uint64_t epoch_ = 0;
  std::uint32_t logical_ = 0;
  bool logical_joinable_ = false;
  std::thread real_;
};

namespace this_thread {
// A scheduling point: lets the strategy run another thread. Outside an exploration,
// std::this_thread::yield().
void yield(SourceLocation location = SourceLocation::current());
// The logical id of the running thread (0 for the body); outside an exploration, a
// stable small id per OS thread.
std::uint32_t id();
}  // namespace this_thread

// Marks that the running thread made progress (the livelock checker's signal).
void progress(SourceLocation location = SourceLocation::current());

}  // namespace lockstep
