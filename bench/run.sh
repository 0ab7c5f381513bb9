#!/usr/bin/env bash
# The qdx benchmark, one command from a fresh clone:
#   scripts/setup.sh && BUILD_TYPE=Release scripts/build.sh && bench/run.sh
# (Release, -O3, is what BENCHMARKS.md measured; the default scripts/build.sh,
# RelWithDebInfo -O2, also works here.)
# Generates projects into bench/out/data (kept between runs, regenerated when gen.py
# changes), times every conversion against its floor and its Python baseline round by
# round, and writes bench/out/results.md (the table) and results.json (every run).
#
# Environment:
#   BENCH_SIZES="1e4 1e5 1e6"   coding counts (FAST mode: BENCH_SIZES="1e4 1e5")
#   BENCH_RUNS=5                rounds below 10^6 (after one warm-up round)
#   BENCH_RUNS_BIG=2            rounds at 10^6 and above (no warm-up)
#   BENCH_MEDIA_MB=1024         size of the video member of the passthrough test (0 = skip)
#   BENCH_MEDIA_ROUNDS=7        rounds of the passthrough test (qdx, cp, qdx --sync, cp + sync of the copy)
#   BENCH_ONLY=json,csv         only these suites (json tojson xlsx csv cjk qda media formats; qda below 10^6)
#   QDX=build/bin/qdx           the qdx command to measure
#   BENCH_OUT=bench/out
set -euo pipefail
cd "$(dirname "$0")/.."
QDX=${QDX:-build/bin/qdx}
OUT=${BENCH_OUT:-bench/out}
PY=/usr/bin/python3

[ -x "$QDX" ] || { echo "bench: $QDX not found; build first: scripts/build.sh" >&2; exit 2; }
for f in refi json csv xlsx; do
  "$QDX" formats | grep -q "^  $f " || { echo "bench: the $f plugin is not built ($QDX formats)" >&2; exit 2; }
done
command -v unzip >/dev/null || { echo "bench: unzip is needed (apt-get install unzip)" >&2; exit 2; }
"$PY" -c 'import lxml, openpyxl' 2>/dev/null || { echo "bench: $PY needs lxml and openpyxl (python3-lxml python3-openpyxl)" >&2; exit 2; }
if grep -q 'CMAKE_BUILD_TYPE:STRING=Debug' "$(dirname "$QDX")/../CMakeCache.txt" 2>/dev/null; then
  echo "bench: warning: $QDX is a Debug build; build with scripts/build.sh (RelWithDebInfo) for meaningful numbers" >&2
fi
echo "load: $(cat /proc/loadavg)  (the machine should be otherwise idle; ratios are taken round by round)"
exec "$PY" bench/harness.py --qdx "$QDX" --out "$OUT" \
  --sizes "${BENCH_SIZES:-1e4 1e5 1e6}" --runs "${BENCH_RUNS:-5}" --runs-big "${BENCH_RUNS_BIG:-2}" \
  --media-mb "${BENCH_MEDIA_MB:-1024}" --media-rounds "${BENCH_MEDIA_ROUNDS:-7}" --only "${BENCH_ONLY:-}"
