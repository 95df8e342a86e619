#pragma once

#include "lockstep/strategy.h"
#include "runtime/rng.h"

namespace lockstep::internal {

class RandomWalk final : public Strategy {
 public:
  explicit RandomWalk(std::uint64_t seed) : seed_(seed) {}
  std::string_view name() const override { return "random"; }
  bool begin_execution(std::uint64_t execution) override;
  std::uint32_t pick(std::span<const std::uint32_t> runnable, std::uint32_t current,
                     const PickContext& context) override;
  std::uint32_t random(std::uint32_t bound, const PickContext& context) override;
  bool indexed() const override { return true; }

 private:
  std::uint64_t seed_;
  Rng rng_;
};

}  // namespace lockstep::internal
