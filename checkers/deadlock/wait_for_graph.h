// The wait-for graph of one execution, as the deadlock checkers read it: a blocked
// thread t has an edge to every thread in view.waits_for(t) (the holder of the lock it
// wants, the thread it joins, ...). Built on demand from the ExecutionView; nothing is
// kept between calls except scratch space.
//
// Soundness (what makes a cycle a deadlock and not a guess): a set S of blocked
// threads is deadlocked when every thread that could wake a member is itself in S.
// That holds for edges of waits the ExecutionView says only their holders can end
// (waits_only_for_holders: owned locks, joins). A wait any thread may end (a semaphore,
// an event, a condition, a queue, a barrier, a Python Lock) is woken by "any
// unfinished thread", so it is stuck only when every unfinished thread is: a global
// deadlock, which GlobalDeadlock reports.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "lockstep/checker.h"
#include "lockstep/finding.h"

namespace lockstep::checkers {

// A cycle of the wait-for graph reachable from `start`, as thread ids in wait order
// (start's successor first if start is on it; the first id is not repeated at the
// end); empty when there is none. Deterministic: successors in waits_for order.
std::vector<std::uint32_t> find_cycle_from(const ExecutionView& view, std::uint32_t start);

// Fills `finding` with the cycle: its threads, the objects they wait on, where they
// wait, the message "cycle t1 -> a -> t2 -> b -> t1", the cycle drawn as text in
// `details` (one line per wait) and as a Graphviz digraph in `dot`.
void describe_cycle(const ExecutionView& view, const std::vector<std::uint32_t>& cycle,
                    Finding& finding);

// "t1 acquire Mutex a (held by t2)": what a blocked thread waits for, in words.
std::string waiting_text(const ExecutionView& view, std::uint32_t thread);

// A Graphviz string literal (quotes and backslashes escaped, newlines as \n).
std::string dot_quote(const std::string& text);

}  // namespace lockstep::checkers
