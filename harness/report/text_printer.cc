// The text report. Formats a Report; computes nothing.
#include <algorithm>
#include <string>
#include <vector>

#include "lockstep/report.h"

namespace lockstep {
namespace {

std::string pad(std::string text, std::size_t width) {
  if (text.size() < width) text.append(width - text.size(), ' ');
  return text;
}

std::string cell_of(const TraceStep& step) {
  std::string text = step.operation;
  if (!step.object.empty()) text += " " + step.object;
  if (!step.detail.empty()) text += " " + step.detail;
  if (step.location.line != 0) text += " @" + step.location.short_text();
  return text;
}

void append_findings(std::string& out, const std::vector<Finding>& findings) {
  for (const Finding& finding : findings) {
    out += "  " + std::string(finding_kind_name(finding.kind)) +
           (finding.severity == Severity::kWarning ? " (warning)" : "") + ": " + finding.message +
           "\n";
    for (const Location& location : finding.locations) {
      out += "    at " + location.short_text();
      if (!location.function.empty()) out += " in " + location.function;
      out += "\n";
    }
    if (!finding.details.empty()) {
      std::size_t at = 0;
      while (at < finding.details.size()) {
        std::size_t end = finding.details.find('\n', at);
        if (end == std::string::npos) end = finding.details.size();
        out += "    " + finding.details.substr(at, end - at) + "\n";
        at = end + 1;
      }
    }
  }
}

void append_table(std::string& out, const Report& report, std::size_t max_rows) {
  if (report.trace.empty()) return;
  const std::uint32_t columns = std::max<std::uint32_t>(report.threads, 1);
  std::vector<std::size_t> widths(columns, 0);
  const std::size_t first = report.trace.size() > max_rows ? report.trace.size() - max_rows : 0;
  for (std::uint32_t t = 0; t < columns; ++t) {
    widths[t] = ("t" + std::to_string(t) + (t == 0 ? " (main)" : "")).size();
  }
  for (std::size_t i = first; i < report.trace.size(); ++i) {
    const TraceStep& step = report.trace[i];
    if (step.thread < columns) widths[step.thread] = std::max(widths[step.thread], cell_of(step).size());
  }
  out += "\ninterleaving (" + std::to_string(report.trace.size()) + " operations, " +
         std::to_string(report.threads) + (report.threads == 1 ? " thread):\n" : " threads):\n");
  if (first > 0) out += "  ... " + std::to_string(first) + " earlier operations omitted\n";
  std::string header = "  #    ";
  std::string rule = "  -----";
  for (std::uint32_t t = 0; t < columns; ++t) {
    header += "| " + pad("t" + std::to_string(t) + (t == 0 ? " (main)" : ""), widths[t]) + " ";
    rule += "+" + std::string(widths[t] + 2, '-');
  }
  out += header + "\n" + rule + "\n";
  for (std::size_t i = first; i < report.trace.size(); ++i) {
    const TraceStep& step = report.trace[i];
    std::string line = "  " + pad(std::to_string(i + 1), 5);
    for (std::uint32_t t = 0; t < columns; ++t) {
      line += "| " + pad(t == step.thread ? cell_of(step) : "", widths[t]) + " ";
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
}

}  // namespace

std::string format_text(const Report& report, std::size_t max_rows) {
  std::string out;
  const std::string executions = std::to_string(report.stats.executions) + " execution" +
                                 (report.stats.executions == 1 ? "" : "s");
  if (!report.failed()) {
    out = "lockstep: " + report.scenario + ": no finding in " + executions + " (" +
          report.strategy + ", seed " + std::to_string(report.seed) + ")";
    if (report.stats.exhausted) {
      // A verification result, not "nothing found within the budget".
      out += "; all " + std::to_string(report.stats.executions) + " schedules covered";
      if (!report.stats.scope.empty()) out += " " + report.stats.scope;
    }
    if (!report.warnings.empty()) {
      out += "; " + std::to_string(report.warnings.size()) + " warning" +
             (report.warnings.size() == 1 ? "" : "s") + ":\n";
      append_findings(out, report.warnings);
      return out;
    }
    return out + "\n";
  }
  // A finding no single execution shows (a potential deadlock reported as an error)
  // has no schedule: it was found across the whole search.
  const std::string where = report.schedule ? "in execution " + std::to_string(report.failing_execution + 1) + " of "
                                            : "across ";
  out = "lockstep: " + report.scenario + ": " +
        std::string(finding_kind_name(report.findings.front().kind)) + " found " + where + executions +
        " (" + report.strategy + ", seed " + std::to_string(report.seed) + ")\n";
  append_findings(out, report.findings);
  append_table(out, report, max_rows);
  if (report.schedule) {
    out += "\npreemptions: " + std::to_string(report.preemptions);
    const std::string runs = std::to_string(report.shrink_runs) + " re-runs";
    if (report.shrink_runs > 0 && (report.unshrunk_preemptions != report.preemptions ||
                                   report.unshrunk_steps != report.steps)) {
      out += ", steps: " + std::to_string(report.steps) + " (shrunk from " +
             std::to_string(report.unshrunk_preemptions) + " preemptions and " +
             std::to_string(report.unshrunk_steps) + " steps in " + runs + ")";
    } else if (report.shrink_runs > 0) {
      out += ", steps: " + std::to_string(report.steps) + " (no smaller schedule in " + runs + ")";
    }
    out += "\n";
  }
  if (!report.reproduce.empty()) out += "\nreproduce: " + report.reproduce + "\n";
  return out;
}

}  // namespace lockstep
