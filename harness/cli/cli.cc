#include "cli/cli.h"

#include <chrono>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "lockstep/explore.h"
#include "lockstep/scenario.h"

namespace lockstep::cli {
namespace {

constexpr int kOk = 0;
constexpr int kMismatch = 1;
constexpr int kUsage = 2;

class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

const char* g_program = "lockstep";

std::string replay_line(const std::string&, const std::string& token) {
  return std::string(g_program) + " replay " + token;
}

void print_help() {
  std::printf(
      "usage: %s <command> [arguments] [--KEY=VALUE ...]\n\n"
      "commands:\n"
      "  list                     the registered scenarios and their expected verdicts\n"
      "  run NAME... | --all      explore scenarios; print what is found\n"
      "  replay TOKEN             re-run one failing schedule from its replay token\n"
      "  options [--markdown]     the options every --KEY=VALUE may set\n\n"
      "common flags: --strategy=NAME --seed=N --executions=N --time-budget=DURATION\n"
      "--dot (run, replay): after each report, the Graphviz digraph of every finding that\n"
      "has one (deadlock wait-for cycles, lock-order cycles)\n"
      "(any option of `%s options`; applied after the scenario's own options and\n"
      "LOCKSTEP_OPTIONS)\n\n"
      "exit codes: 0 every scenario met its expected verdict (replay: no finding),\n"
      "1 some did not (replay: a finding), 2 usage error\n",
      g_program, g_program);
}

struct Command {
  std::string name;
  std::vector<std::string> arguments;
  std::vector<std::pair<std::string, std::string>> flags;  // key, value
  bool all = false;
  bool markdown = false;
  bool dot = false;
};

Command parse(int argc, char** argv) {
  Command command;
  static const std::vector<std::string> kShortFlags = {"strategy", "seed", "executions",
                                                       "time-budget"};
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--help" || arg == "-h" || arg == "help") {
      command.name = "help";
      return command;
    }
    if (arg == "--all") {
      command.all = true;
    } else if (arg == "--markdown") {
      command.markdown = true;
    } else if (arg == "--dot") {
      command.dot = true;
    } else if (arg.rfind("--", 0) == 0) {
      std::string key = arg.substr(2);
      std::string value;
      const std::size_t eq = key.find('=');
      if (eq != std::string::npos) {
        value = key.substr(eq + 1);
        key = key.substr(0, eq);
      } else if (i + 1 < argc) {
        value = argv[++i];
      } else {
        throw UsageError("flag --" + key + " needs a value");
      }
      command.flags.emplace_back(key, value);
    } else if (command.name.empty()) {
      command.name = arg;
    } else {
      command.arguments.push_back(arg);
    }
  }
  return command;
}

Options options_for(const ScenarioInfo* scenario, const Command& command) {
  Options options;
  try {
    if (scenario != nullptr) options.apply(scenario->options);
  } catch (const OptionError& error) {
    throw UsageError("scenario " + scenario->name + " has bad options: " + error.what());
  }
  try {
    options = options.with_environment();
  } catch (const OptionError& error) {
    throw UsageError(error.what());
  }
  for (const auto& [key, value] : command.flags) {
    try {
      options.set(key, value);
    } catch (const OptionError& error) {
      throw UsageError(error.what());
    }
  }
  return options;
}

int list() {
  std::size_t width = 8;
  for (const ScenarioInfo& s : scenarios()) width = std::max(width, s.name.size());
  for (const ScenarioInfo& s : scenarios()) {
    std::printf("%-*s  %-14s  %s\n", static_cast<int>(width), s.name.c_str(),
                s.expected.name().c_str(), s.description.c_str());
  }
  return kOk;
}

std::string found_name(const Result& result) {
  if (result.verdict() == Verdict::kError) return "error";
  if (result.passed()) return "pass";
  std::string kinds;
  for (const Finding& finding : result.report().findings) {
    const std::string_view kind = finding_kind_name(finding.kind);
    if (kinds.find(kind) != std::string::npos) continue;
    if (!kinds.empty()) kinds += '+';
    kinds += kind;
  }
  return kinds.empty() ? "pass" : kinds;
}

bool met(const ScenarioInfo& scenario, const Result& result) {
  if (result.verdict() == Verdict::kError) return false;
  if (scenario.expected.pass() && !result.passed()) return false;
  return scenario.expected.met_by(result.report().findings);
}

// The findings' Graphviz digraphs (Finding::dot), each after a comment naming it.
void print_dot(const Result& result) {
  for (const Finding& finding : result.report().findings) {
    if (finding.dot.empty()) continue;
    std::cout << "// " << result.report().scenario << ": " << finding_kind_name(finding.kind)
              << " (Graphviz: dot -Tsvg)\n"
              << finding.dot;
  }
}

