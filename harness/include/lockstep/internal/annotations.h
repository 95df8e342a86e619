// Clang thread-safety attributes (the Abseil ABSL_LOCKABLE family), so -Wthread-safety
// works on code that uses lockstep's lock types. Empty on other compilers.
// Internal: do not depend on it directly.
#pragma once

#if defined(__clang__)
#define LOCKSTEP_TSA(x) __attribute__((x))
#else
#define LOCKSTEP_TSA(x)
#endif

#define LOCKSTEP_CAPABILITY(name) LOCKSTEP_TSA(capability(name))
#define LOCKSTEP_SCOPED_CAPABILITY LOCKSTEP_TSA(scoped_lockable)
#define LOCKSTEP_ACQUIRE(...) LOCKSTEP_TSA(acquire_capability(__VA_ARGS__))
#define LOCKSTEP_ACQUIRE_SHARED(...) LOCKSTEP_TSA(acquire_shared_capability(__VA_ARGS__))
#define LOCKSTEP_RELEASE(...) LOCKSTEP_TSA(release_capability(__VA_ARGS__))
#define LOCKSTEP_RELEASE_SHARED(...) LOCKSTEP_TSA(release_shared_capability(__VA_ARGS__))
#define LOCKSTEP_RELEASE_GENERIC(...) LOCKSTEP_TSA(release_generic_capability(__VA_ARGS__))
#define LOCKSTEP_TRY_ACQUIRE(...) LOCKSTEP_TSA(try_acquire_capability(__VA_ARGS__))
#define LOCKSTEP_TRY_ACQUIRE_SHARED(...) LOCKSTEP_TSA(try_acquire_shared_capability(__VA_ARGS__))
// For a function that releases and re-acquires a lock it was handed (a condition wait).
#define LOCKSTEP_NO_THREAD_SAFETY_ANALYSIS LOCKSTEP_TSA(no_thread_safety_analysis)
