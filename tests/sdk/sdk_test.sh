#!/usr/bin/env bash
# Installs the build tree into a scratch prefix, builds the example plugin out of
# tree with find_package(qdx) + qdx_add_plugin(), and loads it with the installed qdx.
set -euo pipefail
build_dir=$1; src_dir=$2
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
cmake --install "$build_dir" --prefix "$work/inst" >/dev/null
# The plugin is built with the compiler of the qdx build (sanitizer runtimes must match).
cmake -S "$src_dir/tests/sdk/example" -B "$work/build" -DCMAKE_PREFIX_PATH="$work/inst" \
  ${SDK_CXX:+-DCMAKE_CXX_COMPILER="$SDK_CXX"} \
  -DCMAKE_CXX_FLAGS="${SDK_CXX_FLAGS:-}" -DCMAKE_SHARED_LINKER_FLAGS="${SDK_LD_FLAGS:-}" \
  -DCMAKE_MODULE_LINKER_FLAGS="${SDK_LD_FLAGS:-}" >/dev/null
cmake --build "$work/build" >/dev/null
plugin=$(find "$work/build" -name 'qdx_hello.so' | head -1)
[ -n "$plugin" ] || { echo "FAIL: the example plugin was not built"; exit 1; }
out=$("$work/inst/bin/qdx" --plugin-path "$(dirname "$plugin")" formats)
echo "$out" | grep -q '^  hello ' || { echo "FAIL: qdx formats does not list the out-of-tree plugin"; echo "$out"; exit 1; }
echo "$out" | grep -q '^  json ' || { echo "FAIL: the installed plugins were not found"; echo "$out"; exit 1; }
printf 'HELLO world' > "$work/x.hello"
info=$("$work/inst/bin/qdx" --plugin-path "$(dirname "$plugin")" info "$work/x.hello" --json)
echo "$info" | grep -q '"name":"world"' || { echo "FAIL: reading through the plugin: $info"; exit 1; }
echo "PASS: out-of-tree plugin built against the installed SDK and loaded"
