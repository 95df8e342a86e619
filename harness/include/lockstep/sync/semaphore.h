// lockstep/sync/semaphore.h — Python's threading.Semaphore and BoundedSemaphore.
//
// acquire(blocking, timeout) takes one unit, waiting while the value is 0 (timeouts in
// logical time inside an exploration); release(n) adds n. A BoundedSemaphore may not
// be released above its initial value: that throws std::invalid_argument (Python's
// ValueError). release happens-before the acquire it enables. Outside an exploration
// they are real semaphores. Cost inside: one scheduling point per operation.
#pragma once

#include <cstdint>
#include <string>

#include "lockstep/internal/real_lock.h"
#include "lockstep/internal/runtime.h"
#include "lockstep/source_location.h"

namespace lockstep {

class Semaphore : private internal::ModelObject {
 public:
  explicit Semaphore(std::uint64_t value = 1, const char* name = nullptr,
                     SourceLocation declared = SourceLocation::current())
      : Semaphore(ObjectKind::kSemaphore, value, name, declared) {}

  bool acquire(bool blocking = true, double timeout = -1,
               SourceLocation location = SourceLocation::current());
  void release(std::uint64_t n = 1, SourceLocation location = SourceLocation::current());

 protected:
  Semaphore(ObjectKind kind, std::uint64_t value, const char* name, SourceLocation declared)
      : ModelObject(kind, name, declared), initial_(value), value_(value), real_(value) {}
  // The bound a BoundedSemaphore enforces; 0: none.
  std::uint64_t bound_ = 0;

 private:
  bool ready(std::uint32_t thread, OpKind op) const override;
  std::string state_text() const override;
  void reset_model() override { value_ = initial_; }
  [[noreturn]] void over_release() const;

  std::uint64_t initial_;
  std::uint64_t value_;
  internal::RealSemaphore real_;
};

class BoundedSemaphore : public Semaphore {
 public:
  explicit BoundedSemaphore(std::uint64_t value = 1, const char* name = nullptr,
                            SourceLocation declared = SourceLocation::current())
      : Semaphore(ObjectKind::kBoundedSemaphore, value, name, declared) {
    bound_ = value;
  }
};

}  // namespace lockstep
