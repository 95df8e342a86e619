// One execution of a scenario: its logical threads (fibers on this OS thread), their
// pending operations, the scheduling loop, and the event stream.
//
// Life of an execution (Execution::run):
//   1. thread 0 runs the scenario body; Thread spawns more logical threads;
//   2. before each synchronisation operation a thread calls point(): the runtime
//      computes the enabled set, asks the strategy to pick one (only when there is a
//      choice), records the choice, and switches fibers directly to the picked thread;
//   3. the execution ends when every thread finished, or early on a fatal finding;
//      then every unfinished thread is resumed once more to unwind its stack (an
//      Abort exception), so destructors run and nothing leaks.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include "lockstep/source_location.h"
#include <string>
#include <vector>

#include "lockstep/checker.h"
#include "lockstep/internal/runtime.h"
#include "lockstep/strategy.h"
#include "runtime/fairness.h"
#include "runtime/fiber_switch.h"
#include "runtime/stack_pool.h"

namespace lockstep::internal {

// Thrown into a logical thread to unwind it when its execution ends early.
struct Abort {};

enum class SharedPoints : std::uint8_t { kNone, kRacy, kAll };

// Published by the worker at every scheduling point for the watchdog on another OS
// thread: plain relaxed stores, no read-modify-write on the hot path.
struct Heartbeat {
  std::atomic<std::uint64_t> beats{0};
  std::atomic<const char*> file{nullptr};
  std::atomic<std::uint32_t> line{0};
  std::atomic<std::uint32_t> thread{0};
  std::atomic<std::uint64_t> step{0};
  std::atomic<bool> in_execution{false};  // between Execution::run's start and end
  std::atomic<bool> abandoned{false};     // the watchdog gave up on this worker: park it
  std::atomic<bool> settled{false};       // abandoned, then parked or finished
};

// The watchdog abandoned the worker behind `beat` (note_abandoned); the worker parked
// for good or finished (note_settled, once per abandonment). Until an abandoned worker
// settles it may still run on a fiber stack, where LeakSanitizer does not see what its
// OS stack owns: under ASan the process's exit waits a little for it (no false leak
// report when a test ends right after a stall finding).
void note_abandoned(Heartbeat& beat);
void note_settled(Heartbeat& beat);

struct ExecutionConfig {
  Strategy* strategy = nullptr;
  std::vector<Checker*> checkers;
  std::uint64_t index = 0;  // execution index within the search
  std::uint64_t max_steps = 20000;
  SharedPoints shared_points = SharedPoints::kRacy;
  // Under kRacy: keys (variable_key) of the variables found racy so far, sorted.
  const std::vector<std::uint32_t>* racy = nullptr;
  bool spurious_wakeups = false;
  bool strict = false;  // option strict (checkers read it through ExecutionView::strict)
  bool fair = true;                   // option fair (runtime/fairness.h)
  std::uint64_t fair_from = 0;        // enforced from this step on (option livelock-after)
  const Options* options = nullptr;   // for checkers (ExecutionView::options); null: defaults
  bool record_trace = false;
  Heartbeat* heartbeat = nullptr;
};

// What join() waits on: the end of a logical thread.
class ThreadHandle final : public ModelObject {
 public:
  ThreadHandle() : ModelObject(ObjectKind::kThread, nullptr, SourceLocation{}) {}
  bool ready(std::uint32_t, OpKind) const override { return finished; }
  void holders(std::uint32_t, OpKind, std::vector<std::uint32_t>& out) const override {
    out.push_back(thread);
  }
  bool only_holders_wake(std::uint32_t, OpKind) const override { return true; }
  std::string state_text() const override;
  std::uint32_t thread = 0;
  bool finished = false;
};

struct LogicalThread {
  std::uint32_t id = 0;
  std::uint32_t created = 0;  // model objects this thread constructed (creation_key)
  bool started = false;
  bool finished = false;
  // The pending operation (valid while the thread waits in point()).
  OpKind op = OpKind::kNone;
  Wait wait = Wait::kNever;
  ModelObject* object = nullptr;
  SourceLocation location;
  std::vector<std::uintptr_t> call_stack;  // of the pending operation, in traced re-runs only
  SourceLocation spawned_at;
  std::function<void()> body;
  Context context;
  Stack stack;
  ThreadHandle handle;
};

// A registered object's identity, copied at first use (the object may die first).
struct ObjectRecord {
  ObjectKind kind = ObjectKind::kNone;
  const char* name = nullptr;
  SourceLocation declared;
  ModelObject* live = nullptr;  // valid only while a thread is blocked on it
  std::uint32_t thread = ~std::uint32_t{0};  // for a thread's join handle: that thread
  std::uint64_t key = 0;  // identity across executions (creation_key)
  bool point = false;  // a Shared variable whose accesses are scheduling points
};

// A Shared variable's identity across executions (object ids are per execution): a
// hash of where it is declared (the last two path components and the line) and its
// name. Replay tokens record racy variables by these keys.
std::uint32_t variable_key(const char* file, std::uint32_t line, const char* name);

class Execution final : public ExecutionView, private FindingSink {
 public:
  explicit Execution(StackPool& stacks);
  ~Execution() override;
  Execution(const Execution&) = delete;
  Execution& operator=(const Execution&) = delete;

