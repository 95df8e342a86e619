// lockstep/sync/event.h — Python's threading.Event (not the event stream, which is
// lockstep/event.h).
//
//   lockstep::Event done;
//   done.set();                      // wakes every waiter
//   if (done.wait(0.5)) { ... }      // false when the timeout expired
//
//   state    | set()  | clear()    | wait()                 | wait(timeout)
//   not set  | -> set | no change  | blocks until set; true | true if set in time, else false
//   set      | no op  | -> not set | true at once           | true at once
//
// Inside an exploration whether a timed wait times out is a strategy choice (logical
// time); an untimed wait on an event nobody sets is a deadlock ("not set"). set
// happens-before the waits it ends. Outside an exploration it is a real event with
// real timeouts (seconds). Cost inside: one scheduling point per set/clear/wait;
// is_set() is not a scheduling point.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>

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

}  // namespace lockstep
