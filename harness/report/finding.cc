#include "lockstep/finding.h"

#include <array>

namespace lockstep {
namespace {

struct KindRow {
  FindingKind kind;
  std::string_view name;
  std::string_view description;
};

constexpr std::array kKinds = {
#define LOCKSTEP_X(id, ident, name, doc) KindRow{FindingKind::id, name, doc},
    LOCKSTEP_FINDING_KINDS(LOCKSTEP_X)
#undef LOCKSTEP_X
};

}  // namespace

std::string_view finding_kind_name(FindingKind kind) {
  return kKinds[static_cast<std::size_t>(kind)].name;
}

std::string_view finding_kind_description(FindingKind kind) {
  return kKinds[static_cast<std::size_t>(kind)].description;
}

std::optional<FindingKind> parse_finding_kind(std::string_view name) {
  for (const KindRow& row : kKinds) {
    if (row.name == name) return row.kind;
  }
  return std::nullopt;
}

const std::vector<FindingKind>& all_finding_kinds() {
  static const std::vector<FindingKind> kinds = [] {
    std::vector<FindingKind> out;
    for (const KindRow& row : kKinds) out.push_back(row.kind);
    return out;
  }();
  return kinds;
}

// Built during static initialisation, on the main thread: this library is not
// instrumented under ThreadSanitizer, so a lazy function-local static's guard would be
// checked by an uninstrumented load and TSan would not see that another OS thread's
// later reads (memcpy of the strings) happen after the construction.
[[maybe_unused]] const auto& kFindingKindsBuiltEarly = all_finding_kinds();

Location Location::from(const SourceLocation& loc) {
  return Location{loc.file_name() != nullptr ? loc.file_name() : "", loc.line(),
                  loc.function_name() != nullptr ? loc.function_name() : ""};
}

std::string Location::short_text() const {
  if (file.empty()) return "?";
  std::size_t cut = file.rfind('/');
  if (cut != std::string::npos && cut > 0) {
    const std::size_t second = file.rfind('/', cut - 1);
    cut = second == std::string::npos ? 0 : second + 1;
  } else {
    cut = 0;
  }
  return file.substr(cut) + ":" + std::to_string(line);
}

bool Finding::same_failure(const Finding& other) const {
  return kind == other.kind && message == other.message && locations == other.locations;
}

}  // namespace lockstep
