#!/bin/sh
# The seed sample (samples/hti-central-asia, canonical JSON) exports to a .qdpx
# and a .qdc that validate against the REFI-QDA schemas, and the .qdpx reads
# back with no difference other than those the export reported (theme audit,
# the sample's own hti:* extension). Exit 77 (skipped) without the json plugin or the XSDs.
set -u
qdx="$QDX_BIN_DIR/qdx"
sample="$QDX_SOURCE_DIR/samples/hti-central-asia/hti-central-asia.json"
py="${PYTHON:-/usr/bin/python3}"
[ -f "$sample" ] || { echo "no seed sample: skipping" >&2; exit 77; }
"$qdx" formats 2>/dev/null | grep -q '^ *json ' || { echo "json plugin not built: skipping" >&2; exit 77; }
[ -n "${QDX_CORPUS:-}" ] && [ -f "$QDX_CORPUS/Project-mrt2019.xsd" ] || { echo "QDX_CORPUS unset: skipping" >&2; exit 77; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
"$qdx" convert -q "$sample" "$tmp/seed.qdpx" --report "$tmp/r1.json" || exit 1
"$qdx" convert -q "$sample" "$tmp/seed.qdc" || exit 1
"$py" -c 'import sys, zipfile; sys.stdout.buffer.write(zipfile.ZipFile(sys.argv[1]).read("project.qde"))' "$tmp/seed.qdpx" > "$tmp/seed.qde" || exit 1
xmllint --noout --schema "$QDX_CORPUS/Project-mrt2019.xsd" "$tmp/seed.qde" || exit 1
xmllint --noout --schema "$QDX_CORPUS/Codebook.xsd" "$tmp/seed.qdc" || exit 1
"$qdx" convert -q "$tmp/seed.qdpx" "$tmp/back.json" || exit 1
"$qdx" diff "$sample" "$tmp/back.json" > "$tmp/diff" 2>&1
grep -v 'difference(s)$' "$tmp/diff" > "$tmp/lines"
grep -q '"lossy.theme-audit"' "$tmp/r1.json" && sed -i -E '/^themes\[.*\]\.audit\./d' "$tmp/lines"
grep -q '"lossy.extension"' "$tmp/r1.json" && sed -i -E '/\.ext\[hti:/d' "$tmp/lines"
if [ -s "$tmp/lines" ]; then echo "unreported differences:"; cat "$tmp/lines"; exit 1; fi
echo "seed sample: .qdpx and .qdc valid, read back with reported differences only"
