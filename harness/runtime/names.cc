// Names of the event-stream tables (lockstep/event.h).
#include <array>

#include "lockstep/event.h"

namespace lockstep {

std::string_view op_kind_name(OpKind op) {
  static constexpr std::array<std::string_view, 64> kNames = {
#define LOCKSTEP_X(id, name) name,
      LOCKSTEP_OP_KINDS(LOCKSTEP_X)
#undef LOCKSTEP_X
  };
  return kNames[static_cast<std::size_t>(op)];
}

std::string_view object_kind_name(ObjectKind kind) {
  static constexpr std::array<std::string_view, 64> kNames = {
#define LOCKSTEP_X(id, name) name,
      LOCKSTEP_OBJECT_KINDS(LOCKSTEP_X)
#undef LOCKSTEP_X
  };
  return kNames[static_cast<std::size_t>(kind)];
}

}  // namespace lockstep
