#include "report/symbolizer.h"

#include <dlfcn.h>
#include <elf.h>
#include <fcntl.h>
#include <execinfo.h>
#include <link.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <map>
#include <string>
#include <string_view>

extern char** environ;

namespace lockstep::internal {
namespace {

struct Frame {
  std::string function;
  std::string file;
  std::uint32_t line = 0;
};

// The harness/ folder of this source tree (for a build from source).
std::string_view harness_root() {
  static const std::string root = [] {
    std::string file = __FILE__;  // .../harness/report/symbolizer.cc
    const std::size_t at = file.rfind("/harness/");
    return at == std::string::npos ? std::string() : file.substr(0, at + 9);
  }();
  return root;
}

// Built during static initialisation, on the main thread: this library is not
// instrumented under ThreadSanitizer, so a lazy function-local static's guard would be
// checked by an uninstrumented load and TSan would not see that another OS thread's
// later reads (memcpy of the strings) happen after the construction.
[[maybe_unused]] const std::string_view kHarnessRootBuiltEarly = harness_root();

// Runs `addr2line -a -C -f -i -e module addresses...` and returns its output.
std::optional<std::string> run_addr2line(const std::string& module,
                                         const std::vector<std::uintptr_t>& addresses) {
  std::vector<std::string> args = {"addr2line", "-a", "-C", "-f", "-i", "-e", module};
  char buffer[32];
  for (std::uintptr_t address : addresses) {
    std::snprintf(buffer, sizeof(buffer), "0x%lx", static_cast<unsigned long>(address));
    args.emplace_back(buffer);
  }
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);

