#!/usr/bin/env bash
# Build the extension and package it as a .vsix:
#   bash editors/vscode/package.sh [--target VSCE_TARGET --server BIN] [OUT.vsix]
# Without --target: the platform-neutral package, which uses bcdc-lsp from PATH (or bcdc.server.path).
# With --target (linux-x64, linux-arm64, darwin-x64, darwin-arm64, win32-x64) and --server: a platform package
# that carries BIN as server/bcdc-lsp[.exe], with the notices of the crates in it (THIRD-PARTY-NOTICES.txt)
# (scripts/dist.sh builds BIN and calls this).
# Needs Node >= 22 (for @vscode/vsce): the node on PATH, or $TOOLS/node24 (see tests/harness/editors/install.sh).
# Installs the locked npm dependencies when node_modules is missing or older than package-lock.json.
# Prints only the path of the .vsix on stdout (the rest goes to stderr).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
TARGET="" SERVER="" OUT=""
while [ $# -gt 0 ]; do
  case "$1" in
    --target) TARGET="$2"; shift 2 ;;
    --server) SERVER="$(realpath "$2")"; shift 2 ;;
    -*) echo "package.sh: unknown option $1" >&2; exit 2 ;;
    *) OUT="$1"; shift ;;
  esac
done
{ [ -n "$TARGET" ] && [ -n "$SERVER" ]; } || { [ -z "$TARGET" ] && [ -z "$SERVER" ]; } \
  || { echo "package.sh: --target and --server go together" >&2; exit 2; }
[ -z "$SERVER" ] || [ -x "$SERVER" ] || { echo "package.sh: $SERVER is not an executable file" >&2; exit 2; }
TOOLS="${TOOLS:-/tmp/bcdc-tools}"
# shellcheck disable=SC1091
[ -f "$TOOLS/tools.env" ] && . "$TOOLS/tools.env"
NODE24_BIN="${NODE24_BIN:-$TOOLS/node24/package/bin}"
[ -x "$NODE24_BIN/node" ] && export PATH="$NODE24_BIN:$PATH"
major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
if [ "$major" -lt 22 ]; then
  echo "package.sh: needs Node >= 22 (found: $(node --version 2>/dev/null || echo none)); install it (tests/harness/editors/install.sh puts it in \$TOOLS/node24)" >&2
  exit 1
fi
cd "$HERE"
VERSION="$(node -p 'require("./package.json").version')"
OUT="${OUT:-$HERE/out/bcdc-lsp${TARGET:+-$TARGET}-$VERSION.vsix}"
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error >&2
fi
npx --no-install tsc --noEmit -p . >&2
npm run --silent build >&2
mkdir -p "$(dirname "$OUT")"
# server/ exists only while a platform package is made: no stale binary slips into another package
rm -rf server
trap 'rm -rf "$HERE/server"' EXIT
if [ -n "$SERVER" ]; then
  mkdir server
  name=bcdc-lsp; case "$TARGET" in win32-*) name=bcdc-lsp.exe ;; esac
  cp "$SERVER" "server/$name"
  chmod 755 "server/$name"
  # the licence notices of the crates the server is built from (scripts/notices.sh)
  cp "$HERE/../../THIRD-PARTY-NOTICES.txt" server/
fi
# the bundle holds every runtime dependency, so node_modules stays out of the package
npx --no-install vsce package --no-dependencies ${TARGET:+--target "$TARGET"} --out "$OUT" >&2
echo "$OUT"
