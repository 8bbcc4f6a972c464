#!/usr/bin/env bash
# End-to-end test of the VS Code extension in real VS Code (code-server 4.139.1) driven by headless Chromium:
# installs the .vsix into a fresh profile, opens record fixtures and checks the record language, diagnostics in
# the Problems panel, the licence's title as an inlay hint after its id, dropdown completion that opens while a value is typed, "BCDC: Set API key" (SecretStorage),
# and "BCDC: Publish record" / "Update record" / "Pull record…" against a real CKAN (the new id lands in the
# file, the catalogue has the dataset and the update; it is purged at the end), the production modal and the missing-server notification;
# the code lens on a second new record's first line (catalogueRefreshSeconds = 2): Publish, Update and Show diff (the diff
# editor), Pull of a change made on the catalogue, and a conflict's warning and quick fixes (Take the catalogue's value,
# Keep mine);
# a record under a bcdc.toml naming the local CKAN's `camel-photos` type, checked, explained (hover) and completed
# against that schema;
# a hostile .vscode/settings.json (bcdc.server.path to a script that writes a marker, bcdc.catalogue to a local
# listener, BCDC_API_KEY in the environment) that must start nothing and send no key; then, in a second fresh profile
# with workspace trust on, the untrusted folder in Restricted Mode: diagnostics appear, the status bar says
# restricted, publishing is refused with a clear message.
#
# Either the platform package with its own server (what users install; what CI tests). code-server then runs
# with no bcdc-lsp, cargo or rustc on PATH, and the test checks that the server running is the packaged one:
#   BCDC_VSIX=/abs/path/bcdc-lsp-linux-x64-X.Y.Z.vsix (from scripts/dist.sh) BCDC_TEST_CKAN_URL=http://127.0.0.1:5000 \
#   BCDC_TEST_CKAN_TOKEN=... BCDC_TEST_CKAN_ORG=lsp-test-org bash editors/vscode/test/e2e.sh
# or a server binary (quick while developing): the test packages the platform-neutral .vsix and sets
# bcdc.server.path:
#   BCDC_LSP=/abs/path/bcdc-lsp BCDC_TEST_CKAN_URL=... BCDC_TEST_CKAN_TOKEN=... BCDC_TEST_CKAN_ORG=... bash editors/vscode/test/e2e.sh
#
# Other env: TOOLS (/tmp/bcdc-tools; $TOOLS/tools.env is sourced if present; tests/harness/editors/install.sh
# installs Node 24, code-server, playwright-core and Chromium there), SHOTS_DIR (<repo>/target/e2e-shots/vscode),
# STEP_TIMEOUT_MS (30000), KEEP=1 (keep the run dir). Installs nothing (but npm ci of the extension's locked
# dependencies). Also runs the extension's unit tests. Exit 0 = every step passed.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
EXT="$(dirname "$HERE")"
REPO="$(cd "$EXT/../.." && pwd)"
TOOLS="${TOOLS:-/tmp/bcdc-tools}"
# shellcheck disable=SC1091
[ -f "$TOOLS/tools.env" ] && . "$TOOLS/tools.env"
SHOTS_DIR="${SHOTS_DIR:-$REPO/target/e2e-shots/vscode}"
ms() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
die() { echo "e2e.sh: $*" >&2; exit 1; }
T_ALL=$(date +%s%N)

