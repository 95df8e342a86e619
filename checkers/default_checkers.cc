// The checkers every exploration runs: one row per checker.
#include "deadlock/global_deadlock.h"
#include "livelock/lasso.h"
#include "lockstep/checker.h"

namespace lockstep {

std::vector<std::unique_ptr<Checker>> make_default_checkers() {
  std::vector<std::unique_ptr<Checker>> checkers;
  checkers.push_back(std::make_unique<checkers::GlobalDeadlock>());
  checkers.push_back(std::make_unique<checkers::Lasso>());
  return checkers;
}

}  // namespace lockstep
