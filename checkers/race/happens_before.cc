#include "race/happens_before.h"

#include <bit>

namespace lockstep::checkers {

void HappensBefore::reset() {
  // Only the rows this execution used are cleared; the storage and the width stay
  // (executions are many and short).
  std::fill_n(thread_clocks_.begin(), std::size_t{threads_} * width_, 0u);
  std::fill_n(fence_clocks_.begin(), std::size_t{threads_} * width_, 0u);
  std::fill_n(pending_clocks_.begin(), std::size_t{threads_} * width_, 0u);
  std::fill_n(fences_.begin(), threads_, std::uint8_t{0});
  std::fill_n(object_clocks_.begin(), std::size_t{objects_} * width_, 0u);
  std::fill_n(shared_clocks_.begin(), std::size_t{objects_} * width_, 0u);
  std::fill_n(variables_.begin(), variables_used_, VariableState{});
  threads_ = 0;
  objects_ = 0;
  variables_used_ = 0;
  read_rows_ = 0;
  free_read_rows_.clear();
}

void HappensBefore::widen(std::uint32_t width) {
  const auto relayout = [&](std::vector<std::uint32_t>& table, std::size_t rows) {
    std::vector<std::uint32_t> wide(rows * width, 0);
    for (std::size_t r = 0; r * width_ < table.size() && r < rows; ++r) {
      std::copy_n(table.begin() + static_cast<std::ptrdiff_t>(r * width_), width_,
                  wide.begin() + static_cast<std::ptrdiff_t>(r * width));
    }
    table = std::move(wide);
  };
  const std::size_t object_rows = object_clocks_.size() / width_;
  const std::size_t read_rows = read_clocks_.size() / width_;
  relayout(thread_clocks_, width);
  relayout(fence_clocks_, width);
  relayout(pending_clocks_, width);
  relayout(object_clocks_, object_rows);
  relayout(shared_clocks_, object_rows);
  relayout(read_clocks_, read_rows);
  fences_.resize(width, 0);
  width_ = width;
}

void HappensBefore::start_threads(std::uint32_t thread) {
  if (thread >= width_) widen(std::bit_ceil(thread + 1));
  if (thread_clocks_.size() < std::size_t{width_} * width_) {
    // Thread tables have one row per possible thread id: width_ rows.
    thread_clocks_.resize(std::size_t{width_} * width_, 0);
    fence_clocks_.resize(std::size_t{width_} * width_, 0);
    pending_clocks_.resize(std::size_t{width_} * width_, 0);
    fences_.resize(width_, 0);
  }
  for (; threads_ <= thread; ++threads_) {
    // A thread's own entry starts at 1, so its first epoch is never "no access".
    row(thread_clocks_, threads_)[threads_] = 1;
  }
}

void HappensBefore::add_objects(std::uint32_t object) {
  const std::size_t needed = (std::size_t{object} + 1) * width_;
  if (object_clocks_.size() < needed) {
    const std::size_t size = std::max(needed, 2 * object_clocks_.size());
    object_clocks_.resize(size, 0);
    shared_clocks_.resize(size, 0);
  }
  objects_ = object + 1;  // rows up to here are clear: reset() cleared every used one
}

void HappensBefore::add_variables(std::uint32_t variable) {
  if (variables_.size() <= variable) variables_.resize(std::max<std::size_t>(variable + 1, 2 * variables_.size()));
  variables_used_ = variable + 1;
}

std::uint32_t HappensBefore::new_read_row() {
  std::uint32_t index = 0;
  if (!free_read_rows_.empty()) {
    index = free_read_rows_.back();
    free_read_rows_.pop_back();
  } else {
    index = read_rows_++;
    if (read_clocks_.size() < std::size_t{read_rows_} * width_) {
      read_clocks_.resize(std::max(std::size_t{read_rows_} * width_, 2 * read_clocks_.size()), 0);
    }
  }
  clear(row(read_clocks_, index));
  return index;
}

void HappensBefore::spawn(std::uint32_t parent, std::uint32_t child) {
  thread_clock(std::max(parent, child));  // starts both (and may widen): rows after
  join_into(thread_clock(child), thread_clock(parent));
  ++thread_clock(parent)[parent];
}

void HappensBefore::join(std::uint32_t thread, std::uint32_t target) {
  thread_clock(std::max(thread, target));
  join_into(thread_clock(thread), thread_clock(target));
}

void HappensBefore::release_shared(std::uint32_t thread, std::uint32_t object) {
  std::uint32_t* clock = thread_clock(thread);
  object_clock(object);
  join_into(row(shared_clocks_, object), clock);
  ++clock[thread];
}

void HappensBefore::acquire_exclusive_after_shared(std::uint32_t thread, std::uint32_t object) {
  std::uint32_t* clock = thread_clock(thread);
  join_into(clock, object_clock(object));
  join_into(clock, row(shared_clocks_, object));
}

void HappensBefore::atomic_load(std::uint32_t thread, std::uint32_t object, bool acquire) {
  std::uint32_t* clock = thread_clock(thread);
  const std::uint32_t* published = object_clock(object);
  join_into(acquire ? clock : row(pending_clocks_, thread), published);
}

void HappensBefore::atomic_store(std::uint32_t thread, std::uint32_t object, bool release) {
  std::uint32_t* clock = thread_clock(thread);
  std::uint32_t* atomic = object_clock(object);
  // A store (not an RMW) starts a new release sequence, or none.
  if (release) {
    copy_into(atomic, clock);
    ++clock[thread];
  } else if (fences_[thread] != 0) {
    copy_into(atomic, row(fence_clocks_, thread));
  } else {
    clear(atomic);
  }
}

void HappensBefore::atomic_rmw(std::uint32_t thread, std::uint32_t object, bool acquire,
                               bool release) {
  atomic_load(thread, object, acquire);
  std::uint32_t* clock = thread_clock(thread);
  std::uint32_t* atomic = object_clock(object);
  // An RMW continues the release sequence it reads from, whatever its order.
  if (release) {
    join_into(atomic, clock);
    ++clock[thread];
  } else if (fences_[thread] != 0) {
    join_into(atomic, row(fence_clocks_, thread));
  }
}

void HappensBefore::fence(std::uint32_t thread, bool acquire, bool release) {
  std::uint32_t* clock = thread_clock(thread);
  if (acquire) join_into(clock, row(pending_clocks_, thread));
  if (release) {
    copy_into(row(fence_clocks_, thread), clock);
    fences_[thread] = 1;
    ++clock[thread];
  }
}

}  // namespace lockstep::checkers
