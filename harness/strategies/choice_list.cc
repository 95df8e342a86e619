#include "strategies/choice_list.h"

#include <algorithm>
#include <charconv>
#include <string>

namespace lockstep::internal {

bool ChoiceList::begin_execution(std::uint64_t) {
  if (ran_) return false;
  ran_ = true;
  position_ = 0;
  return true;
}

std::uint32_t ChoiceList::next() {
  return position_ < choices_.size() ? choices_[position_++] : 0;
}

std::uint32_t ChoiceList::pick(std::span<const std::uint32_t> runnable, std::uint32_t current,
                               const PickContext&) {
  const auto size = static_cast<std::uint32_t>(runnable.size());
  // The first candidate is the current thread, or the next id after it.
  const auto first = static_cast<std::uint32_t>(
      std::lower_bound(runnable.begin(), runnable.end(), current) - runnable.begin());
  return runnable[(first + next() % size) % size];
}

std::uint32_t ChoiceList::random(std::uint32_t bound, const PickContext&) { return next() % bound; }

std::vector<std::uint32_t> ChoiceList::parse(std::string_view text) {
  std::vector<std::uint32_t> choices;
  std::size_t at = 0;
  while (at < text.size()) {
    std::size_t end = text.find(',', at);
    if (end == std::string_view::npos) end = text.size();
    std::uint32_t value = 0;
    const auto [stop, error] = std::from_chars(text.data() + at, text.data() + end, value);
    if (end == at || error != std::errc{} || stop != text.data() + end) {
      throw OptionError("option choices: invalid value '" + std::string(text) +
                        "' (expected comma-separated non-negative integers, such as 0,2,1)");
    }
    choices.push_back(value);
    at = end + 1;
  }
  if (!text.empty() && text.back() == ',') {
    throw OptionError("option choices: invalid value '" + std::string(text) + "' (trailing comma)");
  }
  return choices;
}

}  // namespace lockstep::internal
