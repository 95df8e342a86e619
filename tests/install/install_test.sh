#!/usr/bin/env bash
# Installs lockstep from the build tree into a temporary prefix, then configures,
# builds and runs examples/ against that *installed* package.
set -euo pipefail
build_dir="$1"
source_dir="$2"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cmake --install "$build_dir" --prefix "$work/prefix" >/dev/null
cmake -S "$source_dir/examples" -B "$work/example" -G Ninja \
  -DCMAKE_PREFIX_PATH="$work/prefix" -DCMAKE_CXX_COMPILER="${CXX_COMPILER:-c++}" >/dev/null
cmake --build "$work/example" >/dev/null
"$work/example/bank_test"