# ---------- inputs and tools (checked, never installed here) ----------
if [ -n "${BCDC_VSIX:-}" ]; then
  case "$BCDC_VSIX" in /*) ;; *) die "BCDC_VSIX must be an absolute path (got $BCDC_VSIX)";; esac
  [ -f "$BCDC_VSIX" ] || die "BCDC_VSIX=$BCDC_VSIX does not exist (scripts/dist.sh makes it)"
  python3 -c 'import sys, zipfile; sys.exit("extension/server/bcdc-lsp" not in zipfile.ZipFile(sys.argv[1]).namelist())' "$BCDC_VSIX" \
    || die "$BCDC_VSIX carries no server (extension/server/bcdc-lsp): build it with scripts/dist.sh"
else
  [ -n "${BCDC_LSP:-}" ] || die "set BCDC_VSIX to a platform .vsix (scripts/dist.sh), or BCDC_LSP to the absolute path of a bcdc-lsp binary (e.g. \$PWD/target/debug/bcdc-lsp)"
  case "$BCDC_LSP" in /*) ;; *) die "BCDC_LSP must be an absolute path (got $BCDC_LSP)";; esac
  [ -x "$BCDC_LSP" ] || die "BCDC_LSP=$BCDC_LSP is not an executable file (run cargo build first)"
fi
# Without a CKAN (BCDC_TEST_CKAN_* unset, see tests/harness/ckan/env.sh) the publish steps are skipped,
# saying so; in CI they are required.
SKIP_PUBLISH=0
if [ -z "${BCDC_TEST_CKAN_URL:-}" ] || [ -z "${BCDC_TEST_CKAN_TOKEN:-}" ] || [ -z "${BCDC_TEST_CKAN_ORG:-}" ]; then
  { [ "${CI:-}" = true ] || [ "${BCDC_REQUIRE_CKAN:-}" = 1 ]; } && die "BCDC_TEST_CKAN_URL/TOKEN/ORG are not all set (source tests/harness/ckan/env.sh after start.sh)"
  echo "e2e.sh: BCDC_TEST_CKAN_URL/TOKEN/ORG not all set: SKIPPING the publish steps (source tests/harness/ckan/env.sh to run them)"
  SKIP_PUBLISH=1
  BCDC_TEST_CKAN_URL=http://127.0.0.1:9 BCDC_TEST_CKAN_TOKEN=e2e-no-catalogue-token BCDC_TEST_CKAN_ORG=lsp-test-org
fi
CKAN_URL="${BCDC_TEST_CKAN_URL%/}"
if [ "$SKIP_PUBLISH" = 0 ]; then
  curl -sf -m 10 -o /dev/null "$CKAN_URL/api/3/action/status_show" || die "CKAN at $CKAN_URL does not answer status_show"
fi

NODE_BIN="${NODE24_BIN:-$TOOLS/node24/package/bin}"
CS="${CODE_SERVER:-$TOOLS/code-server/node_modules/.bin/code-server}"
PW_MODULES="${PLAYWRIGHT_NODE_PATH:-$TOOLS/cs-driver/node_modules}"
CHROMIUM="${CHROMIUM:-$(command -v chromium || true)}"
missing=()
[ -x "$NODE_BIN/node" ] || missing+=("Node 24 ($NODE_BIN/node)")
[ -x "$CS" ] || missing+=("code-server ($CS)")
[ -d "$PW_MODULES/playwright-core" ] || missing+=("playwright-core ($PW_MODULES/playwright-core)")
[ -n "$CHROMIUM" ] && [ -x "$CHROMIUM" ] || missing+=("chromium (apt-get install chromium)")
[ ${#missing[@]} -eq 0 ] || die "missing tools: ${missing[*]}. Run tests/harness/editors/install.sh (TOOLS=$TOOLS)."
export PATH="$NODE_BIN:$PATH"

# ---------- 1. the real .vsix ----------
RUN="$(mktemp -d "${TMPDIR:-/tmp}/bcdc-vscode-e2e.XXXXXX")"
CS_PID=""
stop_code_server() {
  # code-server runs in its own process group (setsid): that takes the extension host and bcdc-lsp with it
  if [ -n "$CS_PID" ] && kill -- -"$CS_PID" 2>/dev/null; then
    for _ in $(seq 1 25); do kill -0 -- -"$CS_PID" 2>/dev/null || break; sleep 0.2; done
    kill -KILL -- -"$CS_PID" 2>/dev/null || true   # whatever ignored SIGTERM for 5 s
  fi
  CS_PID=""
}
cleanup() {
  [ -n "${LISTENER_PID:-}" ] && kill "$LISTENER_PID" 2>/dev/null || true
  stop_code_server
  # Chromium (launched by playwright, possibly in its own group): only processes using this run's profile
  for pid in $(pgrep -f -- "$RUN/chromium-profile" || true); do kill "$pid" 2>/dev/null || true; done
  # the dataset the test published, also after a failed step: the shared CKAN stays as it was
  if [ "$SKIP_PUBLISH" = 0 ] && [ -n "${RECORD_NAME:-}" ]; then
    for name in "$RECORD_NAME" "$RECORD_NAME-lens"; do
      if curl -s -m 20 -X POST -H @- -H 'Content-Type: application/json' -d "{\"id\": \"$name\"}" \
        "$CKAN_URL/api/3/action/dataset_purge" <<<"Authorization: $BCDC_TEST_CKAN_TOKEN" | grep -q '"success": *true'; then
        echo "purged the test dataset $name"
      fi
    done
  fi
  if [ "${KEEP:-0}" = 1 ]; then echo "run dir kept: $RUN"; else rm -rf "$RUN"; fi
  # the record this run published, purged (a sysadmin's token): the CKAN is left as it was found
  if [ "$SKIP_PUBLISH" = 0 ] && [ -n "${RECORD_NAME:-}" ]; then
    curl -s -m 10 -o /dev/null -H "Authorization: $BCDC_TEST_CKAN_TOKEN" -H 'Content-Type: application/json' \
      -d "{\"id\": \"$RECORD_NAME\"}" "$CKAN_URL/api/3/action/dataset_purge" || true
  fi
}
trap cleanup EXIT
t=$(date +%s%N)
if [ -n "${BCDC_VSIX:-}" ]; then
  VSIX="$BCDC_VSIX"
  # the unit tests below need the extension's npm dependencies
  (cd "$EXT" && { [ -f node_modules/.package-lock.json ] && [ ! package-lock.json -nt node_modules/.package-lock.json ]; } \
    || npm ci --no-audit --no-fund --loglevel=error) >"$RUN/package.log" 2>&1 || { cat "$RUN/package.log"; die "npm ci failed"; }
  echo "platform .vsix: $VSIX ($(du -k "$VSIX" | cut -f1) KB)"
else
  VSIX="$(bash "$EXT/package.sh" "$RUN/bcdc-lsp.vsix" 2>"$RUN/package.log")" || { cat "$RUN/package.log"; die "packaging failed"; }
  echo "package .vsix: $(ms "$t") ms ($(du -k "$VSIX" | cut -f1) KB)"
fi
# the extension's unit tests ride along (package.sh installed their dependencies; about 2 s)
t=$(date +%s%N)
if (cd "$EXT" && NO_COLOR=1 npx --no-install vitest run >"$RUN/unit.log" 2>&1); then
  echo "STEP unit_tests ok $(ms "$t")ms \"$(grep -E '^ +Tests ' "$RUN/unit.log" | xargs)\""
else
  cat "$RUN/unit.log"; echo "STEP unit_tests FAIL $(ms "$t")ms"; UNIT_FAILED=1
fi

# ---------- 2. fresh profile and workspace ----------
mkdir -p "$RUN/ud/User" "$RUN/ed" "$RUN/ws"
RECORD_NAME="vscode-e2e-$(date +%s)-$RANDOM"
cp "$HERE/fixtures/bad-choice.bcdc.yaml" "$HERE/fixtures/notes.yaml" "$RUN/ws/"
# the same record in a plain .yaml file: a record by its `type: bcdc_dataset` alone
sed -e 's/^name: .*/name: vscode-e2e-plain/' "$HERE/fixtures/bad-choice.bcdc.yaml" > "$RUN/ws/plain-record.yaml"
sed -e "s/^name: .*/name: $RECORD_NAME/" -e "s/^owner_org: .*/owner_org: $BCDC_TEST_CKAN_ORG/" \
  "$HERE/fixtures/new-record.bcdc.yaml" > "$RUN/ws/new-record.bcdc.yaml"
