#pragma once

#include <vector>

#include "lockstep/schedule.h"
#include "lockstep/strategy.h"

namespace lockstep::internal {

// Re-runs one recorded schedule. Every answer is checked against the token: a choice
// that is not runnable, a value out of bounds, or a token that runs out (or is not
// used up) is a TokenError naming the choice — never a silently different run.
class Replay final : public Strategy {
 public:
  explicit Replay(std::vector<std::uint32_t> choices) : choices_(std::move(choices)) {}
  std::string_view name() const override { return "replay"; }
  bool begin_execution(std::uint64_t execution) override;
  std::uint32_t pick(std::span<const std::uint32_t> runnable, std::uint32_t current,
                     const PickContext& context) override;
  std::uint32_t random(std::uint32_t bound, const PickContext& context) override;
  // Throws TokenError when choices were left over.
  void check_consumed() const;

 private:
  std::uint32_t next(const PickContext& context);
  std::vector<std::uint32_t> choices_;
  std::size_t position_ = 0;
  bool ran_ = false;
};

}  // namespace lockstep::internal
