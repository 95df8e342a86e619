// The strategy factory: one row per strategy (STYLE.md rule 4).
#include <memory>

#include "lockstep/options.h"
#include "lockstep/schedule.h"
#include "lockstep/strategy.h"
#include "strategies/choice_list.h"
#include "strategies/random_walk.h"
#include "strategies/replay.h"

namespace lockstep {

std::unique_ptr<Strategy> make_strategy(const Options& options) {
  if (options.strategy == "random") return std::make_unique<internal::RandomWalk>(options.seed);
  if (options.strategy == "replay") {
    if (options.replay.empty()) throw OptionError("strategy=replay needs a token in `replay`");
    return std::make_unique<internal::Replay>(Schedule::parse(options.replay).choices);
  }
  if (options.strategy == "choices") {
    return std::make_unique<internal::ChoiceList>(internal::ChoiceList::parse(options.choices));
  }
  throw OptionError("unknown strategy '" + options.strategy + "' (valid: random, replay, choices)");
}

}  // namespace lockstep
