#!/usr/bin/env bash
# Installs lockstep from the build tree into a temporary prefix, then configures,
# builds and tests examples/ against that *installed* package (nothing from the build
# or source tree of lockstep is on the example's paths), and runs the installed
# `lockstep` command.
#   install_test.sh <lockstep build dir> <lockstep source dir>   (CXX_COMPILER: the compiler)
set -euo pipefail
build_dir="$1"
source_dir="$2"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cmake --install "$build_dir" --prefix "$work/prefix" >"$work/install.log"

# Every installed header compiles from the installed tree alone (no header of
# lockstep's includes a file that is not installed).
(cd "$work/prefix/include" && find lockstep -name '*.h' | sort | sed 's/.*/#include <&>/') \
  >"$work/all_headers.cc"
"${CXX_COMPILER:-c++}" -std=c++20 -fsyntax-only -I"$work/prefix/include" "$work/all_headers.cc" ||
  { echo "install test: the installed headers do not compile from the install tree"; exit 1; }
cmake -S "$source_dir/examples" -B "$work/example" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_PREFIX_PATH="$work/prefix" -DCMAKE_CXX_COMPILER="${CXX_COMPILER:-c++}"
cmake --build "$work/example"
ctest --test-dir "$work/example" --output-on-failure
"$work/prefix/bin/lockstep" list
