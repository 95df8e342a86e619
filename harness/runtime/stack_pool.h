// Fiber stacks: mmap'd, a guard page below each, reused across executions.
#pragma once

#include <cstddef>
#include <vector>

namespace lockstep::internal {

struct Stack {
  char* memory = nullptr;     // start of the mapping (the guard page)
  std::size_t mapped = 0;     // bytes mapped, guard page included
  void* sanitizer_fiber = nullptr;  // TSan fiber reused with this stack (TSan builds)

  char* top() const { return memory + mapped; }
  std::size_t usable() const;
  char* bottom() const;  // lowest usable address (just above the guard page)
};

// One per worker OS thread; not thread-safe.
class StackPool {
 public:
  explicit StackPool(std::size_t stack_size);
  ~StackPool();
  StackPool(const StackPool&) = delete;
  StackPool& operator=(const StackPool&) = delete;

  Stack acquire();
  void release(Stack stack);
  std::size_t stack_size() const { return stack_size_; }

 private:
  std::size_t stack_size_;
  std::vector<Stack> free_;
};

}  // namespace lockstep::internal
