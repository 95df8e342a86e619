// LOCKSTEP_CHECK: the harness's own error channel (DESIGN.md §9). A failed check is a
// bug in lockstep, never in the code under test: it prints what failed, where, and the
// execution's step, seed and schedule when one is running, then aborts.
#pragma once

namespace lockstep::internal {
[[noreturn]] void check_failed(const char* condition, const char* message, const char* file,
                               int line);
}  // namespace lockstep::internal

#define LOCKSTEP_CHECK(condition, message)                                          \
  do {                                                                              \
    if (!(condition)) [[unlikely]]                                                  \
      ::lockstep::internal::check_failed(#condition, message, __FILE__, __LINE__);  \
  } while (false)