int run_scenarios(const Command& command) {
  std::vector<const ScenarioInfo*> chosen;
  if (command.all) {
    if (!command.arguments.empty()) throw UsageError("run: give scenario names or --all, not both");
    for (const ScenarioInfo& s : scenarios()) chosen.push_back(&s);
  } else {
    if (command.arguments.empty()) throw UsageError("run: name scenarios to run, or --all");
    for (const std::string& name : command.arguments) {
      const ScenarioInfo* s = find_scenario(name);
      if (s == nullptr) {
        throw UsageError("unknown scenario '" + name + "' (see `" + g_program + " list`)");
      }
      chosen.push_back(s);
    }
  }
  std::vector<Options> options;
  for (const ScenarioInfo* s : chosen) options.push_back(options_for(s, command));

  struct Row {
    const ScenarioInfo* scenario;
    std::string found;
    std::uint64_t executions;
    double seconds;
    bool ok;
  };
  std::vector<Row> rows;
  for (std::size_t i = 0; i < chosen.size(); ++i) {
    const ScenarioInfo& s = *chosen[i];
    const auto start = std::chrono::steady_clock::now();
    const Result result = explore_exactly(s.body, options[i], s.name);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (result.verdict() == Verdict::kError) {
      std::fprintf(stderr, "%s: %s: %s\n", g_program, s.name.c_str(), result.error().c_str());
      if (options[i].strategy == "replay") return kUsage;
    } else {
      std::cout << result.text() << "\n";
      if (command.dot) print_dot(result);
    }
    rows.push_back(Row{&s, found_name(result), result.report().stats.executions, seconds,
                       met(s, result)});
  }
  std::size_t width = 8;
  for (const Row& row : rows) width = std::max(width, row.scenario->name.size());
  std::printf("%-*s  %-14s  %-14s  %10s  %9s  %s\n", static_cast<int>(width), "scenario",
              "expected", "found", "executions", "time", "");
  bool all_met = true;
  for (const Row& row : rows) {
    all_met = all_met && row.ok;
    std::printf("%-*s  %-14s  %-14s  %10llu  %8.3fs  %s\n", static_cast<int>(width),
                row.scenario->name.c_str(), row.scenario->expected.name().c_str(),
                row.found.c_str(), static_cast<unsigned long long>(row.executions), row.seconds,
                row.ok ? "ok" : "MISMATCH");
  }
  std::size_t met_count = 0;
  for (const Row& row : rows) met_count += row.ok ? 1 : 0;
  std::printf("%zu of %zu scenarios met their expected verdict\n", met_count, rows.size());
  return all_met ? kOk : kMismatch;
}

int replay(const Command& command) {
  if (command.arguments.size() != 1) throw UsageError("replay: give exactly one replay token");
  const std::string& token = command.arguments[0];
  Schedule schedule;
  try {
    schedule = Schedule::parse(token);
  } catch (const TokenError& error) {
    throw UsageError(error.what());
  }
  const ScenarioInfo* s = find_scenario(schedule.scenario);
  if (s == nullptr) {
    throw UsageError("the replay token is for scenario '" + schedule.scenario +
                     "', which this binary does not have (see `" + g_program + " list`)");
  }
  Options options = options_for(s, command);
  options.replay = token;
  options.strategy = "replay";
  const Result result = explore_exactly(s->body, options, s->name);
  if (result.verdict() == Verdict::kError) throw UsageError(result.error());
  std::cout << result.text();
  if (command.dot) print_dot(result);
  return result.passed() ? kOk : kMismatch;
}

int print_options(const Command& command) {
  if (command.markdown) {
    std::cout << options_reference_markdown();
    return kOk;
  }
  for (const OptionInfo& info : option_table()) {
    std::printf("  --%-18s %s (default: %s)\n", std::string(info.key).c_str(),
                std::string(info.description).c_str(),
                info.default_text.empty() ? "none" : info.default_text.c_str());
  }
  return kOk;
}

}  // namespace

int run(int argc, char** argv) {
  if (argc > 0 && argv[0] != nullptr) g_program = argv[0];
  set_reproduce_formatter(&replay_line);
  try {
    const Command command = parse(argc, argv);
    if (command.name == "help") {
      print_help();
      return kOk;
    }
    if (command.name.empty()) {
      print_help();
      return kUsage;
    }
    if (command.name == "list") return list();
    if (command.name == "run") return run_scenarios(command);
    if (command.name == "replay") return replay(command);
    if (command.name == "options") return print_options(command);
    throw UsageError("unknown command '" + command.name + "' (commands: list, run, replay, options)");
  } catch (const UsageError& error) {
    std::fprintf(stderr, "%s: %s\n", g_program, error.what());
    return kUsage;
  }
}

}  // namespace lockstep::cli
