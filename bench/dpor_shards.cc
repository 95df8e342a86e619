// dpor_shards: how strategy=dpor's shard=i/n splits an exhaustive search.
//
//   dpor_shards [--shards N,...]        (default 1,2,4)
//
// For Counter2x10 and the classic benchmarks (classic_programs.h), both DPOR variants
// and each shard count n, runs shards 0..n-1 one after the other and prints a markdown
// table: the executions of each shard, their sum, and the largest shard's share of the
// unsharded count (what a CI job of n parallel runners waits for, in executions; "-"
// until a count of 1 has run, so list 1 first). The
// output is a function of the arguments alone (counts, no times), for
// docs/strategies.md. Every shard must end with "all schedules covered"; one that does
// not is an error (exit 1).
#include <lockstep/lockstep.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <numeric>
#include <sstream>
#include <string>
#include <vector>

#include "classic_programs.h"
#include "counter_2x10.h"

namespace {

struct Program {
  std::string name;
  std::function<void()> body;
  const char* options;  // beyond strategy, variant and shard
};

std::string with_commas(std::uint64_t n) {
  std::string digits = std::to_string(n);
  for (auto at = static_cast<std::ptrdiff_t>(digits.size()) - 3; at > 0; at -= 3) {
    digits.insert(static_cast<std::size_t>(at), ",");
  }
  return digits;
}

// Executions of shard `index` of `count`; `ok` becomes false if the shard did not cover
// its part of the search.
std::uint64_t run_shard(const Program& program, const char* variant, std::uint32_t index, std::uint32_t count,
                        bool& ok) {
  lockstep::Options options;
  options.apply(std::string("strategy=dpor executions=0 progress=off dpor=") + variant + " " + program.options +
                " shard=" + std::to_string(index) + "/" + std::to_string(count));
  const lockstep::Result result = lockstep::explore_exactly(program.body, options, program.name);
  if (!result.report().stats.exhausted) ok = false;
  return result.report().stats.executions;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::uint32_t> shard_counts{1, 2, 4};
  if (argc == 3 && std::string(argv[1]) == "--shards") {
    shard_counts.clear();
    std::stringstream list(argv[2]);
    for (std::string item; std::getline(list, item, ',');) {
      char* end = nullptr;
      const unsigned long n = std::strtoul(item.c_str(), &end, 10);
      if (item.empty() || *end != '\0' || n == 0 || n > 64) {
        std::fprintf(stderr, "dpor_shards: a shard count is 1..64, not '%s'\n", item.c_str());
        return 2;
      }
      shard_counts.push_back(static_cast<std::uint32_t>(n));
    }
  } else if (argc != 1) {
    std::fprintf(stderr, "usage: dpor_shards [--shards N,...]\n");
    return 2;
  }
  const char* classic = "shared-points=all stop-on-finding=false";
  const std::vector<Program> programs{
      {"Counter2x10", &lockstep_bench::counter_2x10, ""},
      {"lastzero(5)", lockstep_bench::lastzero(5), classic},
      {"lastzero(8)", lockstep_bench::lastzero(8), classic},
      {"indexer(13)", lockstep_bench::indexer(13), classic},
      {"filesystem(16)", lockstep_bench::filesystem(16), classic},
      {"lastzero(10)", lockstep_bench::lastzero(10), classic},
      {"indexer(15)", lockstep_bench::indexer(15), classic},
      {"filesystem(22)", lockstep_bench::filesystem(22), classic},
  };
  std::printf("| scenario | dpor | shards | executions per shard | sum | largest shard / unsharded |\n");
  std::printf("|---|---|---|---|---|---|\n");
  bool ok = true;
  for (const Program& program : programs) {
    for (const char* variant : {"optimal", "source"}) {
      std::uint64_t unsharded = 0;
      for (std::uint32_t n : shard_counts) {
        std::vector<std::uint64_t> per_shard;
        for (std::uint32_t i = 0; i < n; ++i) per_shard.push_back(run_shard(program, variant, i, n, ok));
        const std::uint64_t sum = std::accumulate(per_shard.begin(), per_shard.end(), std::uint64_t{0});
        if (n == 1) unsharded = sum;
        std::string parts;
        for (std::uint64_t count : per_shard) parts += (parts.empty() ? "" : " + ") + with_commas(count);
        const std::uint64_t largest = *std::max_element(per_shard.begin(), per_shard.end());
        char share[32] = "-";
        if (unsharded != 0) std::snprintf(share, sizeof share, "%.2f", static_cast<double>(largest) / unsharded);
        std::printf("| %s | %s | %u | %s | %s | %s |\n", program.name.c_str(), variant, n, parts.c_str(),
                    with_commas(sum).c_str(), share);
      }
    }
  }
  if (!ok) {
    std::fprintf(stderr, "dpor_shards: a shard did not cover its part of the search\n");
    return 1;
  }
  return 0;
}
