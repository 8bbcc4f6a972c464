#!/usr/bin/env bash
# Build the extension and package it as a .vsix:  bash editors/vscode/package.sh [OUT.vsix]
# Needs Node >= 22 (for @vscode/vsce): the node on PATH, or $TOOLS/node24 (see tests/harness/editors/install.sh).
# Installs the locked npm dependencies when node_modules is missing or older than package-lock.json.
# Prints only the path of the .vsix on stdout (the rest goes to stderr).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
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
OUT="${1:-$HERE/out/bcdc-lsp-$VERSION.vsix}"
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error >&2
fi
npx --no-install tsc --noEmit -p . >&2
npm run --silent build >&2
mkdir -p "$(dirname "$OUT")"
# the bundle holds every runtime dependency, so node_modules stays out of the package
npx --no-install vsce package --no-dependencies --out "$OUT" >&2
echo "$OUT"