# the record the code lens steps publish, update and pull (purged at the end like the other)
sed -e "s/^name: .*/name: $RECORD_NAME-lens/" -e "s/^owner_org: .*/owner_org: $BCDC_TEST_CKAN_ORG/" \
  -e "s/^title: .*/title: VS Code code lens test record/" \
  "$HERE/fixtures/new-record.bcdc.yaml" > "$RUN/ws/lens-record.bcdc.yaml"
# another portal's records: bcdc.toml names the local CKAN and its camel-photos type
mkdir -p "$RUN/ws/camels"
cp "$HERE/fixtures/larry.bcdc.yaml" "$RUN/ws/camels/"
printf 'host = "%s"\ntype = "camel-photos"\n' "$CKAN_URL" > "$RUN/ws/camels/bcdc.toml"
# A hostile repository: its .vscode/settings.json names a "server" that writes a marker and a catalogue that is a
# listener here; its evil/bcdc.toml names the listener too. Nothing may run, no key may reach the listener.
LISTEN_PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
CANARY_KEY="e2e-env-canary-$RANDOM$RANDOM"
printf '#!/bin/sh\ntouch "%s"\n' "$RUN/hostile-server-ran" > "$RUN/hostile-server.sh"
chmod +x "$RUN/hostile-server.sh"
mkdir -p "$RUN/ws/.vscode" "$RUN/ws/evil"
printf '{"bcdc.server.path": "%s", "bcdc.server.bundled": false, "bcdc.catalogue": "http://127.0.0.1:%s"}\n' \
  "$RUN/hostile-server.sh" "$LISTEN_PORT" > "$RUN/ws/.vscode/settings.json"
