#!/usr/bin/env bash
# The release assets for one platform, built the way the release workflow builds them
# (.github/workflows/release.yml runs this script on each platform):
#
#   scripts/dist.sh [--out DIR] [VSCE_TARGET]   build, package, checksum (target: this machine's)
#   scripts/dist.sh --sums [--out DIR]          only rewrite DIR/SHA256SUMS
#   scripts/dist.sh --build-only [VSCE_TARGET]   only step 1 (CI starts it early; the full run then reuses it)
#
# VSCE_TARGET is linux-x64, linux-arm64, darwin-x64, darwin-arm64 or win32-x64. DIR defaults to target/release-assets.
#   1. cargo build --locked --profile dist --target TRIPLE   (stripped, LTO: Cargo.toml [profile.dist])
#   2. DIR/bcdc-lsp-VSCE_TARGET[.exe]                        the server
#   3. DIR/bcdc-lsp-VSCE_TARGET-VERSION.vsix                 the VS Code extension carrying it
#   4. DIR/bcdc-lsp-THIRD-PARTY-NOTICES.txt                  the licence notices of the crates in the server
#   5. DIR/SHA256SUMS                                        sha256sum of every bcdc-lsp-* file in DIR
# Linux builds are static (musl). When the musl target is not installed (`rustup target add ...`) and this
# machine is that platform, the server is built for the host's own triple instead, and the script says so.
# Packaging needs Node >= 22 (editors/vscode/package.sh).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# not target/dist: cargo writes the dist profile's build scripts and proc macros there, and CI empties
# the asset folder while its early build may still be running
OUT="$ROOT/target/release-assets" TARGET="" SUMS_ONLY=0 BUILD_ONLY=0
while [ $# -gt 0 ]; do
  case "$1" in
    --out) OUT="$2"; shift 2 ;;
    --sums) SUMS_ONLY=1; shift ;;
    --build-only) BUILD_ONLY=1; shift ;;
    -h|--help) sed -n '2,17p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "dist.sh: unknown option $1" >&2; exit 2 ;;
    *) TARGET="$1"; shift ;;
  esac
done
say() { echo "dist.sh: $*" >&2; }
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"

write_sums() {
  local sha=(sha256sum)
  command -v sha256sum >/dev/null || sha=(shasum -a 256)   # macOS; same output format
  (cd "$OUT" && find . -maxdepth 1 -type f -name 'bcdc-lsp-*' | sed 's|^\./||' | LC_ALL=C sort \
    | xargs "${sha[@]}" > SHA256SUMS)
  say "$OUT/SHA256SUMS: $(wc -l < "$OUT/SHA256SUMS" | tr -d ' ') assets"
}
if [ "$SUMS_ONLY" = 1 ]; then write_sums; exit 0; fi

host_vsce_target() {
  local os arch
  case "$(uname -s)" in
    Linux) os=linux ;; Darwin) os=darwin ;; MINGW*|MSYS*|CYGWIN*) os=win32 ;;
    *) say "no package for this system ($(uname -s))"; exit 2 ;;
  esac
  case "$(uname -m)" in
    x86_64|amd64) arch=x64 ;; aarch64|arm64) arch=arm64 ;;
    *) say "no package for this processor ($(uname -m))"; exit 2 ;;
  esac
  echo "$os-$arch"
}
TARGET="${TARGET:-$(host_vsce_target)}"
case "$TARGET" in
  linux-x64) TRIPLE=x86_64-unknown-linux-musl ;;
  linux-arm64) TRIPLE=aarch64-unknown-linux-musl ;;
  darwin-x64) TRIPLE=x86_64-apple-darwin ;;
  darwin-arm64) TRIPLE=aarch64-apple-darwin ;;
  win32-x64) TRIPLE=x86_64-pc-windows-msvc ;;
  *) say "unknown target $TARGET (linux-x64, linux-arm64, darwin-x64, darwin-arm64, win32-x64)"; exit 2 ;;
esac
EXE=""; [ "$TARGET" = win32-x64 ] && EXE=.exe

