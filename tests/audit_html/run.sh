#!/usr/bin/env bash
# The HTML audit report in headless Chromium: see report.js. Needs the editor tools
# (tests/harness/editors/install.sh) and a built binary.
# Env: BCDC_LSP (default <repo>/target/debug/bcdc-lsp), OUT_DIR (default <repo>/target/audit-html),
#      SCREENSHOT (optional, e.g. docs/images/audit-report.png).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
source "${TOOLS:-/tmp/bcdc-tools}/tools.env"
export BCDC_LSP="${BCDC_LSP:-${CARGO_TARGET_DIR:-$ROOT/target}/debug/bcdc-lsp}"
export OUT_DIR="${OUT_DIR:-${CARGO_TARGET_DIR:-$ROOT/target}/audit-html}"
export CHROMIUM
[ -x "$BCDC_LSP" ] || { echo "no $BCDC_LSP: run cargo build first" >&2; exit 1; }
rm -rf "$OUT_DIR" && mkdir -p "$OUT_DIR"
# axe-core: installed by tests/harness/editors/install.sh in $TOOLS/axe (AXE_NODE_PATH moves it)
PATH="$NODE24_BIN:$PATH" NODE_PATH="$PLAYWRIGHT_NODE_PATH:${AXE_NODE_PATH:-$TOOLS/axe/node_modules}" \
  timeout 180 node "$HERE/report.js"
