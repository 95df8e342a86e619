#include "lockstep/sync/mutex.h"

#include <algorithm>
#include <system_error>

#include "runtime/execution.h"
#include "sync/lock_events.h"

namespace lockstep {
namespace {

[[noreturn]] void not_owner(const char* type, std::uint32_t thread, const std::string& state) {
  throw std::system_error(std::make_error_code(std::errc::operation_not_permitted),
                          std::string("lockstep::") + type + "::unlock by t" +
                              std::to_string(thread) + ", which does not own it (" + state + ")");
}

}  // namespace

namespace internal {

bool OwnerModel::ready(std::uint32_t thread, OpKind) const {
  return owner_ == kNobody || (reentrant_ && owner_ == thread);
}

void OwnerModel::holders(std::uint32_t, OpKind, std::vector<std::uint32_t>& out) const {
  if (owner_ != kNobody) out.push_back(owner_);
}

std::string OwnerModel::state_text() const {
  if (owner_ == kNobody) return "free";
  std::string text = "held by t" + std::to_string(owner_);
  if (reentrant_) text += " (count " + std::to_string(count_) + ")";
  return text;
}

// Both inlined into the public lock()/unlock(): one frame less between the user's call
// and the fiber switch (see Execution::switch_to).
[[gnu::always_inline]] inline bool OwnerModel::model_lock(Execution& ex, bool blocking, bool timed,
                                                          const SourceLocation& location) {
  bind(ex);
  if (blocking && !timed && !reentrant_ && owner_ == ex.current() && !ex.aborting()) {
    report_self_deadlock(ex, *this, location);
  }
  const bool acquired = acquire_point(ex, *this, blocking, timed, location);
  if (ex.aborting()) return false;
  if (acquired) {
    owner_ = ex.current();
    ++count_;
  }
  emit_lock_event(ex, *this, blocking ? OpKind::kAcquire : OpKind::kTryAcquire,
                  acquired ? OpResult::kOk : failure_of(blocking), location);
  return acquired;
}

[[gnu::always_inline]] inline void OwnerModel::model_unlock(Execution& ex, const SourceLocation& location) {
  if (!ex.point(this, OpKind::kRelease, Wait::kNever, location)) return;
  if (owner_ != ex.current()) {
    emit_refused(ex, *this, OpKind::kRelease, location);
    not_owner(std::string(object_kind_name(kind())).c_str(), ex.current(), state_text());
  }
  if (--count_ == 0) owner_ = kNobody;
  emit_lock_event(ex, *this, OpKind::kRelease, OpResult::kOk, location);
}

}  // namespace internal

// The three owner-model mutexes differ only in their real type.
#define LOCKSTEP_OWNER_MUTEX_OPS(Type)                                       \
  void Type::lock(SourceLocation location) {                                 \
    internal::Execution* ex = internal::current_execution();                 \
    if (ex == nullptr) {                                                     \
      real_.lock();                                                          \
      return;                                                                \
    }                                                                        \
    model_lock(*ex, /*blocking=*/true, /*timed=*/false, location);           \
  }                                                                          \
  bool Type::try_lock(SourceLocation location) {                             \
    internal::Execution* ex = internal::current_execution();                 \
    if (ex == nullptr) return real_.try_lock();                              \
    return model_lock(*ex, /*blocking=*/false, /*timed=*/false, location);   \
  }                                                                          \
  void Type::unlock(SourceLocation location) {                               \
    internal::Execution* ex = internal::current_execution();                 \
    if (ex == nullptr) {                                                     \
      real_.unlock();                                                        \
      return;                                                                \
    }                                                                        \
    model_unlock(*ex, location);                                             \
  }
LOCKSTEP_OWNER_MUTEX_OPS(Mutex)
LOCKSTEP_OWNER_MUTEX_OPS(RecursiveMutex)
LOCKSTEP_OWNER_MUTEX_OPS(TimedMutex)
#undef LOCKSTEP_OWNER_MUTEX_OPS

bool TimedMutex::timed_lock(const SourceLocation& location) {
  return model_lock(*internal::current_execution(), /*blocking=*/true, /*timed=*/true, location);
}

// --- SharedMutex ----------------------------------------------------------------------

bool SharedMutex::ready(std::uint32_t, OpKind op) const {
  const bool shared = op == OpKind::kAcquireShared || op == OpKind::kTryAcquireShared;
  return owner_ == kNobody && (shared || readers_.empty());
}

void SharedMutex::holders(std::uint32_t, OpKind op, std::vector<std::uint32_t>& out) const {
  if (owner_ != kNobody) {
    out.push_back(owner_);
  } else if (op == OpKind::kAcquire) {
    out.insert(out.end(), readers_.begin(), readers_.end());
  }
}

std::string SharedMutex::state_text() const {
  if (owner_ != kNobody) return "held exclusively by t" + std::to_string(owner_);
  if (readers_.empty()) return "free";
  std::string text = "held shared by";
  const char* separator = " t";
  for (std::uint32_t reader : readers_) {
    text += separator + std::to_string(reader);
    separator = ", t";
  }
  return text;
}

bool SharedMutex::acquire(bool shared, bool blocking, const SourceLocation& location) {
  internal::Execution& ex = *internal::current_execution();
  const internal::ModelAccess access;  // the reader list allocates
  bind(ex);
  const std::uint32_t me = ex.current();
  const bool mine = owner_ == me || std::find(readers_.begin(), readers_.end(), me) != readers_.end();
  if (blocking && mine && !ex.aborting()) internal::report_self_deadlock(ex, *this, location);
  const OpKind op = shared ? OpKind::kAcquireShared : OpKind::kAcquire;
  const OpKind try_op = shared ? OpKind::kTryAcquireShared : OpKind::kTryAcquire;
  const bool acquired = internal::acquire_point(ex, *this, blocking, false, location, op, try_op);
  if (ex.aborting()) return false;
  if (acquired) {
    if (shared) {
      readers_.push_back(me);
    } else {
      owner_ = me;
    }
  }
  internal::emit_lock_event(ex, *this, blocking ? op : try_op,
                            acquired ? OpResult::kOk : OpResult::kFailed, location);
  return acquired;
}

void SharedMutex::lock(SourceLocation location) {
  if (internal::current_execution() == nullptr) return real_.lock();
  acquire(false, true, location);
}
bool SharedMutex::try_lock(SourceLocation location) {
  if (internal::current_execution() == nullptr) return real_.try_lock();
  return acquire(false, false, location);
}
void SharedMutex::lock_shared(SourceLocation location) {
  if (internal::current_execution() == nullptr) return real_.lock_shared();
  acquire(true, true, location);
}
bool SharedMutex::try_lock_shared(SourceLocation location) {
  if (internal::current_execution() == nullptr) return real_.try_lock_shared();
  return acquire(true, false, location);
}

void SharedMutex::unlock(SourceLocation location) {
  internal::Execution* ex = internal::current_execution();
  if (ex == nullptr) return real_.unlock();
  if (!ex->point(this, OpKind::kRelease, internal::Wait::kNever, location)) return;
  if (owner_ != ex->current()) {
    internal::emit_refused(*ex, *this, OpKind::kRelease, location);
    not_owner("SharedMutex", ex->current(), state_text());
  }
  owner_ = kNobody;
  internal::emit_lock_event(*ex, *this, OpKind::kRelease, OpResult::kOk, location);
}

void SharedMutex::unlock_shared(SourceLocation location) {
  internal::Execution* ex = internal::current_execution();
  if (ex == nullptr) return real_.unlock_shared();
  const internal::ModelAccess access;
  if (!ex->point(this, OpKind::kReleaseShared, internal::Wait::kNever, location)) return;
  const auto it = std::find(readers_.begin(), readers_.end(), ex->current());
  if (it == readers_.end()) {
    internal::emit_refused(*ex, *this, OpKind::kReleaseShared, location);
    not_owner("SharedMutex (shared)", ex->current(), state_text());
  }
  readers_.erase(it);
  internal::emit_lock_event(*ex, *this, OpKind::kReleaseShared, OpResult::kOk, location);
}

}  // namespace lockstep
