#!/bin/sh
# Validates canonical qdx JSON files against schemas/qdx-project-1.0.schema.json
# with ajv, an independent validator (RapidJSON's checks live in test_json).
#
#   tests/json/check_schema.sh [FILE_OR_DIR]...
#
# Directories are searched for *.json files whose text has a "qdx" key (other
# JSON, such as reports, is skipped). Files under a folder named "invalid"
# must be REFUSED by the schema (tests/json/data/invalid holds such files). Needs ajv-cli 3.3.0, the last release
# that reads draft-04 schemas (ajv-cli 4 and later dropped draft-04):
#   npm install -g ajv-cli@3.3.0
# The ajv command is taken from $AJV, else from PATH.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=${QDX_SOURCE_DIR:-$(cd "$here/../.." && pwd)}
schema="$root/schemas/qdx-project-1.0.schema.json"
ajv=${AJV:-$(command -v ajv || true)}
if [ -z "$ajv" ]; then
  echo "check_schema.sh: ajv not found (npm install -g ajv-cli@3.3.0)" >&2
  exit 77
fi
[ $# -gt 0 ] || set -- "$root/samples"

list=$(mktemp)
trap 'rm -f "$list"' EXIT
for arg in "$@"; do
  if [ -d "$arg" ]; then
    find "$arg" -type f -name '*.json' ! -name '*.schema.json' -print | sort >> "$list"
  elif [ -f "$arg" ]; then
    echo "$arg" >> "$list"
  else
    echo "check_schema.sh: skipping missing $arg" >&2
  fi
done

checked=0
failed=0
while IFS= read -r f; do
  # Only canonical qdx documents: a "qdx" key near the start.
  head -c 4096 "$f" | grep -q '"qdx"[[:space:]]*:' || continue
  checked=$((checked + 1))
  if "$ajv" validate -s "$schema" -d "$f" --errors=text >"$list.err" 2>&1; then ok=1; else ok=0; fi
  case "$f" in
    */invalid/*)
      if [ "$ok" -eq 1 ]; then
        failed=$((failed + 1))
        echo "ACCEPTED but should be refused: $f" >&2
      fi ;;
    *)
      if [ "$ok" -eq 0 ]; then
        failed=$((failed + 1))
        echo "INVALID: $f" >&2
        cat "$list.err" >&2
      fi ;;
  esac
  rm -f "$list.err"
done < "$list"

echo "check_schema.sh: $checked file(s) checked, $failed invalid"
[ "$checked" -gt 0 ] || { echo "check_schema.sh: nothing to check" >&2; exit 77; }
[ "$failed" -eq 0 ]
