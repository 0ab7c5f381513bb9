#!/usr/bin/env bash
# The agreement benchmark (qdx agree, qdx merge), one command after a build:
#   BUILD_TYPE=Release scripts/build.sh && bench/team/run.sh
# Generates two coders' projects of $TEAM_CODINGS codings each (default 10^6, kept in
# bench/out/team between runs), then times agree and merge against reading the two projects
# (qdx info A, qdx info B) in the same rounds. Writes bench/out/team/results.md.
#
#   TEAM_CODINGS=1000000   codings per coder
#   TEAM_ROUNDS=3          rounds
#   QDX=build/bin/qdx
set -euo pipefail
cd "$(dirname "$0")/../.."
QDX=${QDX:-build/bin/qdx}
N=${TEAM_CODINGS:-1000000}
OUT=bench/out/team
PY=/usr/bin/python3
[ -x "$QDX" ] || { echo "bench: $QDX not found; build first: scripts/build.sh" >&2; exit 2; }
name="t$N"
if [ ! -f "$OUT/$name-b.json" ] || [ bench/team/gen_pair.py -nt "$OUT/$name-b.json" ]; then
  "$PY" bench/team/gen_pair.py --codings "$N" --out "$OUT" --name "$name"
fi
echo "load: $(cat /proc/loadavg)  (the machine should be otherwise idle; ratios are taken round by round)"
exec "$PY" bench/team/bench.py --qdx "$QDX" --data "$OUT" --name "$name" --rounds "${TEAM_ROUNDS:-3}" --out "$OUT/results.md"
