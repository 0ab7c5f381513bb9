#!/bin/sh
# Validates every .qdpx (its project.qde) and .qdc written by `test_refi "[.export]"`
# against the REFI-QDA schemas. Exit 77 (ctest: skipped) without QDX_CORPUS.
out="$1"
if [ -z "$QDX_CORPUS" ] || [ ! -f "$QDX_CORPUS/Project-mrt2019.xsd" ]; then
  echo "QDX_CORPUS unset or without the schemas: skipping XSD validation" >&2
  exit 77
fi
command -v xmllint >/dev/null || { echo "xmllint missing (apt: libxml2-utils)" >&2; exit 1; }
n=0; bad=0
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
for f in "$out"/*.qdpx; do
  [ -e "$f" ] || continue
  "${PYTHON:-/usr/bin/python3}" -c 'import sys, zipfile; sys.stdout.buffer.write(zipfile.ZipFile(sys.argv[1]).read("project.qde"))' \
    "$f" > "$tmp/project.qde" || { echo "FAIL (no project.qde): $f"; bad=$((bad+1)); continue; }
  if xmllint --noout --schema "$QDX_CORPUS/Project-mrt2019.xsd" "$tmp/project.qde" 2>"$tmp/err"; then n=$((n+1));
  else echo "FAIL: $f"; cat "$tmp/err"; bad=$((bad+1)); fi
done
for f in "$out"/*.qde; do
  [ -e "$f" ] || continue
  if xmllint --noout --schema "$QDX_CORPUS/Project-mrt2019.xsd" "$f" 2>"$tmp/err"; then n=$((n+1));
  else echo "FAIL: $f"; cat "$tmp/err"; bad=$((bad+1)); fi
done
for f in "$out"/*.qdc; do
  [ -e "$f" ] || continue
  if xmllint --noout --schema "$QDX_CORPUS/Codebook.xsd" "$f" 2>"$tmp/err"; then n=$((n+1));
  else echo "FAIL: $f"; cat "$tmp/err"; bad=$((bad+1)); fi
done
echo "$n exports valid, $bad invalid"
[ "$n" -gt 0 ] && [ "$bad" -eq 0 ]
