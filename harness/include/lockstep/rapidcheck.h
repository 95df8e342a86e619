// lockstep/rapidcheck.h — rapidcheck integration (target lockstep::rapidcheck).
//
// explore_property(body, options) runs an exploration inside a rapidcheck property
// and fails the property (RC_FAIL) with the lockstep report and replay token when
// something is found, so a failing case prints both RC_PARAMS=... and the token.
// Generators of schedules as choice lists come with the search strategies issue.
#pragma once

#include <rapidcheck.h>

#include <functional>

#include "lockstep/explore.h"

namespace lockstep::rc {

inline void explore_property(std::function<void()> body, const Options& options = {},
                             std::string name = {}) {
  const Result result = explore(std::move(body), options, std::move(name));
  if (!result) RC_FAIL(result.text());
}

}  // namespace lockstep::rc