printf 'host = "http://127.0.0.1:%s"\n' "$LISTEN_PORT" > "$RUN/ws/evil/bcdc.toml"
sed -e 's/^name: .*/name: vscode-e2e-evil/' "$HERE/fixtures/bad-choice.bcdc.yaml" > "$RUN/ws/evil/evil.bcdc.yaml"
python3 - "$LISTEN_PORT" "$RUN/listener.log" <<'PY' &
import http.server, json, sys
port, log = int(sys.argv[1]), sys.argv[2]
class Log(http.server.BaseHTTPRequestHandler):
    def record(self):
        with open(log, "a") as f:
            f.write(json.dumps({"method": self.command, "path": self.path, "headers": dict(self.headers)}) + "\n")
        self.send_response(404); self.end_headers()
    do_GET = do_POST = record
    def log_message(self, *args): pass
http.server.ThreadingHTTPServer(("127.0.0.1", port), Log).serve_forever()
PY
LISTENER_PID=$!
chmod -R u+w "$RUN/ws"
SERVER_SETTING=""; [ -n "${BCDC_VSIX:-}" ] || SERVER_SETTING="$BCDC_LSP"
python3 - "$RUN/ud/User/settings.json" "$SERVER_SETTING" "$CKAN_URL" <<'PY'
import json, sys
path, server, catalogue = sys.argv[1:]   # server: empty = the one in the package
settings = {
    "telemetry.telemetryLevel": "off",
    "workbench.startupEditor": "none",
    "workbench.enableExperiments": False,
    "workbench.tips.enabled": False,
    "workbench.secondarySideBar.defaultVisibility": "hidden",
    "extensions.autoUpdate": False,
    "extensions.autoCheckUpdates": False,
    "update.mode": "none",
    "security.workspace.trust.enabled": False,
    "chat.disableAIFeatures": True,
    "window.restoreWindows": "none",
    "files.autoSave": "off",
    # a user who keeps YAML quiet inside values: records must still complete while a value is typed
    "[yaml]": {"editor.quickSuggestions": {"other": "on", "comments": "off", "strings": "off"}},
    "bcdc.catalogue": catalogue,
    # the code lens steps change the record on the catalogue and wait for the lens to say so
    "bcdc.catalogueRefreshSeconds": 2,
}
if server:
    settings["bcdc.server.path"] = server
