#!/usr/bin/env bash
# One command on a fresh Debian machine: install, build, and run qdx on the seed-study sample.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
./scripts/build.sh
qdx=build/bin/qdx
sample=samples/hti-central-asia/hti-central-asia.json
mkdir -p out
$qdx formats
$qdx info "$sample"
$qdx validate "$sample"
for fmt in qdpx qdc xlsx csv.zip json; do
  if $qdx convert "$sample" "out/hti-central-asia.$fmt" 2>&1; then echo "wrote out/hti-central-asia.$fmt"; fi
done
$qdx diff "$sample" out/hti-central-asia.json
