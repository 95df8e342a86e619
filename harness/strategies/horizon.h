// The horizon of an execution whose length is not known in advance, for strategies
// that place a few events (PCT's change points, bounded-random's preemptions) at steps
// drawn uniformly from [1, k].
//
// PCT's guarantee needs k >= the execution's length; learning k from earlier
// executions makes execution i depend on them, which an indexed strategy may not
// (shard=i/n runs other predecessors than the unsharded search). draw_horizon instead
// draws k per execution, from the execution's own generator: a power of two, uniform
// over the L = log2(max-steps) - 3 exponents from 16 up to the first power at or
// above max-steps (12 for the default 20000). A step s of an execution is then the
// chosen step of one event with probability between 1/(L·s) and 2/(L·s) instead of
// 1/k: up to L times less for events near the end of the execution, more for events
// early in a long one.
#pragma once

#include <bit>
#include <cstdint>

#include "runtime/rng.h"

namespace lockstep::internal {

inline constexpr std::uint32_t kMinHorizonLog2 = 4;  // 16 steps

// Uniform over {2^4, 2^5, ..., 2^m} with 2^m the least power of two >= max_steps
// (just 2^4 when max_steps <= 16).
inline std::uint64_t draw_horizon(Rng& rng, std::uint64_t max_steps) {
  const auto top = static_cast<std::uint32_t>(std::bit_width(max_steps <= 1 ? 1 : max_steps - 1));
  const std::uint32_t levels = top > kMinHorizonLog2 ? top - kMinHorizonLog2 + 1 : 1;
  return std::uint64_t{1} << (kMinHorizonLog2 + rng.below(levels));
}

}  // namespace lockstep::internal
