#include "lockstep/sync/thread.h"

#include <atomic>
#include <system_error>

#include "runtime/execution.h"
#include "runtime/fiber_switch.h"

namespace lockstep {
namespace {

[[noreturn]] void thread_error(std::errc code, const std::string& what) {
  throw std::system_error(std::make_error_code(code), what);
}

// A join or detach refused as a misuse (OpResult::kRefused), emitted before the throw
// so the misuse checker's finding comes first. `other`: the logical thread the Thread
// was, or kNotAThread (default-constructed, moved from, or from another execution).
constexpr std::uint32_t kNotAThread = ~std::uint32_t{0};
void emit_refused(internal::Execution& ex, OpKind op, std::uint32_t other, const SourceLocation& location) {
  if (ex.aborting()) return;
  OpEvent event;
  event.op = op;
  event.object_kind = ObjectKind::kThread;
  event.result = OpResult::kRefused;
  event.other = other;
  event.location = location;
  ex.emit(event, nullptr);
}

}  // namespace

Thread::Thread(std::function<void()> body, SourceLocation location) {
  internal::Execution* ex = internal::current_execution();
  if (ex == nullptr) {
    real_ = std::thread(std::move(body));
    return;
  }
  if (!ex->point(nullptr, OpKind::kSpawn, internal::Wait::kNever, location)) return;
  execution_ = ex;
  epoch_ = ex->epoch();
  logical_ = ex->spawn(std::move(body), location);
  logical_joinable_ = true;
  internal::sanitizer_release(&ex->handle(logical_));
  OpEvent event;
  event.op = OpKind::kSpawn;
  event.object_kind = ObjectKind::kThread;
  event.other = logical_;
  event.location = location;
  ex->emit(event, nullptr);
}

Thread::Thread(Thread&& other) noexcept { *this = std::move(other); }

Thread& Thread::operator=(Thread&& other) noexcept {
  if (this != &other) {
    // Joins what this Thread runs, unless it is a logical thread of an execution that
    // has ended (a Thread kept across executions): that one was joined at its end.
    const internal::Execution* ex = internal::current_execution();
    const bool stale = logical_joinable_ && (ex == nullptr || ex != execution_ || ex->epoch() != epoch_);
    if (joinable() && !stale) join();
    execution_ = other.execution_;
    epoch_ = other.epoch_;
    logical_ = other.logical_;
    logical_joinable_ = other.logical_joinable_;
    real_ = std::move(other.real_);
    other.execution_ = nullptr;
    other.logical_joinable_ = false;
    other.logical_ = 0;
  }
  return *this;
}

Thread::~Thread() {
  if (real_.joinable()) {
    real_.join();
    return;
  }
  // Inside an exploration a thread left joinable is joined by the end of the body
  // (or abandoned with its execution when that ends early). The kDestroy event tells
  // the misuse checker the Thread did not leak (it is joined as std::jthread is).
  internal::Execution* ex = internal::current_execution();
  if (!logical_joinable_ || ex == nullptr || ex != execution_ || ex->epoch() != epoch_ ||
      ex->aborting()) {
    return;
  }
  OpEvent event;
  event.object_kind = ObjectKind::kThread;
  event.other = logical_;
  ex->emit_destroy(event);
}

bool Thread::joinable() const noexcept {
  if (logical_joinable_) return true;
  return real_.joinable();
}

void Thread::join(SourceLocation location) {
  if (real_.joinable()) {
    real_.join();
    return;
  }
  internal::Execution* ex = internal::current_execution();
  const bool mine = ex != nullptr && ex == execution_ && ex->epoch() == epoch_;
  if (!logical_joinable_ || !mine) {
    if (ex != nullptr) emit_refused(*ex, OpKind::kJoin, mine ? logical_ : kNotAThread, location);
    thread_error(std::errc::invalid_argument, "lockstep::Thread::join on a thread that is not joinable");
  }
  if (logical_ == ex->current()) {
    emit_refused(*ex, OpKind::kJoin, logical_, location);
    thread_error(std::errc::resource_deadlock_would_occur,
                 "lockstep::Thread::join: t" + std::to_string(logical_) + " joins itself");
  }
  internal::ThreadHandle& handle = ex->handle(logical_);
  if (!ex->point(&handle, OpKind::kJoin, internal::Wait::kReady, location)) return;
  logical_joinable_ = false;
  internal::sanitizer_acquire(&handle);
  OpEvent event;
  event.op = OpKind::kJoin;
  event.other = logical_;
  event.location = location;
  ex->emit(event, &handle);
}

void Thread::detach(SourceLocation location) {
  if (real_.joinable()) {
    real_.detach();
    return;
  }
  internal::Execution* ex = internal::current_execution();
  const bool mine = ex != nullptr && ex == execution_ && ex->epoch() == epoch_;
  if (!logical_joinable_ || !mine) {
    if (ex != nullptr) emit_refused(*ex, OpKind::kDetach, mine ? logical_ : kNotAThread, location);
    thread_error(std::errc::invalid_argument, "lockstep::Thread::detach on a thread that is not joinable");
  }
  logical_joinable_ = false;
  if (!ex->point(nullptr, OpKind::kDetach, internal::Wait::kNever, location)) return;
  OpEvent event;
  event.op = OpKind::kDetach;
  event.other = logical_;
  event.location = location;
  ex->emit(event, nullptr);
}

namespace this_thread {

void yield(SourceLocation location) {
  internal::Execution* ex = internal::current_execution();
  if (ex == nullptr) {
    std::this_thread::yield();
    return;
  }
  if (!ex->point(nullptr, OpKind::kYield, internal::Wait::kNever, location)) return;
  OpEvent event;
  event.op = OpKind::kYield;
  event.location = location;
  ex->emit(event, nullptr);
}

std::uint32_t id() {
  if (const internal::Execution* ex = internal::current_execution()) return ex->current();
  static std::atomic<std::uint32_t> next{1};
  thread_local const std::uint32_t mine = next.fetch_add(1, std::memory_order_relaxed);
  return mine;
}

}  // namespace this_thread

void progress(SourceLocation location) {
  internal::Execution* ex = internal::current_execution();
  if (ex == nullptr) return;
  OpEvent event;
  event.op = OpKind::kProgress;
  event.location = location;
  ex->emit(event, nullptr);
}

}  // namespace lockstep
