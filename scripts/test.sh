#!/usr/bin/env bash
# Builds qdx and runs the whole test suite with ctest. The real files of other
# tools are read from $QDX_CORPUS (default: ../shared/corpus beside the clone).
set -euo pipefail
cd "$(dirname "$0")/.."
# On a fresh machine, install the Debian packages first (quick no-op when present).
pkgs=$(cat .ci/apt.txt .ci/apt.d/*.txt 2>/dev/null | sed 's/#.*//' | tr -s ' \n' ' ')
# shellcheck disable=SC2086
dpkg -s $pkgs >/dev/null 2>&1 || ./scripts/setup.sh
if [ -z "${QDX_CORPUS:-}" ] && [ -d ../shared/corpus ]; then export QDX_CORPUS="$(cd ../shared/corpus && pwd)"; fi
# -D... arguments configure the build (e.g. -DQDX_SANITIZE=ON from .ci/run); the rest go to ctest.
cmake_args=() ctest_args=()
for a in "$@"; do
  case $a in -D*) cmake_args+=("$a") ;; *) ctest_args+=("$a") ;; esac
done
./scripts/build.sh -DQDX_BUILD_TESTS=ON -DQDX_CORPUS="${QDX_CORPUS:-}" ${cmake_args[@]+"${cmake_args[@]}"}
ctest --test-dir "${BUILD_DIR:-build}" --output-on-failure -j2 ${ctest_args[@]+"${ctest_args[@]}"}
