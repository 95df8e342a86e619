#include "runtime/execution.h"

#include <cxxabi.h>

#include <algorithm>
#include <cstdlib>
#include <exception>
#include <memory>
#include <typeinfo>

#include <unistd.h>

#include "lockstep/schedule.h"
#include "lockstep/sync/thread_local.h"
#include "report/symbolizer.h"
#include "runtime/check.h"

namespace lockstep::internal {
namespace {

// "std::runtime_error" for "St13runtime_error" (the mangled name when demangling fails).
std::string demangled(const char* name) {
  int status = 0;
  std::unique_ptr<char, void (*)(void*)> text(abi::__cxa_demangle(name, nullptr, nullptr, &status),
                                              std::free);
  return status == 0 && text != nullptr ? std::string(text.get()) : std::string(name);
}

}  // namespace

thread_local Execution* tls_execution = nullptr;

namespace {
// Every execution in the process gets a distinct epoch, so model objects that outlive
// an execution (or are shared between workers' executions by mistake) are re-bound.
std::atomic<std::uint64_t> g_next_epoch{1};

// The epochs of the executions running now: each Execution owns a slot for its
// lifetime (a worker runs one execution at a time) and stores its epoch there while it
// runs. A model object whose epoch is another slot's is in use by another worker's
// execution, the user error of a primitive kept in a static or a global with
// workers=N: bind_new reports it instead of letting the two executions overwrite each
// other's model state (which crashed the runtime). Executions beyond kLiveSlots at
// once go unchecked; with one Execution in the process nothing is checked.
constexpr std::size_t kLiveSlots = 64;
std::atomic<std::uint64_t> g_live[kLiveSlots];
std::atomic<std::uint32_t> g_executions{0};

std::size_t take_live_slot() {
  g_executions.fetch_add(1, std::memory_order_relaxed);
  for (std::size_t i = 0; i < kLiveSlots; ++i) {
    std::uint64_t free = 0;
    // A slot is taken by storing a non-zero epoch that no execution ever has.
    if (g_live[i].compare_exchange_strong(free, ~std::uint64_t{0})) return i;
  }
  return kLiveSlots;
}

void give_back_live_slot(std::size_t slot) {
  if (slot < kLiveSlots) g_live[slot].store(0, std::memory_order_release);
  g_executions.fetch_sub(1, std::memory_order_relaxed);
}

void set_live(std::size_t slot, std::uint64_t epoch) {
  if (slot < kLiveSlots) g_live[slot].store(epoch, std::memory_order_release);
}

bool running_elsewhere(std::uint64_t epoch) {
  if (epoch == 0 || g_executions.load(std::memory_order_relaxed) < 2) return false;
  for (const std::atomic<std::uint64_t>& live : g_live) {
    if (live.load(std::memory_order_acquire) == epoch) return true;
  }
  return false;
}
}  // namespace

std::string ThreadHandle::state_text() const {
  return finished ? "finished" : "running";
}

std::uint64_t creation_key(ObjectKind kind, const void* object) {
  if (kind == ObjectKind::kThread) return 0;  // set from its thread in register_object
  if (Execution* const ex = tls_execution; ex != nullptr) return ex->next_creation_key();
  return std::uint64_t{1} << 63 | reinterpret_cast<std::uintptr_t>(object);
}

std::uint32_t ModelObject::bind_new(Execution& ex) {
  std::uint64_t old = epoch_.load(std::memory_order_acquire);
  // Another worker's execution uses the object now, or binds it at this moment.
  if (running_elsewhere(old) || !epoch_.compare_exchange_strong(old, ex.epoch(), std::memory_order_acq_rel)) {
    return ex.report_shared_object(this);
  }
  id_ = ex.register_object(this);
  reset_model();
  return id_;
}

ModelObject::~ModelObject() {
  Execution* const ex = tls_execution;
  if (ex == nullptr || epoch_.load(std::memory_order_relaxed) != ex->epoch() || ex->aborting()) return;
  if (!is_lock_kind(kind_)) return;
  OpEvent event;
  event.object_kind = kind_;
  event.object = id_;
  event.location = declared_;
  ex->emit_destroy(event);
}

Execution::Execution(StackPool& stacks) : stacks_(stacks), live_slot_(take_live_slot()) {}

Execution::~Execution() { give_back_live_slot(live_slot_); }

std::uint32_t Execution::report_shared_object(ModelObject* object) {
  Finding finding;
  finding.kind = FindingKind::kNondeterminism;
  finding.threads = {current_};
  finding.locations = {Location::from(object->declared())};
  const std::string name = object->name() != nullptr ? std::string(" '") + object->name() + "'" : "";
  finding.message = "lockstep::" + std::string(object_kind_name(object->kind())) + name +
                    " is used by two executions at once (another worker's execution uses it too)";
  finding.details =
      "with workers=N each worker runs its own executions at the same time; a primitive "
      "in a static, a global or an object built outside the body is shared by them. Build "
      "it inside the body, or keep it in a static thread_local (one per worker). The "
      "replay token cannot show it: a replay runs one execution alone";
  report(std::move(finding), /*fatal=*/true);
  // Still here while unwinding: a fresh id of this execution, the object left alone.
  return register_object(object);
}

LogicalThread& Execution::new_thread() {
  if (thread_count_ == threads_.size()) threads_.push_back(std::make_unique<LogicalThread>());
  LogicalThread& thread = *threads_[thread_count_];
  thread.id = thread_count_++;
  thread.created = 0;
  thread.started = false;
  thread.finished = false;
  thread.op = OpKind::kThreadStart;
  thread.wait = Wait::kNever;
  thread.object = nullptr;
  thread.stack = stacks_.acquire();
  thread.context = Context{};
  thread.context.tsan_fiber = thread.stack.sanitizer_fiber;
  thread.context.stack_bottom = thread.stack.bottom();
  thread.context.stack_size = thread.stack.usable();
  thread.handle.thread = thread.id;
  thread.handle.finished = false;
  pending_.push_back(PendingInfo{OpKind::kThreadStart, 0, false});
  fair_.add_thread(thread.id);
  if (runnable_.size() < thread_count_) runnable_.resize(thread_count_);
  return thread;
}

void Execution::prepare_dispatch(const std::vector<Checker*>& checkers) {
  from_scratch_.clear();
  for (Checker* checker : checkers) from_scratch_.push_back(checker->events_from_step(*this));
  if (stages_.empty() || checkers != dispatch_checkers_ || from_scratch_ != dispatch_from_) {
    dispatch_checkers_ = checkers;
    dispatch_from_ = from_scratch_;
    std::vector<std::uint64_t> starts = from_scratch_;
    starts.push_back(0);
    std::sort(starts.begin(), starts.end());
    starts.erase(std::unique(starts.begin(), starts.end()), starts.end());
    stages_.assign(starts.size(), DispatchStage{});
    for (std::size_t s = 0; s < starts.size(); ++s) {
      stages_[s].from = starts[s];
      for (std::size_t c = 0; c < checkers.size(); ++c) {
        if (dispatch_from_[c] > starts[s]) continue;
        const EventMask events = checkers[c]->events();
        for (std::size_t op = 0; op < kOpKindCount; ++op) {
          if ((events & event_bit(static_cast<OpKind>(op))) != 0) {
            stages_[s].by_op[op].push_back(checkers[c]);
          }
        }
      }
    }
  }
  stage_ = 0;
  dispatch_ = &stages_[0];
}

void Execution::arm_step_alarm() {
  // Past the bound the alarm stays at it: every later point checks again (a release
  // skips the report, the next point makes it).
  step_alarm_ = config_->max_steps + 1;
  if (stage_ + 1 < stages_.size()) step_alarm_ = std::min(step_alarm_, stages_[stage_ + 1].from);
}

void Execution::on_step_alarm(std::uint32_t thread, OpKind op, const SourceLocation& location) {
  while (stage_ + 1 < stages_.size() && stages_[stage_ + 1].from <= step_) ++stage_;
  dispatch_ = &stages_[stage_];
  arm_step_alarm();
  // Not at a release: releases sit in destructors (scoped_lock), where the bound's
  // Abort would terminate; the next point of a spinning execution reports it.
  if (step_ > config_->max_steps && op != OpKind::kRelease) report_step_bound(thread, location);
}

void Execution::run(const std::function<void()>& body, const ExecutionConfig& config) {
  config_ = &config;
  prepare_dispatch(config.checkers);
  checkers_ = config.checkers;
  root_body_ = &body;
  thread_count_ = 0;
  pending_.clear();
  objects_.clear();
  choices_.clear();
  findings_.clear();
  racy_found_.clear();
  trace_.clear();
  trace_stacks_.clear();
  replay_error_.clear();
  step_ = 0;
  events_ = 0;
  arm_step_alarm();
  aborting_ = false;
  observe_steps_ = config.strategy->observes_steps();
  epoch_ = g_next_epoch.fetch_add(1, std::memory_order_relaxed);
  set_live(live_slot_, epoch_);
  fair_.reset(config.fair);

  LogicalThread& main = new_thread();
  main.spawned_at = SourceLocation::current();
  for (Checker* checker : config.checkers) checker->begin_execution(*this);

  Execution* const outer = tls_execution;
  LOCKSTEP_CHECK(outer == nullptr, "explore() called from inside an exploration");
  tls_execution = this;
  if (config.heartbeat != nullptr) config.heartbeat->in_execution.store(true, std::memory_order_relaxed);
  capture_worker_context(worker_);
  sanitizer_release(&start_token_);
  current_ = 0;
  start(main);
  switch_context(&worker_, main.context);
  sanitizer_acquire(&end_token_);
  tls_execution = nullptr;
  set_live(live_slot_, ~std::uint64_t{0});  // the slot stays taken; the epoch is over
  if (config.heartbeat != nullptr) config.heartbeat->in_execution.store(false, std::memory_order_relaxed);

  if (!aborting_) {
    for (Checker* checker : config.checkers) checker->end_execution(*this, *this);
  }
  for (std::uint32_t i = 0; i < thread_count_; ++i) {
    LogicalThread& thread = *threads_[i];
    thread.body = nullptr;
    stacks_.release(thread.stack);
    thread.stack = Stack{};
  }
}

void Execution::start(LogicalThread& thread) {
  thread.started = true;
  thread.context.fcontext =
      fctx::make_fcontext(thread.stack.top(), thread.stack.usable(), &Execution::fiber_main);
}

void Execution::fiber_main(fctx::transfer_t from) {
  finish_first_switch(from);
  tls_execution->run_current_thread();
}

void Execution::run_current_thread() {
  LogicalThread& me = *threads_[current_];
  sanitizer_acquire(&start_token_);
  sanitizer_acquire(&me.handle);  // spawn -> start (Thread's constructor released it)
  if (!aborting_) {
    try {
      if (me.id == 0) {
        (*root_body_)();
        join_remaining_threads();
      } else {
        me.body();
      }
    } catch (const Abort&) {
      // The execution ended early; this thread's stack has now unwound.
    } catch (const std::exception& error) {
      Finding finding;
      finding.kind = FindingKind::kException;
      finding.threads = {me.id};
      finding.message = "uncaught exception in t" + std::to_string(me.id) + ": " +
                        demangled(typeid(error).name()) + ": " + error.what();
      if (me.op != OpKind::kNone) finding.locations.push_back(pending_location(me.id));
      findings_.push_back(std::move(finding));
      begin_abort();
    } catch (...) {
      Finding finding;
      finding.kind = FindingKind::kException;
      finding.threads = {me.id};
      finding.message = "uncaught exception in t" + std::to_string(me.id) + " (not a std::exception)";
      findings_.push_back(std::move(finding));
      begin_abort();
    }
  }
  finish_current();
}

void Execution::join_remaining_threads() {
  // DESIGN.md §1: threads the body did not join are joined implicitly at its end.
  for (std::uint32_t i = 1; i < thread_count_; ++i) {
    LogicalThread& thread = *threads_[i];
    if (thread.finished) continue;
    if (!point(&thread.handle, OpKind::kJoin, Wait::kReady, SourceLocation::current())) {
      return;
    }
    OpEvent event;
    event.op = OpKind::kJoin;
    event.object_kind = ObjectKind::kThread;
    event.other = i;
    event.value = 1;  // implicit
    emit(event, nullptr);
  }
}

void Execution::finish_current() {
  std::uint32_t next = kNoThread;
  {
    // Ends before the final switch: this fiber never returns to close it.
    const TsanIgnoreScope ignore;
    LogicalThread& me = *threads_[current_];
    me.finished = true;
    me.handle.finished = true;
    me.op = OpKind::kNone;
    pending_[me.id] = PendingInfo{};
    if (!aborting_) {
      OpEvent event;
      event.op = OpKind::kThreadEnd;
      event.object_kind = ObjectKind::kThread;
      event.other = me.id;
      emit(event, nullptr);
    }
    sanitizer_release(&me.handle);  // end -> join
    sanitizer_release(&end_token_);
    if (!aborting_) {
      next = pick_next();
      if (next == kNoThread) {
        const bool all_finished = std::all_of(threads_.begin(), threads_.begin() + thread_count_,
                                              [](const auto& t) { return t->finished; });
        if (!all_finished) on_all_blocked();
      }
    }
    if (aborting_) next = next_to_unwind();
  }
  if (next == kNoThread) {
    switch_context(nullptr, worker_);
  } else {
    switch_to(nullptr, next);
  }
  __builtin_unreachable();
}

// Inlined into its callers: every frame between a logical thread's code and the switch
// is a return the CPU mispredicts when the thread resumes (its return-stack buffer holds
// the other fiber's calls), so one frame less is a few percent of a scheduling point.
[[gnu::always_inline]] inline void Execution::switch_to(LogicalThread* from, std::uint32_t to) {
  LogicalThread& target = *threads_[to];
  current_ = to;
  if (!target.started) start(target);
  switch_context(from != nullptr ? &from->context : nullptr, target.context);
}

bool Execution::enabled(const LogicalThread& thread) const {
  if (thread.finished) return false;
  if (thread.wait != Wait::kReady) return true;
  return thread.object->ready(thread.id, thread.op);
}

std::uint32_t Execution::pick_next() {
  // The hot loop of every scheduling point: no push_back, no reloads of the vectors'
  // data across the virtual ready() calls (ready() never touches the execution).
  const std::unique_ptr<LogicalThread>* const threads = threads_.data();
  PendingInfo* const pending = pending_.data();
  std::uint32_t* const runnable = runnable_.data();  // sized by new_thread()
  std::uint32_t count = 0;
  for (std::uint32_t i = 0; i < thread_count_; ++i) {
    const bool on = enabled(*threads[i]);
    // Changes of enabledness are the running thread's doing (fairness's D sets).
    if (on == pending[i].blocked) [[unlikely]] fair_.on_transition(i, on, current_);
    pending[i].blocked = !on;
    runnable[count] = i;
    count += on ? 1 : 0;
  }
  fair_.after_step(current_, std::span<const PendingInfo>(pending, thread_count_));
  // Fairness holds back yielding threads only once the execution is long (livelock-after
  // points): shorter schedules that starve a thread for a while are real schedules
  // (a bug window behind many yields), and livelock reports start there anyway.
  // (The strategy learns from PickContext::fair_enforced that the filter applies.)
  if (count > 1 && step_ >= config_->fair_from && fair_.constrained()) [[unlikely]] {
    count = fair_.filter(runnable, count);
  }
  if (count == 0) return kNoThread;
  const std::uint32_t next =
      count == 1 ? runnable[0] : ask_strategy(std::span<const std::uint32_t>(runnable, count));
  if (observe_steps_) [[unlikely]] notify_step(next);
  return next;
}

void Execution::notify_step(std::uint32_t next) {
  if (next == kNoThread) return;
  config_->strategy->on_step(next, PickContext{config_->index, step_, pending_});
}

std::uint32_t Execution::ask_strategy(std::span<const std::uint32_t> runnable) {
  const PickContext context{config_->index, step_, pending_, fair_.ran_yielded(),
                            fair_.ran_polled(), fair_.on() && step_ >= config_->fair_from};
  std::uint32_t picked = 0;
  try {
    picked = config_->strategy->pick(runnable, current_, context);
  } catch (const TokenError& error) {
    replay_error_ = error.what();
    begin_abort();
    return kNoThread;
  }
  // Runnable means in range and not blocked: pick_next() just set every blocked flag.
  LOCKSTEP_CHECK(picked < thread_count_ && !pending_[picked].blocked,
                 "strategy picked a thread that is not runnable");
  choices_.push_back(picked);
  return picked;
}

std::uint32_t Execution::choose(std::uint32_t bound) {
  const TsanIgnoreScope ignore;
  if (bound < 2 || aborting_) return 0;
  const PickContext context{config_->index, step_, pending_};
  std::uint32_t value = 0;
  try {
    value = config_->strategy->random(bound, context);
  } catch (const TokenError& error) {
    replay_error_ = error.what();
    begin_abort();
    if (std::uncaught_exceptions() == 0) abort_current();
    return 0;
  }
  LOCKSTEP_CHECK(value < bound, "strategy returned a random value out of bounds");
  choices_.push_back(value);
  return value;
}

void Execution::on_all_blocked() {
  const std::size_t before = findings_.size();
  for (Checker* checker : config_->checkers) checker->on_all_blocked(*this, *this);
  if (findings_.size() == before) {
    Finding finding;
    finding.kind = FindingKind::kDeadlock;
    finding.message = "all threads are blocked";
    findings_.push_back(std::move(finding));
  }
  begin_abort();
}

void Execution::begin_abort() {
  if (!aborting_ && observe_steps_) [[unlikely]] {
    config_->strategy->on_cut_short(PickContext{config_->index, step_, pending_});
  }
  aborting_ = true;
}

void Execution::on_block(std::uint32_t thread) {
  for (Checker* checker : checkers_) checker->on_block(thread, *this, *this);
}

std::uint32_t Execution::next_to_unwind() {
  for (std::uint32_t i = thread_count_; i-- > 0;) {
    LogicalThread& thread = *threads_[i];
    if (thread.finished) continue;
    if (!thread.started) {
      thread.finished = true;
      thread.handle.finished = true;
      continue;
    }
    return i;
  }
  return kNoThread;
}

void Execution::abort_current() {
  LogicalThread& me = *threads_[current_];
  const std::uint32_t next = next_to_unwind();
  if (next != me.id) switch_to(&me, next);
  throw Abort{};
}

// The cold paths of point(), out of line so the hot path keeps a small frame.
bool Execution::leave_point(OpKind op) {
  // Releases and notifications are what destructors do (std::scoped_lock,
  // std::unique_lock, RAII notifiers), and destructors are noexcept: an
  // Abort thrown there would terminate the process. Those points return false (the
  // primitive skips its effect) and the thread unwinds at its next scheduling point,
  // or simply ends.
  const bool maybe_in_destructor = op == OpKind::kRelease || op == OpKind::kReleaseShared ||
                                   op == OpKind::kNotifyOne || op == OpKind::kNotifyAll;
  if (std::uncaught_exceptions() == 0 && !maybe_in_destructor) abort_current();
  return false;
}

void Execution::record_call_stack(LogicalThread& me, const SourceLocation& location) {
  me.call_stack = is_library_file(location.file_name()) ? capture_stack() : std::vector<std::uintptr_t>{};
}

void Execution::report_step_bound(std::uint32_t thread, const SourceLocation& location) {
  Finding finding;
  finding.kind = FindingKind::kStepBound;
  finding.threads = {thread};
  finding.locations.push_back(locate(location));
  finding.message = "did not terminate within " + std::to_string(config_->max_steps) +
                    " steps (option max-steps)";
  report(std::move(finding), /*fatal=*/true);
}

void Execution::park_abandoned(Heartbeat& beat) {
  // A worker the watchdog abandoned must never touch the caller's state again. It
  // sleeps here for good; its stacks stay visible to LeakSanitizer (fiber_switch.h).
  keep_os_stack_scanned_for_leaks();
  for (std::uint32_t i = 0; i < thread_count_; ++i) {
    keep_scanned_for_leaks(threads_[i]->stack.bottom(), threads_[i]->stack.usable());
  }
  note_settled(beat);
  while (beat.abandoned.load(std::memory_order_relaxed)) pause();
}

namespace {
std::atomic<int> g_unsettled{0};

#if LOCKSTEP_ASAN
void wait_for_abandoned_workers() {
  for (int i = 0; i < 5000 && g_unsettled.load(std::memory_order_acquire) > 0; ++i) {
    ::usleep(1000);
  }
}
#endif
}  // namespace

void note_abandoned(Heartbeat& beat) {
  beat.abandoned.store(true, std::memory_order_relaxed);
  g_unsettled.fetch_add(1, std::memory_order_acq_rel);
#if LOCKSTEP_ASAN
  // Registered after LeakSanitizer's own exit hook, so it runs before the leak check.
  static const int registered = std::atexit(&wait_for_abandoned_workers);
  (void)registered;
#endif
}

void note_settled(Heartbeat& beat) {
  if (!beat.settled.exchange(true, std::memory_order_acq_rel)) {
    g_unsettled.fetch_sub(1, std::memory_order_acq_rel);
  }
}

bool Execution::point(ModelObject* object, OpKind op, Wait wait,
                      const SourceLocation& location) {
  const TsanIgnoreScope ignore;
  if (aborting_) [[unlikely]] return leave_point(op);
  LogicalThread& me = *threads_[current_];
  me.op = op;
  me.wait = wait;
  me.object = object;
  me.location = location;
  if (config_->record_trace) [[unlikely]] record_call_stack(me, location);
  // pending_ may grow while this thread is switched out (spawns): index it afresh
  // after the switch instead of holding a reference across it.
  pending_[me.id].op = op;
  pending_[me.id].object = object != nullptr ? object->bind(*this) : 0;
  // Keys are for strategies that compare steps across executions (DPOR); one load
  // less per point for the others.
  if (observe_steps_) [[unlikely]] {
    pending_[me.id].key = object != nullptr ? objects_[pending_[me.id].object - 1].key : 0;
  }
  if (Heartbeat* beat = config_->heartbeat) {
    if (beat->abandoned.load(std::memory_order_relaxed)) [[unlikely]] park_abandoned(*beat);
    beat->beats.store(beat->beats.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
    beat->file.store(location.file_name(), std::memory_order_relaxed);
    beat->line.store(location.line(), std::memory_order_relaxed);
    beat->thread.store(me.id, std::memory_order_relaxed);
    beat->step.store(step_, std::memory_order_relaxed);
  }
  if (++step_ >= step_alarm_) [[unlikely]] on_step_alarm(me.id, op, location);
  std::uint32_t next = pick_next();
  if (pending_[me.id].blocked) [[unlikely]] {
    on_block(me.id);
    if (aborting_) return leave_point(op);
  }
  if (next == kNoThread) [[unlikely]] {
    if (!aborting_) on_all_blocked();
    return leave_point(op);
  }
  if (next != me.id) switch_to(&me, next);
  // Picked (or resumed to unwind).
  if (aborting_) [[unlikely]] return leave_point(op);
  me.op = OpKind::kNone;
  pending_[me.id].op = OpKind::kNone;
  if (wait == Wait::kTimed) return object->ready(me.id, op);
  return true;
}

// The checkers of the stage in force that want `event`'s operation.
inline void Execution::dispatch(const OpEvent& event) {
  for (Checker* checker : dispatch_->by_op[static_cast<std::size_t>(event.op)]) {
    checker->on_event(event, *this, *this);
  }
}

void Execution::emit(OpEvent& event, ModelObject* object) {
  const TsanIgnoreScope ignore;
  // While the execution unwinds, threads may still run a little user code (see
  // leave_point): what they do is not part of the execution any more.
  if (aborting_) [[unlikely]] return;
  event.thread = current_;
  event.step = step_;
  if (object != nullptr) {
    event.object = object->bind(*this);
    event.object_kind = object->kind();
    if (observe_steps_) [[unlikely]] event.object_key = objects_[event.object - 1].key;
  }
  ++events_;
  fair_.observe(event);
  if (observe_steps_) [[unlikely]] config_->strategy->on_event(event);
  dispatch(event);
  if (config_->record_trace) [[unlikely]] {
    trace_.push_back(event);
    trace_stacks_.push_back(is_library_file(event.location.file_name()) ? capture_stack()
                                                                         : std::vector<std::uintptr_t>{});
  }
  // A checker ended the execution (report_fatal): unwind this thread now, unless it is
  // unwinding already or has finished (its end event; finish_current unwinds the rest).
  if (aborting_) [[unlikely]] {
    if (std::uncaught_exceptions() == 0 && !threads_[current_]->finished) abort_current();
  }
}

void Execution::report(Finding finding, bool fatal) {
  const TsanIgnoreScope ignore;
  if (aborting_) [[unlikely]] {  // a thread still running while the execution unwinds
    if (std::uncaught_exceptions() == 0) abort_current();
    return;
  }
  findings_.push_back(std::move(finding));
  if (!fatal) return;
  begin_abort();
  if (std::uncaught_exceptions() == 0) abort_current();
}

void Execution::shared_access(ModelObject* object, OpKind op, bool has_value, std::int64_t value,
                              const SourceLocation& location) {
  const std::uint32_t id = object->bind(*this);
  // Whether the variable's accesses are points is decided once per object, in
  // register_object.
  if (objects_[id - 1].point && !point(object, op, Wait::kNever, location)) return;
  OpEvent event;
  event.op = op;
  event.location = location;
  event.has_value = has_value;
  event.value = value;
  emit(event, object);
}

std::uint32_t variable_key(const char* file, std::uint32_t line, const char* name) {
  // FNV-1a over "dir/file.cc:line:name" (the short path keeps keys stable across
  // checkouts and build directories).
  const std::string text = Location{file != nullptr ? file : "", line, "", {}}.short_text() + ":" +
                           (name != nullptr ? name : "");
  std::uint32_t hash = 2166136261u;
  for (const char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 16777619u;
  }
  return hash;
}

void Execution::mark_racy(std::uint32_t object) {
  if (object == 0 || object > objects_.size()) return;
  const ObjectRecord& record = objects_[object - 1];
  const std::uint32_t key = variable_key(record.declared.file_name(), record.declared.line(), record.name);
  if (std::find(racy_found_.begin(), racy_found_.end(), key) == racy_found_.end()) {
    racy_found_.push_back(key);
  }
}

std::uint32_t Execution::register_object(ModelObject* object) {
  const TsanIgnoreScope ignore;
  objects_.push_back(ObjectRecord{object->kind(), object->name(), object->declared(), object});
  objects_.back().key = object->key();
  if (object->kind() == ObjectKind::kThread) {
    objects_.back().thread = static_cast<const ThreadHandle*>(object)->thread;
    objects_.back().key = std::uint64_t{1} << 62 | objects_.back().thread;
  }
  if (object->kind() == ObjectKind::kShared) {
    ObjectRecord& record = objects_.back();
    if (config_->shared_points == SharedPoints::kAll) {
      record.point = true;
    } else if (config_->shared_points == SharedPoints::kRacy && config_->racy != nullptr &&
               !config_->racy->empty()) {
      record.point = std::binary_search(
          config_->racy->begin(), config_->racy->end(),
          variable_key(record.declared.file_name(), record.declared.line(), record.name));
    }
  }
  return static_cast<std::uint32_t>(objects_.size());
}

std::uint32_t Execution::spawn(std::function<void()> body, const SourceLocation& location) {
  const TsanIgnoreScope ignore;
  LogicalThread& child = new_thread();
  child.body = std::move(body);
  child.spawned_at = location;
  return child.id;
}

void Execution::emit_destroy(OpEvent& event) {
  const TsanIgnoreScope ignore;
  event.op = OpKind::kDestroy;
  event.thread = current_;
  event.step = step_;
  dispatch(event);
}

ThreadState Execution::thread_state(std::uint32_t thread) const {
  const LogicalThread& t = *threads_[thread];
  if (t.finished) return ThreadState::kFinished;
  if (!t.started) return ThreadState::kNotStarted;
  return enabled(t) ? ThreadState::kRunning : ThreadState::kBlocked;
}

OpKind Execution::pending_op(std::uint32_t thread) const { return threads_[thread]->op; }

std::uint32_t Execution::pending_object(std::uint32_t thread) const {
  return pending_[thread].object;
}

Location Execution::pending_location(std::uint32_t thread) const {
  const LogicalThread& t = *threads_[thread];
  Location location = Location::from(t.location);
  location.stack = t.call_stack;
  return location;
}

Location Execution::locate(const SourceLocation& location) const {
  Location result = Location::from(location);
  if (config_->record_trace && is_library_file(location.file_name())) result.stack = capture_stack();
  return result;
}

std::vector<std::uint32_t> Execution::waits_for(std::uint32_t thread) const {
  std::vector<std::uint32_t> out;
  const LogicalThread& t = *threads_[thread];
  if (t.object != nullptr && t.wait == Wait::kReady && !t.finished) {
    t.object->holders(t.id, t.op, out);
  }
  return out;
}

bool Execution::waits_only_for_holders(std::uint32_t thread) const {
  const LogicalThread& t = *threads_[thread];
  return t.object != nullptr && t.wait == Wait::kReady && !t.finished &&
         t.object->only_holders_wake(t.id, t.op);
}

std::string Execution::object_name(std::uint32_t object) const {
  if (object == 0 || object > objects_.size()) return "-";
  const ObjectRecord& record = objects_[object - 1];
  if (record.name != nullptr) return record.name;
  if (record.thread != kNoThread) return "t" + std::to_string(record.thread);  // a join's target
  return std::string(object_kind_name(record.kind)) + "#" + std::to_string(object);
}

std::string Execution::object_state(std::uint32_t object) const {
  if (object == 0 || object > objects_.size()) return {};
  // Only objects some thread is blocked on are guaranteed alive; ask those only.
  for (std::uint32_t i = 0; i < thread_count_; ++i) {
    const LogicalThread& t = *threads_[i];
    if (!t.finished && t.object != nullptr && pending_[i].object == object) {
      return t.object->state_text();
    }
  }
  return {};
}

const Options& Execution::options() const {
  return config_->options != nullptr ? *config_->options : ExecutionView::options();
}

SourceLocation Execution::object_declared(std::uint32_t object) const {
  if (object == 0 || object > objects_.size()) return {};
  return objects_[object - 1].declared;
}

// --- lockstep/internal/runtime.h ---------------------------------------------------

bool point(Execution& ex, ModelObject* object, OpKind op, Wait wait,
           const SourceLocation& location) {
  return ex.point(object, op, wait, location);
}
bool wait_point(Execution& ex, ModelObject* object, OpKind op, bool blocking, bool timed,
                const SourceLocation& location) {
  // A blocking wait is a tail call, so this frame is gone before the thread switches
  // (see switch_to); point() already answers "ready?" for kReady and kTimed.
  if (blocking) return ex.point(object, op, timed ? Wait::kTimed : Wait::kReady, location);
  if (!ex.point(object, op, Wait::kNever, location)) return false;
  return object->ready(ex.current(), op);
}
void emit(Execution& ex, OpEvent& event, ModelObject* object) { ex.emit(event, object); }
bool tearing_down(const Execution& ex) { return ex.aborting(); }
std::uint32_t current_thread(const Execution& ex) { return ex.current(); }
std::uint32_t choose(Execution& ex, std::uint32_t bound) { return ex.choose(bound); }
void report(Execution& ex, Finding finding, bool fatal) { ex.report(std::move(finding), fatal); }
void shared_access(Execution& ex, ModelObject* object, OpKind op, bool has_value,
                   std::int64_t value, const SourceLocation& location) {
  ex.shared_access(object, op, has_value, value, location);
}
bool spurious_wakeups(const Execution& ex) { return ex.spurious_wakeups(); }
std::uint64_t execution_epoch(const Execution& ex) { return ex.epoch(); }
void announce_release(const void* address) { sanitizer_release(address); }
void announce_acquire(const void* address) { sanitizer_acquire(address); }
#if LOCKSTEP_TSAN
ModelAccess::ModelAccess() { __tsan_ignore_thread_begin(); }
ModelAccess::~ModelAccess() { __tsan_ignore_thread_end(); }
#else
ModelAccess::ModelAccess() = default;
ModelAccess::~ModelAccess() = default;
#endif

}  // namespace lockstep::internal

namespace lockstep {

const Options& ExecutionView::options() const {
  static const Options defaults;
  return defaults;
}

}  // namespace lockstep
