// lockstep/sync/barrier.h — Python's threading.Barrier(parties).
//
//   lockstep::Barrier barrier(3);
//   const std::uint32_t index = barrier.wait();  // blocks until 3 threads arrived
//
//   state                   | wait()
//   k < parties-1 arrived   | arrival index k; blocks until the generation ends
//   parties-1 arrived       | arrival index parties-1; ends the generation: every
//                           | waiter of it passes, the barrier resets for the next one
//
// Arrival indices are 0..parties-1, distinct within a generation (Python's return
// value). Every arrival of a generation happens-before every pass of it. A generation
// that never fills is a deadlock ("1 of 2 arrived"; nobody holds a barrier, so the
// report names no holder). Python's timeout/abort/broken state is not modelled.
// Outside an exploration it is a real barrier. Cost inside: one scheduling point per
// wait, two when it blocks (arrive, then pass).
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "lockstep/internal/runtime.h"
#include "lockstep/source_location.h"

namespace lockstep {

class Barrier : private internal::ModelObject {
 public:
  // Throws std::invalid_argument when parties is 0.
  explicit Barrier(std::uint32_t parties, const char* name = nullptr,
                   SourceLocation declared = SourceLocation::current());

  std::uint32_t wait(SourceLocation location = SourceLocation::current());
  std::uint32_t parties() const { return parties_; }

 private:
  bool ready(std::uint32_t thread, OpKind op) const override;
  std::string state_text() const override;
  void reset_model() override;
  std::uint32_t real_wait();

  std::uint32_t parties_;
  // Model state inside an exploration; real state (under real_mutex_) outside.
  std::uint32_t arrived_ = 0;
  std::uint64_t generation_ = 0;
  // (thread, generation it waits to see end) of the blocked arrivals (model only).
  std::vector<std::pair<std::uint32_t, std::uint64_t>> waiting_;
  std::mutex real_mutex_;
  std::condition_variable real_cv_;
};

}  // namespace lockstep
