// The one place that switches stacks, with the sanitizer announcements around it.
//
// Ordering matters (DESIGN.md §8): all bookkeeping happens *before* the switch,
// because TSan charges everything after __tsan_switch_to_fiber to the target fiber;
// the announcement calls are inlined into the frame that switches; the TSan switch
// uses the no-sync flag, so TSan sees only the synchronisation lockstep models
// (published with __tsan_release/__tsan_acquire) and still reports races in
// uninstrumented code. ASan is told the target stack before the switch and finishes
// the switch on the other side.
#pragma once

#include <boost/context/detail/fcontext.hpp>
#include <cstddef>

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define LOCKSTEP_ASAN 1
#endif
#if __has_feature(thread_sanitizer) && !defined(LOCKSTEP_TSAN)
#define LOCKSTEP_TSAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define LOCKSTEP_ASAN 1
#endif
#if defined(__SANITIZE_THREAD__) && !defined(LOCKSTEP_TSAN)
#define LOCKSTEP_TSAN 1
#endif

#if LOCKSTEP_ASAN
#include <pthread.h>
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#include <sanitizer/lsan_interface.h>
#endif
#if LOCKSTEP_TSAN
#include <sanitizer/tsan_interface.h>
extern "C" void __tsan_ignore_thread_begin();
extern "C" void __tsan_ignore_thread_end();
#endif

namespace lockstep::internal {

namespace fctx = boost::context::detail;

// A resumable context: where a suspended fiber (or the worker's own stack) continues,
// plus what the sanitizers need to know about its stack.
struct Context {
  fctx::fcontext_t fcontext = nullptr;
  void* tsan_fiber = nullptr;
  void* asan_fake_stack = nullptr;
  const void* stack_bottom = nullptr;
  std::size_t stack_size = 0;
};

inline void* create_sanitizer_fiber() {
#if LOCKSTEP_TSAN
  return __tsan_create_fiber(0);
#else
  return nullptr;
#endif
}

inline void destroy_sanitizer_fiber(void* fiber) {
#if LOCKSTEP_TSAN
  if (fiber != nullptr) __tsan_destroy_fiber(fiber);
#else
  (void)fiber;
#endif
}

// Forgets ASan's marks on a finished fiber's stack. Frames that never return (the
// fiber's last ones) leave their redzones poisoned, and the next fiber on this memory
// may place an uninstrumented frame there whose locals instrumented code then reads.
inline void forget_stack_poison(const void* bottom, std::size_t size) {
#if LOCKSTEP_ASAN
  __asan_unpoison_memory_region(bottom, size);
#else
  (void)bottom;
  (void)size;
#endif
}

// For a worker parked for good (abandoned by the watchdog): what it owns is parked, not
// leaked. LeakSanitizer scans a thread's current stack only, here one fiber stack, so
// the worker's own OS stack and the other fibers' stacks, which point to everything it
// owns, become roots (keep_scanned_for_leaks) for the rest of the process.
inline void keep_scanned_for_leaks(const void* begin, std::size_t size) {
#if LOCKSTEP_ASAN
  __lsan_register_root_region(begin, size);
#else
  (void)begin;
  (void)size;
#endif
}
inline void keep_os_stack_scanned_for_leaks() {
#if LOCKSTEP_ASAN
  pthread_attr_t attributes;
  if (pthread_getattr_np(pthread_self(), &attributes) != 0) return;
  void* begin = nullptr;
  std::size_t size = 0;
  if (pthread_attr_getstack(&attributes, &begin, &size) == 0) keep_scanned_for_leaks(begin, size);
  pthread_attr_destroy(&attributes);
#endif
}

// While alive, TSan ignores the running fiber's memory accesses (interceptors such as
// malloc and memmove included) but not its synchronisation. The runtime's bookkeeping
// is shared by fibers that switch without synchronising; scopes of this kind around
// every runtime entry keep it out of TSan's reports (the library itself is compiled
// without TSan instrumentation; what remains visible are interceptors such as malloc
// and memmove), so TSan reports only the user's code. The count is per fiber, so a
// scope may span a switch.
class TsanIgnoreScope {
 public:
#if LOCKSTEP_TSAN
  TsanIgnoreScope() { __tsan_ignore_thread_begin(); }
  ~TsanIgnoreScope() { __tsan_ignore_thread_end(); }
#else
  TsanIgnoreScope() {}  // user-provided: no unused-variable warning where it does nothing
#endif
  TsanIgnoreScope(const TsanIgnoreScope&) = delete;
  TsanIgnoreScope& operator=(const TsanIgnoreScope&) = delete;
};

// Publishes modelled synchronisation to TSan (release on `address` ... acquire on it).
inline void sanitizer_release(const void* address) {
#if LOCKSTEP_TSAN
  __tsan_release(const_cast<void*>(address));
#else
  (void)address;
#endif
}
inline void sanitizer_acquire(const void* address) {
#if LOCKSTEP_TSAN
  __tsan_acquire(const_cast<void*>(address));
#else
  (void)address;
#endif
}

// Captures the worker's own stack as a Context (before the first switch away).
inline void capture_worker_context(Context& worker) {
#if LOCKSTEP_TSAN
  worker.tsan_fiber = __tsan_get_current_fiber();
#else
  (void)worker;
#endif
}

// Switches from the running context to `to`. `from_slot` is where the resumed side
// stores our suspended context; nullptr when `from` finished and is never resumed
// (ASan then frees its fake stack). Returns after someone switches back to us.
__attribute__((always_inline)) inline void switch_context(Context* from, Context& to) {
  // Read everything about the target before announcing the switch to TSan: after
  // __tsan_switch_to_fiber every access is charged to the target fiber.
  const fctx::fcontext_t target = to.fcontext;
#if LOCKSTEP_ASAN
  __sanitizer_start_switch_fiber(from != nullptr ? &from->asan_fake_stack : nullptr,
                                 to.stack_bottom, to.stack_size);
#endif
#if LOCKSTEP_TSAN
  __tsan_switch_to_fiber(to.tsan_fiber, __tsan_switch_to_fiber_no_sync);
#endif
  fctx::transfer_t back = fctx::jump_fcontext(target, from);
  // Resumed: `back.data` is the Context of whoever switched to us.
  auto* previous = static_cast<Context*>(back.data);
  if (previous != nullptr) previous->fcontext = back.fctx;
#if LOCKSTEP_ASAN
  __sanitizer_finish_switch_fiber(from->asan_fake_stack,
                                  previous != nullptr ? &previous->stack_bottom : nullptr,
                                  previous != nullptr ? &previous->stack_size : nullptr);
#endif
}

// First thing a new fiber does: record who started it.
__attribute__((always_inline)) inline void finish_first_switch(fctx::transfer_t from) {
  auto* previous = static_cast<Context*>(from.data);
  if (previous != nullptr) previous->fcontext = from.fctx;
#if LOCKSTEP_ASAN
  __sanitizer_finish_switch_fiber(nullptr,
                                  previous != nullptr ? &previous->stack_bottom : nullptr,
                                  previous != nullptr ? &previous->stack_size : nullptr);
#endif
}

}  // namespace lockstep::internal
