#include "misuse/thread_misuse.h"

#include <string>

#include "misuse/misuse_finding.h"

namespace lockstep::checkers {
namespace {

constexpr std::uint32_t kNotAThread = ~std::uint32_t{0};  // see Thread::join

std::string thread_name(std::uint32_t thread) { return "t" + std::to_string(thread); }

}  // namespace

void ThreadMisuse::begin_execution(const ExecutionView&) { threads_.clear(); }

ThreadMisuse::Spawned& ThreadMisuse::thread(std::uint32_t id) {
  if (id >= threads_.size()) threads_.resize(id + 1);
  return threads_[id];
}

void ThreadMisuse::on_event(const OpEvent& event, const ExecutionView& view, FindingSink& sink) {
  switch (event.op) {
    case OpKind::kSpawn:
      thread(event.other).spawned = event.location;
      return;
    case OpKind::kJoin:
    case OpKind::kDetach:
      if (event.result == OpResult::kRefused) {
        on_refused(event, view, sink);
      } else if (event.value != 1) {  // value 1: the implicit join at the body's end
        Spawned& t = thread(event.other);
        t.fate = event.op == OpKind::kJoin ? Fate::kJoined : Fate::kDetached;
        t.settled = event.location;
      }
      return;
    case OpKind::kDestroy:
      if (event.object_kind == ObjectKind::kThread) thread(event.other).fate = Fate::kReleased;
      return;
    default:
      return;
  }
}

void ThreadMisuse::on_refused(const OpEvent& event, const ExecutionView& view, FindingSink& sink) {
  const std::string me = thread_name(event.thread);
  const bool join = event.op == OpKind::kJoin;
  Finding finding = misuse_finding(event.thread, "");
  finding.locations = {view.locate(event.location)};
  if (event.other == kNotAThread) {
    finding.message = me + (join ? " joins" : " detaches") +
                      " a Thread that is not a thread (default-constructed or moved from)";
  } else if (event.other == event.thread) {
    finding.message = me + " joins itself";
  } else {
    const Spawned& t = thread(event.other);
    const std::string other = thread_name(event.other);
    finding.threads.push_back(event.other);
    finding.message = me + (join ? " joins " : " detaches ") + other + ", which was " +
                      (t.fate == Fate::kJoined ? "joined" : "detached") + " already";
    finding.locations.push_back(Location::from(t.settled));
  }
  sink.report(std::move(finding));
}

void ThreadMisuse::end_execution(const ExecutionView&, FindingSink& sink) {
  for (std::uint32_t id = 1; id < threads_.size(); ++id) {
    const Spawned& t = threads_[id];
    if (t.fate != Fate::kJoinable) continue;
    Finding finding = misuse_finding(
        id, thread_name(id) + " is never joined: its Thread outlives the scenario (spawned at " +
                Location::from(t.spawned).short_text() + "; join it, or detach it on purpose)");
    finding.locations = {Location::from(t.spawned)};
    sink.report(std::move(finding));
  }
}

}  // namespace lockstep::checkers
