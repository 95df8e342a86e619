// The shape every misuse finding shares: kind misuse, severity error, the thread that
// misused the object first among the threads.
#pragma once

#include <cstdint>
#include <string>

#include "lockstep/finding.h"

namespace lockstep::checkers {

inline Finding misuse_finding(std::uint32_t thread, std::string message) {
  Finding finding;
  finding.kind = FindingKind::kMisuse;
  finding.severity = Severity::kError;
  finding.threads = {thread};
  finding.message = std::move(message);
  return finding;
}

}  // namespace lockstep::checkers
