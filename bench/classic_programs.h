// The classic DPOR benchmarks of Flanagan & Godefroid, "Dynamic Partial-Order
// Reduction for Model Checking Software" (POPL 2005), §5, written with lockstep
// primitives (the programs as the paper describes them; the code is ours):
//
//   lastzero(N)   N+1 shared ints, all 0. Thread 0 looks for the last zero from the
//                 end: for (i = N; a[i] != 0; i--); thread j (1..N) sets
//                 a[j] = a[j-1] + 1. Most pairs of threads conflict.
//   indexer(N)    N threads each insert 4 messages into a 128-slot hash table by
//                 compare-and-swap with linear probing; message m of thread t is
//                 (m+1)*11 + t, hashed by (w*7) % 128. Threads only conflict when
//                 two messages land in the same slot, which first happens at N = 12.
//   filesystem(N) 32 inodes and 26 blocks, each with a lock. Thread t takes inode
//                 t % 32 under its lock and, if it has no block yet, searches for a
//                 free block from (inode*2) % 26 under each block's lock. Threads
//                 conflict once two of them reach the same block, from N = 14.
//
// Each program is a scenario body: explore it with strategy=dpor (or dfs, for the
// brute-force comparisons in tests/unit/exhaustive_test.cc). Objects are named, so
// traces can be compared across executions (unnamed objects are numbered by first use).
#pragma once

#include <lockstep/lockstep.h>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace lockstep_bench {

// Stable names "<prefix>[0]", "<prefix>[1]", ... for arrays of lockstep objects (the
// primitives keep the pointer). The table only grows in prepare_names, before an
// exploration starts; inside one it is only read.
inline std::map<std::string, std::vector<std::unique_ptr<std::string>>>& name_table() {
  static std::map<std::string, std::vector<std::unique_ptr<std::string>>> table;
  return table;
}
inline void prepare_names(const char* prefix, int count) {
  std::vector<std::unique_ptr<std::string>>& list = name_table()[prefix];
  while (static_cast<int>(list.size()) < count) {
    list.push_back(std::make_unique<std::string>(std::string(prefix) + "[" + std::to_string(list.size()) + "]"));
  }
}
inline const char* array_name(const char* prefix, int index) {
  return name_table().at(prefix).at(static_cast<std::size_t>(index))->c_str();
}

inline std::function<void()> lastzero(int n) {
  prepare_names("a", n + 1);
  return [n] {
    std::vector<std::unique_ptr<lockstep::Shared<int>>> a;
    for (int i = 0; i <= n; ++i) a.push_back(std::make_unique<lockstep::Shared<int>>(0, array_name("a", i)));
    std::vector<std::unique_ptr<lockstep::Thread>> threads;
    threads.push_back(std::make_unique<lockstep::Thread>([&] {
      int i = n;
      while (*a[static_cast<std::size_t>(i)] != 0) --i;  // a[0] stays 0
    }));
    for (int j = 1; j <= n; ++j) {
      threads.push_back(std::make_unique<lockstep::Thread>([&a, j] {
        const int before = *a[static_cast<std::size_t>(j - 1)];
        *a[static_cast<std::size_t>(j)] = before + 1;
      }));
    }
    for (auto& thread : threads) thread->join();
  };
}

inline std::function<void()> indexer(int n) {
  constexpr int kSize = 128;
  constexpr int kMessages = 4;
  prepare_names("slot", kSize);
  return [n] {
    std::vector<std::unique_ptr<lockstep::Atomic<int>>> table;
    for (int i = 0; i < kSize; ++i) table.push_back(std::make_unique<lockstep::Atomic<int>>(0, array_name("slot", i)));
    std::vector<std::unique_ptr<lockstep::Thread>> threads;
    for (int t = 0; t < n; ++t) {
      threads.push_back(std::make_unique<lockstep::Thread>([&table, t] {
        for (int m = 1; m <= kMessages; ++m) {
          const int w = m * 11 + t;
          int h = (w * 7) % kSize;
          for (;;) {
            int expected = 0;
            if (table[static_cast<std::size_t>(h)]->compare_exchange_strong(expected, w)) break;
            h = (h + 1) % kSize;
          }
        }
      }));
    }
    for (auto& thread : threads) thread->join();
  };
}

inline std::function<void()> filesystem(int n) {
  constexpr int kInodes = 32;
  constexpr int kBlocks = 26;
  prepare_names("ilock", kInodes);
  prepare_names("inode", kInodes);
  prepare_names("block_lock", kBlocks);
  prepare_names("busy", kBlocks);
  return [n] {
    struct Table {
      std::vector<std::unique_ptr<lockstep::Mutex>> inode_lock, block_lock;
      std::vector<std::unique_ptr<lockstep::Shared<int>>> inode;  // block + 1, or 0
      std::vector<std::unique_ptr<lockstep::Shared<bool>>> busy;
    } fs;
    for (int i = 0; i < kInodes; ++i) {
      fs.inode_lock.push_back(std::make_unique<lockstep::Mutex>(array_name("ilock", i)));
      fs.inode.push_back(std::make_unique<lockstep::Shared<int>>(0, array_name("inode", i)));
    }
    for (int b = 0; b < kBlocks; ++b) {
      fs.block_lock.push_back(std::make_unique<lockstep::Mutex>(array_name("block_lock", b)));
      fs.busy.push_back(std::make_unique<lockstep::Shared<bool>>(false, array_name("busy", b)));
    }
    std::vector<std::unique_ptr<lockstep::Thread>> threads;
    for (int t = 0; t < n; ++t) {
      threads.push_back(std::make_unique<lockstep::Thread>([&fs, t] {
        const auto i = static_cast<std::size_t>(t % kInodes);
        std::scoped_lock inode_guard(*fs.inode_lock[i]);
        if (*fs.inode[i] != 0) return;
        auto b = static_cast<std::size_t>((static_cast<int>(i) * 2) % kBlocks);
        for (;;) {
          std::scoped_lock block_guard(*fs.block_lock[b]);
          if (!*fs.busy[b]) {
            *fs.busy[b] = true;
            *fs.inode[i] = static_cast<int>(b) + 1;
            return;
          }
          b = (b + 1) % kBlocks;
        }
      }));
    }
    for (auto& thread : threads) thread->join();
  };
}

}  // namespace lockstep_bench