json.dump(settings, open(path, "w"), indent=2)
PY
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
printf 'bind-addr: 127.0.0.1:%s\nauth: none\ncert: false\n' "$PORT" > "$RUN/config.yaml"
CSARGS=(--config "$RUN/config.yaml" --user-data-dir "$RUN/ud" --extensions-dir "$RUN/ed")
t=$(date +%s%N)
"$CS" "${CSARGS[@]}" --install-extension "$VSIX" > "$RUN/install.log" 2>&1 || { cat "$RUN/install.log"; die "--install-extension failed"; }
echo "install extension: $(ms "$t") ms"

# ---------- 3. code-server on 127.0.0.1 ----------
# With the platform package: no bcdc-lsp, cargo or rustc on code-server's PATH (as on a metadata editor's
# machine), so only the packaged server can run.
CS_PATH="$PATH"
EXPECT_SERVER="${BCDC_LSP:-}"
if [ -n "${BCDC_VSIX:-}" ]; then
  CS_PATH=""
  IFS=: read -ra dirs <<<"$PATH"
  for d in "${dirs[@]}"; do
    [ -n "$d" ] && [ "$d" != "${CARGO_HOME:-$HOME/.cargo}/bin" ] || continue
    [ -e "$d/bcdc-lsp" ] || [ -e "$d/cargo" ] || [ -e "$d/rustc" ] || [ -e "$d/rustup" ] || CS_PATH="${CS_PATH:+$CS_PATH:}$d"
  done
  for tool in bcdc-lsp cargo rustc rustup; do
    if PATH="$CS_PATH" command -v "$tool" >/dev/null; then die "$tool is still on the PATH for code-server: $(PATH="$CS_PATH" command -v "$tool")"; fi
  done
  echo "code-server PATH has no bcdc-lsp, cargo, rustc or rustup: $CS_PATH"
  EXPECT_SERVER="$RUN/ed/"   # the server inside the installed extension
fi
t=$(date +%s%N)
# The token reaches the server only through "BCDC: Set API key" (SecretStorage): code-server, its extension host
# and bcdc-lsp get no BCDC_TEST_CKAN_TOKEN / BCDC_API_KEY in their environment and a fresh HOME / config dir
# (no bcdc-lsp/config.toml), which also keeps code-server's own state inside the run dir.
mkdir -p "$RUN/home"
# BCDC_API_KEY holds a canary: it names no host, so it must reach neither the local CKAN nor the listener.
env -u BCDC_TEST_CKAN_TOKEN -u BCDC_API_KEY_HOST -u CARGO_HOME -u RUSTUP_HOME BCDC_API_KEY="$CANARY_KEY" PATH="$CS_PATH" \
  HOME="$RUN/home" XDG_CONFIG_HOME="$RUN/home/.config" \
  XDG_CACHE_HOME="$RUN/home/.cache" XDG_DATA_HOME="$RUN/home/.local/share" \
  setsid "$CS" "${CSARGS[@]}" --bind-addr "127.0.0.1:$PORT" --auth none --disable-telemetry --disable-update-check \
  --disable-workspace-trust --disable-getting-started-override --ignore-last-opened "$RUN/ws" > "$RUN/code-server.log" 2>&1 &
CS_PID=$!
for _ in $(seq 1 150); do curl -sf -o /dev/null "http://127.0.0.1:$PORT/healthz" && break; sleep 0.2; done
curl -sf -o /dev/null "http://127.0.0.1:$PORT/healthz" || { tail -20 "$RUN/code-server.log"; die "code-server did not start"; }
echo "code-server start: $(ms "$t") ms (port $PORT)"

