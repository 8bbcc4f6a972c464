#!/usr/bin/env bash
# Regenerates THIRD-PARTY-NOTICES.txt, the licence notices of every crate the server is built from,
# with cargo-about (about.toml says which licences are accepted and for which platforms; about.hbs
# is the layout). Run it after any change to Cargo.lock: `cargo test --test notices` (CI) fails while
# the file misses a crate or names a licence that is not accepted.
#   cargo install --locked cargo-about --features cli    (once)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
command -v cargo-about >/dev/null \
  || { echo "notices.sh: needs cargo-about: cargo install --locked cargo-about --features cli" >&2; exit 1; }
cargo about generate --frozen --fail --output-file THIRD-PARTY-NOTICES.txt about.hbs
echo "THIRD-PARTY-NOTICES.txt: $(grep -c '^- ' THIRD-PARTY-NOTICES.txt) crates" >&2
