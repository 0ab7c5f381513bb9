#!/bin/sh
# qdpx -> json -> qdpx -> json must give the same JSON (and `qdx diff` finds
# nothing) for every REFI-QDA file of the corpus and every look-alike.
# Needs the json plugin beside the qdx command; exit 77 (ctest: skipped) without it.
set -u
qdx="$QDX_BIN_DIR/qdx"
data="$1"
"$qdx" formats 2>/dev/null | grep -q '^ *json ' || { echo "json plugin not built: skipping" >&2; exit 77; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
files="$data/nvivo-like.qdpx $data/atlasti-like.qdpx $data/qc-like.qdpx $data/transana-like.qde $data/maxqda-like.qdpx"
if [ -n "${QDX_CORPUS:-}" ]; then
  files="$files $(find "$QDX_CORPUS/refi" -name '*.qdpx' -o -name '*.qde' | sort)"
else
  echo "QDX_CORPUS unset: only the look-alikes" >&2
fi
bad=0; n=0
for f in $files; do
  b=$(basename "$f")
  if ! "$qdx" convert -q "$f" "$tmp/$b.1.json" -t json 2>"$tmp/err" ||
     ! "$qdx" convert -q "$tmp/$b.1.json" "$tmp/$b.2.qdpx" -o keep-basepath=true 2>>"$tmp/err" ||
     ! "$qdx" convert -q "$tmp/$b.2.qdpx" "$tmp/$b.3.json" -t json 2>>"$tmp/err"; then
    echo "FAIL (convert): $f"; cat "$tmp/err"; bad=$((bad+1)); continue
  fi
  if ! "$qdx" diff "$tmp/$b.1.json" "$tmp/$b.3.json" >"$tmp/diff" 2>&1; then
    echo "FAIL (qdx diff): $f"; head -20 "$tmp/diff"; bad=$((bad+1)); continue
  fi
  n=$((n+1))
done
echo "$n identical round trips, $bad failed"
[ "$bad" -eq 0 ]
