#include "strategies/footprint.h"

namespace lockstep::internal {

void Footprint::add(std::uint32_t object, bool write) {
  if (all || object == 0) return;
  for (std::uint8_t i = 0; i < size; ++i) {
    if (objects[i] == object) {
      if (write) writes |= static_cast<std::uint8_t>(1u << i);
      return;
    }
  }
  if (size == kMaxObjects) {
    all = true;
    return;
  }
  objects[size] = object;
  if (write) writes |= static_cast<std::uint8_t>(1u << size);
  ++size;
}

bool Footprint::dependent(const Footprint& other) const {
  if (all || other.all) return true;
  for (std::uint8_t i = 0; i < size; ++i) {
    for (std::uint8_t j = 0; j < other.size; ++j) {
      const bool either_writes = ((writes >> i) & 1u) != 0 || ((other.writes >> j) & 1u) != 0;
      if (objects[i] == other.objects[j] && either_writes) return true;
    }
  }
  return false;
}

}  // namespace lockstep::internal