  // Runs `body` as thread 0 to the end of the execution.
  void run(const std::function<void()>& body, const ExecutionConfig& config);

  // Results of the last run.
  const std::vector<Finding>& findings() const { return findings_; }
  const std::vector<std::uint32_t>& choices() const { return choices_; }
  const std::vector<OpEvent>& trace() const { return trace_; }
  // Call stacks of the traced events whose location is library code (else empty).
  const std::vector<std::vector<std::uintptr_t>>& trace_stacks() const { return trace_stacks_; }
  const std::string& replay_error() const { return replay_error_; }
  std::uint32_t threads_created() const { return thread_count_; }
  std::uint64_t steps() const { return step_; }
  std::uint64_t epoch() const { return epoch_; }
  // ModelObject::bind_new found `object` in use by another execution running now (another
  // worker's): reports it (fatal) and returns an id of this execution for the object.
  [[gnu::noinline, gnu::cold]] std::uint32_t report_shared_object(ModelObject* object);

  // --- the primitives' interface (lockstep/internal/runtime.h) -----------------------
  bool point(ModelObject* object, OpKind op, Wait wait, const SourceLocation& location);
  // Fills in the event's thread, step and object, then hands it to the checkers. By
  // reference: copying a just-built event costs more than building it (the copy's wide
  // loads wait for the fields' narrow stores to drain).
  void emit(OpEvent& event, ModelObject* object);
  // `location` as a finding location; in a traced re-run it carries the call stack
  // when `location` is inside library code, so the report can show the user's line.
  Location locate(const SourceLocation& location) const override;
  void report(Finding finding, bool fatal);
  std::uint32_t choose(std::uint32_t bound);
  bool aborting() const { return aborting_; }
  std::uint32_t current() const { return current_; }
  // Shared<T>'s access (runtime.h shared_access).
  void shared_access(ModelObject* object, OpKind op, bool has_value, std::int64_t value,
                     const SourceLocation& location);
  // The creation key of an object the current thread constructs now.
  std::uint64_t next_creation_key() {
    return (std::uint64_t{current_ + 1} << 32) | threads_[current_]->created++;
  }
  bool spurious_wakeups() const { return config_->spurious_wakeups; }
  std::uint32_t register_object(ModelObject* object);
  // Hands a kDestroy event (a lock or a joinable Thread being destroyed, see
  // ~ModelObject and ~Thread) to the checkers only: it is no operation of the
  // interleaving, so it is not traced, and it never unwinds the caller, a destructor.
  void emit_destroy(OpEvent& event);

  // Threads.
  std::uint32_t spawn(std::function<void()> body, const SourceLocation& location);
  ThreadHandle& handle(std::uint32_t thread) { return threads_[thread]->handle; }

  // --- ExecutionView ------------------------------------------------------------------
  std::uint32_t thread_count() const override { return thread_count_; }
  ThreadState thread_state(std::uint32_t thread) const override;
  OpKind pending_op(std::uint32_t thread) const override;
  std::uint32_t pending_object(std::uint32_t thread) const override;
  Location pending_location(std::uint32_t thread) const override;
  std::vector<std::uint32_t> waits_for(std::uint32_t thread) const override;
  bool waits_only_for_holders(std::uint32_t thread) const override;
  std::string object_name(std::uint32_t object) const override;
  ObjectKind object_kind(std::uint32_t object) const override {
    return object == 0 || object > objects_.size() ? ObjectKind::kNone : objects_[object - 1].kind;
  }
  std::string object_state(std::uint32_t object) const override;
  SourceLocation object_declared(std::uint32_t object) const override;
  std::uint64_t step() const override { return step_; }
  std::uint64_t event_count() const override { return events_; }
  std::uint64_t execution_index() const override { return config_->index; }
  bool strict() const override { return config_->strict; }
  bool traced() const override { return config_->record_trace; }

  // Stable keys of the Shared variables checkers marked racy in the last run.
  const std::vector<std::uint32_t>& racy_found() const { return racy_found_; }
  const Options& options() const override;

