// lockstep/assert.h — assertions inside scenarios.
//
// LOCKSTEP_ASSERT(cond) inside an exploration: a failure is an "assertion" finding
// with the schedule that led to it (the execution ends). Outside an exploration it
// throws lockstep::AssertionError.
#pragma once

#include "lockstep/source_location.h"
#include <stdexcept>

namespace lockstep {

class AssertionError : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

// What LOCKSTEP_ASSERT calls; `expression` is the condition's text.
void check_assertion(bool ok, const char* expression,
                     SourceLocation location = SourceLocation::current());

// Reports a failure of a test framework's assertion (GoogleTest's EXPECT_/ASSERT_
// inside a scenario) as a finding. `fatal` ends the execution.
void report_assertion_failure(const std::string& message, const char* file, int line, bool fatal);

}  // namespace lockstep

#define LOCKSTEP_ASSERT(condition) \
  ::lockstep::check_assertion(static_cast<bool>(condition), #condition)
