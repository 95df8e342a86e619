// The strategy factory: one row per strategy (STYLE.md rule 4).
#include <memory>

#include "lockstep/options.h"
#include "lockstep/schedule.h"
#include "lockstep/strategy.h"
#include "strategies/delay_bound.h"
#include "strategies/dfs.h"
#include "strategies/dpor.h"
#include "strategies/preemption_bound.h"
#include "strategies/random_walk.h"
#include "strategies/replay.h"

namespace lockstep {

std::unique_ptr<Strategy> make_strategy(const Options& options) {
  if (options.strategy == "random") return std::make_unique<internal::RandomWalk>(options.seed);
  const auto bound = static_cast<std::uint32_t>(options.bound);
  if (options.strategy == "dfs") return std::make_unique<internal::Dfs>();
  if (options.strategy == "preemption-bound") return std::make_unique<internal::PreemptionBound>(bound);
  if (options.strategy == "delay-bound") return std::make_unique<internal::DelayBound>(bound);
  if (options.strategy == "dpor") return std::make_unique<internal::Dpor>();
  if (options.strategy == "replay") {
    if (options.replay.empty()) throw OptionError("strategy=replay needs a token in `replay`");
    return std::make_unique<internal::Replay>(Schedule::parse(options.replay).choices);
  }
  throw OptionError("unknown strategy '" + options.strategy + "' (valid: random, replay, dfs, preemption-bound, delay-bound, dpor)");
}

}  // namespace lockstep
