#!/usr/bin/env bash
# Installs everything qdx needs to build and test, from Debian's packages.
# libexpat1 is installed (upgraded) explicitly: the security update fixes CVEs
# and a quadratic slowdown on large attributes (docs: security notes).
set -euo pipefail
cd "$(dirname "$0")/.."
pkgs=$(cat .ci/apt.txt .ci/apt.d/*.txt 2>/dev/null | sed 's/#.*//' | tr -s ' \n' ' ')
SUDO=""
[ "$(id -u)" = 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $pkgs >/dev/null
