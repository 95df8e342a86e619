// lockstep/source_location.h — where an operation was called from.
//
// The API of std::source_location (file_name, line, function_name, current()), built on
// __builtin_FILE/__builtin_LINE/__builtin_FUNCTION, which g++ and clang both support.
// lockstep cannot use std::source_location itself: clang 14 with libstdc++ 12 (Debian
// 12's toolchain, used for the sanitizer builds) does not provide it. As with the std
// type, a `SourceLocation location = SourceLocation::current()` default argument
// records the caller's location.
#pragma once

#include <cstdint>

namespace lockstep {

class SourceLocation {
 public:
  static constexpr SourceLocation current(const char* file = __builtin_FILE(),
                                          const char* function = __builtin_FUNCTION(),
                                          std::uint_least32_t line = __builtin_LINE()) noexcept {
    SourceLocation location;
    location.file_ = file;
    location.function_ = function;
    location.line_ = line;
    return location;
  }
  constexpr SourceLocation() noexcept = default;

  constexpr const char* file_name() const noexcept { return file_; }
  constexpr const char* function_name() const noexcept { return function_; }
  constexpr std::uint_least32_t line() const noexcept { return line_; }
  constexpr std::uint_least32_t column() const noexcept { return 0; }

 private:
  const char* file_ = "";
  const char* function_ = "";
  std::uint_least32_t line_ = 0;
};

}  // namespace lockstep
