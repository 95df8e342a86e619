// Finds the user's source line for operations reached through library code.
//
// SourceLocation default arguments name the caller of a lockstep function —
// which is a standard-library header when the call comes from std::scoped_lock, or a
// lockstep header when it comes from a Shared<T> operator. During the traced re-run of
// a failing schedule (never during the search) the runtime captures a call stack for
// such operations; when the report is built, every captured stack is symbolised in one
// batch (addr2line, from binutils, which a C++ toolchain on Debian always has) and the
// innermost frame outside lockstep and the standard library becomes the location.
// Without addr2line or debug information the original location stays.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "lockstep/finding.h"

namespace lockstep::internal {

// True for files of lockstep itself or of the standard library.
bool is_library_file(const char* file);

// The current call stack (return addresses, innermost first).
std::vector<std::uintptr_t> capture_stack();

// For each stack, the innermost user frame; nullopt where none could be found.
std::vector<std::optional<Location>> resolve_user_frames(
    const std::vector<const std::vector<std::uintptr_t>*>& stacks);

// Replaces, in place, every location that carries a stack with its user frame and
// drops the stacks.
void resolve_locations(std::vector<Location*>& locations);

}  // namespace lockstep::internal
