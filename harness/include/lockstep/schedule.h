// lockstep/schedule.h — a schedule and its replay token.
//
// A Schedule is the list of choices an execution made (which thread ran at each
// scheduling point with more than one runnable thread, and every other
// nondeterministic value), plus what it needs to be replayed faithfully: the scenario
// name, the number of logical threads, and the options that change what an execution
// does ("semantics"). Its token is versioned, compact and checksummed:
//
//   ls1:<scenario>:<threads>:<semantics>:<choices>:<fnv32 hex>
//
// <semantics> is "-" or comma-separated key=value pairs (non-default options only);
// <choices> writes 0..25 as a..z and larger values as _<decimal>_; a decimal count
// before a symbol repeats it ("3a" = a a a). Parsing is strict: anything malformed,
// truncated or altered is a TokenError naming the problem.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace lockstep {

class TokenError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

struct Schedule {
  std::string scenario;                // "-" when unnamed
  std::uint32_t threads = 0;           // logical threads the execution created
  std::string semantics = "-";         // e.g. "shared-points=all"
  std::vector<std::uint32_t> choices;  // in the order the execution asked for them

  std::string token() const;
  // Throws TokenError.
  static Schedule parse(std::string_view token);

  friend bool operator==(const Schedule&, const Schedule&) = default;
};

}  // namespace lockstep