 private:
  static void fiber_main(fctx::transfer_t from);
  [[noreturn]] void run_current_thread();
  [[noreturn]] void finish_current();
  void join_remaining_threads();
  bool enabled(const LogicalThread& thread) const;
  // Cold paths of point(): leaving it while the execution ends (throws Abort to unwind
  // the thread unless it is already unwinding; then returns false), the call stack of a
  // traced re-run, the step bound.
  [[gnu::noinline, gnu::cold]] bool leave_point(OpKind op);
  [[gnu::noinline, gnu::cold]] void record_call_stack(LogicalThread& me, const SourceLocation& location);
  [[gnu::noinline, gnu::cold]] void report_step_bound(std::uint32_t thread, const SourceLocation& location);
  [[gnu::noinline, gnu::cold]] void park_abandoned(Heartbeat& beat);
  // Picks the next thread among the enabled ones; returns kNoThread when none is.
  std::uint32_t pick_next();
  // The strategy's pick among two or more runnable threads, checked and recorded.
  std::uint32_t ask_strategy(std::span<const std::uint32_t> runnable);
  void on_all_blocked();
  void begin_abort();
  // Ends the running thread's part in an abandoned execution: threads unwind from the
  // highest id down (children before the threads whose stack objects they may use),
  // so this switches to every higher unfinished thread first, then throws Abort.
  [[noreturn]] void abort_current();
  // The highest-id unfinished thread (never-started ones are just marked finished).
  std::uint32_t next_to_unwind();
  void start(LogicalThread& thread);
  void switch_to(LogicalThread* from, std::uint32_t to);
  LogicalThread& new_thread();
  void report(Finding finding) override { findings_.push_back(std::move(finding)); }
  void mark_racy(std::uint32_t object) override;
  void report_fatal(Finding finding) override {
    findings_.push_back(std::move(finding));
    begin_abort();
  }
  // The checkers' on_block for the current thread, which just found its operation
  // not enabled.
  [[gnu::noinline, gnu::cold]] void on_block(std::uint32_t thread);
  // The strategy's on_step for `next` (observing strategies only: DPOR).
  [[gnu::noinline]] void notify_step(std::uint32_t next);

  static constexpr std::uint32_t kNoThread = ~std::uint32_t{0};

  StackPool& stacks_;
  const ExecutionConfig* config_ = nullptr;
  std::span<Checker* const> checkers_;  // config_->checkers
  // Emit's dispatch, in stages: for each OpKind, the checkers whose Checker::events
  // include it and whose events_from_step has been reached. Stage 0 holds the checkers
  // that want events from step 0; stage s starts at step stages_[s].from. Built when the
  // checker set or a checker's first step changes: once per search, per lane with
  // several lanes.
  struct DispatchStage {
    std::uint64_t from = 0;
    std::array<std::vector<Checker*>, kOpKindCount> by_op;
  };
  void prepare_dispatch(const std::vector<Checker*>& checkers);
  void dispatch(const OpEvent& event);
  // The step that needs point()'s cold path next: the next stage's start, or the step
  // bound's first violation.
  void arm_step_alarm();
  [[gnu::noinline, gnu::cold]] void on_step_alarm(std::uint32_t thread, OpKind op,
                                                   const SourceLocation& location);
  std::vector<DispatchStage> stages_;
  std::vector<Checker*> dispatch_checkers_;   // what stages_ was built for
  std::vector<std::uint64_t> dispatch_from_;  // and their first steps
  std::vector<std::uint64_t> from_scratch_;
  std::size_t stage_ = 0;                     // the stage in force
  const DispatchStage* dispatch_ = nullptr;   // &stages_[stage_]
  std::uint64_t step_alarm_ = 0;
  std::uint64_t events_ = 0;                  // emitted in this execution
  const std::function<void()>* root_body_ = nullptr;
  std::vector<std::unique_ptr<LogicalThread>> threads_;  // reused across executions
  std::uint32_t thread_count_ = 0;
  std::vector<PendingInfo> pending_;
  std::vector<std::uint32_t> runnable_;  // pick_next's scratch, one slot per thread
  FairScheduler fair_;                   // filters runnable_ before the strategy sees it
  std::vector<ObjectRecord> objects_;
  std::vector<std::uint32_t> choices_;
  std::vector<Finding> findings_;
  std::vector<std::uint32_t> racy_found_;
  std::vector<OpEvent> trace_;
  std::vector<std::vector<std::uintptr_t>> trace_stacks_;
  std::string replay_error_;
  Context worker_;
  std::uint32_t current_ = 0;
  std::uint64_t step_ = 0;
  std::uint64_t epoch_ = 0;
  std::size_t live_slot_ = 0;  // in the table of running executions (execution.cc)
  bool aborting_ = false;
  bool observe_steps_ = false;  // the strategy's observes_steps(), asked once per run
  // Addresses of the TSan edges around an execution: the worker releases `start_token_`
  // and every fiber acquires it when it starts; every fiber releases `end_token_` when it
  // ends and the worker acquires it. Executions are ordered, the threads of one are not.
  int start_token_ = 0;
  int end_token_ = 0;
};

inline std::uint32_t ModelObject::bind(Execution& ex) {
  return epoch_.load(std::memory_order_relaxed) == ex.epoch() ? id_ : bind_new(ex);
}

}  // namespace lockstep::internal