# ---------- 4. drive the workbench ----------
mkdir -p "$SHOTS_DIR" && rm -f "$SHOTS_DIR"/[0-9][0-9]-*.png "$SHOTS_DIR"/moment-*.png   # only this test's old pictures
t=$(date +%s%N)
HOST_LABEL="$(python3 -c 'import sys, urllib.parse; print(urllib.parse.urlsplit(sys.argv[1]).netloc)' "$CKAN_URL")"
set +e
CS_URL="http://127.0.0.1:$PORT/?folder=$RUN/ws" WS_DIR="$RUN/ws" RECORD_NAME="$RECORD_NAME" CATALOGUE_LABEL="$HOST_LABEL" EXPECT_SERVER="$EXPECT_SERVER" \
  LENS_FILE=lens-record.bcdc.yaml LENS_RECORD_NAME="$RECORD_NAME-lens" LOGS_DIR="$RUN/ud/logs" \
  SKIP_PUBLISH="$SKIP_PUBLISH" CKAN_URL="$CKAN_URL" CKAN_TOKEN="$BCDC_TEST_CKAN_TOKEN" SHOTS_DIR="$SHOTS_DIR" CHROMIUM="$CHROMIUM" \
  CHROMIUM_PROFILE="$RUN/chromium-profile" NODE_PATH="$PW_MODULES" timeout 600 node "$HERE/drive.js"
rc=$?
set -e
echo "browser test: $(ms "$t") ms, rc=$rc"
[ "${UNIT_FAILED:-0}" = 0 ] || rc=1

# ---------- 5. the API key went through secret storage only ----------
if grep -rqF -- "$BCDC_TEST_CKAN_TOKEN" "$RUN/ud/User/settings.json" "$RUN/ws" "$RUN/ud/logs" "$RUN/home" "$RUN/code-server.log" 2>/dev/null; then
  echo "STEP api_key_not_in_settings_files_or_logs FAIL $(grep -rlF -- "$BCDC_TEST_CKAN_TOKEN" "$RUN/ud/User/settings.json" "$RUN/ws" "$RUN/ud/logs" "$RUN/home" "$RUN/code-server.log" 2>/dev/null | tr '\n' ' ')"
  rc=1
else
  echo "STEP api_key_not_in_settings_files_or_logs ok"
fi

# ---------- 6. the hostile workspace settings did nothing ----------
if [ -e "$RUN/hostile-server-ran" ]; then
  echo "STEP hostile_server_path_not_run FAIL the workspace's bcdc.server.path ran"; rc=1
else
  echo "STEP hostile_server_path_not_run ok"
fi
touch "$RUN/listener.log"
if grep -qF -e "$CANARY_KEY" -e "$BCDC_TEST_CKAN_TOKEN" "$RUN/listener.log" || grep -qi '"authorization"' "$RUN/listener.log"; then
  echo "STEP hostile_catalogue_got_no_key FAIL a request to the listener carried a key"; rc=1
else
  # requests may come (evil/bcdc.toml's schema is fetched, anonymously), never with a key
  echo "STEP hostile_catalogue_got_no_key ok \"$(wc -l < "$RUN/listener.log") request(s), none with a key: $(python3 -c 'import json,sys; print(sorted({json.loads(l)["path"].split("?")[0] for l in open(sys.argv[1])}))' "$RUN/listener.log")\""
fi

# ---------- 7. Restricted Mode: a fresh profile with workspace trust on, the folder not trusted ----------
stop_code_server
mkdir -p "$RUN/ud2/User" "$RUN/ws2/.vscode" "$RUN/home2"
cp "$HERE/fixtures/bad-choice.bcdc.yaml" "$RUN/ws2/"
cp "$RUN/ws/.vscode/settings.json" "$RUN/ws2/.vscode/"
python3 - "$RUN/ud/User/settings.json" "$RUN/ud2/User/settings.json" "$CKAN_URL" <<'PY'
import json, sys
settings = json.load(open(sys.argv[1]))
del settings["security.workspace.trust.enabled"]   # the default: on
settings.pop("bcdc.server.path", None)
settings["bcdc.catalogue"] = sys.argv[3]            # the first run switched it to prod
json.dump(settings, open(sys.argv[2], "w"), indent=2)
PY
if [ -z "${BCDC_VSIX:-}" ]; then
  python3 - "$RUN/ud2/User/settings.json" "$BCDC_LSP" <<'PY'
