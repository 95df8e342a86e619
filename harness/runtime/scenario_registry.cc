#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "lockstep/scenario.h"

namespace lockstep {
namespace {

struct Registry {
  std::vector<ScenarioInfo> scenarios;
  bool sorted = false;
};

Registry& registry() {
  static Registry instance;  // constructed on first use: safe from any static initialiser
  return instance;
}

}  // namespace

std::vector<FindingKind> Expectation::kinds() const {
  std::vector<FindingKind> out;
  for (FindingKind kind : all_finding_kinds()) {
    if (includes(kind)) out.push_back(kind);
  }
  return out;
}

std::string Expectation::name() const {
  if (pass()) return "pass";
  std::string text;
  for (FindingKind kind : kinds()) {
    if (!text.empty()) text += '+';
    text += finding_kind_name(kind);
  }
  return text;
}

bool Expectation::met_by(const std::vector<Finding>& findings) const {
  Expectation seen;
  for (const Finding& finding : findings) seen = seen | Expectation(finding.kind);
  return seen == *this;
}

bool register_scenario(const char* name, Expectation expected, const char* description,
                       const char* options, void (*body)(), SourceLocation where) {
  Registry& r = registry();
  for (const ScenarioInfo& other : r.scenarios) {
    if (other.name == name) {
      std::fprintf(stderr, "lockstep: scenario '%s' is registered twice (%s and %s:%u)\n", name,
                   other.where.short_text().c_str(), where.file_name(), where.line());
      std::abort();
    }
  }
  r.scenarios.push_back(
      ScenarioInfo{name, expected, description, options, body, Location::from(where)});
  r.sorted = false;
  return true;
}

const std::vector<ScenarioInfo>& scenarios() {
  Registry& r = registry();
  if (!r.sorted) {
    std::sort(r.scenarios.begin(), r.scenarios.end(),
              [](const ScenarioInfo& a, const ScenarioInfo& b) { return a.name < b.name; });
    r.sorted = true;
  }
  return r.scenarios;
}

const ScenarioInfo* find_scenario(std::string_view name) {
  for (const ScenarioInfo& info : scenarios()) {
    if (info.name == name) return &info;
  }
  return nullptr;
}

}  // namespace lockstep
