#!/bin/sh
# Tries every REFI-QDA file in the folder $QDX_REAL_REFI as a new user would: `qdx info`,
# `qdx convert` to .qdpx (.qdc for a codebook) with the re-exported XML validated against
# the schemas of $QDX_CORPUS by xmllint, entity counts of input and export compared by an
# independent lxml count, and `qdx convert` -> json -> .qdpx. Files that are not in the
# repository (real exports of other tools, fetched by hand) are never copied here: point
# QDX_REAL_REFI at them. Exit 77 (ctest: skipped) when it or the schemas are missing.
set -u
if [ -z "${QDX_REAL_REFI:-}" ] || [ ! -d "$QDX_REAL_REFI" ]; then
  echo "QDX_REAL_REFI unset (a folder of real .qdpx/.qde/.qdc exports): skipping the real-file trial" >&2
  exit 77
fi
if [ -z "${QDX_CORPUS:-}" ] || [ ! -f "$QDX_CORPUS/Project-mrt2019.xsd" ]; then
  echo "QDX_CORPUS unset or without the schemas: skipping the real-file trial" >&2
  exit 77
fi
command -v xmllint >/dev/null || { echo "xmllint missing (apt: libxml2-utils)" >&2; exit 1; }
qdx="$QDX_BIN_DIR/qdx"
py="${PYTHON:-/usr/bin/python3}"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
# count.py FILE -> one line "kind=n ..." of the entities qdx must neither lose nor invent
cat > "$tmp/count.py" <<'PY'
import sys, zipfile
from lxml import etree
p = sys.argv[1]
if zipfile.is_zipfile(p):
    z = zipfile.ZipFile(p)
    q = [n for n in z.namelist() if '/' not in n and n.lower().endswith('.qde')]
    q = 'project.qde' if 'project.qde' in q else q[0]
    r = etree.fromstring(z.read(q))
else:
    r = etree.parse(p).getroot()
c = {}
for e in r.iter():
    if isinstance(e.tag, str):
        k = etree.QName(e.tag).localname
        c[k] = c.get(k, 0) + 1
kinds = ['TextSource', 'PDFSource', 'PictureSource', 'AudioSource', 'VideoSource', 'Code', 'User', 'Set', 'Note',
         'Case', 'Variable']
sels = ['PlainTextSelection', 'PDFSelection', 'PictureSelection', 'AudioSelection', 'VideoSelection',
        'TranscriptSelection', 'Coding']
print(' '.join('%s=%d' % (k, c.get(k, 0)) for k in kinds))
print(' '.join('%s=%d' % (k, c.get(k, 0)) for k in sels))
PY
n=0; bad=0
for f in $(find "$QDX_REAL_REFI" -maxdepth 2 -type f \( -name '*.qdpx' -o -name '*.qde' -o -name '*.qdc' -o -name '*.zip' \) | sort); do
  b=$(basename "$f"); fail=""
  case "$f" in *.qdc) out="$tmp/$b.out.qdc"; xsd="$QDX_CORPUS/Codebook.xsd" ;;
               *)     out="$tmp/$b.out.qdpx"; xsd="$QDX_CORPUS/Project-mrt2019.xsd" ;; esac
  if ! "$qdx" info "$f" >"$tmp/info" 2>&1; then fail="qdx info: $(tail -3 "$tmp/info")"
  elif ! "$qdx" convert --verbose "$f" "$out" >"$tmp/conv" 2>&1; then fail="qdx convert: $(tail -3 "$tmp/conv")"
  else
    case "$out" in
      *.qdpx) "$py" -c 'import sys, zipfile; sys.stdout.buffer.write(zipfile.ZipFile(sys.argv[1]).read("project.qde"))' "$out" > "$tmp/x.xml" ;;
      *) cp "$out" "$tmp/x.xml" ;;
    esac
    if ! xmllint --noout --schema "$xsd" "$tmp/x.xml" 2>"$tmp/xsd"; then fail="export invalid: $(head -5 "$tmp/xsd")"
    elif [ "${out%.qdpx}" != "$out" ]; then
      "$py" "$tmp/count.py" "$f" > "$tmp/c1" && "$py" "$tmp/count.py" "$out" > "$tmp/c2"
      # a user id that no <User> declares is declared (quirk.user-undeclared, "(N times)"): N more Users
      undeclared=$(grep 'quirk\.user-undeclared' "$tmp/conv" | sed -n 's/.*(\([0-9][0-9]*\) times).*/\1/p')
      [ -z "$undeclared" ] && grep -q 'quirk\.user-undeclared' "$tmp/conv" && undeclared=1
      if [ -n "$undeclared" ]; then
        "$py" -c 'import re, sys; print(re.sub(r"User=(\d+)", lambda m: "User=%d" % (int(m.group(1)) + int(sys.argv[1])), sys.stdin.readline().rstrip("\n"))); sys.stdout.write(sys.stdin.read())' "$undeclared" < "$tmp/c1" > "$tmp/c1u" && mv "$tmp/c1u" "$tmp/c1"
      fi
      if ! cmp -s "$tmp/c1" "$tmp/c2"; then
        # entities: never; selections/codings: only when the convert reported what it skipped
        if [ "$(head -1 "$tmp/c1")" != "$(head -1 "$tmp/c2")" ] || ! grep -q 'skipped\.' "$tmp/conv"; then
          fail="counts differ: $(cat "$tmp/c1" | tr '\n' ' ') -> $(cat "$tmp/c2" | tr '\n' ' ')"
        fi
      fi
      if [ -z "$fail" ] && { ! "$qdx" convert "$f" "$tmp/$b.json" >/dev/null 2>"$tmp/err" ||
                             ! "$qdx" convert "$tmp/$b.json" "$tmp/$b.back.qdpx" >/dev/null 2>>"$tmp/err"; }; then
        fail="json round trip: $(tail -3 "$tmp/err")"
      fi
    fi
  fi
  if [ -n "$fail" ]; then echo "FAIL $b: $fail"; bad=$((bad+1)); else echo "ok $b"; n=$((n+1)); fi
done
echo "$n real files ok, $bad failed"
[ "$n" -gt 0 ] && [ "$bad" -eq 0 ]
