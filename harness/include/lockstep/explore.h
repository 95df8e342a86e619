// lockstep/explore.h — run a scenario under many schedules.
//
//   lockstep::Result r = lockstep::explore([] { ...threads and checks... }, options);
//   EXPECT_TRUE(r) << r;      // r converts to true when nothing was found
//
// The body is the scenario's main logical thread; state built inside it is rebuilt
// for every execution. Options come from `options`, then LOCKSTEP_OPTIONS, then
// LOCKSTEP_REPLAY. The search runs on a worker OS thread while the calling thread
// watches it: a scenario that blocks or spins outside lockstep's control for
// `stall-timeout` becomes a "stalled" finding instead of a hang (the stuck worker is
// abandoned and parked).
#pragma once

#include <functional>
#include <iosfwd>
#include <string>

#include "lockstep/finding.h"
#include "lockstep/options.h"
#include "lockstep/report.h"

namespace lockstep {

enum class Verdict : std::uint8_t {
  kPassed,  // no finding within the budget (or every schedule covered)
  kFailed,  // a finding; the report says what, where, and how to reproduce it
  kError,   // the exploration could not run as asked (bad option, bad token, ...)
};

class Result {
 public:
  Result() = default;
  Result(Verdict verdict, Report report, std::string error = {})
      : verdict_(verdict), report_(std::move(report)), error_(std::move(error)) {}

  Verdict verdict() const { return verdict_; }
  bool passed() const { return verdict_ == Verdict::kPassed; }
  explicit operator bool() const { return passed(); }
  // Passed and the strategy ran out of schedules: every schedule (within its bound,
  // report().stats.scope) was covered. A verification result, distinct from "nothing
  // found within the budget".
  bool covered_all() const { return passed() && report_.stats.exhausted; }
  // True when the failing execution has a finding of this kind.
  bool found(FindingKind kind) const;
  const Report& report() const { return report_; }
  const std::string& error() const { return error_; }  // set when kError
  // The replay token of the failing execution ("" when none).
  std::string token() const;
  // The text report (or the error, or a one-line pass summary).
  std::string text() const;
  friend std::ostream& operator<<(std::ostream& out, const Result& result);

 private:
  Verdict verdict_ = Verdict::kPassed;
  Report report_;
  std::string error_;
};

// Explores `body`. `name` identifies the scenario in replay tokens ("Suite.Test" or a
// catalog name); a token recorded for another name is refused.
Result explore(std::function<void()> body, const Options& options = {}, std::string name = {});

// As explore(), but uses `options` exactly as given (no LOCKSTEP_OPTIONS /
// LOCKSTEP_REPLAY): for tools that merged the environment themselves.
Result explore_exactly(std::function<void()> body, const Options& options, std::string name);

// How the one reproducing line is written for `name` and `token`. Integrations set it
// (GoogleTest: LOCKSTEP_REPLAY=... ./binary --gtest_filter=name; the CLI: lockstep
// replay ...). The default is "LOCKSTEP_REPLAY=<token> <program>".
using ReproduceFormatter = std::string (*)(const std::string& name, const std::string& token);
void set_reproduce_formatter(ReproduceFormatter formatter);

}  // namespace lockstep
