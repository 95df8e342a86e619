#include "runtime/stack_pool.h"

#include <sys/mman.h>
#include <unistd.h>

#include "runtime/check.h"
#include "runtime/fiber_switch.h"

namespace lockstep::internal {
namespace {

std::size_t page_size() {
  static const std::size_t size = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
  return size;
}

}  // namespace

std::size_t Stack::usable() const { return mapped - page_size(); }
char* Stack::bottom() const { return memory + page_size(); }

StackPool::StackPool(std::size_t stack_size) {
  const std::size_t page = page_size();
  stack_size_ = (stack_size + page - 1) / page * page;
}

StackPool::~StackPool() {
  for (Stack& stack : free_) {
    destroy_sanitizer_fiber(stack.sanitizer_fiber);
    munmap(stack.memory, stack.mapped);
  }
}

Stack StackPool::acquire() {
  if (!free_.empty()) {
    Stack stack = free_.back();
    free_.pop_back();
    return stack;
  }
  Stack stack;
  stack.mapped = stack_size_ + page_size();
  void* memory = mmap(nullptr, stack.mapped, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  LOCKSTEP_CHECK(memory != MAP_FAILED, "cannot map a fiber stack");
  stack.memory = static_cast<char*>(memory);
  LOCKSTEP_CHECK(mprotect(stack.memory, page_size(), PROT_NONE) == 0,
                 "cannot protect a fiber stack's guard page");
  stack.sanitizer_fiber = create_sanitizer_fiber();
  return stack;
}

void StackPool::release(Stack stack) {
  forget_stack_poison(stack.bottom(), stack.usable());
  free_.push_back(stack);
}

}  // namespace lockstep::internal
