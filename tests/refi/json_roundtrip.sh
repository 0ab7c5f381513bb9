#!/bin/sh
# qdpx -> json -> qdpx -> json must give the same project (`qdx diff` finds
# nothing) for every REFI-QDA file of the corpus and every look-alike, except
# for changes the json -> qdpx step reported (architecture: every difference
# of a round trip must have been reported): inverted rectangles normalised
# (lossy.rectangle-normalised), attributes/elements outside the schema not
# written back (lossy.refi-nonstandard), internal files renamed to
# <GUID>.<ext> (refi.path-renamed), the path of a document that was not in the input
# left out (lossy.source-content-missing).
# Needs the json plugin beside the qdx command; exit 77 (ctest: skipped) without it.
set -u
qdx="$QDX_BIN_DIR/qdx"
data="$1"
"$qdx" formats 2>/dev/null | grep -q '^ *json ' || { echo "json plugin not built: skipping" >&2; exit 77; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
files="$data/nvivo-like.qdpx $data/atlasti-like.qdpx $data/qc-like.qdpx $data/transana-like.qde $data/maxqda-like.qdpx
  $data/nvivo-mac-like.qdpx $data/pasted-codebook-like.qdpx $data/inline-text.qde $data/openqda-like.qdpx $data/atlasti26-like.qdpx $data/qualcoder13-like.qdpx $data/qualcoder2-like.qdpx $data/quackdas-like.qdpx $data/transact-qda-like.qdpx $data/nvivo-cases-like.qdpx"
if [ -n "${QDX_CORPUS:-}" ]; then
  files="$files $(find "$QDX_CORPUS/refi" -name '*.qdpx' -o -name '*.qde' | sort)"
else
  echo "QDX_CORPUS unset: only the look-alikes" >&2
fi
bad=0; n=0
for f in $files; do
  b=$(basename "$f")
  if ! "$qdx" convert -q "$f" "$tmp/$b.1.json" -t json 2>"$tmp/err" ||
     ! "$qdx" convert -q "$tmp/$b.1.json" "$tmp/$b.2.qdpx" -o keep-basepath=true --report "$tmp/$b.report.json" 2>>"$tmp/err" ||
     ! "$qdx" convert -q "$tmp/$b.2.qdpx" "$tmp/$b.3.json" -t json 2>>"$tmp/err"; then
    echo "FAIL (convert): $f"; cat "$tmp/err"; bad=$((bad+1)); continue
  fi
  if ! "$qdx" diff "$tmp/$b.1.json" "$tmp/$b.3.json" >"$tmp/diff" 2>&1; then
    grep -v 'difference(s)$' "$tmp/diff" > "$tmp/lines"
    rep="$tmp/$b.report.json"
    grep -q '"lossy.rectangle-normalised"' "$rep" && sed -i -E '/\.anchor\.[xy][12]: /d' "$tmp/lines"
    grep -q '"lossy.refi-nonstandard"' "$rep" && sed -i -E '/ext\[refi:(attributes|unknown)\]/d' "$tmp/lines"
    grep -q '"refi.path-renamed"' "$rep" && sed -i -E '/\.path: /d' "$tmp/lines"
    # a document that was not in the input is not named (lossy.source-content-missing)
    grep -q '"lossy.source-content-missing"' "$rep" && sed -i -E '/\.(path|mediaType): /d' "$tmp/lines"
    if grep -q '"refi.guid-minted"' "$rep"; then  # ids that are not GUIDs (an entity's, a Vertex's) are minted
      sed -i -E '/ext\[refi:(graphs|links)\]: /d' "$tmp/lines"
      { grep -v -E '\.id: ' "$tmp/lines"; grep -E '\.id: \{?[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}\}? \|' "$tmp/lines"; } > "$tmp/l2"
      mv "$tmp/l2" "$tmp/lines"
    fi
    if [ -s "$tmp/lines" ]; then
      echo "FAIL (qdx diff, unreported differences): $f"; head -20 "$tmp/lines"; bad=$((bad+1)); continue
    fi
    echo "ok with reported changes: $f"
  fi
  n=$((n+1))
done
echo "$n identical round trips, $bad failed"
[ "$bad" -eq 0 ]
