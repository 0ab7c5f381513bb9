#!/usr/bin/env bash
# One command on a fresh Debian machine: install, build, and run qdx on the seed-study sample.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
./scripts/build.sh -DQDX_BUILD_TESTS=OFF   # the tests are built by scripts/test.sh
qdx=build/bin/qdx
sample=samples/hti-central-asia/hti-central-asia.json
rm -rf out && mkdir -p out
$qdx formats
echo; $qdx info "$sample"
echo; $qdx validate "$sample"
echo
# Every format: a REFI-QDA project and codebook, Excel, a bundle of CSV tables, one
# tidy CSV table, canonical JSON; and an archive bag. Losses are listed as they happen.
for out in hti-central-asia.qdpx hti-central-asia.qdc hti-central-asia.xlsx hti-central-asia-tables.zip \
           hti-central-asia-codings.csv hti-central-asia.json; do
  echo "== $out"
  $qdx convert "$sample" "out/$out"
done
echo "== out/hti-central-asia-bag"
$qdx archive "$sample" out/hti-central-asia-bag
$qdx archive --verify out/hti-central-asia-bag
echo
echo "== round trips back to the sample"
for back in hti-central-asia.qdpx hti-central-asia.xlsx hti-central-asia-tables.zip hti-central-asia.json hti-central-asia-bag; do
  printf '%-32s ' "$back:"; $qdx diff "$sample" "out/$back" | tail -1 || true
done
