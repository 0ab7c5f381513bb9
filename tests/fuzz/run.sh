#!/usr/bin/env bash
# Builds the libFuzzer harnesses in build-fuzz with clang-14 (ASan + UBSan)
# and runs each for $FUZZ_SECONDS (default 60), one after the other. Without
# harness names, the nine default harnesses share 4 x $FUZZ_SECONDS (26 s
# each at the default), the time four harnesses took before the others joined.
#
#   tests/fuzz/run.sh                 # build, then fuzz every harness (4 x 60 s in all)
#   FUZZ_SECONDS=600 tests/fuzz/run.sh xlsxparts   # the xlsx reader behind a zip the harness builds
#   FUZZ_SECONDS=3600 tests/fuzz/run.sh json refi   # an hour each, two harnesses
#   FUZZ_BUILD_ONLY=1 tests/fuzz/run.sh
#   FUZZ_NO_BUILD=1 FUZZ_BUILD_DIR=build-asan tests/fuzz/run.sh   # harnesses already built (CI)
#
# Seeds: the repository's test files and samples plus the small files of the
# hostile corpus generator (tests/hostile/make_hostile.py), copied into
# build-fuzz/corpus/<name>; the corpus folder keeps what libFuzzer finds, so a
# second run starts where the first stopped. Crashes land in
# build-fuzz/artifacts/<name>/ and make this script fail. See README.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
BUILD=${FUZZ_BUILD_DIR:-$ROOT/build-fuzz}
SECONDS_EACH=${FUZZ_SECONDS:-60}
HARNESSES=("$@")
if [ ${#HARNESSES[@]} -eq 0 ]; then
  HARNESSES=(json refi csv xlsx xmldiff xlsxparts qdpxparts qualcoder qdaparts)
  SECONDS_EACH=$(( SECONDS_EACH * 4 / 9 ))
fi
CC=${CC_FUZZ:-clang-14}
CXX=${CXX_FUZZ:-clang++-14}
command -v "$CXX" >/dev/null || { echo "fuzz: $CXX not found (apt-get install clang-14 libclang-rt-14-dev)"; exit 1; }

mkdir -p "$BUILD"
if [ -n "${FUZZ_NO_BUILD:-}" ]; then
  # CI builds the harnesses within its sanitizer build (QDX_FUZZ=ON QDX_SANITIZE=ON with clang).
  for h in "${HARNESSES[@]}"; do [ -x "$BUILD/fuzz/fuzz_$h" ] || { echo "fuzz: $BUILD/fuzz/fuzz_$h not built"; exit 1; }; done
else
  # -O1 -g: what libFuzzer recommends, and quicker to compile than -O2 (CI time).
  cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_FLAGS_DEBUG="-O1 -g" -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g" -DCMAKE_C_COMPILER="$CC" -DCMAKE_CXX_COMPILER="$CXX" \
    -DQDX_FUZZ=ON -DQDX_BUILD_TESTS=OFF >"$BUILD/cmake.log" 2>&1 || { cat "$BUILD/cmake.log"; exit 1; }
  targets=()
  for h in "${HARNESSES[@]}"; do targets+=("fuzz_$h"); done
  cmake --build "$BUILD" -j"${FUZZ_JOBS:-2}" --target "${targets[@]}"
fi
[ -z "${FUZZ_BUILD_ONLY:-}" ] || exit 0

# Seeds, regenerated each run (libFuzzer merges them with the kept corpus).
SEEDS=$BUILD/seeds
rm -rf "$SEEDS" && mkdir -p "$SEEDS"
/usr/bin/python3 "$ROOT/tests/hostile/make_hostile.py" "$SEEDS/hostile" >/dev/null
seed() {  # seed NAME FILES...
  local d=$SEEDS/$1; shift
  mkdir -p "$d"
  for f in "$@"; do
    [ -f "$f" ] || continue
    [ "$(stat -c %s "$f")" -le 1048576 ] || continue   # small seeds only; -max_len caps the rest
    cp "$f" "$d/$(echo "$f" | tr '/' '_')"
  done
}
shopt -s nullglob globstar
seed json "$ROOT"/tests/json/data/**/*.json "$ROOT"/samples/**/*.json "$SEEDS"/hostile/*.json
seed refi "$ROOT"/tests/refi/data/*.qd? "$SEEDS"/hostile/*.qdpx
seed csv "$ROOT"/samples/**/*.csv "$ROOT"/tests/csv/data/**/*.csv "$ROOT"/tests/tabular/data/**/*.csv "$SEEDS"/hostile/*.csv
seed xlsx "$ROOT"/tests/xlsx/data/**/*.xlsx "$SEEDS"/hostile/*.xlsx
seed xmldiff "$ROOT"/tests/**/data/**/*.xml "$ROOT"/tests/**/data/**/*.qde "$ROOT"/tests/**/data/**/*.qdc \
  "$ROOT"/samples/**/*.qde "$ROOT"/samples/**/*.xml "$ROOT"/tests/fuzz/seeds/xmldiff/*
# qdx's own outputs of the sample make rich seeds, when a normal build exists (CI builds it first).
QDX_BIN=${QDX_BIN:-$ROOT/build/bin/qdx}
if [ -x "$QDX_BIN" ]; then
  sample=$ROOT/samples/hti-central-asia/hti-central-asia.json
  for t in xlsx:xlsx zip:csv csv:csv qdpx:refi; do
    "$QDX_BIN" convert -q "$sample" "$SEEDS/sample.${t%%:*}" -t "${t##*:}" >/dev/null 2>&1 || true
  done
  "$QDX_BIN" convert -q "$ROOT/samples/hti-central-asia/hti-quotes.csv" "$SEEDS/quotes.xlsx" >/dev/null 2>&1 || true
  seed xlsx "$SEEDS"/sample.xlsx "$SEEDS"/quotes.xlsx
  seed csv "$SEEDS"/sample.zip "$SEEDS"/sample.csv
  seed refi "$SEEDS"/sample.qdpx
  # QualCoder: the sample's project folder (its data.qda, and the folder zipped) and a look-alike's.
  mkdir -p "$SEEDS/qda"
  for src in "$sample" "$ROOT/tests/refi/data/qualcoder2-like.qdpx" "$ROOT/tests/refi/data/atlasti-like.qdpx"; do
    n=$(basename "$src"); n=${n%%.*}
    if "$QDX_BIN" convert -q "$src" "$SEEDS/qda/$n.qda" >/dev/null 2>&1; then
      cp "$SEEDS/qda/$n.qda/data.qda" "$SEEDS/qda/$n-data.qda"
      (cd "$SEEDS/qda" && /usr/bin/python3 -c "import shutil,sys; shutil.make_archive(sys.argv[1], 'zip', '.', sys.argv[1] + '.qda')" "$n")
    fi
  done
  seed qualcoder "$SEEDS"/qda/*-data.qda "$SEEDS"/qda/*.zip
fi
# The parts harnesses take the members of every zip seed above, unzipped into "==> name" parts.
/usr/bin/python3 "$ROOT/tests/fuzz/zip2parts.py" "$SEEDS/xlsxparts" "$SEEDS"/xlsx/*
/usr/bin/python3 "$ROOT/tests/fuzz/zip2parts.py" "$SEEDS/qdpxparts" "$SEEDS"/refi/*
/usr/bin/python3 "$ROOT/tests/fuzz/zip2parts.py" "$SEEDS/qdaparts" "$SEEDS"/qda/*.zip
for d in "$ROOT"/tests/hostile/regressions/*/; do  # earlier findings seed their harness too
  n=$(basename "$d"); seed "$n" "$d"*
done

status=0
for h in "${HARNESSES[@]}"; do
  corpus=$BUILD/corpus/$h artifacts=$BUILD/artifacts/$h
  mkdir -p "$corpus" "$artifacts"
  echo "== fuzz_$h for ${SECONDS_EACH}s"
  dict=$ROOT/tests/fuzz/dict/$h.dict
  case $h in xlsxparts) dict=$ROOT/tests/fuzz/dict/xlsx.dict ;; qdpxparts) dict=$ROOT/tests/fuzz/dict/refi.dict ;;
    qdaparts) dict=$ROOT/tests/fuzz/dict/qualcoder.dict ;; esac
  mkdir -p "$SEEDS/$h"
  if ! "$BUILD/fuzz/fuzz_$h" "$corpus" "$SEEDS/$h" -dict="$dict" \
       -max_total_time="$SECONDS_EACH" -max_len="${FUZZ_MAX_LEN:-262144}" -timeout="${FUZZ_TIMEOUT:-20}" \
       -rss_limit_mb="${FUZZ_RSS_MB:-2560}" -print_final_stats=1 \
       -artifact_prefix="$artifacts/" ${FUZZ_ARGS:-} >"$BUILD/fuzz_$h.log" 2>&1; then
    echo "fuzz_$h FAILED: see $BUILD/fuzz_$h.log and $artifacts/"
    tail -n 60 "$BUILD/fuzz_$h.log"
    status=1
  else
    grep -E "^stat::(number_of_executed_units|new_units_added|peak_rss_mb)" "$BUILD/fuzz_$h.log" | tr '\n' ' '; echo
  fi
done
exit $status
