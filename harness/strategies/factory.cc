// The strategy factory: one row per strategy (STYLE.md rule 4).
#include <memory>
#include <string>

#include "lockstep/options.h"
#include "lockstep/schedule.h"
#include "lockstep/strategy.h"
#include "strategies/choice_list.h"
#include "strategies/pct.h"
#include "strategies/portfolio.h"
#include "strategies/delay_bound.h"
#include "strategies/dfs.h"
#include "strategies/dpor.h"
#include "strategies/preemption_bound.h"
#include "strategies/random_walk.h"
#include "strategies/replay.h"

namespace lockstep {

std::unique_ptr<Strategy> make_strategy(const Options& options) {
  if (options.strategy == "random") return std::make_unique<internal::RandomWalk>(options.seed);
  if (options.strategy == "pct") {
    if (options.pct_depth == 0 || options.pct_depth > 1000) {
      throw OptionError("option pct-depth: must be in [1, 1000], got " +
                        std::to_string(options.pct_depth));
    }
    return std::make_unique<internal::Pct>(options.seed,
                                           static_cast<std::uint32_t>(options.pct_depth));
  }
  if (options.strategy == "portfolio") {
    return std::make_unique<internal::Portfolio>(internal::Portfolio::default_members(options));
  }
  const auto bound = static_cast<std::uint32_t>(options.bound);
  // shard=i/n splits the exhaustive tree statically (strategies/choice_tree.h).
  const internal::Shard shard{static_cast<std::uint32_t>(options.shard.index),
                              static_cast<std::uint32_t>(options.shard.count)};
  if (options.strategy == "dfs") return std::make_unique<internal::Dfs>(shard);
  if (options.strategy == "preemption-bound") {
    return std::make_unique<internal::PreemptionBound>(bound, shard);
  }
  if (options.strategy == "delay-bound") return std::make_unique<internal::DelayBound>(bound, shard);
  if (options.strategy == "dpor") {
    if (options.dpor == "bounded") {
      // Its branches depend on the preemptions spent above them, which a shard prefix
      // enumerated in full would not track.
      if (shard.count > 1) {
        throw OptionError("dpor=bounded does not split between shards (shard=" +
                          std::to_string(shard.index) + "/" + std::to_string(shard.count) +
                          "); use strategy=preemption-bound with shard=i/n, or dpor=optimal");
      }
      return std::make_unique<internal::Dpor>(internal::DporVariant::kBounded, bound);
    }
    // Split by a prefix enumerated with sleep sets, DPOR below it (strategies/shard_prefix.h).
    const internal::DporVariant variant = options.dpor == "source" ? internal::DporVariant::kSource
                                                                   : internal::DporVariant::kOptimal;
    return std::make_unique<internal::Dpor>(variant, shard);
  }
  if (options.strategy == "replay") {
    if (options.replay.empty()) throw OptionError("strategy=replay needs a token in `replay`");
    return std::make_unique<internal::Replay>(Schedule::parse(options.replay).choices);
  }
  if (options.strategy == "choices") {
    return std::make_unique<internal::ChoiceList>(internal::ChoiceList::parse(options.choices));
  }
  throw OptionError("unknown strategy '" + options.strategy +
                    "' (valid: random, pct, portfolio, dfs, preemption-bound, delay-bound, dpor, "
                    "replay, choices)");
}

}  // namespace lockstep
