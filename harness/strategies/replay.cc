#include "strategies/replay.h"

#include <algorithm>
#include <string>

namespace lockstep::internal {

bool Replay::begin_execution(std::uint64_t) {
  if (ran_) return false;
  ran_ = true;
  position_ = 0;
  return true;
}

std::uint32_t Replay::next(const PickContext& context) {
  if (position_ >= choices_.size()) {
    throw TokenError("replay token ends after " + std::to_string(choices_.size()) +
                     " choices, but the execution needs more at step " +
                     std::to_string(context.step) +
                     " (the scenario or its options differ from the recorded run)");
  }
  return choices_[position_++];
}

std::uint32_t Replay::pick(std::span<const std::uint32_t> runnable, std::uint32_t,
                           const PickContext& context) {
  const std::size_t index = position_;
  const std::uint32_t choice = next(context);
  if (!std::binary_search(runnable.begin(), runnable.end(), choice)) {
    std::string list;
    for (std::uint32_t id : runnable) list += (list.empty() ? "t" : ", t") + std::to_string(id);
    throw TokenError("replay token choice " + std::to_string(index) + " picks t" +
                     std::to_string(choice) + ", which is not runnable at step " +
                     std::to_string(context.step) + " (runnable: " + list + ")");
  }
  return choice;
}

std::uint32_t Replay::random(std::uint32_t bound, const PickContext& context) {
  const std::size_t index = position_;
  const std::uint32_t value = next(context);
  if (value >= bound) {
    throw TokenError("replay token choice " + std::to_string(index) + " is " +
                     std::to_string(value) + ", out of range [0, " + std::to_string(bound) +
                     ") at step " + std::to_string(context.step));
  }
  return value;
}

void Replay::check_consumed() const {
  if (position_ != choices_.size()) {
    throw TokenError("replay token has " + std::to_string(choices_.size()) +
                     " choices but the execution used only " + std::to_string(position_) +
                     " (the scenario or its options differ from the recorded run)");
  }
}

}  // namespace lockstep::internal
