// lockstep/sync/event.h — Python's threading.Event (not the event stream, which is
// lockstep/event.h) and threading.Barrier.
//
// Event    a flag: set() wakes every waiter; wait(timeout) returns whether it is set
//          (inside an exploration the timeout is a strategy choice in logical time).
//          set happens-before the waits it ends.
// Barrier  Barrier(parties): wait() blocks until `parties` threads have called it, then
//          all pass and it resets; returns an arrival index 0..parties-1.
// Outside an exploration both are real. Cost inside: one scheduling point per call
// (two for a Barrier wait that blocks).
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "lockstep/internal/runtime.h"
#include "lockstep/source_location.h"

namespace lockstep {

class Event : private internal::ModelObject {
 public:
  explicit Event(const char* name = nullptr, SourceLocation declared = SourceLocation::current())
      : ModelObject(ObjectKind::kEvent, name, declared) {}

  void set(SourceLocation location = SourceLocation::current());
  void clear(SourceLocation location = SourceLocation::current());
  bool is_set() const;
  // timeout < 0: wait until set.
  bool wait(double timeout = -1, SourceLocation location = SourceLocation::current());

 private:
  bool ready(std::uint32_t, OpKind) const override { return flag_; }
  std::string state_text() const override { return flag_ ? "set" : "not set"; }
  void reset_model() override { flag_ = false; }
  void change(bool value, OpKind op, const SourceLocation& location);

  bool flag_ = false;  // the model's flag, and the real one (under real_mutex_)
  mutable std::mutex real_mutex_;
  std::condition_variable real_cv_;
};

class Barrier : private internal::ModelObject {
 public:
  explicit Barrier(std::uint32_t parties, const char* name = nullptr,
                   SourceLocation declared = SourceLocation::current());

  std::uint32_t wait(SourceLocation location = SourceLocation::current());
  std::uint32_t parties() const { return parties_; }

 private:
  bool ready(std::uint32_t thread, OpKind op) const override;
  std::string state_text() const override;
  void reset_model() override {
    arrived_ = 0;
    generation_ = 0;
    waiting_.clear();
  }

  std::uint32_t parties_;
  std::uint32_t arrived_ = 0;
  std::uint64_t generation_ = 0;
  // (thread, generation it waits to see end) of the blocked arrivals.
  std::vector<std::pair<std::uint32_t, std::uint64_t>> waiting_;
  std::mutex real_mutex_;
  std::condition_variable real_cv_;
};

}  // namespace lockstep
