#include "runtime/check.h"

#include <cstdio>
#include <cstdlib>

#include "runtime/execution.h"

namespace lockstep::internal {

void check_failed(const char* condition, const char* message, const char* file, int line) {
  std::fprintf(stderr, "lockstep internal error (a bug in lockstep, not in your code): %s\n"
               "  check: %s\n  at %s:%d\n", message, condition, file, line);
  if (const Execution* ex = tls_execution; ex != nullptr) {
    std::fprintf(stderr, "  during an execution at step %llu, thread t%u\n",
                 static_cast<unsigned long long>(ex->steps()), ex->current());
  }
  std::fprintf(stderr, "  please report it with the scenario and the options used\n");
  std::abort();
}

}  // namespace lockstep::internal
