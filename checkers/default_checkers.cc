// The checkers every exploration runs: one row per checker.
#include "deadlock/global_deadlock.h"
#include "deadlock/lock_order.h"
#include "deadlock/partial_deadlock.h"
#include "livelock/lasso.h"
#include "lockstep/checker.h"
#include "race/race_checker.h"
#include "misuse/lock_misuse.h"
#include "misuse/thread_misuse.h"

namespace lockstep {

std::vector<std::unique_ptr<Checker>> make_default_checkers() {
  std::vector<std::unique_ptr<Checker>> checkers;
  checkers.push_back(std::make_unique<checkers::GlobalDeadlock>());
  checkers.push_back(std::make_unique<checkers::PartialDeadlock>());
  checkers.push_back(std::make_unique<checkers::RaceChecker>());
  checkers.push_back(std::make_unique<checkers::LockOrder>());
  checkers.push_back(std::make_unique<checkers::LockMisuse>());
  checkers.push_back(std::make_unique<checkers::ThreadMisuse>());
  checkers.push_back(std::make_unique<checkers::Lasso>());
  return checkers;
}

}  // namespace lockstep
