#!/usr/bin/env bash
# Builds qdx and runs the whole test suite with ctest. The real files of other
# tools are read from $QDX_CORPUS (default: ../shared/corpus beside the clone).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${QDX_CORPUS:-}" ] && [ -d ../shared/corpus ]; then export QDX_CORPUS="$(cd ../shared/corpus && pwd)"; fi
./scripts/build.sh -DQDX_CORPUS="${QDX_CORPUS:-}"
ctest --test-dir "${BUILD_DIR:-build}" --output-on-failure -j2 "$@"
