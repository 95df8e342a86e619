// lockstep/lockstep.h — everything a scenario needs.
//
// lockstep finds concurrency bugs by controlling thread interleavings: a scenario's
// logical threads run one at a time under a deterministic scheduler, a strategy picks
// who runs at every synchronisation operation, and checkers report deadlocks,
// assertion failures, exceptions and non-termination, each with a replay token.
//
//   #include <lockstep/lockstep.h>
//   lockstep::Result r = lockstep::explore([] {
//     lockstep::Mutex m;
//     lockstep::Shared<int> x{0};
//     lockstep::Thread t([&] { std::scoped_lock g(m); x += 1; });
//     { std::scoped_lock g(m); x += 1; }
//     t.join();
//     LOCKSTEP_ASSERT(x == 2);
//   });
//
// Primitives (lockstep/sync/*.h) behave as the ordinary real primitives outside an
// exploration, so the same class works in production and under test.
#pragma once

#include "lockstep/assert.h"
#include "lockstep/explore.h"
#include "lockstep/options.h"
#include "lockstep/report.h"
#include "lockstep/scenario.h"
#include "lockstep/schedule.h"
#include "lockstep/sync/atomic.h"
#include "lockstep/sync/barrier.h"
#include "lockstep/sync/condition.h"
#include "lockstep/sync/condition_variable.h"
#include "lockstep/sync/event.h"
#include "lockstep/sync/lock.h"
#include "lockstep/sync/mutex.h"
#include "lockstep/sync/queue.h"
#include "lockstep/sync/semaphore.h"
#include "lockstep/sync/shared.h"
#include "lockstep/sync/thread.h"
#include "lockstep/sync/thread_local.h"