  int pipe_fds[2];
  if (pipe(pipe_fds) != 0) return std::nullopt;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_addclose(&actions, pipe_fds[0]);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  const int spawned = posix_spawnp(&pid, "addr2line", &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(pipe_fds[1]);
  if (spawned != 0) {
    close(pipe_fds[0]);
    return std::nullopt;
  }
  std::string output;
  char chunk[4096];
  ssize_t n = 0;
  while ((n = read(pipe_fds[0], chunk, sizeof(chunk))) > 0) output.append(chunk, static_cast<std::size_t>(n));
  close(pipe_fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return std::nullopt;
  return output;
}

// Parses addr2line -a -f -i output: "0x..." opens an address; then pairs of lines
// (function, file:line), innermost inline frame first.
std::map<std::uintptr_t, std::vector<Frame>> parse(const std::string& output) {
  std::map<std::uintptr_t, std::vector<Frame>> frames;
  std::vector<Frame>* current = nullptr;
  std::size_t at = 0;
  std::string pending_function;
  bool have_function = false;
  while (at < output.size()) {
    std::size_t end = output.find('\n', at);
    if (end == std::string::npos) end = output.size();
    const std::string line = output.substr(at, end - at);
    at = end + 1;
    if (line.rfind("0x", 0) == 0 && !have_function) {
      current = &frames[static_cast<std::uintptr_t>(std::stoull(line, nullptr, 16))];
      continue;
    }
    if (current == nullptr) continue;
    if (!have_function) {
      pending_function = line;
      have_function = true;
      continue;
    }
    have_function = false;
    Frame frame;
    frame.function = pending_function;
    const std::size_t colon = line.rfind(':');
    if (colon == std::string::npos) continue;
    frame.file = line.substr(0, colon);
    frame.line = static_cast<std::uint32_t>(std::strtoul(line.c_str() + colon + 1, nullptr, 10));
    current->push_back(std::move(frame));
  }
  return frames;
}

}  // namespace

bool is_library_file(const char* file) {
  if (file == nullptr || *file == '\0') return true;
  const std::string_view path(file);
  const std::string_view root = harness_root();
  if (!root.empty() && path.substr(0, root.size()) == root) return true;
  // The checkers (checkers/, next to harness/) are library code too: a checker that
  // locates the event it observes captures its own frames first.
  const std::size_t source = root.size() - std::string_view("harness/").size();
  if (!root.empty() && path.substr(0, source) == root.substr(0, source) &&
      path.substr(source, 9) == "checkers/") {
    return true;
  }
  return path.find("/include/lockstep/") != std::string_view::npos ||
         path.rfind("/usr/include/", 0) == 0 || path.rfind("/usr/lib/gcc/", 0) == 0 ||
         path.find("/c++/") != std::string_view::npos || path.rfind("??", 0) == 0;
}

std::vector<std::uintptr_t> capture_stack() {
  void* frames[48];
  const int depth = backtrace(frames, 48);
  std::vector<std::uintptr_t> stack;
  stack.reserve(static_cast<std::size_t>(depth));
  for (int i = 0; i < depth; ++i) stack.push_back(reinterpret_cast<std::uintptr_t>(frames[i]));
  return stack;
}

std::vector<std::optional<Location>> resolve_user_frames(
    const std::vector<const std::vector<std::uintptr_t>*>& stacks) {
  std::vector<std::optional<Location>> result(stacks.size());
  // Module of each return address, and the address addr2line wants (an offset for
  // position-independent objects); "- 1" points into the call instruction.
  struct Site {
    std::string module;
    std::uintptr_t lookup = 0;
  };
  std::map<std::uintptr_t, Site> sites;
  std::map<std::string, std::vector<std::uintptr_t>> by_module;
  for (const auto* stack : stacks) {
    for (std::uintptr_t address : *stack) {
      if (sites.contains(address)) continue;
      Dl_info info{};
      if (dladdr(reinterpret_cast<void*>(address), &info) == 0 || info.dli_fname == nullptr) {
        sites[address] = Site{};
        continue;
      }
      const auto* header = static_cast<const ElfW(Ehdr)*>(info.dli_fbase);
      const std::uintptr_t base = reinterpret_cast<std::uintptr_t>(info.dli_fbase);
      const std::uintptr_t lookup = (header->e_type == ET_DYN ? address - base : address) - 1;
      std::string module = info.dli_fname;
      if (module.empty() || module.find('/') == std::string::npos) module = "/proc/self/exe";
      sites[address] = Site{module, lookup};
      by_module[module].push_back(lookup);
    }
  }
  std::map<std::pair<std::string, std::uintptr_t>, std::vector<Frame>> symbols;
  for (auto& [module, lookups] : by_module) {
    for (std::size_t begin = 0; begin < lookups.size(); begin += 256) {
      const std::vector<std::uintptr_t> chunk(
          lookups.begin() + static_cast<std::ptrdiff_t>(begin),
          lookups.begin() + static_cast<std::ptrdiff_t>(std::min(begin + 256, lookups.size())));
      const std::optional<std::string> output = run_addr2line(module, chunk);
      if (!output) return result;  // no addr2line: keep the original locations
      for (auto& [lookup, frames] : parse(*output)) symbols[{module, lookup}] = std::move(frames);
    }
  }
  for (std::size_t i = 0; i < stacks.size(); ++i) {
    for (std::uintptr_t address : *stacks[i]) {
      const Site& site = sites[address];
      if (site.module.empty()) continue;
      const auto found = symbols.find({site.module, site.lookup});
      if (found == symbols.end()) continue;
      for (const Frame& frame : found->second) {
        if (frame.line == 0 || is_library_file(frame.file.c_str())) continue;
        result[i] = Location{frame.file, frame.line, frame.function};
        break;
      }
      if (result[i]) break;
    }
  }
  return result;
}

void resolve_locations(std::vector<Location*>& locations) {
  std::vector<const std::vector<std::uintptr_t>*> stacks;
  std::vector<Location*> targets;
  for (Location* location : locations) {
    if (location->stack.empty()) continue;
    stacks.push_back(&location->stack);
    targets.push_back(location);
  }
  if (!stacks.empty()) {
    const std::vector<std::optional<Location>> resolved = resolve_user_frames(stacks);
    for (std::size_t i = 0; i < targets.size(); ++i) {
      if (resolved[i]) {
        targets[i]->file = resolved[i]->file;
        targets[i]->line = resolved[i]->line;
        targets[i]->function = resolved[i]->function;
      }
    }
  }
  for (Location* location : locations) location->stack.clear();
}

}  // namespace lockstep::internal
