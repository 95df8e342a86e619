// The dependence relation of DPOR (strategies/dpor.h has the table per primitive): a
// step's footprint, and a step seen in an earlier execution.
//
// Objects are named by DPOR's own ids, given per object key (OpEvent::object_key) at
// first sight and kept for the whole search, so footprints recorded in different
// executions compare exactly.
#pragma once

#include <cstdint>

namespace lockstep::internal {

// The objects one step touches, each read or written. Up to kMaxObjects; a step that
// touches more, or fences, or makes a random choice, is dependent with every step.
struct Footprint {
  static constexpr std::uint32_t kMaxObjects = 4;
  std::uint32_t objects[kMaxObjects] = {};
  std::uint8_t size = 0;
  std::uint8_t writes = 0;  // bit i: objects[i] is written
  bool all = false;         // dependent with every step
  void add(std::uint32_t object, bool write);
  // Some object is shared and at least one of the two writes it.
  bool dependent(const Footprint& other) const;
};

// A thread's next step as an execution observed it (a sleep-set entry, a wakeup-tree
// node).
struct SeenStep {
  std::uint32_t thread = 0;
  Footprint footprint;
  // Asleep since a state at or above the shard split (strategies/shard_prefix.h): it
  // keeps the thread from being picked, and covers a race's reversal v only as an
  // initial of v, not by being independent of v (Dpor::insert_wakeup, add_backtrack).
  bool outside = false;
};

}  // namespace lockstep::internal