import json, sys
settings = json.load(open(sys.argv[1])); settings["bcdc.server.path"] = sys.argv[2]
json.dump(settings, open(sys.argv[1], "w"), indent=2)
PY
fi
CSARGS2=(--config "$RUN/config.yaml" --user-data-dir "$RUN/ud2" --extensions-dir "$RUN/ed")
t=$(date +%s%N)
env -u BCDC_TEST_CKAN_TOKEN -u BCDC_API_KEY -u CARGO_HOME -u RUSTUP_HOME PATH="$CS_PATH" HOME="$RUN/home2" \
  XDG_CONFIG_HOME="$RUN/home2/.config" XDG_CACHE_HOME="$RUN/home2/.cache" XDG_DATA_HOME="$RUN/home2/.local/share" \
  setsid "$CS" "${CSARGS2[@]}" --bind-addr "127.0.0.1:$PORT" --auth none --disable-telemetry --disable-update-check \
  --disable-getting-started-override --ignore-last-opened "$RUN/ws2" > "$RUN/code-server2.log" 2>&1 &
CS_PID=$!
for _ in $(seq 1 150); do curl -sf -o /dev/null "http://127.0.0.1:$PORT/healthz" && break; sleep 0.2; done
curl -sf -o /dev/null "http://127.0.0.1:$PORT/healthz" || { tail -20 "$RUN/code-server2.log"; die "code-server (restricted) did not start"; }
set +e
MODE=restricted CS_URL="http://127.0.0.1:$PORT/?folder=$RUN/ws2" WS_DIR="$RUN/ws2" RECORD_NAME="$RECORD_NAME" CATALOGUE_LABEL="$HOST_LABEL" \
  EXPECT_SERVER="$EXPECT_SERVER" SKIP_PUBLISH="$SKIP_PUBLISH" CKAN_URL="$CKAN_URL" CKAN_TOKEN="$BCDC_TEST_CKAN_TOKEN" \
  SHOTS_DIR="$SHOTS_DIR/restricted" CHROMIUM="$CHROMIUM" CHROMIUM_PROFILE="$RUN/chromium-profile2" NODE_PATH="$PW_MODULES" \
  timeout 200 node "$HERE/drive.js"
rc2=$?
set -e
echo "restricted-mode browser test: $(ms "$t") ms, rc=$rc2"
[ $rc2 -eq 0 ] || rc=1
if [ -e "$RUN/hostile-server-ran" ]; then
  echo "STEP restricted_hostile_server_path_not_run FAIL"; rc=1
else
  echo "STEP restricted_hostile_server_path_not_run ok"
fi

if [ $rc -ne 0 ]; then
  echo "--- code-server.log (tail)"; tail -20 "$RUN/code-server.log"
  for f in "$RUN"/ud*/logs/*/window*/exthost/bcdc-lsp.bcdc-lsp/*.log "$RUN"/ud*/logs/*/window*/exthost/exthost.log; do
    [ -f "$f" ] && { echo "--- $f (tail)"; tail -30 "$f"; }
  done
fi
echo "e2e total: $(ms "$T_ALL") ms; screenshots in $SHOTS_DIR"
if [ $rc -ne 0 ]; then echo "E2E RESULT FAIL"
elif [ "$SKIP_PUBLISH" = 1 ]; then echo "E2E RESULT PASS (publish steps SKIPPED: no BCDC_TEST_CKAN_*)"
else echo "E2E RESULT PASS"; fi
exit $rc