# one version for the server and the extension
VERSION="$(sed -n 's/^version = "\(.*\)"$/\1/p' "$ROOT/Cargo.toml" | head -1)"
EXT_VERSION="$(sed -n 's/^  "version": "\(.*\)",$/\1/p' "$ROOT/editors/vscode/package.json" | head -1)"
NVIM_VERSION="$(sed -n "s/^return '\(.*\)'$/\1/p" "$ROOT/editors/nvim/lua/bcdc/version.lua")"
[ "$VERSION" = "$EXT_VERSION" ] && [ "$VERSION" = "$NVIM_VERSION" ] \
  || { say "Cargo.toml has version $VERSION, editors/vscode/package.json $EXT_VERSION, editors/nvim/lua/bcdc/version.lua $NVIM_VERSION: make them equal"; exit 1; }

HOST_TRIPLE="$(rustc -vV | sed -n 's/^host: //p')"
if [ ! -d "$(rustc --print sysroot)/lib/rustlib/$TRIPLE" ]; then
  if [ "${TRIPLE%-musl}" != "$TRIPLE" ] && [ "$HOST_TRIPLE" = "${TRIPLE%-musl}-gnu" ]; then
    say "the Rust target $TRIPLE is not installed (rustup target add $TRIPLE):"
    say "building for this machine's $HOST_TRIPLE instead: the server links glibc dynamically, not a static release build"
    TRIPLE="$HOST_TRIPLE"
  else
    say "the Rust target $TRIPLE is not installed: rustup target add $TRIPLE"; exit 1
  fi
fi

# 1. the server
case "$TRIPLE" in
  *-linux-musl)
    # C parts (tree-sitter, ring) for musl: musl-gcc from musl-tools when the system has it
    if command -v musl-gcc >/dev/null; then
      cc_var="CC_$(echo "$TRIPLE" | tr - _)"; export "$cc_var=musl-gcc"
    fi ;;
  *-windows-msvc)
    # no Visual C++ runtime needed on the user's machine
    export CARGO_TARGET_X86_64_PC_WINDOWS_MSVC_RUSTFLAGS="-C target-feature=+crt-static" ;;
esac
say "building bcdc-lsp $VERSION for $TARGET ($TRIPLE, profile dist)"
t0=$(date +%s)
(cd "$ROOT" && cargo build --locked --profile dist --target "$TRIPLE" --bin bcdc-lsp)
BIN="${CARGO_TARGET_DIR:-$ROOT/target}/$TRIPLE/dist/bcdc-lsp$EXE"
[ -f "$BIN" ] || { say "cargo produced no $BIN"; exit 1; }
if [ "$BUILD_ONLY" = 1 ]; then say "built $BIN in $(( $(date +%s) - t0 )) s"; exit 0; fi
ASSET="$OUT/bcdc-lsp-$TARGET$EXE"
cp "$BIN" "$ASSET"
chmod 755 "$ASSET"
say "server: $ASSET ($(wc -c < "$ASSET" | tr -d ' ') bytes, built in $(( $(date +%s) - t0 )) s)"
if [ "$TRIPLE" = "$HOST_TRIPLE" ] || [ "$TARGET" = "$(host_vsce_target)" ]; then
  "$ASSET" --version >&2   # it runs here: a smoke test
fi

# 2. the extension carrying it
VSIX="$OUT/bcdc-lsp-$TARGET-$VERSION.vsix"
bash "$ROOT/editors/vscode/package.sh" --target "$TARGET" --server "$ASSET" "$VSIX" >/dev/null
say "extension: $VSIX ($(wc -c < "$VSIX" | tr -d ' ') bytes)"

# 3. the licence notices of the crates in the server (the .vsix carries them too; scripts/notices.sh,
# checked against Cargo.lock by `cargo test --test notices`)
cp "$ROOT/THIRD-PARTY-NOTICES.txt" "$OUT/bcdc-lsp-THIRD-PARTY-NOTICES.txt"

# 4. checksums over everything in OUT
write_sums
echo "$VSIX"
