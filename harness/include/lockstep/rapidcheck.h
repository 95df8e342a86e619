// lockstep/rapidcheck.h — rapidcheck integration (target lockstep::rapidcheck).
//
// Two ways to combine rapidcheck's generated inputs with lockstep's schedules:
//
//   explore_property(body, options, name)
//       explores many schedules of one generated case (lockstep's search);
//   explore_schedule(body, *lockstep::rc::schedule(), options, name)
//       runs the one schedule rapidcheck generated, as a list of choices: rapidcheck
//       then shrinks the schedule together with the inputs, down to a short list of
//       preemptions (see ChoiceList in harness/strategies/choice_list.h: choice 0 is
//       "no switch", values wrap, a list that runs out continues with 0).
//
// Both fail the property (RC_FAIL) with lockstep's report when something is found;
// the report ends with the line that reproduces the interleaving
// (LOCKSTEP_REPLAY=ls1:...), and rapidcheck prints the RC_PARAMS="reproduce=..." line
// that re-runs the failing case, inputs and schedule included.
//
//   RC_GTEST_PROP(Queue, KeepsEveryItem, ()) {
//     const auto ops = *lockstep::rc::thread_operations(2, rc::gen::inRange(0, 100));
//     lockstep::rc::explore_schedule([&] { ...run ops[0], ops[1] on threads... },
//                                    *lockstep::rc::schedule(), {}, "Queue.KeepsEveryItem");
//   }
//
// The options are used exactly as given (LOCKSTEP_OPTIONS and LOCKSTEP_REPLAY are not
// read: every case of a property must run its own schedule).
#pragma once

#include <rapidcheck.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "lockstep/explore.h"

namespace lockstep::rc {

// A schedule as a list of choices, each in [0, max_choice]. Shrinks towards shorter
// lists of smaller values, that is towards fewer preemptions.
inline ::rc::Gen<std::vector<std::uint32_t>> schedule(std::uint32_t max_choice = 4) {
  return ::rc::gen::container<std::vector<std::uint32_t>>(
      ::rc::gen::inRange<std::uint32_t>(0, max_choice + 1));
}

// One sequence of operations per logical thread: `threads` lists of `op` values.
template <typename Op>
::rc::Gen<std::vector<std::vector<Op>>> thread_operations(std::size_t threads, ::rc::Gen<Op> op) {
  return ::rc::gen::container<std::vector<std::vector<Op>>>(
      threads, ::rc::gen::container<std::vector<Op>>(std::move(op)));
}

// "3,0,1": the text of option `choices`.
inline std::string choices_text(const std::vector<std::uint32_t>& choices) {
  std::string text;
  for (std::uint32_t choice : choices) {
    if (!text.empty()) text += ',';
    text += std::to_string(choice);
  }
  return text;
}

// Runs `body` once under the schedule `choices` (strategy=choices) and returns the
// result; fails the property with the report when something was found.
inline Result explore_schedule(std::function<void()> body, const std::vector<std::uint32_t>& choices,
                               Options options = {}, std::string name = {}) {
  options.strategy = "choices";
  options.choices = choices_text(choices);
  options.executions = 1;
  options.progress = "off";
  Result result = explore_exactly(std::move(body), options, std::move(name));
  if (result.verdict() == Verdict::kError) RC_FAIL("lockstep error: " + result.error());
  if (!result) RC_FAIL(result.text());
  return result;
}

// Explores `body` with lockstep's own search and fails the property when something is
// found.
inline void explore_property(std::function<void()> body, const Options& options = {},
                             std::string name = {}) {
  const Result result = explore(std::move(body), options, std::move(name));
  if (!result) RC_FAIL(result.text());
}

}  // namespace lockstep::rc
