#pragma once

#include <vector>

#include "lockstep/strategy.h"

namespace lockstep::internal {

// Runs one execution whose choices come from a list, leniently, so that any list is a
// valid schedule and a property-testing library can shrink it (strategy=choices; see
// lockstep/rapidcheck.h). At a pick, choice c selects among the runnable threads
// ordered from the current one onwards (the current one first when it is runnable,
// then the next ids, wrapping around): c = 0 means "no switch", and smaller values
// mean fewer preemptions. A value out of range is taken modulo the number of
// candidates; once the list runs out every answer is 0. The execution's recorded
// choices (the real thread ids) form an ordinary replay token.
class ChoiceList final : public Strategy {
 public:
  explicit ChoiceList(std::vector<std::uint32_t> choices) : choices_(std::move(choices)) {}
  std::string_view name() const override { return "choices"; }
  bool begin_execution(std::uint64_t execution) override;
  std::uint32_t pick(std::span<const std::uint32_t> runnable, std::uint32_t current,
                     const PickContext& context) override;
  std::uint32_t random(std::uint32_t bound, const PickContext& context) override;

  // Parses "3,0,12" (empty: no choices). Throws OptionError.
  static std::vector<std::uint32_t> parse(std::string_view text);

 private:
  std::uint32_t next();
  std::vector<std::uint32_t> choices_;
  std::size_t position_ = 0;
  bool ran_ = false;
};

}  // namespace lockstep::internal
