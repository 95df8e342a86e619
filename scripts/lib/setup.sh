# Sourced by scripts/demo and scripts/test: installs the Debian 12 packages lockstep
# needs (DESIGN.md §10) when any is missing, and nothing otherwise.
LOCKSTEP_PACKAGES=(cmake ninja-build g++ clang lld libclang-rt-14-dev libgtest-dev libgmock-dev
  googletest libbenchmark-dev libabsl-dev librapidcheck-dev libboost-context-dev binutils)

lockstep_install_packages() {
  local missing=()
  local package status
  for package in "${LOCKSTEP_PACKAGES[@]}"; do
    status="$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)"
    if [ "$status" != "install ok installed" ]; then
      missing+=("$package")
    fi
  done
  if [ "${#missing[@]}" -eq 0 ]; then
    return 0
  fi
  echo "lockstep: installing Debian packages: ${missing[*]}"
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    if ! command -v sudo >/dev/null; then
      echo "lockstep: run as root (or install sudo) to install: ${missing[*]}" >&2
      return 1
    fi
    sudo=(sudo)
  fi
  "${sudo[@]}" apt-get update -q
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y --no-install-recommends "${missing[@]}"
}

# lockstep_build <preset>: configure (a no-op when nothing changed) and build one preset.
lockstep_build() {
  local preset="$1"
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset" -j "$(nproc)"
}
